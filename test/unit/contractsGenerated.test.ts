import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED, inputsHash, render } from '../../scripts/compileContracts.js';
import { repoRoot } from '../utils/cli.js';

describe('src/chain/contracts.generated.ts', () => {
  it('is what solc makes of the contracts today (recompiled, cached by the hash of its inputs)', () => {
    const cache = join(repoRoot, '.cache/contracts');
    const cached = join(cache, `${inputsHash()}.ts`);
    let text: string;
    if (existsSync(cached)) text = readFileSync(cached, 'utf8');
    else {
      text = render();
      mkdirSync(cache, { recursive: true });
      writeFileSync(cached, text);
    }
    expect(readFileSync(GENERATED, 'utf8'), 'stale: run node scripts/compileContracts.js').toBe(text);
  }, 120_000);
});
