/**
 * Plans a zero-knowledge query against a version 2 commitment: which table and columns the
 * circuit opens, each predicate's operator and constant as field elements, the query hash the
 * proofs are bound to, and the result assembled from the chunk outputs. Pure.
 */

import { encodeValue, FIELD_MODULUS, type Poseidon } from '../commit/index.js';
import type { Commitment } from '../core/schemas/commitment.js';
import type { ColumnLogicalType } from '../core/schemas/tables.js';
import { CHUNK_ROWS, type ChunkQueryCircuit, PREDICATE_OPS, type PredicateOp } from './circuits.js';
import { ZkError } from './errors.js';
import type { ZkQuery } from './sql.js';

/** What the circuits prove: COUNT(*), COUNT(x), SUM(x), SUM(x·x) over rows meeting every predicate. */
export type ZkQuerySpec = {
  table: string;
  /** The aggregated column x; null for COUNT(*) alone. */
  valueColumn: string | null;
  predicates: readonly { column: string; op: Exclude<PredicateOp, 'none'>; value: string }[];
};

/**
 * What the circuits prove of a parsed query (`parseZkQuery`): the table, the value column and
 * the conjunction. GROUP BY is not proved yet.
 */
export function zkQuerySpec(q: ZkQuery): ZkQuerySpec {
  if (q.groupBy !== null) {
    throw invalid("GROUP BY is not proved yet; ask one query per group with WHERE g = 'v'");
  }
  return {
    table: q.table,
    valueColumn: q.valueColumn,
    predicates: q.where.map((w) => {
      if (w.op === 'in' || w.values.length !== 1) throw invalid('IN is not proved; use =');
      return { column: w.column, op: w.op, value: (w.values[0] as { text: string }).text };
    }),
  };
}

export type PlannedPredicate = {
  column: string;
  col: number;
  op: PredicateOp;
  code: number;
  constant: bigint;
};

export type ZkPlan = {
  table: string;
  tableIndex: number;
  encodingHash: bigint;
  rows: number;
  chunks: number;
  valueColumn: string | null;
  /** The opened value column (the first predicate's column, or column 0, for COUNT(*) alone). */
  xCol: number;
  /** Decimal digits of x (its scale), to read SUM back as a number. */
  xScale: number;
  predicates: readonly PlannedPredicate[];
};

const QUERY_TAG = asciiTag('sinso/zk/chunk-query/v1');
const NUMERIC: ReadonlySet<ColumnLogicalType> = new Set(['int', 'decimal', 'bool']);
const ORDERED: ReadonlySet<ColumnLogicalType> = new Set(['int', 'decimal', 'date', 'timestamp', 'bool']);

/**
 * Checks a query against the commitment and returns its plan.
 *
 * @example
 * planZkQuery(commitment, { table: 'observations', valueColumn: 'value', predicates: [{ column: 'age', op: '>=', value: '30' }] });
 */
export function planZkQuery(commitment: Commitment, q: ZkQuerySpec): ZkPlan {
  if (commitment.version !== '2') {
    throw new ZkError('ZK_COMMITMENT_UNSUPPORTED', { version: Number(commitment.version) });
  }
  const tableIndex = commitment.tables.findIndex((t) => t.name === q.table);
  const table = commitment.tables[tableIndex];
  if (!table) throw invalid(`table "${q.table}" is not in the commitment`);
  if (table.rows === 0) throw invalid(`table "${q.table}" has no rows`);
  const columnOf = (name: string) => {
    const col = table.columns.findIndex((c) => c.name === name);
    const column = table.columns[col];
    if (!column) throw invalid(`column "${name}" is not in table "${q.table}"`);
    return { col, column };
  };
  const predicates = q.predicates.map((p): PlannedPredicate => {
    const { col, column } = columnOf(p.column);
    const logical = column.logical as ColumnLogicalType;
    if (!ORDERED.has(logical) && p.op !== '=' && p.op !== '!=') {
      throw invalid(`column "${p.column}" is ${logical}: only = and != compare it`);
    }
    return {
      column: p.column,
      col,
      op: p.op,
      code: PREDICATE_OPS[p.op],
      constant: encodeConstant(column, p.value),
    };
  });
  let xCol: number;
  let xScale = 0;
  if (q.valueColumn === null) {
    xCol = predicates[0]?.col ?? 0;
  } else {
    const { col, column } = columnOf(q.valueColumn);
    const logical = column.logical as ColumnLogicalType;
    if (!NUMERIC.has(logical)) {
      throw invalid(
        `column "${q.valueColumn}" is ${logical}: SUM, AVG and VAR need an int, decimal or bool column`,
      );
    }
    xCol = col;
    xScale = column.scale ?? 0;
  }
  return {
    table: q.table,
    tableIndex,
    encodingHash: BigInt(table.encodingHash),
    rows: table.rows,
    chunks: Math.ceil(table.rows / CHUNK_ROWS),
    valueColumn: q.valueColumn,
    xCol,
    xScale,
    predicates,
  };
}

