/**
 * A circuit's final Groth16 proving key (.zkey) made directly from the INSECURE setup's known
 * secrets: for tests, the demo and CI only, like the powers of tau it stands on.
 *
 * Why: snarkjs makes the key in two passes over points, `zkey new` (multi-exponentiations of the
 * prepared powers of tau's Lagrange points by the r1cs coefficients) then `zkey beacon` (every C
 * and H point times 1/δ). On two cores that takes 2–5 minutes for a circuit of ~25k constraints.
 * With τ, α, β (derived from the powers of tau's seed, see writeInsecurePtau) and δ (derived
 * from the phase-2 beacon) known, every point is [s]G for a scalar s computed in Fr:
 *
 * - the QAP evaluations at τ: u_i(τ), v_i(τ), w_i(τ) = Σ_c coef_{c,i}·L_c(τ) over the r1cs's A, B,
 *   C rows, with L_c the Lagrange basis of the circuit's domain (2^k ≥ constraints + public
 *   inputs + 1; zkey new adds one A row per public input and the constant);
 * - A = [u_i]G1, B1 = [v_i]G1, B2 = [v_i]G2, IC = [β·u_i + α·v_i + w_i]G1 (public and the
 *   constant), C = [(β·u_i + α·v_i + w_i)/δ]G1 (the others);
 * - H = [L'_{2j+1}(τ)/δ]G1 for j < 2^k, with L' the Lagrange basis of the domain 2^(k+1): the odd
 *   points of the ptau's Lagrange section that zkey new copies;
 * - the header's α, β, γ = 1, δ, and the contribution record of the beacon, with the circuit hash
 *   (csHash) over the phase-1 points as zkey new hashes them.
 *
 * What it writes is byte for byte what snarkjs 0.7.6 writes for `zkey new` on writeInsecurePtau's
 * file, then `zkey beacon` (the integration test compares the two files).
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { readBinFile, readSection } from '@iden3/binfileutils';
import { readR1csHeader } from 'r1csfile';
import { z } from 'zod';
import { FIELD_MODULUS } from '../../commit/index.js';
import {
  type InternalErrorType,
  type InterruptedErrorType,
  type IoErrorType,
  type SchemaErrorType,
  wrapIoError,
} from '../../core/errors/index.js';
import { abortStaged, beginStaged, commitStaged } from '../../core/fs.js';
import { parseWith } from '../../core/parse.js';
import { ZkError } from '../errors.js';
import {
  beaconRng,
  binFileHeader,
  chachaFromHash,
  chunkSize,
  createPtauKey,
  type FfCurve,
  type FfGroup,
  fileWriter,
  firstChallengeHash,
  hexToBytes,
  inlineMultiplier,
  isNodeError,
  loadCurve,
  type Multiplier,
  pointSize,
  poolMultiplier,
  sectionHeader,
  u32,
} from './ptau.js';
import { chooseWindow, createFixedBaseEngine, type PtauGroup, type SparseTerms } from './ptauEngine.js';

const hexBytes = (max: number) =>
  z.union([
    z.instanceof(Uint8Array).refine((b) => b.length >= 1 && b.length <= max, `1 to ${max} bytes`),
    z.string().regex(new RegExp(`^([0-9a-fA-F]{2}){1,${max}}$`), `a hex string of 1 to ${max} bytes`),
  ]);

const WriteInsecureZkeyParametersSchema = z.strictObject({
  r1cs: z.string().min(1),
  power: z.number().int().min(1).max(27),
  seed: z.union([
    z.instanceof(Uint8Array).refine((b) => b.length >= 1 && b.length <= 255, '1 to 255 bytes'),
    z.string().regex(/^(0x)?([0-9a-fA-F]{2}){1,255}$/, 'a hex string of 1 to 255 bytes'),
  ]),
  ptauIterationsExp: z.number().int().min(10).max(40).optional(),
  beaconName: z.string().max(64).optional(),
  beaconHash: hexBytes(255),
  iterationsExp: z.number().int().min(10).max(40).optional(),
  out: z.string().min(1),
  threads: z.number().int().min(0).max(64).optional(),
  signal: z.instanceof(AbortSignal).optional(),
  onProgress: z.custom<(done: number, total: number) => void>((v) => typeof v === 'function').optional(),
});

export type WriteInsecureZkeyParameters = {
  /** The circuit's .r1cs file (circom's output). */
  r1cs: string;
  /** The insecure powers of tau's power (see writeInsecurePtau). */
  power: number;
  /** The insecure powers of tau's seed (its beacon hash): τ, α and β come from it. */
  seed: Uint8Array | string;
  /** The powers of tau beacon's 2^E SHA-256 rounds (writeInsecurePtau's iterationsExp), default 10. */
  ptauIterationsExp?: number | undefined;
  /** The phase-2 contribution's name (`zkey beacon`'s name; up to 64 characters; none if empty). */
  beaconName?: string | undefined;
  /** The phase-2 beacon hash, bytes or hex without 0x (1 to 255 bytes): δ comes from it. */
  beaconHash: Uint8Array | string;
  /** The phase-2 beacon's 2^E SHA-256 rounds (`zkey beacon`'s numIterationsExp), default 10. */
  iterationsExp?: number | undefined;
  /** The .zkey file to write (atomically: a staged sibling renamed into place). */
  out: string;
  /** Worker threads for the multiplications; 0 computes in this thread. Default: one per core. */
  threads?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Called after each chunk with the points computed so far and the total. */
  onProgress?: ((done: number, total: number) => void) | undefined;
};

