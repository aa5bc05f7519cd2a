import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../utils/cli.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
};

describe('package entry points', () => {
  it('every subpath in package.json#exports loads from dist/ and exports something', async () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue; // ./package.json
      const mod = (await import(pathToFileURL(join(repoRoot, target.default)).href)) as object;
      expect(Object.keys(mod).length, subpath).toBeGreaterThan(0);
      expect(readFileSync(join(repoRoot, target.types), 'utf8').length, subpath).toBeGreaterThan(0);
    }
  });
});
