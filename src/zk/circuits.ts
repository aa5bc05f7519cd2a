import { CHUNK_SIGNALS } from '../chain/index.js';

/**
 * The catalogue of circuits: each one instance of a template in circuits/lib, named by its
 * parameters. The main component of each is generated here (one source of truth for the
 * parameters), so a circuit is fully described by its spec and the circuits/ sources.
 */

/** Rows per chunk of commitment version 2; every chunk circuit is compiled for it. */
export const CHUNK_ROWS = 128;
/** Chunk-tree depth the circuits allow: 2^16 chunks (8,388,608 rows) per table. */
export const TREE_DEPTH = 16;
/** Table slots of a version 2 dataset root. */
export const TABLE_SLOTS = 14;

/** Predicate operators as the circuits number them. */
export const PREDICATE_OPS = { none: 0, '=': 1, '<': 2, '<=': 3, '>': 4, '>=': 5, '!=': 6 } as const;
export type PredicateOp = keyof typeof PREDICATE_OPS;

export type ChunkQueryCircuit = {
  readonly name: string;
  readonly template: 'ChunkQuery';
  /** Predicate slots (a query uses at most this many; unused slots are `none`). */
  readonly predicates: number;
  /** Order comparisons are exact for values within 2^width of the constant. */
  readonly width: number;
};

/**
 * The public signals of a chunk-query proof, in snarkjs's order (outputs, then public inputs):
 * the chain's registry takes exactly these.
 */
export const CHUNK_QUERY_SIGNALS = CHUNK_SIGNALS;

const chunkQuery = (predicates: number, width: number): ChunkQueryCircuit => ({
  name: `chunk-query-p${predicates}-w${width}`,
  template: 'ChunkQuery',
  predicates,
  width,
});

/**
 * Every circuit sinso proves with, cheapest first: a prover picks the first whose predicate
 * slots and comparison width fit the query and the chunk's values.
 */
export const CIRCUITS: readonly ChunkQueryCircuit[] = [
  chunkQuery(1, 16),
  chunkQuery(1, 64),
  chunkQuery(2, 64),
];

/** The circuit named `name`, or undefined. */
export function circuitByName(name: string): ChunkQueryCircuit | undefined {
  return CIRCUITS.find((c) => c.name === name);
}

/** The main component of a circuit, as circom source (compiled with circuits/ on the include path). */
export function mainSource(c: ChunkQueryCircuit): string {
  return [
    'pragma circom 2.1.6;',
    'include "lib/chunk_query.circom";',
    `// ${c.name}: ${CHUNK_ROWS} rows, ${c.predicates} predicate slot(s), ${c.width}-bit comparisons, chunk trees up to 2^${TREE_DEPTH} chunks, ${TABLE_SLOTS} tables`,
    `component main {public [datasetRoot, queryHash, chunkIndex]} = ChunkQuery(${CHUNK_ROWS}, ${Math.log2(CHUNK_ROWS)}, ${c.predicates}, ${c.width}, ${TREE_DEPTH}, ${TABLE_SLOTS});`,
    '',
  ].join('\n');
}