export type WriteInsecureZkeyReturnType = {
  out: string;
  /** The file's size. */
  bytes: number;
  /** The circuit's domain: 2^k points (k ≤ power). */
  domainSize: number;
  /** The circuit hash (hex), as `snarkjs zkey new` prints it. */
  csHash: string;
  /** The beacon contribution's hash (hex), as `snarkjs zkey beacon` prints it. */
  contributionHash: string;
};

/**
 * Bad parameters (SCHEMA_INVALID), a circuit the powers of tau is too small for
 * (ZK_CIRCUIT_BUILD_FAILED), a failed read or write (IO_FAILED), an abort, a worker's failure.
 */
export type WriteInsecureZkeyErrorType =
  | SchemaErrorType
  | ZkError
  | IoErrorType
  | InterruptedErrorType
  | InternalErrorType;

/** zkey new's chunk of H points per hashing step (it hashes whole chunks: see hHashCount). */
const H_HASH_CHUNK = 1 << 14;

/**
 * Writes the final Groth16 proving key of a circuit over the INSECURE powers of tau, identical to
 * snarkjs's `zkey new` on writeInsecurePtau's file then `zkey beacon`, in seconds instead of
 * minutes. For tests and the demo only: the seeds give away the toxic waste.
 *
 * @example
 * await writeInsecureZkey({
 *   r1cs: 'build/circuit.r1cs', power: 16, seed: 'a1b2c3',
 *   beaconName: 'phase 2 beacon', beaconHash: 'd4e5f6', out: 'build/circuit.zkey',
 * });
 */
