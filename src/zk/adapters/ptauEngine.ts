import { InternalError } from '../../core/errors/index.js';

/**
 * Fixed-base scalar multiplication of the BN254 generators on ffjavascript's WebAssembly curve
 * code (the same module snarkjs runs), driven from JavaScript: a table of [d·2^(w·j)]G per
 * window, then one mixed addition per non-zero window digit, and one batch inversion to affine.
 * About 10x faster than multiplying the generator point by point (`batchApplyKey`) and 25x
 * faster than @noble/curves (see writeInsecurePtau). Points come out in snarkjs's LEM form
 * (little-endian Montgomery, affine): the bytes a .ptau file holds.
 *
 * No snarkjs import here: worker threads load this module with the WebAssembly bytes in hand.
 */

/** The two groups of a powers-of-tau file. */
export type PtauGroup = 'G1' | 'G2';

/** Where the WebAssembly module (bn128 of ffjavascript) keeps its constants. */
export type CurveCode = {
  /** The module's bytes (`curve.tm.code` of a single-thread ffjavascript curve). */
  code: Uint8Array;
  /** Offsets of the generators (Jacobian, Montgomery) in the module's memory. */
  pG1gen: number;
  pG2gen: number;
};

/** Bytes of a base-field element: 32 (G1 coordinates), 64 (G2, over Fq2). */
const N8 = { G1: 32, G2: 64 } as const;
const PREFIX = { G1: 'g1m', G2: 'g2m' } as const;
/** What `batchToAffine` takes after the free pointer: its own buffer and batchInverse's. */
const batchScratch = (group: PtauGroup, n: number) => 2 * n * N8[group];
/** Scalars are below r < 2^254. */
const SCALAR_BITS = 254;
const PAGE = 65536;

type Exports = Record<string, (...args: number[]) => number>;
/** The WebAssembly API used here (lib ES2022 and @types/node 20 do not declare it). */
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
  instantiate(code: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
};
type Table = { window: number; windows: number; digits: number; pTable: number };

export type FixedBaseEngine = {
  /**
   * Multiplies the group's generator by each scalar (32 bytes each, little-endian, standard
   * form, below r). Returns the points as LEM affine (64 bytes each in G1, 128 in G2).
   */
  multiplyGenerator(group: PtauGroup, scalars: Uint8Array): Uint8Array;
  /** LEM affine points to compressed (snarkjs `batchLEMtoC`), for the response hash. */
  toCompressed(group: PtauGroup, points: Uint8Array): Uint8Array;
  /** LEM affine points to uncompressed (snarkjs `batchLEMtoU`), for the challenge hash. */
  toUncompressed(group: PtauGroup, points: Uint8Array): Uint8Array;
  /** first·inc^i for i < n, Fr elements in Montgomery form (32 bytes each). */
  geometric(first: Uint8Array, inc: Uint8Array, n: number): Uint8Array;
  /** Each element times `factor` (Montgomery form in, Montgomery form out). */
  scale(elements: Uint8Array, factor: Uint8Array): Uint8Array;
  /** Montgomery form to standard form (the scalars `multiplyGenerator` takes). */
  fromMontgomery(elements: Uint8Array): Uint8Array;
  /** Standard form to Montgomery form. */
  toMontgomery(elements: Uint8Array): Uint8Array;
  /** Elementwise sum of equally long arrays of Fr elements (Montgomery form). */
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  /**
   * A sparse matrix times a vector over Fr: `out[rows[k]] += coefs[k] · vector[cols[k]]` for
   * every term k, into `size` elements. Coefficients in standard form (32 bytes each, as an
   * r1cs file holds them), the vector and the result in Montgomery form.
   */
  combine(terms: SparseTerms, vector: Uint8Array, size: number): Uint8Array;
};

/** The terms of a sparse matrix over Fr: row, column and coefficient of each. */
export type SparseTerms = { rows: Uint32Array; cols: Uint32Array; coefs: Uint8Array };

export type FixedBaseEngineParameters = CurveCode & {
  /** Window width in bits per group (table of ⌈254/w⌉·(2^w−1) points, built on first use). */
  windows: Record<PtauGroup, number>;
};

/**
 * Instantiates the curve module in a memory of its own (so it never shares the scratch space of
 * ffjavascript's instance) and returns the fixed-base operations.
 *
 * @example
 * const engine = await createFixedBaseEngine({ ...curveCode, windows: { G1: 12, G2: 12 } });
 * const points = engine.multiplyGenerator('G1', scalars);
 */
