import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkArchitecture } from '../utils/architecture.js';
import { repoRoot } from '../utils/cli.js';

const fixture = (name: string) => join(repoRoot, 'test/fixtures/architecture', name, 'src');

describe('architecture (the boundary rule of README → Architecture)', () => {
  it('holds for src/: imports point down the data flow, through public indexes, without cycles', () => {
    expect(checkArchitecture(join(repoRoot, 'src'))).toEqual([]);
  });

  it('accepts a stage importing an earlier stage’s public index and core by path', () => {
    expect(checkArchitecture(fixture('ok'))).toEqual([]);
  });

  it('fails on a deep import across stages', () => {
    expect(checkArchitecture(fixture('deep'))).toEqual([
      "commit/index.ts → tables/readTables.ts: a deep import; import tables/index.ts, the stage's public entry",
    ]);
  });

  it('fails on an import up the data flow', () => {
    expect(checkArchitecture(fixture('upward'))).toEqual([
      'tables/index.ts → commit/index.ts: imports up the data flow (commit comes after tables)',
    ]);
  });

  it('fails on an import cycle', () => {
    expect(checkArchitecture(fixture('cycle'))).toEqual([
      'import cycle: tables/a.ts → tables/b.ts → tables/a.ts',
    ]);
  });
});
