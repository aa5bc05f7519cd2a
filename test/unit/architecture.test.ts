import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../utils/cli.js';

/** The data flow of DESIGN.md: a stage may import core and the *types* of earlier stages only. */
const flow = [
  'core',
  'synth',
  'ingest',
  'deid',
  'tables',
  'commit',
  'storage',
  'chain',
  'he',
  'zk',
  'train',
  'receipts',
  'settle',
  'audit',
];
const src = join(repoRoot, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

function imports(file: string): { target: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const out: { target: string; typeOnly: boolean }[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"](\.[^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    out.push({ target: resolve(join(file, '..'), m[3] as string), typeOnly: Boolean(m[2]) });
  }
  return out;
}

const folderOf = (abs: string) => relative(src, abs).split(sep)[0] as string;

describe('architecture', () => {
  it('imports point down the data flow; only the registry composes stages; nothing imports the CLI', () => {
    const violations: string[] = [];
    for (const file of files(src)) {
      if (file.endsWith('.test.ts') || relative(src, file) === 'index.ts') continue;
      const from = folderOf(file);
      for (const { target, typeOnly } of imports(file)) {
        const to = folderOf(target);
        if (to === from || to === 'types') continue;
        const where = `${relative(src, file)} → ${relative(src, target)}`;
        if (to === 'cli') violations.push(`${where}: nothing imports the CLI`);
        else if (from === 'cli' || from === 'pipeline') continue;
        else if (to === 'pipeline') violations.push(`${where}: stages never import the pipeline runner`);
        else if (from === 'core') violations.push(`${where}: core imports no stage`);
        else if (to !== 'core') {
          const a = flow.indexOf(from);
          const b = flow.indexOf(to);
          if (b > a) violations.push(`${where}: imports a later stage`);
          else if (!typeOnly) violations.push(`${where}: may import only the types of an earlier stage`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
