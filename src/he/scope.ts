/**
 * Which rows a released aggregate covers: the rows of `datasets` (pooled) that satisfy every
 * constraint, each a column and the set of its values allowed (`=` is a set of one; a group
 * key's value is one more constraint). `null` stands for SQL NULL (a group whose key is NULL).
 * Two scopes are nested when one's datasets and every constraint lie inside the other's; then
 * the difference of their counts is the count of the rows between them, which is what the
 * differencing check guards.
 *
 * @example
 * const s: GroupScope = { datasets: ['owner-001', 'owner-002'], constraints: { code: ['4548-4'], gender: ['female'] } };
 */
export type GroupScope = {
  /** Dataset ids, sorted, without repeats. */
  datasets: readonly string[];
  /** Column → allowed values (sorted, without repeats); a column absent is unconstrained. */
  constraints: Readonly<Record<string, readonly (string | null)[]>>;
};
