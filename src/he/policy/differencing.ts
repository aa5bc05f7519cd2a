import { UsageError } from '../../core/errors/index.js';
import { HeError } from '../errors.js';
import type { GroupScope } from '../scope.js';

/** A group released before (or asked for now): the rows it covers, and how many there are. */
export type ReleasedGroup = { scope: GroupScope; count: number };

/**
 * True when every row `inner` covers lies in `outer`, as far as the scopes show: inner's datasets
 * are among outer's, and every column outer constrains is constrained by inner to a subset of
 * outer's values. A column inner constrains and outer does not only narrows inner further.
 * (Sound, not complete: scopes whose sets differ but whose rows happen to coincide in the data
 * are not recognised.)
 *
 * @example
 * contains(
 *   { datasets: ['a', 'b'], constraints: { gender: ['female'] } },
 *   { datasets: ['a'], constraints: { gender: ['female'], age_band_10: ['40-49'] } },
 * ); // true
 */
export function contains(outer: GroupScope, inner: GroupScope): boolean {
  const datasets = new Set(outer.datasets);
  if (!inner.datasets.every((d) => datasets.has(d))) return false;
  for (const [column, allowed] of Object.entries(outer.constraints)) {
    const narrowed = inner.constraints[column];
    if (narrowed === undefined) return false;
    const set = new Set(allowed);
    if (!narrowed.every((v) => set.has(v))) return false;
  }
  return true;
}

/**
 * Refuses a group whose count, set beside the count of a group released before, would reveal a
 * few rows: when one scope contains the other ({@link contains}, either way) their counts differ
 * by the count of the rows between them, and a difference of 1 to `minCohort − 1` singles those
 * rows out (then their other aggregates can be differenced too). A difference of 0 (the same
 * rows, e.g. the same group asked again) or of at least `minCohort` passes. The check is
 * pairwise: it does not look for a group that is the sum or difference of several released ones.
 * Throws HE_DIFFERENCING naming the candidate by {@link describeScope} (never its values).
 *
 * @example
 * checkDifferencing(ledgers.history(scope.datasets), { scope, count: 41 }, 10);
 */
export function checkDifferencing(
  history: readonly ReleasedGroup[],
  candidate: ReleasedGroup,
  minCohort: number,
): void {
  if (!(Number.isInteger(minCohort) && minCohort >= 0)) {
    throw new UsageError(`The minimum cohort must be a whole number of at least 0 (got ${minCohort}).`);
  }
  for (const earlier of history) {
    if (!contains(earlier.scope, candidate.scope) && !contains(candidate.scope, earlier.scope)) continue;
    const difference = Math.abs(earlier.count - candidate.count);
    if (difference > 0 && difference < minCohort) {
      throw new HeError('HE_DIFFERENCING', { group: describeScope(candidate.scope), difference, minCohort });
    }
  }
}

/**
 * A description of a scope safe to show and log: the columns it constrains (sorted) with the
 * number of values each allows, and the number of datasets; never the values, which can be data
 * (a rare diagnosis code, a postcode).
 *
 * @example
 * describeScope({ datasets: ['a', 'b'], constraints: { gender: ['female'], age_band_10: ['40-49'] } });
 * // 'age_band_10 (1 value), gender (1 value) over 2 datasets'
 */
export function describeScope(scope: GroupScope): string {
  const columns = Object.keys(scope.constraints)
    .sort()
    .map((c) => {
      const n = scope.constraints[c]?.length ?? 0;
      return `${c} (${n} ${n === 1 ? 'value' : 'values'})`;
    });
  const n = scope.datasets.length;
  const over = `over ${n} ${n === 1 ? 'dataset' : 'datasets'}`;
  return columns.length === 0 ? `all rows ${over}` : `${columns.join(', ')} ${over}`;
}
