import { HeError } from './errors.js';
import type { HeTableManifest } from './heTable.js';
import { exactBound, multiplicativeDepth } from './params.js';
import type { GroupScope } from './scope.js';
import type { HeQuery } from './sql.js';

export type HeMode = 'public' | 'private';

/** An encrypted quantity summed per group: `count` (private mode), `x:COL`, `x2:COL` or `n:COL`. */
export type Quantity = string;

/** What one pooled table contributes to one group in public-keys mode: rows by block and slot range. */
export type SlotRange = { block: number; start: number; end: number };

export type PlanTable = {
  manifest: HeTableManifest;
  /** Private mode: per WHERE column, the indicator vectors whose sum is its predicate. */
  where: { column: string; vectors: number[] }[];
  /** Private mode: per plan group, the indicator vector of each group column's value (undefined: no such value here). */
  groupVectors: (number | undefined)[][];
  /** Public mode: per plan group, the slot ranges of its rows here, and their number. */
  ranges: { ranges: SlotRange[]; rows: number }[];
  /** Nothing of this table can match the WHERE clause. */
  skip: boolean;
};

export type HePlan = {
  mode: HeMode;
  query: HeQuery;
  /** The released groups' keys (one empty key without GROUP BY). */
  groups: { key: (string | null)[] }[];
  /** The encrypted quantities each group needs. */
  quantities: Quantity[];
  tables: PlanTable[];
  /** Ciphertext products in a row the plan needs. */
  depth: number;
};

const sortValues = (a: string | null, b: string | null) =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0;

/**
 * The quantities an aggregate needs: sums of the column, of its square, and its count (SUM
 * needs it too: over a group without a non-NULL value it is NULL, as in SQL, not 0).
 */
export function quantitiesOf(q: HeQuery): {
  count: boolean;
  columns: Map<string, { sum: boolean; square: boolean; count: boolean }>;
} {
  const columns = new Map<string, { sum: boolean; square: boolean; count: boolean }>();
  let count = false;
  for (const s of q.select) {
    if (s.kind !== 'aggregate') continue;
    if (s.column === null) {
      count = true;
      continue;
    }
    const c = columns.get(s.column) ?? { sum: false, square: false, count: false };
    // every aggregate of a column needs its count: COUNT itself, AVG and VAR divide by it, and
    // SUM is NULL where it is 0
    c.count = true;
    if (s.fn === 'sum' || s.fn === 'avg' || s.fn === 'var_samp' || s.fn === 'var_pop') c.sum = true;
    if (s.fn === 'var_samp' || s.fn === 'var_pop') c.square = true;
    columns.set(s.column, c);
  }
  return { count, columns };
}

/**
 * Plans an HE query over pooled encrypted tables: checks the query against every table (same
 * key, same scales, columns encrypted, the mode's columns public or indicator), sizes it
 * against the parameters (multiplicative depth; BFV sums that cannot wrap modulo t), and lists
 * the groups and the encrypted quantities to compute. Pure: no SEAL, no files.
 *
 * @example
 * const plan = planQuery(parseHeQuery('SELECT gender, AVG(value) FROM hba1c GROUP BY gender'), [m1, m2], 'public');
 */