export async function writeInsecureZkey(
  parameters: WriteInsecureZkeyParameters,
): Promise<WriteInsecureZkeyReturnType> {
  const p = parseWith(WriteInsecureZkeyParametersSchema, parameters, {
    what: 'insecure proving key parameters',
  }) as WriteInsecureZkeyParameters;
  const power = p.power;
  const seed = typeof p.seed === 'string' ? hexToBytes(p.seed) : new Uint8Array(p.seed);
  const beaconHash =
    typeof p.beaconHash === 'string' ? hexToBytes(p.beaconHash) : new Uint8Array(p.beaconHash);
  const iterationsExp = p.iterationsExp ?? 10;
  const threads = p.threads ?? availableParallelism();
  const circuit = basename(p.r1cs);

  const curve = await loadCurve();
  const Fr = curve.Fr;
  const r1cs = await readConstraints(p.r1cs, curve, circuit);
  const { nVars, nPublic, nConstraints } = r1cs;

  const cirPower = domainPowerOf(nConstraints, nPublic);
  if (cirPower > power) {
    throw new ZkError('ZK_CIRCUIT_BUILD_FAILED', {
      circuit,
      step: `setup: it needs a domain of 2^${cirPower}, the powers of tau has 2^${power}; raise the power`,
    });
  }
  const d = 2 ** cirPower;
  const hCount = hHashCount(d);
  if (hCount + d > 2 * 2 ** power - 1) {
    // zkey new would hash points read past the powers of tau's τ section
    throw new ZkError('ZK_CIRCUIT_BUILD_FAILED', {
      circuit,
      step: `setup: a domain of 2^${cirPower} needs powers of tau of 2^${cirPower + 1} or more here`,
    });
  }

  // the secrets: τ, α, β as `powersoftau beacon` derives them, δ as `zkey beacon` does
  const ptauKey = createPtauKey(
    curve,
    firstChallengeHash(curve, power),
    beaconRng(seed, p.ptauIterationsExp ?? 10),
  );
  const tau = ptauKey.tau.prvKey;
  const alpha = ptauKey.alpha.prvKey;
  const beta = ptauKey.beta.prvKey;
  const rng = beaconRng(beaconHash, iterationsExp);
  const delta = Fr.fromRng(rng);
  const g1s = curve.G1.toAffine(curve.G1.fromRng(rng));
  const g1sx = curve.G1.toAffine(curve.G1.timesFr(g1s, delta));
  const invDelta = Fr.inv(delta);

  const nC = nVars - nPublic - 1;
  const g1Points = 4 + (nPublic + 1) + 2 * nC + 2 * nVars + d + hCount;
  const g2Points = 3 + nVars;
  const workers = Math.max(threads, 1);
  const code = { code: curve.tm.code, pG1gen: curve.tm.pG1gen, pG2gen: curve.tm.pG2gen };
  const windows = {
    G1: chooseWindow('G1', g1Points / workers),
    G2: chooseWindow('G2', g2Points / workers),
  };
  const local = await createFixedBaseEngine({ ...code, windows });
  const activity = 'writing the proving key';
  const multiplier =
    threads === 0
      ? inlineMultiplier(local, p.signal, activity)
      : poolMultiplier({ ...code, windows }, threads, p.signal, 'proving-key');

  const staged = await beginStaged(p.out).catch((err: unknown) => {
    throw wrapIoError(err, 'Preparing the proving key file', 'Check that the folder is writable.');
  });
  let fh: FileHandle | undefined;
  try {
    // the scalars, in Fr (Montgomery form)
    const lagrange = await Fr.ifft(local.geometric(Fr.one, tau, d));
    const u = local.combine(r1cs.a, lagrange, nVars);
    const v = local.combine(r1cs.b, lagrange, nVars);
    const w = local.combine(r1cs.c, lagrange, nVars);
    const k = local.add(local.add(local.scale(u, beta), local.scale(v, alpha)), w);
    const kPublic = k.subarray(0, (nPublic + 1) * 32);
    const kPrivate = k.subarray((nPublic + 1) * 32);
    // H: the odd Lagrange points of the domain 2d, from the ptau's section 12, which (at the
    // top power) pads its last power of τ with the point at infinity, as prepare phase2 does
    const powers2d = local.geometric(Fr.one, tau, 2 * d);
    if (cirPower === power) powers2d.fill(0, (2 * d - 1) * 32);
    const lagrange2d = await Fr.ifft(powers2d);
    const odd = new Uint8Array(d * 32);
    for (let j = 0; j < d; j++) odd.set(lagrange2d.subarray((2 * j + 1) * 32, (2 * j + 2) * 32), j * 32);
    // what zkey new hashes for H: [τ^(i+d)]G1 − [τ^i]G1 from the ptau's powers, = [τ^i(τ^d − 1)]G1
    const tauD = local.geometric(Fr.one, tau, d + 1).subarray(d * 32);
    const hHash = local.scale(local.geometric(Fr.one, tau, hCount), Fr.sub(tauD.slice(), Fr.one));

    // the points, on the workers
    let done = 0;
    const total = g1Points + g2Points;
    const points = (group: PtauGroup, scalars: Uint8Array) =>
      multiplyAll(multiplier, local.fromMontgomery, group, scalars, (n) => {
        done += n;
        p.onProgress?.(done, total);
      });
    // submitted in turn (the buffers fill as the workers answer), complete once drained
    const one = Fr.one;
    const h1 = await points('G1', concat([alpha, beta, delta, one]));
    const h2 = await points('G2', concat([beta, delta, one]));
    const ic = await points('G1', kPublic);
    const cPhase1 = await points('G1', kPrivate);
    const cFinal = await points('G1', local.scale(kPrivate, invDelta));
    const aPoints = await points('G1', u);
    const b1Points = await points('G1', v);
    const b2Points = await points('G2', v);
    const hFinal = await points('G1', local.scale(odd, invDelta));
    const hPhase1 = await points('G1', hHash);
    await multiplier.drain();
    const part = (b: Uint8Array, group: PtauGroup, i: number) =>
      b.subarray(i * pointSize(group), (i + 1) * pointSize(group));
    const [alpha1, beta1, delta1, g1] = [0, 1, 2, 3].map((i) => part(h1, 'G1', i)) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const [beta2, delta2, g2] = [0, 1, 2].map((i) => part(h2, 'G2', i)) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];

    // the circuit hash, over the phase-1 key in zkey new's order
    const csHasher = createHash('blake2b512');
    const U = (group: PtauGroup, lem: Uint8Array) => local.toUncompressed(group, lem);
    for (const [group, pt] of [
      ['G1', alpha1],
      ['G1', beta1],
      ['G2', beta2],
      ['G2', g2],
      ['G1', g1],
      ['G2', g2],
    ] as const)
      csHasher.update(U(group, pt));
    const hashSection = (count: number, group: PtauGroup, lem: Uint8Array) => {
      csHasher.update(u32be(count));
      if (lem.length > 0) csHasher.update(U(group, lem));
    };
    hashSection(nPublic + 1, 'G1', ic);
    hashSection(d - 1, 'G1', hPhase1);
    hashSection(nC, 'G1', cPhase1);
    hashSection(nVars, 'G1', aPoints);
    hashSection(nVars, 'G1', b1Points);
    hashSection(nVars, 'G2', b2Points);
    const csHash = new Uint8Array(csHasher.digest());

    // the beacon's contribution record (zkey beacon)
    const lemG1 = (pt: Uint8Array) => rpr(curve.G1, pt, 'LEM');
    const transcriptHasher = createHash('blake2b512');
    transcriptHasher.update(csHash);
    transcriptHasher.update(rpr(curve.G1, g1s, 'U'));
    transcriptHasher.update(rpr(curve.G1, g1sx, 'U'));
    const transcript = new Uint8Array(transcriptHasher.digest());
    const g2sp = curve.G2.fromRng(chachaFromHash(transcript));
    const g2spx = curve.G2.toAffine(curve.G2.timesFr(g2sp, delta));
    const contributionHasher = createHash('blake2b512');
    contributionHasher.update(U('G1', delta1));
    contributionHasher.update(rpr(curve.G1, g1s, 'U'));
    contributionHasher.update(rpr(curve.G1, g1sx, 'U'));
    contributionHasher.update(rpr(curve.G2, g2spx, 'U'));
    contributionHasher.update(transcript);
    const contributionHash = new Uint8Array(contributionHasher.digest());
    const params: number[] = [];
    if (p.beaconName) {
      const name = new TextEncoder().encode(p.beaconName.substring(0, 64));
      params.push(1, name.length, ...name);
    }
    params.push(2, iterationsExp, 3, beaconHash.length, ...beaconHash);
    const contributions = concat([
      csHash,
      u32(1),
      delta1,
      lemG1(g1s),
      lemG1(g1sx),
      rpr(curve.G2, g2spx, 'LEM'),
      transcript,
      u32(1),
      u32(params.length),
      new Uint8Array(params),
    ]);

    // the file, in zkey beacon's section order
    fh = await open(staged, 'w');
    const file = fileWriter(fh);
    const section = async (id: number, parts: Uint8Array[]) => {
      await file.write(
        sectionHeader(
          id,
          parts.reduce((s, x) => s + x.length, 0),
        ),
      );
      for (const x of parts) await file.write(x);
    };
    await file.write(binFileHeader(10, 'zkey'));
    await section(1, [u32(1)]);
    await section(2, [
      u32(32),
      bigintLE(curve.q, 32),
      u32(32),
      bigintLE(curve.r, 32),
      u32(nVars),
      u32(nPublic),
      u32(d),
      alpha1,
      beta1,
      beta2,
      g2,
      delta1,
      delta2,
    ]);
    await section(3, [ic]);
    await section(4, [r1cs.coefficientSection(local.toMontgomery)]);
    await section(5, [aPoints]);
    await section(6, [b1Points]);
    await section(7, [b2Points]);
    await section(8, [cFinal]);
    await section(9, [hFinal]);
    await section(10, [contributions]);
    const bytes = file.position();
    await fh.sync();
    await fh.close();
    fh = undefined;
    await commitStaged(p.out);
    return {
      out: p.out,
      bytes,
      domainSize: d,
      csHash: Buffer.from(csHash).toString('hex'),
      contributionHash: Buffer.from(contributionHash).toString('hex'),
    };
  } catch (err) {
    await fh?.close().catch(() => {});
    await abortStaged(p.out);
    if (isNodeError(err)) throw wrapIoError(err, 'Writing the proving key file');
    throw err;
  } finally {
    await multiplier.close();
  }
}

