/**
 * The private and public inputs of one chunk proof: the query's plan, and the opening of the
 * chunk (the opened columns' values, salts and null words, the other column hashes, the chunk's
 * path to the dataset root). Pure; the opening comes from the commitment (commit's chunkWitness).
 */
import type { ChunkWitnessReturnType } from '../commit/index.js';
import { CHUNK_ROWS, type ChunkQueryCircuit, TABLE_SLOTS, TREE_DEPTH } from './circuits.js';
import { ZkError } from './errors.js';
import { circuitPredicates, type ZkPlan } from './plan.js';

/** One chunk of one table, opened: everything the circuit re-hashes up to the dataset root. */
export type ChunkOpening = {
  chunkIndex: number;
  /** The table roots of the dataset, in order. */
  tableRoots: readonly bigint[];
  /** Sibling chunk-tree nodes, bottom first (as many as the tree is deep). */
  treeSiblings: readonly bigint[];
  /** The 16 node hashes of the chunk root. */
  nodes: readonly bigint[];
  /** The 256 column-hash slots (16 nodes × 16), zero past the last column. */
  columnHashes: readonly bigint[];
  /** The opened columns by index: salt, null word and the 128 encoded values. */
  columns: ReadonlyMap<number, { salt: bigint; nullWord: bigint; values: readonly bigint[] }>;
};

/** The opening of a chunk from commit's chunk witness (every column opened). */
export function openingOf(w: ChunkWitnessReturnType): ChunkOpening {
  return {
    chunkIndex: w.chunk,
    tableRoots: w.tableRoots,
    treeSiblings: w.chunkTreePath.siblings,
    nodes: w.nodes,
    columnHashes: w.columnHashes,
    columns: new Map(w.columns.map((c, j) => [j, c])),
  };
}

type Dec = string;
/** The circuit's input signals (decimal strings, as snarkjs reads them). */
export type ChunkQueryInput = Record<string, Dec | Dec[] | Dec[][]>;

/**
 * The input of the chunk-query circuit for one chunk.
 *
 * @example
 * const input = chunkQueryInput(plan, circuit, opening, { datasetRoot, queryHash });
 */
export function chunkQueryInput(
  plan: ZkPlan,
  circuit: ChunkQueryCircuit,
  opening: ChunkOpening,
  pub: { datasetRoot: bigint; queryHash: bigint },
): ChunkQueryInput {
  const k = opening.chunkIndex;
  const predicates = circuitPredicates(plan, circuit);
  const depth = opening.treeSiblings.length;
  if (depth > TREE_DEPTH || opening.tableRoots.length > TABLE_SLOTS) {
    throw new ZkError('ZK_QUERY_INVALID', {
      problem: `the table has more than 2^${TREE_DEPTH} chunks or the dataset more than ${TABLE_SLOTS} tables`,
    });
  }
  const s = (x: bigint | number) => x.toString();
  const opened = [plan.xCol, ...predicates.map((p) => p.col)];
  const column = (col: number) => {
    const c = opening.columns.get(col);
    if (!c || c.values.length !== CHUNK_ROWS) {
      throw new ZkError('ZK_PROVE_FAILED', { chunk: k, reason: `column ${col} was not opened` });
    }
    return c;
  };
  const lastRows = plan.rows - (plan.chunks - 1) * CHUNK_ROWS;
  const nValid = k === plan.chunks - 1 ? lastRows : CHUNK_ROWS;
  return {
    datasetRoot: s(pub.datasetRoot),
    queryHash: s(pub.queryHash),
    chunkIndex: s(k),
    tableIndex: s(plan.tableIndex),
    encodingHash: s(plan.encodingHash),
    rowCount: s(plan.rows),
    xCol: s(plan.xCol),
    predCol: predicates.map((p) => s(p.col)),
    predOp: predicates.map((p) => s(p.code)),
    predConst: predicates.map((p) => s(p.constant)),
    tableCount: s(opening.tableRoots.length),
    tableRoots: Array.from({ length: TABLE_SLOTS }, (_, i) => s(opening.tableRoots[i] ?? 0n)),
    treeSiblings: Array.from({ length: TREE_DEPTH }, (_, l) => s(opening.treeSiblings[l] ?? 0n)),
    treeLevels: Array.from({ length: TREE_DEPTH }, (_, l) => (l < depth ? '1' : '0')),
    nodes: opening.nodes.map(s),
    colSalt: opened.map((c) => s(column(c).salt)),
    colNulls: opened.map((c) => s(column(c).nullWord)),
    colValues: opened.map((c) => column(c).values.map(s)),
    colSlots: opened.map((c) => opening.columnHashes.slice(16 * (c >> 4), 16 * (c >> 4) + 16).map(s)),
    lastRows: s(lastRows),
    valid: Array.from({ length: CHUNK_ROWS }, (_, i) => (i < nValid ? '1' : '0')),
  };
}

/**
 * The cheapest circuit that proves this chunk: enough predicate slots, and a comparison width
 * that covers every non-null value of each order predicate's column (|y − c| < 2^width).
 */
export function pickCircuit(
  plan: ZkPlan,
  opening: ChunkOpening,
  circuits: readonly ChunkQueryCircuit[],
  field: { signed(x: bigint): bigint },
): ChunkQueryCircuit {
  let spread = 0n;
  for (const p of plan.predicates) {
    if (p.op === '=' || p.op === '!=' || p.op === 'none') continue;
    const c = opening.columns.get(p.col);
    if (!c) continue;
    const constant = field.signed(p.constant);
    for (let i = 0; i < CHUNK_ROWS; i++) {
      if ((c.nullWord >> BigInt(i)) & 1n) continue;
      const d = field.signed(c.values[i] as bigint) - constant;
      const a = d < 0n ? -d : d;
      if (a > spread) spread = a;
    }
  }
  const fit = circuits.find((c) => c.predicates >= plan.predicates.length && spread < 1n << BigInt(c.width));
  if (!fit) {
    throw new ZkError('ZK_QUERY_INVALID', {
      problem: `no circuit takes ${plan.predicates.length} predicates over these values (at most ${Math.max(...circuits.map((c) => c.predicates))})`,
    });
  }
  return fit;
}