export function planQuery(query: HeQuery, tables: readonly HeTableManifest[], mode: HeMode | 'auto'): HePlan {
  if (tables.length === 0) throw new HeError('HE_QUERY_INVALID', { problem: 'no encrypted table to query' });
  const first = tables[0] as HeTableManifest;
  for (const t of tables) {
    if (t.name !== query.table) {
      throw new HeError('HE_QUERY_INVALID', {
        problem: `the query reads ${query.table} but a pooled table is ${t.name}`,
      });
    }
    if (t.keys.fingerprint !== first.keys.fingerprint) {
      throw new HeError('HE_KEY_MISMATCH', {
        problem: 'the pooled tables were encrypted under different public keys',
      });
    }
  }
  if (!query.select.some((s) => s.kind === 'aggregate')) {
    throw new HeError('HE_QUERY_INVALID', {
      problem: 'the query asks for no aggregate (COUNT, SUM, AVG or VAR)',
    });
  }
  const whereColumns = Object.keys(query.where);
  const keyColumns = [...whereColumns, ...query.groupBy];
  const isPublic = (t: HeTableManifest) => keyColumns.every((c) => t.publicColumns.includes(c));
  const chosen: HeMode = mode === 'auto' ? (tables.every(isPublic) ? 'public' : 'private') : mode;
  for (const t of tables) {
    const missing = keyColumns.filter((c) =>
      chosen === 'public' ? !t.publicColumns.includes(c) : !t.indicators.some((i) => i.column === c),
    );
    if (missing.length > 0) {
      throw new HeError('HE_QUERY_INVALID', {
        problem: `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not ${chosen === 'public' ? 'a public column' : 'an encrypted indicator column'} of dataset ${t.dataset.id}`,
      });
    }
  }
  const need = quantitiesOf(query);
  const quantities: Quantity[] = [];
  // private mode always counts each group's rows: the key holder suppresses small groups by it
  if (chosen === 'private') quantities.push('count');
  for (const [c, n] of need.columns) {
    for (const t of tables) {
      if (!t.values.some((v) => v.column === c)) {
        throw new HeError('HE_QUERY_INVALID', {
          problem: `${c} is not an encrypted value column of dataset ${t.dataset.id}`,
        });
      }
    }
    const scales = new Set(tables.map((t) => t.values.find((v) => v.column === c)?.scale));
    if (scales.size > 1) {
      throw new HeError('HE_QUERY_INVALID', {
        problem: `the pooled tables encrypt ${c} with different scales; encrypt them with the same --scale`,
      });
    }
    if (n.sum) quantities.push(`x:${c}`);
    if (n.square) quantities.push(`x2:${c}`);
    // COUNT(x) is COUNT(*) where x has no NULL: private mode then reuses the group count
    const nulls = tables.some((t) => t.values.find((v) => v.column === c)?.hasNulls !== false);
    if (n.count && (chosen === 'public' || nulls)) quantities.push(`n:${c}`);
  }
  // exactness: no BFV sum may reach t/2
  const bound = exactBound(first.keys.params);
  if (bound !== undefined) {
    const rows = BigInt(tables.reduce((a, t) => a + t.rows, 0));
    for (const [c, n] of need.columns) {
      const v = first.values.find((x) => x.column === c) as HeTableManifest['values'][number];
      const max = BigInt(
        Math.ceil(
          Math.max(...tables.map((t) => t.values.find((x) => x.column === c)?.bound ?? 0)) * 10 ** v.scale,
        ),
      );
      const worst = rows * (n.square ? max * max : max);
      if (worst > bound) {
        throw new HeError('HE_PARAMS', {
          problem: `${n.square ? `the sum of squares of ${c}` : `the sum of ${c}`} over ${rows} rows may reach ${worst}, beyond what the plain modulus holds exactly (${bound})`,
          fix: 'Encrypt with fewer decimal places (--scale COL=N) or a tighter --bounds COL=LO:HI, or query fewer rows.',
        });
      }
    }
  }
  const hasValues = need.columns.size > 0;
  const factors = keyColumns.length;
  const depth = chosen === 'public' ? 0 : Math.max(0, hasValues ? factors : factors - 1);
  const allowed = multiplicativeDepth(first.keys.params);
  if (depth > allowed) {
    throw new HeError('HE_PARAMS', {
      problem: `the query needs ${depth} ciphertext products in a row (${factors} WHERE/GROUP BY columns${hasValues ? ' times a value' : ''}); these parameters allow ${allowed}`,
    });
  }

  // the groups: every combination of the group columns' values (private), or those of the public cells
  let groups: { key: (string | null)[] }[];
  const vocab = (c: string) =>
    [...new Set(tables.flatMap((t) => t.indicators.find((i) => i.column === c)?.values ?? []))].sort(
      sortValues,
    );
  const inWhere = (column: string, value: string | null) => {
    const allowedValues = query.where[column];
    return allowedValues === undefined || (value !== null && allowedValues.includes(value));
  };
  if (chosen === 'private') {
    groups = [{ key: [] }];
    for (const c of query.groupBy) {
      const vals = vocab(c).filter((v) => inWhere(c, v));
      groups = groups.flatMap((g) => vals.map((v) => ({ key: [...g.key, v] })));
    }
  } else {
    const seen = new Map<string, (string | null)[]>();
    for (const t of tables) {
      for (const cell of t.cells) {
        if (!whereColumns.every((c) => inWhere(c, cell.key[t.publicColumns.indexOf(c)] ?? null))) continue;
        const key = query.groupBy.map((c) => cell.key[t.publicColumns.indexOf(c)] ?? null);
        seen.set(JSON.stringify(key), key);
      }
    }
    groups = [...seen.values()]
      .sort((a, b) => {
        for (let i = 0; i < a.length; i++) {
          const d = sortValues(a[i] ?? null, b[i] ?? null);
          if (d !== 0) return d;
        }
        return 0;
      })
      .map((key) => ({ key }));
    if (query.groupBy.length === 0) groups = [{ key: [] }];
  }
  const groupIndex = new Map(groups.map((g, i) => [JSON.stringify(g.key), i]));

  const planned: PlanTable[] = tables.map((t) => {
    if (chosen === 'private') {
      const vectorOf = (c: string, v: string | null) => {
        const ind = t.indicators.find((i) => i.column === c);
        const i = ind?.values.indexOf(v) ?? -1;
        return i < 0 ? undefined : t.vectors.indexOf(`i:${c}:${i}`);
      };
      const where = whereColumns.map((c) => ({
        column: c,
        vectors: (query.where[c] ?? [])
          .map((v) => vectorOf(c, v))
          .filter((x): x is number => x !== undefined),
      }));
      const groupVectors = groups.map((g) => query.groupBy.map((c, k) => vectorOf(c, g.key[k] ?? null)));
      return {
        manifest: t,
        where,
        groupVectors,
        ranges: [],
        skip: where.some((w) => w.vectors.length === 0),
      };
    }
    const ranges = groups.map(() => ({ ranges: [] as SlotRange[], rows: 0 }));
    for (const cell of t.cells) {
      if (!whereColumns.every((c) => inWhere(c, cell.key[t.publicColumns.indexOf(c)] ?? null))) continue;
      const key = query.groupBy.map((c) => cell.key[t.publicColumns.indexOf(c)] ?? null);
      const g = groupIndex.get(JSON.stringify(key));
      if (g === undefined) continue;
      const entry = ranges[g] as { ranges: SlotRange[]; rows: number };
      entry.rows += cell.rows;
      let at = cell.start;
      const end = cell.start + cell.rows;
      while (at < end) {
        const block = Math.floor(at / t.slots);
        const blockEnd = Math.min(end, (block + 1) * t.slots);
        const last = entry.ranges.at(-1);
        const start = at - block * t.slots;
        if (last && last.block === block && last.end === start) last.end = blockEnd - block * t.slots;
        else entry.ranges.push({ block, start, end: blockEnd - block * t.slots });
        at = blockEnd;
      }
    }
    return { manifest: t, where: [], groupVectors: [], ranges, skip: ranges.every((r) => r.rows === 0) };
  });
  return { mode: chosen, query, groups, quantities, tables: planned, depth };
}

/** The rows a released group covers, for the differencing check. */
export function groupScope(plan: HePlan, group: { key: (string | null)[] }): GroupScope {
  const constraints: Record<string, (string | null)[]> = {};
  for (const [c, vals] of Object.entries(plan.query.where)) constraints[c] = [...vals];
  plan.query.groupBy.forEach((c, i) => {
    const v = group.key[i] ?? null;
    const prior = constraints[c];
    constraints[c] = prior ? prior.filter((x) => x === v) : [v];
  });
  const datasets = [...new Set(plan.tables.map((t) => t.manifest.dataset.id))].sort();
  return { datasets, constraints };
}
