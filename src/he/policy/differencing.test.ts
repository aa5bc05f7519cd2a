import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors/index.js';
import { HeError } from '../errors.js';
import type { GroupScope } from '../scope.js';
import { checkDifferencing, contains, describeScope } from './differencing.js';

const DATASETS = ['owner-001', 'owner-002', 'owner-003'];
const COLUMNS = ['gender', 'age_band_10', 'code'];
// values unlike any column name or word of the message, to check none leaks
const VALUES = ['val-female', 'val-40-49', 'val-4548-4', null];

const sortedSubset = <T>(items: readonly T[], minLength = 0) =>
  fc
    .subarray([...items], { minLength })
    .map((xs) => [...xs].sort((a, b) => String(a).localeCompare(String(b))));

const scopeArb: fc.Arbitrary<GroupScope> = fc.record({
  datasets: sortedSubset(DATASETS, 1),
  constraints: fc
    .subarray(COLUMNS)
    .chain((cols) =>
      fc
        .tuple(...cols.map(() => sortedSubset(VALUES, 1)))
        .map((vals) => Object.fromEntries(cols.map((c, i) => [c, vals[i]!]))),
    ),
});

/** A scope inside `outer`: fewer datasets, fewer values, maybe one more constrained column. */
function narrower(outer: GroupScope): fc.Arbitrary<GroupScope> {
  const cols = Object.keys(outer.constraints);
  const free = COLUMNS.filter((c) => !cols.includes(c));
  return fc.record({
    datasets: sortedSubset(outer.datasets, 1),
    constraints: fc
      .tuple(
        fc.tuple(...cols.map((c) => sortedSubset(outer.constraints[c]!, 1))),
        free.length
          ? fc.option(fc.tuple(fc.constantFrom(...free), sortedSubset(VALUES, 1)))
          : fc.constant(null),
      )
      .map(([vals, extra]) => ({
        ...Object.fromEntries(cols.map((c, i) => [c, vals[i]!])),
        ...(extra ? { [extra[0]]: extra[1] } : {}),
      })),
  });
}

/** Every row of a small universe a scope covers (the oracle containment must agree with). */
function rows(scope: GroupScope): Set<string> {
  const out = new Set<string>();
  for (const d of DATASETS) {
    if (!scope.datasets.includes(d)) continue;
    for (const g of VALUES)
      for (const a of VALUES)
        for (const c of VALUES) {
          const row: Record<string, string | null> = { gender: g, age_band_10: a, code: c };
          const ok = Object.entries(scope.constraints).every(([col, allowed]) =>
            allowed.includes(row[col] ?? null),
          );
          if (ok) out.add(JSON.stringify([d, g, a, c]));
        }
  }
  return out;
}

