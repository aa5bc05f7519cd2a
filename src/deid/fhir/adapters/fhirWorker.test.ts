import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The packages a module loads at start, following its value imports and re-exports (not
 * `import type`) through the source tree: a worker thread pays for each of them before its first
 * task.
 */
function packagesLoaded(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'([^']+)';/gm)) {
      if (m[1] !== undefined) continue; // types only: erased
      const spec = m[2] ?? '';
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:'))
        packages.add(spec.startsWith('@') ? spec : (spec.split('/')[0] ?? spec));
    }
  };
  visit(entry);
  return packages;
}

describe('the FHIR worker thread', () => {
  it('starts without zod or fhirpath (options are parsed by the caller; rules load fhirpath when used)', () => {
    const worker = fileURLToPath(new URL('./fhirWorker.ts', import.meta.url));
    const loaded = packagesLoaded(worker);
    expect(loaded.has('zod')).toBe(false);
    expect(loaded.has('fhirpath')).toBe(false);
  });
});