/** The plan's predicates padded to the circuit's slots (unused slots: `none` on x's column). */
export function circuitPredicates(plan: ZkPlan, circuit: ChunkQueryCircuit): readonly PlannedPredicate[] {
  if (plan.predicates.length > circuit.predicates) {
    throw invalid(
      `${plan.predicates.length} predicates; circuit ${circuit.name} takes ${circuit.predicates}`,
    );
  }
  const none: PlannedPredicate = { column: '', col: plan.xCol, op: 'none', code: 0, constant: 0n };
  return [
    ...plan.predicates,
    ...Array.from({ length: circuit.predicates - plan.predicates.length }, () => none),
  ];
}

/** The public query hash of the plan on a circuit (what every chunk proof of the query is bound to). */
export function queryHash(poseidon: Poseidon, plan: ZkPlan, circuit: ChunkQueryCircuit): bigint {
  const inputs = [
    QUERY_TAG,
    BigInt(plan.tableIndex),
    plan.encodingHash,
    BigInt(plan.rows),
    BigInt(plan.xCol),
  ];
  for (const p of circuitPredicates(plan, circuit)) inputs.push(BigInt(p.col), BigInt(p.code), p.constant);
  return poseidon.hash(inputs);
}

/** The outputs of one chunk proof, as signed integers. */
export type ChunkOutputs = { count: bigint; countX: bigint; sumX: bigint; sumSqX: bigint };

/** Reads a field element as a signed integer (above (p − 1)/2 is negative). */
export function signedField(x: bigint): bigint {
  return x > (FIELD_MODULUS - 1n) / 2n ? x - FIELD_MODULUS : x;
}

/** The query's answer: exact integers, and the aggregates a person reads (decimal text). */
export type ZkResult = {
  count: string;
  countX: string;
  sum: string | null;
  sumSq: string | null;
  avg: number | null;
  varSamp: number | null;
  varPop: number | null;
};

/** Adds the chunks' outputs and derives SUM, AVG and VAR in x's own units. */
export function assembleResult(plan: ZkPlan, chunks: readonly ChunkOutputs[]): ZkResult {
  let count = 0n;
  let countX = 0n;
  let sumX = 0n;
  let sumSqX = 0n;
  for (const c of chunks) {
    count += c.count;
    countX += c.countX;
    sumX += c.sumX;
    sumSqX += c.sumSqX;
  }
  if (plan.valueColumn === null) {
    return {
      count: count.toString(),
      countX: countX.toString(),
      sum: null,
      sumSq: null,
      avg: null,
      varSamp: null,
      varPop: null,
    };
  }
  const s = plan.xScale;
  const n = Number(countX);
  const mean = n > 0 ? Number(sumX) / 10 ** s / n : null;
  // Σ(x − mean)² = Σx² − (Σx)²/n, exact in integers of scale 2s before the one division
  const ss = n > 0 ? Number(sumSqX * countX - sumX * sumX) / Number(countX) / 10 ** (2 * s) : null;
  return {
    count: count.toString(),
    countX: countX.toString(),
    sum: decimalText(sumX, s),
    sumSq: decimalText(sumSqX, 2 * s),
    avg: mean,
    varSamp: ss !== null && n > 1 ? ss / (n - 1) : null,
    varPop: ss !== null && n > 0 ? ss / n : null,
  };
}

/** A scaled integer as exact decimal text: 1234 at scale 2 → "12.34". */
export function decimalText(x: bigint, scale: number): string {
  if (scale === 0) return x.toString();
  const neg = x < 0n;
  const digits = (neg ? -x : x).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function encodeConstant(column: Commitment['tables'][number]['columns'][number], value: string): bigint {
  const logical = column.logical as ColumnLogicalType;
  const enc = { name: column.name, logical, scale: column.scale };
  if (logical === 'categorical') {
    const code = column.dictionary?.indexOf(value) ?? -1;
    // a value outside the dictionary occurs in no row: code 0 is no value's code
    return BigInt(code + 1);
  }
  try {
    if (logical === 'decimal') return encodeValue(enc, canonicalDecimal(value, column.scale ?? 0));
    if (logical === 'bool') return encodeValue(enc, value === 'true' || value === '1');
    return encodeValue(enc, value);
  } catch {
    throw invalid(`the constant compared with column "${column.name}" is not a valid ${logical}`);
  }
}

/** "7.5" at scale 2 → "7.50"; more digits than the scale cannot be compared exactly. */
function canonicalDecimal(text: string, scale: number): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw invalid('a decimal constant must be digits with an optional point');
  const [, sign, whole, frac = ''] = m;
  if (frac.length > scale) throw invalid(`the constant has more decimals than the column's scale (${scale})`);
  const body =
    scale === 0 ? String(BigInt(whole as string)) : `${BigInt(whole as string)}.${frac.padEnd(scale, '0')}`;
  return `${sign}${body}`;
}

function asciiTag(s: string): bigint {
  return BigInt(`0x${Buffer.from(s, 'ascii').toString('hex')}`);
}

function invalid(problem: string): ZkError {
  return new ZkError('ZK_QUERY_INVALID', { problem });
}
