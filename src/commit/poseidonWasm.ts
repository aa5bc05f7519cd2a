/**
 * A WebAssembly Poseidon over BN254, bit-identical to circomlib's (checked against circomlib's
 * vectors and circomlibjs in poseidon.test.ts), built at load time by the small emitter below.
 *
 * Why not circomlibjs's WebAssembly: it multiplies with 8 saturated 32-bit limbs, reducing after
 * every product (~78 ns per product here, ~400 µs per Poseidon(16)). This one keeps field
 * elements as 9 unsaturated 29-bit limbs (Montgomery form, R = 2^261), so 9 × 9 limb products
 * (each < 2^58) sum in 64-bit columns without carries, and a matrix row Σ_j M_ij·a_j is summed
 * unreduced and reduced once (lazy reduction). Values stay in [0, ~2p) between steps (4p < R with
 * room to spare), so no conditional subtraction is needed until the output. The round structure
 * is circomlibjs's `poseidon_opt` (the sparse-matrix form of the same permutation, constants from
 * circomlibjs's poseidon_constants_opt.js).
 *
 * Words at the boundary are 32-byte little-endian field elements (canonical, < p).
 */

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const LIMBS = 9;
const BITS = 29n;
const MASK = (1n << BITS) - 1n;
/** Bytes of one internal element: 9 limbs stored as 32-bit integers. */
const EL = LIMBS * 4;
const R = 1n << (BITS * BigInt(LIMBS));
const N_ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];

type OptConstants = { C: string[][]; S: string[][]; M: string[][][]; P: string[][][] };

// ---- a minimal WebAssembly binary emitter ----------------------------------------------------------

type Code = number[];