describe('contains', () => {
  it('is reflexive', () => {
    fc.assert(
      fc.property(scopeArb, (s) => {
        expect(contains(s, s)).toBe(true);
      }),
    );
  });

  it('is transitive', () => {
    const chain = scopeArb.chain((a) => narrower(a).chain((b) => narrower(b).map((c) => [a, b, c] as const)));
    fc.assert(
      fc.property(chain, ([a, b, c]) => {
        expect(contains(a, b) && contains(b, c)).toBe(true);
        expect(contains(a, c)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(scopeArb, scopeArb, scopeArb, (a, b, c) => {
        fc.pre(contains(a, b) && contains(b, c));
        expect(contains(a, c)).toBe(true);
      }),
    );
  });

  it('only says so when the rows are contained', () => {
    fc.assert(
      fc.property(scopeArb, scopeArb, (outer, inner) => {
        if (!contains(outer, inner)) return;
        const all = rows(outer);
        expect([...rows(inner)].every((r) => all.has(r))).toBe(true);
      }),
    );
  });

  it('follows the rule on examples', () => {
    const both = { datasets: ['a', 'b'], constraints: { gender: ['f', 'm'] } };
    expect(contains(both, { datasets: ['a'], constraints: { gender: ['f'], age: ['40'] } })).toBe(true);
    // outer constrains a column inner leaves free
    expect(contains(both, { datasets: ['a'], constraints: {} })).toBe(false);
    // a value, or a dataset, outside
    expect(contains(both, { datasets: ['a'], constraints: { gender: [null] } })).toBe(false);
    expect(contains(both, { datasets: ['c'], constraints: { gender: ['f'] } })).toBe(false);
    expect(contains({ datasets: ['a'], constraints: {} }, both)).toBe(false);
  });
});

describe('checkDifferencing', () => {
  it('passes a group equal to one released before with the same count', () => {
    fc.assert(
      fc.property(scopeArb, fc.nat(10_000), fc.integer({ min: 0, max: 100 }), (scope, count, minCohort) => {
        expect(() =>
          checkDifferencing([{ scope, count }], { scope: structuredClone(scope), count }, minCohort),
        ).not.toThrow();
      }),
    );
  });

  it('always refuses a nested group (either way) whose count differs by less than the minimum cohort', () => {
    const nested = scopeArb.chain((outer) => narrower(outer).map((inner) => [outer, inner] as const));
    fc.assert(
      fc.property(
        nested,
        fc.boolean(),
        fc.nat(10_000),
        fc.integer({ min: 2, max: 50 }),
        fc.nat(),
        ([outer, inner], candidateInside, count, minCohort, d) => {
          const difference = 1 + (d % (minCohort - 1));
          const [earlier, candidate] = candidateInside ? [outer, inner] : [inner, outer];
          const other = { scope: { datasets: ['elsewhere'], constraints: {} }, count: 0 };
          const history = [other, { scope: earlier, count: count + difference }];
          let thrown: unknown;
          try {
            checkDifferencing(history, { scope: candidate, count }, minCohort);
          } catch (err) {
            thrown = err;
          }
          expect(thrown).toBeInstanceOf(HeError);
          const e = thrown as HeError;
          expect(e.code).toBe('HE_DIFFERENCING');
          expect(e.fields).toEqual({ group: describeScope(candidate), difference, minCohort });
          for (const v of VALUES) if (v !== null) expect(e.message).not.toContain(v);
        },
      ),
    );
  });

  it('passes a difference of 0 or of at least the minimum cohort, and scopes not nested', () => {
    const female = { datasets: ['a'], constraints: { gender: ['f'] } };
    const all = { datasets: ['a'], constraints: {} };
    const male = { datasets: ['a'], constraints: { gender: ['m'] } };
    expect(() =>
      checkDifferencing([{ scope: all, count: 50 }], { scope: female, count: 40 }, 10),
    ).not.toThrow();
    expect(() =>
      checkDifferencing([{ scope: all, count: 40 }], { scope: female, count: 40 }, 10),
    ).not.toThrow();
    expect(() =>
      checkDifferencing([{ scope: male, count: 41 }], { scope: female, count: 40 }, 10),
    ).not.toThrow();
    expect(() => checkDifferencing([{ scope: all, count: 49 }], { scope: female, count: 40 }, 10)).toThrow(
      /differs from a group released before by 9 rows, fewer than the minimum cohort 10/,
    );
    expect(() => checkDifferencing([], { scope: female, count: 1 }, 10)).not.toThrow();
    expect(() => checkDifferencing([], { scope: female, count: 1 }, -1)).toThrow(UsageError);
  });
});

describe('describeScope', () => {
  it('names the columns and counts of values and datasets, never the values', () => {
    expect(
      describeScope({
        datasets: ['a', 'b'],
        constraints: { gender: ['val-female'], age_band_10: ['val-40-49'] },
      }),
    ).toBe('age_band_10 (1 value), gender (1 value) over 2 datasets');
    expect(describeScope({ datasets: ['a'], constraints: { code: ['x', null] } })).toBe(
      'code (2 values) over 1 dataset',
    );
    expect(describeScope({ datasets: ['a'], constraints: {} })).toBe('all rows over 1 dataset');
  });
});