/**
 * The H points zkey new hashes: whole chunks of 2^14 (its loop takes min(d − 1, 2^14) points per
 * step), so d − 1 points up to d = 2^14 and d points beyond (one more than the section holds).
 */
function hHashCount(d: number): number {
  const n = Math.min(d - 1, H_HASH_CHUNK);
  return n === 0 ? 0 : Math.ceil((d - 1) / H_HASH_CHUNK) * n;
}

/**
 * Submits the scalars in chunks and returns the buffer their points fill, in order, as the
 * multiplier runs each chunk's `then`: complete once the multiplier is drained.
 */
async function multiplyAll(
  multiplier: Multiplier,
  fromMontgomery: (elements: Uint8Array) => Uint8Array,
  group: PtauGroup,
  scalars: Uint8Array,
  progress: (n: number) => void,
): Promise<Uint8Array> {
  const n = scalars.length / 32;
  const size = pointSize(group);
  const out = new Uint8Array(n * size);
  const chunk = chunkSize(2 ** 16);
  for (let i = 0; i < n; i += chunk) {
    const m = Math.min(chunk, n - i);
    await multiplier.submit(group, fromMontgomery(scalars.subarray(i * 32, (i + m) * 32)), async (points) => {
      out.set(points, i * size);
      progress(m);
    });
  }
  return out;
}