function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function sleb(n: bigint): number[] {
  const out: number[] = [];
  let v = n;
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

const I32 = 0x7f;
const I64 = 0x7e;

const get = (i: number): Code => [0x20, ...uleb(i)];
const set = (i: number): Code => [0x21, ...uleb(i)];
const i32c = (v: number): Code => [0x41, ...sleb(BigInt(v))];
const i64c = (v: bigint): Code => [0x42, ...sleb(BigInt.asIntN(64, v))];
const load32u = (base: Code, offset: number): Code => [...base, 0x35, 2, ...uleb(offset)];
const store32 = (base: Code, offset: number, value: Code): Code => [
  ...base,
  ...value,
  0x3e,
  2,
  ...uleb(offset),
];
const load64 = (base: Code, offset: number): Code => [...base, 0x29, 3, ...uleb(offset)];
const store64 = (base: Code, offset: number, value: Code): Code => [
  ...base,
  ...value,
  0x37,
  3,
  ...uleb(offset),
];
const i32load = (base: Code, offset: number): Code => [...base, 0x28, 2, ...uleb(offset)];
const call = (f: number, ...args: Code[]): Code => [...args.flat(), 0x10, ...uleb(f)];
const add64 = (a: Code, b: Code): Code => [...a, ...b, 0x7c];
const sub64 = (a: Code, b: Code): Code => [...a, ...b, 0x7d];
const mul64 = (a: Code, b: Code): Code => [...a, ...b, 0x7e];
const and64 = (a: Code, b: Code): Code => [...a, ...b, 0x83];
const or64 = (a: Code, b: Code): Code => [...a, ...b, 0x84];
const shl64 = (a: Code, n: number): Code => [...a, ...i64c(BigInt(n)), 0x86];
const shrU64 = (a: Code, n: number): Code => [...a, ...i64c(BigInt(n)), 0x88];
const shrS64 = (a: Code, n: number): Code => [...a, ...i64c(BigInt(n)), 0x87];
const add32 = (a: Code, b: Code): Code => [...a, ...b, 0x6a];
const sub32 = (a: Code, b: Code): Code => [...a, ...b, 0x6b];
const mul32 = (a: Code, b: Code): Code => [...a, ...b, 0x6c];
const and32 = (a: Code, b: Code): Code => [...a, ...b, 0x71];
const eq32 = (a: Code, b: Code): Code => [...a, ...b, 0x46];
const ltU32 = (a: Code, b: Code): Code => [...a, ...b, 0x49];
const gtU32 = (a: Code, b: Code): Code => [...a, ...b, 0x4b];
/** `while (!cond) body` as block/loop: `exit` is evaluated first each time. */
const loopUntil = (exit: Code, body: Code): Code => [
  0x02,
  0x40,
  0x03,
  0x40,
  ...exit,
  0x0d,
  1,
  ...body,
  0x0c,
  0,
  0x0b,
  0x0b,
];
const ifThen = (cond: Code, body: Code): Code => [...cond, 0x04, 0x40, ...body, 0x0b];
const ifElse = (cond: Code, a: Code, b: Code): Code => [...cond, 0x04, 0x40, ...a, 0x05, ...b, 0x0b];
const memcpy = (dst: Code, src: Code, len: Code): Code => [...dst, ...src, ...len, 0xfc, 10, 0, 0];

type Fn = { params: number; i64Locals: number; i32Locals: number; body: Code; export?: string };

function moduleBytes(fns: Fn[], pages: number): Uint8Array {
  const types: number[][] = [];
  const typeIndex = (params: number) => {
    const sig = [0x60, ...uleb(params), ...new Array<number>(params).fill(I32), 0];
    const key = sig.join(',');
    const at = types.findIndex((t) => t.join(',') === key);
    if (at >= 0) return at;
    types.push(sig);
    return types.length - 1;
  };
  const fnTypes = fns.map((f) => typeIndex(f.params));
  const exports = fns.flatMap((f, i) =>
    f.export === undefined ? [] : [[...name(f.export), 0x00, ...uleb(i)]],
  );
  const bodies = fns.map((f) => {
    const locals = [
      ...(f.i64Locals > 0 ? [[...uleb(f.i64Locals), I64]] : []),
      ...(f.i32Locals > 0 ? [[...uleb(f.i32Locals), I32]] : []),
    ];
    const body = [...vec(locals), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, vec(types)),
    ...section(3, vec(fnTypes.map((t) => uleb(t)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec([...exports, [...name('memory'), 0x02, 0]])),
    ...section(10, vec(bodies)),
  ]);
}

function name(s: string): number[] {
  const b = [...Buffer.from(s, 'utf8')];
  return [...uleb(b.length), ...b];
}

// ---- field arithmetic in 29-bit limbs ------------------------------------------------------------

function limbsOf(x: bigint): bigint[] {
  return Array.from({ length: LIMBS }, (_, i) => (x >> (BITS * BigInt(i))) & MASK);
}

const P_LIMBS = limbsOf(P);
/** −p⁻¹ mod 2^29. */
const MU = (() => {
  const m = 1n << BITS;
  let inv = 1n;
  for (let i = 0; i < 40; i++) inv = (inv * (2n - (((P % m) * inv) % m) + m)) % m;
  return (m - inv) % m;
})();

/** Function-local layout shared by the multiplying functions: a0..a8, b0..b8, t0..t17, m. */
function mulLayout(params: number) {
  const a = (i: number) => params + i;
  const b = (i: number) => params + LIMBS + i;
  const t = (i: number) => params + 2 * LIMBS + i;
  const m = params + 2 * LIMBS + 18;
  return { a, b, t, m, i64Locals: 2 * LIMBS + 18 + 1 };
}
type Layout = ReturnType<typeof mulLayout>;

const loadLimbs = (local: (i: number) => number, base: Code): Code =>
  Array.from({ length: LIMBS }, (_, i) => [...load32u(base, i * 4), ...set(local(i))]).flat();
const zeroT = (L: Layout): Code => Array.from({ length: 18 }, (_, i) => [...i64c(0n), ...set(L.t(i))]).flat();
/** t[i+j] += a_i · b_j (81 products; each < 2^58). */
const accumulate = (L: Layout): Code => {
  const out: Code = [];
  for (let i = 0; i < LIMBS; i++)
    for (let j = 0; j < LIMBS; j++)
      out.push(...add64(get(L.t(i + j)), mul64(get(L.a(i)), get(L.b(j)))), ...set(L.t(i + j)));
  return out;
};
/** Carries every column into the next (t17 keeps the rest). */
const normalize = (L: Layout, from = 0, to = 17): Code => {
  const out: Code = [];
  for (let k = from; k < to; k++) {
    out.push(...add64(get(L.t(k + 1)), shrU64(get(L.t(k)), 29)), ...set(L.t(k + 1)));
    out.push(...and64(get(L.t(k)), i64c(MASK)), ...set(L.t(k)));
  }
  return out;
};
/** Montgomery reduction of t0..t17 (value T) into t9..t17 = T / 2^261 mod p, normalized. */
const redc = (L: Layout): Code => {
  const out: Code = [];
  for (let i = 0; i < LIMBS; i++) {
    out.push(...and64(mul64(and64(get(L.t(i)), i64c(MASK)), i64c(MU)), i64c(MASK)), ...set(L.m));
    out.push(
      ...add64(get(L.t(i + 1)), shrU64(add64(get(L.t(i)), mul64(get(L.m), i64c(P_LIMBS[0] as bigint))), 29)),
      ...set(L.t(i + 1)),
    );
    for (let k = 1; k < LIMBS; k++) {
      out.push(...add64(get(L.t(i + k)), mul64(get(L.m), i64c(P_LIMBS[k] as bigint))), ...set(L.t(i + k)));
    }
  }
  out.push(...normalize(L, 9, 17));
  return out;
};
const storeResult = (L: Layout, base: Code): Code =>
  Array.from({ length: LIMBS }, (_, i) => store32(base, i * 4, get(L.t(9 + i)))).flat();

const TWO_P = limbsOf(2n * P);
/** t9..t17 −= 2p (limbs with borrow; the caller knows the value is at least 2p). */
const sub2p = (L: Layout): Code => {
  const out: Code = [...i64c(0n), ...set(L.m)];
  for (let q = 0; q < LIMBS; q++) {
    out.push(...add64(sub64(get(L.t(9 + q)), i64c(TWO_P[q] as bigint)), get(L.m)), ...set(L.t(9 + q)));
    if (q < LIMBS - 1) {
      out.push(...shrS64(get(L.t(9 + q)), 29), ...set(L.m));
      out.push(...and64(get(L.t(9 + q)), i64c(MASK)), ...set(L.t(9 + q)));
    }
  }
  return out;
};
/** t[i+j] += a_i · a_j over all i, j, as 45 products (the off-diagonal ones doubled). */
const accumulateSquare = (L: Layout): Code => {
  const out: Code = [];
  for (let i = 0; i < LIMBS; i++) {
    out.push(...add64(get(L.t(2 * i)), mul64(get(L.a(i)), get(L.a(i)))), ...set(L.t(2 * i)));
    for (let j = i + 1; j < LIMBS; j++)
      out.push(...add64(get(L.t(i + j)), mul64(get(L.b(i)), get(L.a(j)))), ...set(L.t(i + j)));
  }
  return out;
};

// ---- memory layout -----------------------------------------------------------------------------

const CFG = 0; // 16 × [nRoundsP, pC, pS, pM, pP] as i32
const K_IN = 512; // R² mod p: plain → Montgomery
const ONE = K_IN + EL; // 1: Montgomery → plain
const STATE = 1024;
const SCRATCH = STATE + 17 * EL;
const TMP = SCRATCH + 17 * EL;
const X2 = TMP + EL;
const X4 = X2 + EL;
const S0 = X4 + EL;
const CHAIN = 4096; // 16 words
const CONSTANTS = 8192;

/** Function indices. */
const F = {
  mul: 0,
  dot: 1,
  add: 2,
  sbox: 3,
  fromWord: 4,
  toWord: 5,
  matvec: 6,
  poseidon: 7,
  chain: 8,
  chains: 9,
  sqr: 10,
  sparse: 11,
};

function buildFunctions(): Fn[] {
  // mul(pa, pb, pr)
  const Lm = mulLayout(3);
  const mul: Fn = {
    params: 3,
    i64Locals: Lm.i64Locals,
    i32Locals: 0,
    body: [
      ...loadLimbs(Lm.a, get(0)),
      ...loadLimbs(Lm.b, get(1)),
      ...zeroT(Lm),
      ...accumulate(Lm),
      ...redc(Lm),
      ...storeResult(Lm, get(2)),
    ],
  };
  // dot(pA, sA, pB, sB, n, pOut): Σ_j A_j·B_j, reduced once; n ≤ 17
  const Ld = mulLayout(6);
  const j = 6 + Ld.i64Locals;
  const dot: Fn = {
    params: 6,
    i64Locals: Ld.i64Locals,
    i32Locals: 1,
    body: [
      ...zeroT(Ld),
      ...i32c(0),
      ...set(j),
      ...loopUntil(eq32(get(j), get(4)), [
        ...loadLimbs(Ld.a, get(0)),
        ...loadLimbs(Ld.b, get(2)),
        ...accumulate(Ld),
        // 4 rows of products stay below 2^64 per column; then carry
        ...ifThen(eq32(and32(get(j), i32c(3)), i32c(3)), normalize(Ld)),
        ...add32(get(0), get(1)),
        ...set(0),
        ...add32(get(2), get(3)),
        ...set(2),
        ...add32(get(j), i32c(1)),
        ...set(j),
      ]),
      ...normalize(Ld),
      ...redc(Ld),
      ...storeResult(Ld, get(5)),
    ],
  };
  // add(pa, pb, pr): limb sums, carried; then 2p subtracted when the top limb shows the sum
  // above 2p, so a sum of two values below 2p + 2^232 stays below 2p + 2^232
  const La = mulLayout(3);
  const top = La.t(17);
  const add: Fn = {
    params: 3,
    i64Locals: La.i64Locals,
    i32Locals: 0,
    body: [
      ...Array.from({ length: LIMBS }, (_, i) => [
        ...add64(load32u(get(0), i * 4), load32u(get(1), i * 4)),
        ...set(La.t(9 + i)),
      ]).flat(),
      ...normalize(La, 9, 17),
      ...ifThen([...get(top), ...i64c(TWO_P[8] as bigint), 0x56], sub2p(La)),
      ...storeResult(La, get(2)),
    ],
  };
  // sbox(pa): a = a^5
  const sbox: Fn = {
    params: 1,
    i64Locals: 0,
    i32Locals: 0,
    body: [
      ...call(F.sqr, get(0), i32c(X2)),
      ...call(F.sqr, i32c(X2), i32c(X4)),
      ...call(F.mul, i32c(X4), get(0), get(0)),
    ],
  };
  // fromWord(pw, pr): 32 bytes LE → 9 limbs
  const w = (i: number) => 2 + i;
  const limb = (i: number, v: Code) => store32(get(1), i * 4, v);
  const fromWord: Fn = {
    params: 2,
    i64Locals: 4,
    i32Locals: 0,
    body: [
      ...Array.from({ length: 4 }, (_, i) => [...load64(get(0), 8 * i), ...set(w(i))]).flat(),
      ...limb(0, and64(get(w(0)), i64c(MASK))),
      ...limb(1, and64(shrU64(get(w(0)), 29), i64c(MASK))),
      ...limb(2, or64(shrU64(get(w(0)), 58), and64(shl64(get(w(1)), 6), i64c(MASK)))),
      ...limb(3, and64(shrU64(get(w(1)), 23), i64c(MASK))),
      ...limb(4, and64(or64(shrU64(get(w(1)), 52), shl64(get(w(2)), 12)), i64c(MASK))),
      ...limb(5, and64(shrU64(get(w(2)), 17), i64c(MASK))),
      ...limb(6, and64(or64(shrU64(get(w(2)), 46), shl64(get(w(3)), 18)), i64c(MASK))),
      ...limb(7, and64(shrU64(get(w(3)), 11), i64c(MASK))),
      ...limb(8, shrU64(get(w(3)), 40)),
    ],
  };
  // toWord(pr, pw): 9 limbs (value ≤ p) → canonical 32 bytes LE
  const x = (i: number) => 2 + i;
  const d = (i: number) => 2 + LIMBS + i;
  const borrow = 2 + 2 * LIMBS;
  const l = (i: number) => get(x(i));
  const toWord: Fn = {
    params: 2,
    i64Locals: 2 * LIMBS + 1,
    i32Locals: 0,
    body: [
      ...loadLimbs(x, get(0)),
      ...i64c(0n),
      ...set(borrow),
      ...Array.from({ length: LIMBS }, (_, i) => [
        ...add64(sub64(get(x(i)), i64c(P_LIMBS[i] as bigint)), get(borrow)),
        ...set(d(i)),
        ...shrS64(get(d(i)), 29),
        ...set(borrow),
        ...and64(get(d(i)), i64c(MASK)),
        ...set(d(i)),
      ]).flat(),
      // no borrow out: x ≥ p, take x − p
      ...ifThen(
        [...get(borrow), 0x50],
        Array.from({ length: LIMBS }, (_, i) => [...get(d(i)), ...set(x(i))]).flat(),
      ),
      ...store64(get(1), 0, or64(or64(l(0), shl64(l(1), 29)), shl64(l(2), 58))),
      ...store64(get(1), 8, or64(or64(shrU64(l(2), 6), shl64(l(3), 23)), shl64(l(4), 52))),
      ...store64(get(1), 16, or64(or64(shrU64(l(4), 12), shl64(l(5), 17)), shl64(l(6), 46))),
      ...store64(get(1), 24, or64(or64(shrU64(l(6), 18), shl64(l(7), 11)), shl64(l(8), 40))),
    ],
  };
  // matvec(pM, t, rows): state = M·state (row i of M at pM + i·t·EL, transposed), first `rows` rows
  const mi = 3;
  const matvec: Fn = {
    params: 3,
    i64Locals: 0,
    i32Locals: 1,
    body: [
      ...i32c(0),
      ...set(mi),
      ...loopUntil(eq32(get(mi), get(2)), [
        ...call(
          F.dot,
          i32c(STATE),
          i32c(EL),
          add32(get(0), mul32(mul32(get(mi), get(1)), i32c(EL))),
          i32c(EL),
          get(1),
          add32(i32c(SCRATCH), mul32(get(mi), i32c(EL))),
        ),
        ...add32(get(mi), i32c(1)),
        ...set(mi),
      ]),
      ...memcpy(i32c(STATE), i32c(SCRATCH), mul32(get(2), i32c(EL))),
    ],
  };
  // poseidon(pIn, n, pOut): words in, word out
  const [pIn, n, pOut] = [0, 1, 2];
  const [t, cfg, pC, pS, i, r] = [3, 4, 5, 6, 7, 8];
  const el = (idx: Code) => add32(i32c(STATE), mul32(idx, i32c(EL)));
  const forEachState = (body: Code): Code => [
    ...i32c(0),
    ...set(i),
    ...loopUntil(eq32(get(i), get(t)), [...body, ...add32(get(i), i32c(1)), ...set(i)]),
  ];
  const addConstants: Code = [
    ...forEachState(call(F.add, el(get(i)), add32(get(pC), mul32(get(i), i32c(EL))), el(get(i)))),
    ...add32(get(pC), mul32(get(t), i32c(EL))),
    ...set(pC),
  ];
  const sboxAll = forEachState(call(F.sbox, el(get(i))));
  const fullRounds = (count: number, matrix: Code): Code => [
    ...i32c(0),
    ...set(r),
    ...loopUntil(eq32(get(r), i32c(count)), [
      ...sboxAll,
      ...addConstants,
      ...call(F.matvec, matrix, get(t), get(t)),
      ...add32(get(r), i32c(1)),
      ...set(r),
    ]),
  ];
  const pM = add32(get(cfg), i32c(12));
  const pP = add32(get(cfg), i32c(16));
  const poseidon: Fn = {
    params: 3,
    i64Locals: 0,
    i32Locals: 6,
    export: 'poseidon',
    body: [
      ...add32(get(n), i32c(1)),
      ...set(t),
      ...add32(i32c(CFG), mul32(sub32(get(n), i32c(1)), i32c(20))),
      ...set(cfg),
      ...i32load(get(cfg), 4),
      ...set(pC),
      ...i32load(get(cfg), 8),
      ...set(pS),
      // state = [0, inputs in Montgomery form]
      ...Array.from({ length: LIMBS }, (_, q) => store32(i32c(STATE), q * 4, i64c(0n))).flat(),
      ...i32c(1),
      ...set(i),
      ...loopUntil(gtU32(get(i), get(n)), [
        ...call(F.fromWord, add32(get(pIn), mul32(sub32(get(i), i32c(1)), i32c(32))), i32c(TMP)),
        ...call(F.mul, i32c(TMP), i32c(K_IN), el(get(i))),
        ...add32(get(i), i32c(1)),
        ...set(i),
      ]),
      ...addConstants,
      ...fullRounds(3, i32load(pM, 0)),
      ...sboxAll,
      ...addConstants,
      ...call(F.matvec, i32load(pP, 0), get(t), get(t)),
      // partial rounds with the sparse matrices
      ...i32c(0),
      ...set(r),
      ...loopUntil(eq32(get(r), i32load(get(cfg), 0)), [
        ...call(F.sbox, i32c(STATE)),
        ...call(F.add, i32c(STATE), get(pC), i32c(STATE)),
        ...add32(get(pC), i32c(EL)),
        ...set(pC),
        ...call(F.dot, i32c(STATE), i32c(EL), get(pS), i32c(EL), get(t), i32c(S0)),
        ...call(F.sparse, get(pS), get(t)),
        ...memcpy(i32c(STATE), i32c(S0), i32c(EL)),
        ...add32(get(pS), mul32(sub32(mul32(get(t), i32c(2)), i32c(1)), i32c(EL))),
        ...set(pS),
        ...add32(get(r), i32c(1)),
        ...set(r),
      ]),
      ...fullRounds(3, i32load(pM, 0)),
      ...sboxAll,
      // the last matrix: only the first output is needed
      ...call(F.matvec, i32load(pM, 0), get(t), i32c(1)),
      ...call(F.mul, i32c(STATE), i32c(ONE), i32c(TMP)),
      ...call(F.toWord, i32c(TMP), get(pOut)),
    ],
  };
  // chain(pIn, len, pOut): hashChain over len ≥ 1 words
  const [cIn, cLen, cOut, ci, ck] = [0, 1, 2, 3, 4];
  const chain: Fn = {
    params: 3,
    i64Locals: 0,
    i32Locals: 2,
    export: 'chain',
    body: [
      ...call(F.poseidon, get(cIn), ifSelect(gtU32(get(cLen), i32c(16)), i32c(16), get(cLen)), get(cOut)),
      ...i32c(16),
      ...set(ci),
      ...loopUntil(
        [...ltU32(get(ci), get(cLen)), 0x45],
        [
          ...ifElse(
            gtU32(sub32(get(cLen), get(ci)), i32c(15)),
            [...i32c(15), ...set(ck)],
            [...sub32(get(cLen), get(ci)), ...set(ck)],
          ),
          ...memcpy(i32c(CHAIN), get(cOut), i32c(32)),
          ...memcpy(i32c(CHAIN + 32), add32(get(cIn), mul32(get(ci), i32c(32))), mul32(get(ck), i32c(32))),
          ...call(F.poseidon, i32c(CHAIN), add32(get(ck), i32c(1)), get(cOut)),
          ...add32(get(ci), i32c(15)),
          ...set(ci),
        ],
      ),
    ],
  };
  // chains(pIn, len, count, pOut): count hash chains of len words each
  const [hIn, hLen, hCount, hOut, hb] = [0, 1, 2, 3, 4];
  const chains: Fn = {
    params: 4,
    i64Locals: 0,
    i32Locals: 1,
    export: 'chains',
    body: [
      ...i32c(0),
      ...set(hb),
      ...loopUntil(eq32(get(hb), get(hCount)), [
        ...call(
          F.chain,
          add32(get(hIn), mul32(mul32(get(hb), get(hLen)), i32c(32))),
          get(hLen),
          add32(get(hOut), mul32(get(hb), i32c(32))),
        ),
        ...add32(get(hb), i32c(1)),
        ...set(hb),
      ]),
    ],
  };
  // sqr(pa, pr) = a², with b_i = 2·a_i for the doubled products
  const Lq = mulLayout(2);
  const sqr: Fn = {
    params: 2,
    i64Locals: Lq.i64Locals,
    i32Locals: 0,
    body: [
      ...loadLimbs(Lq.a, get(0)),
      ...Array.from({ length: LIMBS }, (_, q) => [...shl64(get(Lq.a(q)), 1), ...set(Lq.b(q))]).flat(),
      ...zeroT(Lq),
      ...accumulateSquare(Lq),
      ...redc(Lq),
      ...storeResult(Lq, get(1)),
    ],
  };
  // sparse(pS, t): state_k += state_0 · S[t + k − 1] for k = 1 … t−1 (state_0 loaded once)
  const Ls = mulLayout(2);
  const [sk, spb, spk] = [2 + Ls.i64Locals, 3 + Ls.i64Locals, 4 + Ls.i64Locals];
  const sparse: Fn = {
    params: 2,
    i64Locals: Ls.i64Locals,
    i32Locals: 3,
    body: [
      ...loadLimbs(Ls.a, i32c(STATE)),
      ...i32c(1),
      ...set(sk),
      ...loopUntil(eq32(get(sk), get(1)), [
        ...add32(get(0), mul32(sub32(add32(get(1), get(sk)), i32c(1)), i32c(EL))),
        ...set(spb),
        ...add32(i32c(STATE), mul32(get(sk), i32c(EL))),
        ...set(spk),
        ...loadLimbs(Ls.b, get(spb)),
        ...zeroT(Ls),
        ...accumulate(Ls),
        ...redc(Ls),
        ...Array.from({ length: LIMBS }, (_, q) => [
          ...add64(get(Ls.t(9 + q)), load32u(get(spk), q * 4)),
          ...set(Ls.t(9 + q)),
        ]).flat(),
        ...normalize(Ls, 9, 17),
        ...ifThen([...get(Ls.t(17)), ...i64c(TWO_P[8] as bigint), 0x56], sub2p(Ls)),
        ...storeResult(Ls, get(spk)),
        ...add32(get(sk), i32c(1)),
        ...set(sk),
      ]),
    ],
  };
  return [mul, dot, add, sbox, fromWord, toWord, matvec, poseidon, chain, chains, sqr, sparse];
}

/** `cond ? a : b` for i32 (select). */
function ifSelect(cond: Code, a: Code, b: Code): Code {
  return [...a, ...b, ...cond, 0x1b];
}

// ---- the module and its constants ------------------------------------------------------------------

/** The part of the WebAssembly JS API used here (the project's lib has no DOM types). */
type WasmMemory = { buffer: ArrayBuffer; grow(pages: number): number };
type WasmApi = {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** What loadPoseidonWasm returns: words in memory, hashed by the module. */
export type PoseidonWasm = {
  memory: WasmMemory;
  /** Offset of the input/output area (grows with `reserve`). */
  io: number;
  /** Makes sure `bytes` fit from `io` on. */
  reserve(bytes: number): void;
  poseidon(pIn: number, n: number, pOut: number): void;
  chain(pIn: number, len: number, pOut: number): void;
  chains(pIn: number, len: number, count: number, pOut: number): void;
};

function mont(x: bigint): bigint {
  return (x * R) % P;
}

function writeElement(view: DataView, offset: number, x: bigint): void {
  for (const [i, v] of limbsOf(x).entries()) view.setUint32(offset + 4 * i, Number(v), true);
}

/**
 * Builds and instantiates the module, with circomlib's constants (Montgomery form, 29-bit limbs).
 *
 * @example
 * const m = createPoseidonWasm(constants);
 */
export function createPoseidonWasm(constants: OptConstants): PoseidonWasm {
  // constants of every width t = 2 … 17, laid out after CONSTANTS
  const blocks: { t: number; C: bigint[]; S: bigint[]; M: bigint[]; P: bigint[] }[] = [];
  for (let n = 1; n <= 16; n++) {
    const t = n + 1;
    const big = (s: string) => BigInt(s);
    const M = constants.M[n - 1] as string[][];
    const Pm = constants.P[n - 1] as string[][];
    const transposed = (m: string[][]) =>
      Array.from({ length: t * t }, (_, q) => big((m[q % t] as string[])[Math.floor(q / t)] as string));
    blocks.push({
      t,
      C: (constants.C[n - 1] as string[]).map(big),
      S: (constants.S[n - 1] as string[]).map(big),
      M: transposed(M),
      P: transposed(Pm),
    });
  }
  const total = blocks.reduce((s, b) => s + (b.C.length + b.S.length + b.M.length + b.P.length) * EL, 0);
  const io = CONSTANTS + total + 64;
  const pages = Math.ceil((io + (1 << 20)) / 65536);
  const compiled = new wasm.Module(moduleBytes(buildFunctions(), pages));
  const instance = new wasm.Instance(compiled, {});
  const exports = instance.exports as {
    memory: WasmMemory;
    poseidon(a: number, b: number, c: number): void;
    chain(a: number, b: number, c: number): void;
    chains(a: number, b: number, c: number, d: number): void;
  };
  const memory = exports.memory;
  const view = new DataView(memory.buffer);
  writeElement(view, K_IN, (R * R) % P);
  writeElement(view, ONE, 1n);
  let at = CONSTANTS;
  for (const [q, b] of blocks.entries()) {
    const place = (xs: bigint[]) => {
      const start = at;
      for (const x of xs) {
        writeElement(view, at, mont(x));
        at += EL;
      }
      return start;
    };
    const cfg = CFG + q * 20;
    view.setUint32(cfg, N_ROUNDS_P[q] as number, true);
    view.setUint32(cfg + 4, place(b.C), true);
    view.setUint32(cfg + 8, place(b.S), true);
    view.setUint32(cfg + 12, place(b.M), true);
    view.setUint32(cfg + 16, place(b.P), true);
  }
  return {
    memory,
    io,
    reserve(bytes) {
      const need = io + bytes - memory.buffer.byteLength;
      if (need > 0) memory.grow(Math.ceil(need / 65536));
    },
    poseidon: exports.poseidon,
    chain: exports.chain,
    chains: exports.chains,
  };
}
