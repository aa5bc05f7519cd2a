// @ts-check
/**
 * The boundary rule of src/ (README → Architecture), as a check that the architecture test runs
 * on src/ and on fixtures, and that .ci/run runs on its own (`node test/utils/architecture.js`):
 *
 * 1. Imports point down the data flow: a folder imports only folders before it in FLOW (core
 *    imports none; nothing imports cli).
 * 2. Across folders, a stage is imported through its public `index.ts` only, never a deep path
 *    (core, a library of shared parts, may be imported by path).
 * 3. No import cycle between modules (type-only imports excluded: they vanish at run time).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The data flow of DESIGN.md, then the runner and the CLI on top. */
export const FLOW = [
  'core',
  'synth',
  'ingest',
  'deid',
  'tables',
  'commit',
  'storage',
  'publish',
  'chain',
  'he',
  'zk',
  'train',
  'receipts',
  'settle',
  'audit',
  'notebook',
  'pipeline',
  'cli',
];

/** @param {string} dir @returns {string[]} */
function files(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/**
 * The relative imports of a file: target (resolved .ts path) and whether only types are imported.
 * @param {string} file
 * @returns {{ target: string, typeOnly: boolean }[]}
 */
export function importsOf(file) {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  /** @type {{ target: string, typeOnly: boolean }[]} */
  const out = [];
  const add = (/** @type {string} */ spec, /** @type {boolean} */ typeOnly) => {
    if (!spec.startsWith('.')) return;
    out.push({ target: resolve(dirname(file), spec).replace(/\.js$/, '.ts'), typeOnly });
  };
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s+from\s+['"]([^'"]+)['"]/gm)) {
    const names = m[3] ?? '';
    // `import { type A, type B } from` imports types only, too
    const allTypes =
      /^\{[^}]*\}$/.test(names.trim()) &&
      names.split(',').every((n) => /^\s*\{?\s*type\s/.test(n) || /^\s*\}?\s*$/.test(n));
    add(m[4] ?? '', Boolean(m[2]) || allTypes);
  }
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) add(m[1] ?? '', false);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) add(m[1] ?? '', false);
  return out;
}

/**
 * Every violation of the boundary rule in a source tree, one line each.
 * @param {string} src the `src` folder
 * @returns {string[]}
 */
export function checkArchitecture(src) {
  const violations = [];
  const all = files(src);
  /** @param {string} abs */
  const folderOf = (abs) => {
    const rel = relative(src, abs).split(sep);
    return rel.length === 1 ? '' : /** @type {string} */ (rel[0]);
  };
  /** @type {Map<string, string[]>} */
  const graph = new Map();
  for (const file of all) {
    const from = folderOf(file);
    const edges = [];
    for (const { target, typeOnly } of importsOf(file)) {
      if (!typeOnly) edges.push(target);
      const to = folderOf(target);
      if (from === '' || to === from || to === 'types') continue;
      const where = `${relative(src, file)} → ${relative(src, target)}`;
      const a = FLOW.indexOf(from);
      const b = FLOW.indexOf(to);
      if (to === 'cli') violations.push(`${where}: nothing imports the CLI`);
      else if (a < 0) violations.push(`${where}: ${from}/ is not a folder of the data flow`);
      else if (b < 0) violations.push(`${where}: ${to}/ is not a folder of the data flow`);
      else if (b > a) violations.push(`${where}: imports up the data flow (${to} comes after ${from})`);
      else if (to !== 'core' && relative(src, target) !== join(to, 'index.ts'))
        violations.push(`${where}: a deep import; import ${to}/index.ts, the stage's public entry`);
    }
    graph.set(file, edges);
  }
  for (const cycle of cyclesOf(graph)) {
    violations.push(`import cycle: ${cycle.map((f) => relative(src, f)).join(' → ')}`);
  }
  return violations;
}

/**
 * The elementary cycles found by a depth-first search (one per back edge), in a stable order.
 * @param {Map<string, string[]>} graph
 * @returns {string[][]}
 */
export function cyclesOf(graph) {
  /** @type {Map<string, number>} 1: on the stack, 2: done */
  const state = new Map();
  /** @type {string[]} */
  const stack = [];
  /** @type {string[][]} */
  const cycles = [];
  /** @param {string} node */
  const visit = (node) => {
    state.set(node, 1);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      const s = state.get(next);
      if (s === 1) cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 2);
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const src = resolve(process.argv[2] ?? 'src');
  const violations = checkArchitecture(src);
  for (const v of violations) process.stderr.write(`${v}\n`);
  process.stdout.write(
    violations.length === 0
      ? `architecture: ok (${files(src).length} modules, no deep or upward import, no cycle)\n`
      : `architecture: ${violations.length} violation(s)\n`,
  );
  process.exit(violations.length === 0 ? 0 : 1);
}