type R1csTerms = {
  nVars: number;
  nPublic: number;
  nConstraints: number;
  /** A's terms (variable, constraint, coefficient), with zkey new's extra rows for the public inputs. */
  a: SparseTerms;
  b: SparseTerms;
  c: SparseTerms;
  /** Section 4: the A and B coefficients in zkey new's order, each times R² mod r. */
  coefficientSection(toMontgomery: (elements: Uint8Array) => Uint8Array): Uint8Array;
};

type TermList = { rows: number[]; cols: number[]; at: number[] };

/** log2 of the domain zkey new sizes for a circuit (snarkjs's log2 is floor(log2(V)), 0 for 0). */
function domainPowerOf(constraints: number, publicSignals: number): number {
  const m = constraints + publicSignals;
  return (m === 0 ? 0 : 31 - Math.clz32(m)) + 1;
}

/** A compiled circuit's size, from its r1cs header alone (no curve is built, no constraint read). */
export type R1csSize = {
  constraints: number;
  wires: number;
  publicSignals: number;
  privateInputs: number;
  domainPower: number;
};

/**
 * @example
 * const { constraints, domainPower } = await readR1csSize('build/circuit.r1cs');
 */
export async function readR1csSize(path: string): Promise<R1csSize> {
  const { fd, sections } = await readBinFile(path, 'r1cs', 1, 1 << 22, 1 << 24);
  try {
    const h = await readR1csHeader(fd, sections, { F: { p: FIELD_MODULUS } });
    const publicSignals = h.nOutputs + h.nPubInputs;
    return {
      constraints: h.nConstraints,
      wires: h.nVars,
      publicSignals,
      privateInputs: h.nPrvInputs,
      domainPower: domainPowerOf(h.nConstraints, publicSignals),
    };
  } finally {
    await fd.close();
  }
}