export async function createFixedBaseEngine(p: FixedBaseEngineParameters): Promise<FixedBaseEngine> {
  const memory = new WebAssembly.Memory({ initial: 64 });
  const { instance } = await WebAssembly.instantiate(p.code, { env: { memory } });
  const ex = instance.exports as unknown as Exports;
  let u8 = new Uint8Array(memory.buffer);
  let u32 = new Uint32Array(memory.buffer);
  const fn = (name: string) => {
    const f = ex[name];
    if (!f) throw new InternalError('INTERNAL', { what: `the curve module lacks ${name}` });
    return f;
  };
  /** The module's own allocator is the word at offset 0 (its functions take scratch from it). */
  const mark = () => u32[0] as number;
  const release = (at: number) => {
    u32[0] = at;
  };
  /** Reserves `bytes` (and room for the module's scratch after them), growing memory. */
  const alloc = (bytes: number, scratch = 0): number => {
    const at = (mark() + 7) & ~7;
    const end = at + bytes + scratch + 64;
    if (end > memory.buffer.byteLength) {
      memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
      u8 = new Uint8Array(memory.buffer);
      u32 = new Uint32Array(memory.buffer);
    }
    u32[0] = at + bytes;
    return at;
  };
  const tables: Partial<Record<PtauGroup, Table>> = {};
  const fr = {
    mul: fn('frm_mul'),
    copy: fn('frm_copy'),
    fromMontgomery: fn('frm_fromMontgomery'),
    toMontgomery: fn('frm_toMontgomery'),
    add: fn('frm_add'),
  };

  function table(group: PtauGroup): Table {
    const have = tables[group];
    if (have) return have;
    const g = PREFIX[group];
    const sA = N8[group] * 2;
    const sJ = N8[group] * 3;
    const window = p.windows[group];
    const windows = Math.ceil(SCALAR_BITS / window);
    const digits = (1 << window) - 1;
    const [addMixed, toJacobian, toAffine, batchToAffine] = [
      fn(`${g}_addMixed`),
      fn(`${g}_toJacobian`),
      fn(`${g}_toAffine`),
      fn(`${g}_batchToAffine`),
    ];
    const pTable = alloc(windows * digits * sA);
    const kept = mark();
    const pBase = alloc(sA);
    const pGen = alloc(sJ);
    // last: batchToAffine takes its scratch from the free pointer, right after this
    const pJac = alloc(digits * sJ, batchScratch(group, digits));
    // the generator (Jacobian, z = 1 in Montgomery form) → affine base of window 0
    u8.copyWithin(pGen, group === 'G1' ? p.pG1gen : p.pG2gen, (group === 'G1' ? p.pG1gen : p.pG2gen) + sJ);
    toAffine(pGen, pBase);
    for (let j = 0; j < windows; j++) {
      // row j: d·B for d = 1 … 2^w−1, with B = 2^(w·j)·G
      toJacobian(pBase, pJac);
      for (let d = 1; d < digits; d++) addMixed(pJac + (d - 1) * sJ, pBase, pJac + d * sJ);
      // the next base: 2^w·B = (2^w−1)·B + B
      addMixed(pJac + (digits - 1) * sJ, pBase, pGen);
      batchToAffine(pJac, digits, pTable + j * digits * sA);
      toAffine(pGen, pBase);
    }
    release(kept);
    const t = { window, windows, digits, pTable };
    tables[group] = t;
    return t;
  }

  function multiplyGenerator(group: PtauGroup, scalars: Uint8Array): Uint8Array {
    const t = table(group);
    const g = PREFIX[group];
    const sA = N8[group] * 2;
    const sJ = N8[group] * 3;
    const n = scalars.length / 32;
    const addMixed = fn(`${g}_addMixed`);
    const zero = fn(`${g}_zero`);
    const batchToAffine = fn(`${g}_batchToAffine`);
    const kept = mark();
    try {
      const pOut = alloc(n * sJ, batchScratch(group, n));
      const s = new Uint8Array(36);
      const mask = t.digits;
      for (let i = 0; i < n; i++) {
        const acc = pOut + i * sJ;
        zero(acc);
        s.set(scalars.subarray(i * 32, i * 32 + 32));
        for (let j = 0; j < t.windows; j++) {
          const bit = j * t.window;
          const at = bit >> 3;
          const v = (s[at] as number) | ((s[at + 1] as number) << 8) | ((s[at + 2] as number) << 16);
          const d = (v >>> (bit & 7)) & mask;
          if (d !== 0) addMixed(acc, t.pTable + (j * t.digits + d - 1) * sA, acc);
        }
      }
      batchToAffine(pOut, n, pOut);
      return u8.slice(pOut, pOut + n * sA);
    } finally {
      release(kept);
    }
  }

  function convert(group: PtauGroup, points: Uint8Array, fnName: string, outSize: number): Uint8Array {
    const sA = N8[group] * 2;
    const n = points.length / sA;
    const kept = mark();
    try {
      const pIn = alloc(points.length);
      const pOut = alloc(n * outSize);
      u8.set(points, pIn);
      fn(`${PREFIX[group]}_${fnName}`)(pIn, n, pOut);
      return u8.slice(pOut, pOut + n * outSize);
    } finally {
      release(kept);
    }
  }

  function geometric(first: Uint8Array, inc: Uint8Array, n: number): Uint8Array {
    const kept = mark();
    try {
      const pInc = alloc(32);
      const pOut = alloc(n * 32);
      u8.set(inc, pInc);
      if (n > 0) u8.set(first, pOut);
      for (let i = 1; i < n; i++) fr.mul(pOut + (i - 1) * 32, pInc, pOut + i * 32);
      return u8.slice(pOut, pOut + n * 32);
    } finally {
      release(kept);
    }
  }

  function scale(elements: Uint8Array, factor: Uint8Array): Uint8Array {
    const n = elements.length / 32;
    const kept = mark();
    try {
      const pF = alloc(32);
      const pE = alloc(elements.length);
      u8.set(factor, pF);
      u8.set(elements, pE);
      for (let i = 0; i < n; i++) fr.mul(pE + i * 32, pF, pE + i * 32);
      return u8.slice(pE, pE + elements.length);
    } finally {
      release(kept);
    }
  }

  function convertFr(elements: Uint8Array, f: (from: number, to: number) => number): Uint8Array {
    const n = elements.length / 32;
    const kept = mark();
    try {
      const pE = alloc(elements.length);
      u8.set(elements, pE);
      for (let i = 0; i < n; i++) f(pE + i * 32, pE + i * 32);
      return u8.slice(pE, pE + elements.length);
    } finally {
      release(kept);
    }
  }

  function add(a: Uint8Array, b: Uint8Array): Uint8Array {
    const n = a.length / 32;
    const kept = mark();
    try {
      const pA = alloc(a.length);
      const pB = alloc(b.length);
      u8.set(a, pA);
      u8.set(b, pB);
      for (let i = 0; i < n; i++) fr.add(pA + i * 32, pB + i * 32, pA + i * 32);
      return u8.slice(pA, pA + a.length);
    } finally {
      release(kept);
    }
  }

  function combine(terms: SparseTerms, vector: Uint8Array, size: number): Uint8Array {
    const kept = mark();
    try {
      const pOut = alloc(size * 32);
      const pVec = alloc(vector.length);
      const pTerm = alloc(64);
      u8.fill(0, pOut, pOut + size * 32);
      u8.set(vector, pVec);
      for (let k = 0; k < terms.rows.length; k++) {
        u8.set(terms.coefs.subarray(k * 32, k * 32 + 32), pTerm);
        fr.toMontgomery(pTerm, pTerm);
        fr.mul(pTerm, pVec + (terms.cols[k] as number) * 32, pTerm + 32);
        const at = pOut + (terms.rows[k] as number) * 32;
        fr.add(at, pTerm + 32, at);
      }
      return u8.slice(pOut, pOut + size * 32);
    } finally {
      release(kept);
    }
  }

  return {
    add,
    combine,
    multiplyGenerator,
    toCompressed: (group, points) => convert(group, points, 'batchLEMtoC', N8[group]),
    toUncompressed: (group, points) => convert(group, points, 'batchLEMtoU', N8[group] * 2),
    geometric,
    scale,
    fromMontgomery: (elements) => convertFr(elements, fr.fromMontgomery),
    toMontgomery: (elements) => convertFr(elements, fr.toMontgomery),
  };
}

/**
 * The window width that minimises the additions for `multiplications` products in one engine:
 * building the table costs ⌈254/w⌉·2^w additions, each product ⌈254/w⌉ more; the table is kept
 * under 24 MB.
 *
 * @example
 * chooseWindow('G1', 196_608); // 14 (power 15 on two workers)
 */
export function chooseWindow(group: PtauGroup, multiplications: number): number {
  let best = 4;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let w = 4; w <= 16; w++) {
    const windows = Math.ceil(SCALAR_BITS / w);
    if (windows * ((1 << w) - 1) * N8[group] * 2 > 24 * 2 ** 20) break;
    const cost = windows * ((1 << w) + multiplications);
    if (cost < bestCost) {
      best = w;
      bestCost = cost;
    }
  }
  return best;
}
