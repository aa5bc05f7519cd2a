/** The aggregates of the SQL subset; VAR, VAR_SAMP and VARIANCE are `var_samp` (DuckDB's sample variance). */
export type SqlAggregateFn = 'count' | 'sum' | 'avg' | 'var_samp' | 'var_pop';

/** One item of the select list: an aggregate, or a GROUP BY column. */
export type SqlSelectItem =
  | {
      kind: 'aggregate';
      fn: SqlAggregateFn;
      column: string | null /* null only for COUNT(*) */;
      alias: string;
    }
  | { kind: 'group'; column: string; alias: string };

/**
 * A literal as written: a string (unescaped) or a number, whose text is kept exactly (`7.50`
 * stays `7.50`, `.5` stays `.5`) with a leading `-` when negative (a `+` sign is dropped). Dates
 * are string literals (`'2024-01-31'`).
 */
export type SqlLiteral = { kind: 'string' | 'number'; text: string };

/** A predicate operator; `<>` is read as `!=`, and `BETWEEN a AND b` as `>=` a and `<=` b. */
export type SqlOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in';

/** `column op value`, or `column IN (values...)`: one value for every operator but `in`. */
export type SqlPredicate = { column: string; op: SqlOp; values: readonly SqlLiteral[] };

/** A parsed query of the SQL subset, in its general form (before a dialect's own reading). */
export type SqlQuery = {
  table: string;
  select: readonly SqlSelectItem[];
  /** The conjunction of the WHERE clause as written (BETWEEN as two predicates, `5 < a` as `a > 5`). */
  where: readonly SqlPredicate[];
  /** As written; without repeats, at most the dialect's `maxGroupBy`. */
  groupBy: readonly string[];
  /** The canonical text of the query (`canonicalSql`): same meaning → same text. */
  canonical: string;
};

/**
 * What a consumer of the SQL subset allows. Every query outside it fails with a message naming
 * the construct and its offset, and the dialect's `supported` text as the fix.
 */
export type SqlDialect = {
  /** Named in messages: "the SQL subset of ZK queries". */
  name: string;
  /** The predicate operators allowed (besides BETWEEN); at least `=`. */
  operators: readonly SqlOp[];
  /** Whether `column BETWEEN a AND b` is allowed (read as `>=` a and `<=` b). */
  between: boolean;
  /** The most GROUP BY columns. */
  maxGroupBy: number;
  /** Whether every aggregate over a column (COUNT(x) included) must be over the same column. */
  oneValueColumn: boolean;
  /** One sentence describing the subset; the fix of every error. */
  supported: string;
  /**
   * The error to throw for a query outside the subset; by default a `SqlSubsetError`
   * (`SQL_UNSUPPORTED`). `problem` never holds a literal of the query.
   */
  error?: ((problem: string, offset: number) => Error) | undefined;
};