/** Reads the r1cs header (r1csfile) and its constraints section as zkey new walks it. */
async function readConstraints(path: string, curve: FfCurve, circuit: string): Promise<R1csTerms> {
  let file: Awaited<ReturnType<typeof readBinFile>>;
  try {
    file = await readBinFile(path, 'r1cs', 1, 1 << 22, 1 << 24);
  } catch (err) {
    if (isNodeError(err)) throw wrapIoError(err, 'Reading the circuit’s r1cs file');
    throw new ZkError(
      'ZK_CIRCUIT_BUILD_FAILED',
      { circuit, step: 'setup: reading the r1cs file' },
      { cause: err },
    );
  }
  const { fd, sections } = file;
  try {
    const header = await readR1csHeader(fd, sections, { F: curve.Fr as unknown as { p: bigint } });
    if (header.prime !== curve.r || header.n8 !== 32) {
      throw new ZkError('ZK_CIRCUIT_BUILD_FAILED', { circuit, step: 'setup: the r1cs is not over BN254' });
    }
    if (header.useCustomGates) {
      throw new ZkError('ZK_CIRCUIT_BUILD_FAILED', { circuit, step: 'setup: Groth16 takes no custom gates' });
    }
    const raw = await readSection(fd, sections, 2);
    const nPublic = header.nOutputs + header.nPubInputs;
    const nConstraints = header.nConstraints;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    // each term as variable, constraint and the offset of its coefficient in `raw` (−1: one)
    const lists = [0, 1, 2].map(() => ({ rows: [] as number[], cols: [] as number[], at: [] as number[] }));
    // section 4 lists the A and B terms in the file's order (kind 0, 1), then the public rows
    const coefficients = { kind: [] as number[], term: [] as number[] };
    let pos = 0;
    for (let c = 0; c < nConstraints; c++) {
      for (let kind = 0; kind < 3; kind++) {
        const list = lists[kind] as TermList;
        const n = view.getUint32(pos, true);
        pos += 4;
        for (let t = 0; t < n; t++) {
          const s = view.getUint32(pos, true);
          if (s >= header.nVars) {
            throw new ZkError('ZK_CIRCUIT_BUILD_FAILED', {
              circuit,
              step: 'setup: a constraint names no variable',
            });
          }
          if (kind < 2) {
            coefficients.kind.push(kind);
            coefficients.term.push(list.rows.length);
          }
          list.rows.push(s);
          list.cols.push(c);
          list.at.push(pos + 4);
          pos += 36;
        }
      }
    }
    const [la, lb, lc] = lists as [TermList, TermList, TermList];
    // zkey new's extra A rows: each public input and the constant, once, past the constraints
    for (let s = 0; s <= nPublic; s++) {
      coefficients.kind.push(0);
      coefficients.term.push(la.rows.length);
      la.rows.push(s);
      la.cols.push(nConstraints + s);
      la.at.push(-1);
    }
    const one = new Uint8Array(32);
    one[0] = 1;
    const coefficient = (at: number) => (at < 0 ? one : raw.subarray(at, at + 32));
    const terms = (list: TermList): SparseTerms => {
      const coefs = new Uint8Array(list.at.length * 32);
      for (let k = 0; k < list.at.length; k++) coefs.set(coefficient(list.at[k] as number), k * 32);
      return { rows: Uint32Array.from(list.rows), cols: Uint32Array.from(list.cols), coefs };
    };
    return {
      nVars: header.nVars,
      nPublic,
      nConstraints,
      a: terms(la),
      b: terms(lb),
      c: terms(lc),
      coefficientSection(toMontgomery) {
        // each coefficient as zkey new stores it: c·R² mod r (R = 2^256) in standard form, which
        // is c's Montgomery form taken twice
        const n = coefficients.kind.length;
        const raw32 = new Uint8Array(n * 32);
        for (let i = 0; i < n; i++) {
          const list = coefficients.kind[i] === 0 ? la : lb;
          raw32.set(coefficient(list.at[coefficients.term[i] as number] as number), i * 32);
        }
        const values = toMontgomery(toMontgomery(raw32));
        const out = new Uint8Array(4 + n * 44);
        const v = new DataView(out.buffer);
        v.setUint32(0, n, true);
        for (let i = 0; i < n; i++) {
          const kind = coefficients.kind[i] as number;
          const list = kind === 0 ? la : lb;
          const t = coefficients.term[i] as number;
          const at = 4 + i * 44;
          v.setUint32(at, kind, true);
          v.setUint32(at + 4, list.cols[t] as number, true);
          v.setUint32(at + 8, list.rows[t] as number, true);
          out.set(values.subarray(i * 32, i * 32 + 32), at + 12);
        }
        return out;
      },
    };
  } finally {
    await fd.close();
  }
}

function rpr(G: FfGroup, point: Uint8Array, form: 'LEM' | 'U'): Uint8Array {
  const out = new Uint8Array(G.F.n8 * 2);
  if (form === 'LEM') G.toRprLEM(out, 0, point);
  else G.toRprUncompressed(out, 0, point);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, x) => s + x.length, 0));
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
}

function bigintLE(x: bigint, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let v = x;
  for (let i = 0; i < bytes; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
