// @ts-check
/**
 * The second ZK candidate of issue #12: Noir (noir_wasm, noir_js) + Barretenberg UltraHonk
 * (@aztec/bb.js driving its native `bb`), on the same chunk query as the Groth16 circuit:
 *
 *   one chunk of C rows, columns committed one by one,
 *     column hash = Poseidon2 sponge(salt, null words, v_0..v_{C-1}), chunk root = sponge(8 column hashes)
 *   public: chunk root, c; public outputs: SUM(x), COUNT(*) over the rows i < n_valid (private)
 *   where y is not null and y >= c (signed 64-bit); SUM skips null x.
 *
 * `noirCandidate({ rows, chunk, log })` compiles circuits/noir/chunk_query with C = chunk (the
 * artifact, gate count and verification key cached under bench/out/zk-noir/<source-hash>/),
 * makes seeded random chunks, proves every chunk of `rows` rows (or `sample` of them, evenly
 * spaced, and extrapolates: `extrapolated: true` in the result), verifies each proof natively,
 * checks the public outputs against a plain JS computation, and measures the Solidity
 * verifier's gas on an in-memory EDR chain.
 *
 * The CRS: bb needs Aztec's Ignition CRS, which cannot be fetched here, and no npm package ships
 * it. This module makes a LOCAL, INSECURE one (a public τ, in bench/out/zk-noir/crs-insecure/
 * tau.json) in bb's file format. Proving time does not depend on the CRS. bb 5.0.0 pins
 * Ignition's [τ]₂: the native verifier fails the pairing check with this CRS (`verified.native`
 * false; its sumcheck passes), and the WASM backend's srsInitSrs refuses it outright (it checks
 * g1[1] against Ignition's τ·G and the G2 bytes against a pinned SHA-256). The generated Solidity
 * verifier takes [τ]₂ as four constants in `pairing()`: with them replaced by the local [τ]₂
 * (`patchG2`) it verifies the proofs on EDR (`verified.solidity.localG2.result` true), so the
 * proofs and the verification key are sound against the CRS they were made with; with
 * Ignition's constants it reverts with ShpleminiFailed after the same work, so its gas is the
 * verify gas either way.
 *
 *   node bench/zk/noir.js --rows 1024 --chunk 128,256,1024 [--sample 2] [--seed 1] [--c 10]
 */

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { writeFileAtomic } from '../../dist/core/fs.js';
import { createRng } from '../../dist/core/rng.js';

const requireCjs = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIR = join(root, 'circuits/noir/chunk_query');
const CACHE = join(root, 'bench/out/zk-noir');
const CRS_DIR = join(CACHE, 'crs-insecure');

/** BN254's scalar field (Noir's Field). */
export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** The columns of the modelled table; x is column 0 and y column 1 (circuits/noir/chunk_query). */
const NCOLS = 8;
/** UltraHonk for an EVM verifier: keccak transcript, zero knowledge on. */
const SETTINGS = /** @type {const} */ ({
  ipaAccumulation: false,
  oracleHashType: 'keccak',
  disableZk: false,
  optimizedSolidityVerifier: false,
});
/** Poseidon2 (BN254, t = 4) of [0, 1, 2, 3]: HorizenLabs' published vector, as barretenberg tests it. */
const POSEIDON2_KAT = [
  0x01bd538c2ee014ed5141b29e9ae240bf8db3fe5b9a38629a9647cf8d76c01737n,
  0x239b62e7db98aa3a2a8f6a0d2fa1709e7a35959aa6c7034814d9daa90cbac662n,
  0x04cbb44c61d928ed06808456bf758cbf0c18d1e15a7b6dbc8245fa7515d5e3cbn,
  0x2e11c5cff2a22c64d01304b778d78f6998eff1ab73163a35603f54794c30847an,
];
/** Noir's std test digest of its Poseidon2 hasher for [1, 2, 3, 4, 5] (stdlib hash/poseidon2.nr). */
const POSEIDON2_HASH_1_5 = 0x2247be7014a54d17342a7ef677f58d28877780d203860396967f5d0a18d259dbn;
/**
 * Ignition's [τ]₂ in bb's bn254_g2.dat layout (x.c0, x.c1, y.c0, y.c1, big-endian), as bb's
 * srs/factories/bn254_crs_data.hpp pins it.
 */
export const IGNITION_G2 = [
  0x0118c4d5b837bcc2bc89b5b398b5974e9f5944073b32078b7e231fec938883b0n,
  0x260e01b251f6f1c7e7ff4e580791dee8ea51d87a358e038b4efe30fac09383c1n,
  0x22febda3c0c0632a56475b4214e5615e11e6dd3f96e6cea2854a87d4dacc5e55n,
  0x04fc6369f7110fe3d25156c1bb9a72859cf2a04641f99ba4ee413c80da6a5fe4n,
];

/** @param {bigint} v @returns {Uint8Array} 32 bytes, big-endian */
export function fr(v) {
  const out = new Uint8Array(32);
  let x = ((v % P) + P) % P;
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}
/** @param {Uint8Array} b */
const toBig = (b) => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
/** @param {bigint} v */
const hex = (v) => `0x${v.toString(16).padStart(64, '0')}`;
/** @param {bigint} v signed */
const enc = (v) => (v < 0n ? P + v : v);
/** @param {bigint} v a field element, read as signed */
const dec = (v) => (v > P / 2n ? v - P : v);

/** @typedef {import('@aztec/bb.js').Barretenberg} Barretenberg */

/**
 * bb's Poseidon2 sponge (t = 4, rate 3, IV = len·2⁶⁴), through bb.js.
 * @param {Barretenberg} api @param {readonly bigint[]} inputs
 */
export async function poseidon2(api, inputs) {
  return toBig((await api.poseidon2Hash({ inputs: inputs.map(fr) })).hash);
}

/**
 * Checks bb.js's Poseidon2 against the published vectors; throws on a mismatch.
 * @param {Barretenberg} api
 */
export async function checkPoseidon2(api) {
  const perm = (await api.poseidon2Permutation({ inputs: [0n, 1n, 2n, 3n].map(fr) })).outputs.map(toBig);
  if (perm.some((v, i) => v !== POSEIDON2_KAT[i]))
    throw new Error(`Poseidon2 permutation KAT mismatch: ${perm.map(hex)}`);
  const h = await poseidon2(api, [1n, 2n, 3n, 4n, 5n]);
  if (h !== POSEIDON2_HASH_1_5) throw new Error(`Poseidon2 hash of [1..5] mismatch: ${hex(h)}`);
}

/** The circuit's source with C = chunk, and its hash (with the tool versions). @param {number} chunk */
export function circuitSource(chunk) {
  if (!Number.isInteger(chunk) || chunk < 1)
    throw new Error(`chunk must be a positive integer, got ${chunk}`);
  const main = readFileSync(join(SOURCE_DIR, 'src/main.nr'), 'utf8');
  const pattern = /^global C: u32 = \d+;$/m;
  if (!pattern.test(main))
    throw new Error('circuits/noir/chunk_query/src/main.nr has no `global C: u32 = N;` line');
  const source = main.replace(pattern, `global C: u32 = ${chunk};`);
  const nargo = readFileSync(join(SOURCE_DIR, 'Nargo.toml'), 'utf8');
  const versions = ['@noir-lang/noir_wasm', '@aztec/bb.js'].map(
    (n) => `${n}@${JSON.parse(readFileSync(join(root, 'node_modules', n, 'package.json'), 'utf8')).version}`,
  );
  const hash = createHash('sha256')
    .update([nargo, source, ...versions].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
  return { source, nargo, hash, versions };
}

/**
 * Compiles (or reads the cached) circuit for `chunk` rows.
 * @param {number} chunk @param {(m: string) => void} log
 */
export async function compileCircuit(chunk, log) {
  const { source, nargo, hash } = circuitSource(chunk);
  const dir = join(CACHE, hash);
  const programPath = join(dir, 'program.json');
  if (existsSync(programPath)) {
    const meta = JSON.parse(readFileSync(join(dir, 'compile.json'), 'utf8'));
    return {
      dir,
      hash,
      program: JSON.parse(readFileSync(programPath, 'utf8')),
      compileMs: meta.compileMs,
      cached: true,
    };
  }
  const srcDir = join(dir, 'project');
  mkdirSync(join(srcDir, 'src'), { recursive: true });
  await writeFileAtomic(join(srcDir, 'Nargo.toml'), nargo);
  await writeFileAtomic(join(srcDir, 'src/main.nr'), source);
  const { compile, createFileManager } = await import('@noir-lang/noir_wasm');
  log(`compiling chunk_query with C = ${chunk} (noir_wasm)`);
  const t0 = performance.now();
  // noir_wasm prints its progress on stdout: keep stdout for the results
  const quiet = console.log;
  const write = process.stdout.write;
  console.log = () => {};
  process.stdout.write = () => true;
  let result;
  try {
    result = await compile(createFileManager(srcDir));
  } finally {
    console.log = quiet;
    process.stdout.write = write;
  }
  const compileMs = performance.now() - t0;
  const program = /** @type {{ program: import('@noir-lang/noir_js').CompiledCircuit }} */ (
    /** @type {unknown} */ (result)
  ).program;
  await writeFileAtomic(programPath, JSON.stringify(program));
  await writeFileAtomic(join(dir, 'compile.json'), JSON.stringify({ compileMs }));
  return { dir, hash, program, compileMs, cached: false };
}

// ---------------------------------------------------------------------------------------------
// The local, insecure CRS (bb's format: bn254_g1.dat = [τ^i]G1 as 64-byte x‖y big-endian,
// bn254_g2.dat = [τ]G2 as 128 bytes x.c0‖x.c1‖y.c0‖y.c1 big-endian)
// ---------------------------------------------------------------------------------------------

/** A fixed, public τ: this CRS is for timing only, anyone can forge proofs against it. */
const LOCAL_TAU =
  BigInt(`0x${createHash('sha256').update('sinso zk-noir insecure local CRS').digest('hex')}`) % P;

/** @param {bigint} v */
const be32 = (v) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');

/** The local [τ]₂ as four big-endian coordinates (x.c0, x.c1, y.c0, y.c1). */
export async function localG2() {
  const { bn254 } = await import('@noble/curves/bn254');
  const g2 = bn254.G2.ProjectivePoint.BASE.multiply(LOCAL_TAU).toAffine();
  return [g2.x.c0, g2.x.c1, g2.y.c0, g2.y.c1];
}

/**
 * Makes sure CRS_DIR holds at least `points` G1 points of the local CRS (appending to a shorter
 * one); returns its description.
 * @param {number} points @param {(m: string) => void} log
 */
export async function ensureLocalCrs(points, log) {
  const g1Path = join(CRS_DIR, 'bn254_g1.dat');
  let have = existsSync(g1Path) ? Math.floor(statSync(g1Path).size / 64) : 0;
  const describe = () => ({
    kind: 'local-insecure',
    tau: hex(LOCAL_TAU),
    points: Math.floor(statSync(g1Path).size / 64),
    path: CRS_DIR,
  });
  const { bn254 } = await import('@noble/curves/bn254');
  const G1 = bn254.G1.ProjectivePoint;
  const Fr = bn254.fields.Fr;
  if (have > 0) {
    // a CRS made with another τ (or a broken one) is remade from scratch
    const tauG = G1.BASE.multiply(LOCAL_TAU).toAffine();
    const second = readFileSync(g1Path).subarray(64, 128);
    if (have < 2 || !second.equals(Buffer.concat([be32(tauG.x), be32(tauG.y)]))) {
      log('the cached local CRS is not made of powers of this τ: making it again');
      have = 0;
    }
  }
  if (have >= points && existsSync(join(CRS_DIR, 'bn254_g2.dat'))) return describe();
  log(`making a local insecure CRS: points ${have}..${points - 1} (fixed-base [τ^i]G1, ~0.5 ms a point)`);
  const t0 = performance.now();
  const parts = have > 0 ? [readFileSync(g1Path).subarray(0, have * 64)] : [];
  let k = Fr.pow(LOCAL_TAU, BigInt(have));
  const BATCH = 4096;
  for (let start = have; start < points; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(points, start + BATCH); i++) {
      batch.push(k === 1n ? G1.BASE : G1.BASE.multiply(k));
      k = Fr.mul(k, LOCAL_TAU);
    }
    const buf = Buffer.alloc(batch.length * 64);
    G1.normalizeZ(batch).forEach((p, j) => {
      const a = p.toAffine();
      be32(a.x).copy(buf, j * 64);
      be32(a.y).copy(buf, j * 64 + 32);
    });
    parts.push(buf);
  }
  mkdirSync(CRS_DIR, { recursive: true });
  await writeFileAtomic(g1Path, Buffer.concat(parts));
  await writeFileAtomic(join(CRS_DIR, 'bn254_g2.dat'), Buffer.concat((await localG2()).map(be32)));
  await writeFileAtomic(
    join(CRS_DIR, 'tau.json'),
    JSON.stringify({ warning: 'INSECURE: τ is public; for timing only', tau: hex(LOCAL_TAU) }, null, 2),
  );
  log(`CRS of ${points} points made in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return describe();
}

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

/**
 * One chunk's rows, seeded: x small signed values, y signed 64-bit (a tenth anywhere in the
 * int64 range, the rest near c), about a tenth of each column null; rows past n_valid padding.
 * @param {number} seed @param {number} index @param {number} chunk @param {number} nValid
 */
export function makeChunk(seed, index, chunk, nValid) {
  const rng = createRng(seed, 'zk-noir-chunk', index);
  /** @param {import('../../dist/core/rng.js').Rng} r */
  const int64 = (r) => BigInt.asIntN(64, BigInt(`0x${Buffer.from(r.bytes(8)).toString('hex')}`));
  const x = /** @type {bigint[]} */ ([]);
  const y = /** @type {bigint[]} */ ([]);
  const xNull = /** @type {boolean[]} */ ([]);
  const yNull = /** @type {boolean[]} */ ([]);
  for (let i = 0; i < chunk; i++) {
    const pad = i >= nValid;
    const xn = pad || rng.bernoulli(0.1);
    const yn = pad || rng.bernoulli(0.1);
    xNull.push(xn);
    yNull.push(yn);
    x.push(xn ? 0n : BigInt(rng.int(-100_000, 1_000_000)));
    y.push(yn ? 0n : rng.bernoulli(0.1) ? int64(rng) : BigInt(rng.int(-50, 70)));
  }
  const field = () => BigInt(`0x${Buffer.from(rng.bytes(32)).toString('hex')}`) % P;
  return {
    x,
    y,
    xNull,
    yNull,
    xSalt: field(),
    ySalt: field(),
    others: Array.from({ length: NCOLS - 2 }, field),
    nValid,
  };
}

/** The null words of a column: b_i at bit i % 128 of word ⌊i/128⌋. @param {readonly boolean[]} bits */
export function nullWords(bits) {
  const words = Array.from({ length: Math.ceil(bits.length / 128) }, () => 0n);
  bits.forEach((b, i) => {
    if (b)
      words[Math.floor(i / 128)] =
        /** @type {bigint} */ (words[Math.floor(i / 128)]) | (1n << BigInt(i % 128));
  });
  return words;
}

/**
 * The query in plain JS: SUM(x), COUNT(*) where i < nValid, y not null, y >= c.
 * @param {ReturnType<typeof makeChunk>} d @param {bigint} c
 */
export function expected(d, c) {
  let sum = 0n;
  let count = 0n;
  for (let i = 0; i < d.x.length; i++) {
    if (i >= d.nValid || d.yNull[i] || /** @type {bigint} */ (d.y[i]) < c) continue;
    count++;
    if (!d.xNull[i]) sum += /** @type {bigint} */ (d.x[i]);
  }
  return { sum, count };
}

/**
 * The circuit's inputs (and the chunk root, computed off-circuit with bb's Poseidon2).
 * @param {Barretenberg} api @param {ReturnType<typeof makeChunk>} d @param {bigint} c
 */
export async function circuitInputs(api, d, c) {
  const xw = nullWords(d.xNull);
  const yw = nullWords(d.yNull);
  const hx = await poseidon2(api, [d.xSalt, ...xw, ...d.x.map(enc)]);
  const hy = await poseidon2(api, [d.ySalt, ...yw, ...d.y.map(enc)]);
  const chunkRoot = await poseidon2(api, [hx, hy, ...d.others]);
  const f = (/** @type {bigint} */ v) => hex(enc(v));
  return {
    chunkRoot,
    inputs: {
      chunk_root: hex(chunkRoot),
      c: f(c),
      n_valid: String(d.nValid),
      x_salt: hex(d.xSalt),
      x_nulls: xw.map(hex),
      x: d.x.map(f),
      y_salt: hex(d.ySalt),
      y_nulls: yw.map(hex),
      y: d.y.map(f),
      other_hashes: d.others.map(hex),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// bb
// ---------------------------------------------------------------------------------------------

/** bb.js over the native `bb` (unix socket), reading the CRS from CRS_DIR. */
export async function openBb() {
  // the native backend ignores `crsPath`; bb reads $CRS_PATH (the child inherits it)
  process.env.CRS_PATH = CRS_DIR;
  const { Barretenberg, BackendType } = await import('@aztec/bb.js');
  return Barretenberg.new({ backend: BackendType.NativeUnixSocket, threads: cpus().length });
}

/**
 * Gate count, and the verification key (cached by circuit and CRS).
 * @param {Barretenberg} api @param {{ dir: string, program: { bytecode: string } }} compiled
 * @param {(m: string) => void} log
 */
export async function circuitKeys(api, compiled, log) {
  const bytecode = gunzipSync(Buffer.from(compiled.program.bytecode, 'base64'));
  const statsPath = join(compiled.dir, 'stats.json');
  /** @type {{ numGates: number, numGatesDyadic: number, numAcirOpcodes: number }} */
  let stats;
  if (existsSync(statsPath)) stats = JSON.parse(readFileSync(statsPath, 'utf8'));
  else {
    const s = await api.circuitStats({
      circuit: { name: 'chunk_query', bytecode, verificationKey: new Uint8Array() },
      includeGatesPerOpcode: false,
      settings: SETTINGS,
    });
    stats = { numGates: s.numGates, numGatesDyadic: s.numGatesDyadic, numAcirOpcodes: s.numAcirOpcodes };
    await writeFileAtomic(statsPath, JSON.stringify(stats));
  }
  const crs = await ensureLocalCrs(stats.numGatesDyadic + 1, log);
  const vkPath = join(compiled.dir, `vk-${crs.tau.slice(2, 18)}.bin`);
  const vkMetaPath = `${vkPath}.json`;
  let vk;
  let vkMs;
  if (existsSync(vkPath)) {
    vk = new Uint8Array(readFileSync(vkPath));
    vkMs = JSON.parse(readFileSync(vkMetaPath, 'utf8')).vkMs;
  } else {
    const t0 = performance.now();
    vk = (await api.circuitComputeVk({ circuit: { name: 'chunk_query', bytecode }, settings: SETTINGS }))
      .bytes;
    vkMs = performance.now() - t0;
    await writeFileAtomic(vkPath, vk);
    await writeFileAtomic(vkMetaPath, JSON.stringify({ vkMs }));
  }
  return { bytecode, stats, crs, vk, vkMs };
}

/**
 * Proves one chunk: witness (noir_js), proof (bb), native verification; checks the outputs.
 * @param {Barretenberg} api @param {any} noir @param {Uint8Array} bytecode @param {Uint8Array} vk
 * @param {ReturnType<typeof makeChunk>} d @param {bigint} c
 */
export async function proveChunk(api, noir, bytecode, vk, d, c) {
  const { inputs, chunkRoot } = await circuitInputs(api, d, c);
  const t0 = performance.now();
  const { witness, returnValue } = await noir.execute(inputs);
  const t1 = performance.now();
  const { proof, publicInputs } = await api.circuitProve({
    circuit: { name: 'chunk_query', bytecode, verificationKey: vk },
    witness: gunzipSync(witness),
    settings: SETTINGS,
  });
  const t2 = performance.now();
  const { verified } = await api.circuitVerify({
    verificationKey: vk,
    publicInputs,
    proof,
    settings: SETTINGS,
  });
  const t3 = performance.now();
  const want = expected(d, c);
  const [sumOut, countOut] = /** @type {string[]} */ (returnValue).map((v) => dec(BigInt(v)));
  const pub = publicInputs.map(toBig);
  const outputsCorrect =
    sumOut === want.sum &&
    countOut === want.count &&
    pub[0] === chunkRoot &&
    pub[1] === enc(c) &&
    pub[2] === enc(want.sum) &&
    pub[3] === enc(want.count);
  return {
    witnessMs: t1 - t0,
    proveMs: t2 - t1,
    verifyMs: t3 - t2,
    verified,
    outputsCorrect,
    sum: sumOut,
    count: countOut,
    proof,
    publicInputs,
    proofBytes: proof.length * 32,
  };
}

// ---------------------------------------------------------------------------------------------
// Verification with the local [τ]₂: the WASM backend, and the Solidity verifier on EDR
// ---------------------------------------------------------------------------------------------

/**
 * Verifies a proof in bb's WASM backend with the local CRS's G2 handed in through srsInitSrs.
 * @param {Uint8Array} vk @param {Uint8Array[]} proof @param {Uint8Array[]} publicInputs
 */
export async function verifyWasmLocalG2(vk, proof, publicInputs) {
  const { Barretenberg, BackendType } = await import('@aztec/bb.js');
  const api = await Barretenberg.new({ backend: BackendType.Wasm, threads: 1, skipSrsInit: true });
  try {
    const g1 = readFileSync(join(CRS_DIR, 'bn254_g1.dat')).subarray(0, 64);
    const g2 = readFileSync(join(CRS_DIR, 'bn254_g2.dat'));
    try {
      await api.srsInitSrs({ pointsBuf: new Uint8Array(g1), numPoints: 1, g2Point: new Uint8Array(g2) });
    } catch (err) {
      return { verified: false, error: `srsInitSrs refused the local CRS: ${String(err).slice(0, 200)}` };
    }
    try {
      const { verified } = await api.circuitVerify({
        verificationKey: vk,
        publicInputs,
        proof,
        settings: SETTINGS,
      });
      return { verified };
    } catch (err) {
      return { verified: false, error: String(err).slice(0, 300) };
    }
  } finally {
    await api.destroy();
  }
}

/**
 * Compiles bb's Solidity verifier with solc; returns every contract with its link references.
 * @param {string} code
 */
export function compileVerifier(code) {
  const solc = requireCjs('solc');
  const input = {
    language: 'Solidity',
    sources: { 'HonkVerifier.sol': { content: code } },
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 1 },
      // viaIR: stack too deep in the generated verifier
      metadata: { bytecodeHash: 'none', appendCBOR: false },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.bytecode.linkReferences'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter(
    (/** @type {{ severity: string }} */ e) => e.severity === 'error',
  );
  if (errors.length) throw new Error(errors.map((/** @type {any} */ e) => e.formattedMessage).join('\n'));
  /** @type {Record<string, { abi: any[], bytecode: string, links: Record<string, Record<string, { start: number, length: number }[]>> }>} */
  const contracts = {};
  for (const [name, c] of Object.entries(output.contracts['HonkVerifier.sol'])) {
    contracts[name] = {
      abi: c.abi,
      bytecode: c.evm.bytecode.object,
      links: c.evm.bytecode.linkReferences ?? {},
    };
  }
  return contracts;
}

/**
 * Replaces Ignition's [τ]₂ in a generated HonkVerifier.sol with the local one (EIP-197 order:
 * x.c1, x.c0, y.c1, y.c0); returns the new code and how many constants were replaced.
 * @param {string} code
 */
export async function patchG2(code) {
  const ours = await localG2();
  let replaced = 0;
  let out = code;
  for (let i = 0; i < 4; i++) {
    const theirs = /** @type {bigint} */ (IGNITION_G2[i]).toString(16);
    const mine = /** @type {bigint} */ (ours[i]).toString(16).padStart(64, '0');
    const re = new RegExp(`0x0*${theirs}`, 'gi');
    out = out.replace(re, () => {
      replaced++;
      return `0x${mine}`;
    });
  }
  return { code: out, replaced };
}

/**
 * Deploys the verifier (libraries first, linked) on an in-memory EDR chain and sends one
 * verify transaction per proof; returns gas and the call's result.
 * @param {string} code @param {{ proof: Uint8Array[], publicInputs: Uint8Array[] }} p
 */
export async function solidityGas(code, p) {
  const contracts = compileVerifier(code);
  const { createHardhatRuntimeEnvironment } = await import('hardhat/hre');
  const {
    createPublicClient,
    createWalletClient,
    custom,
    defineChain,
    encodeFunctionData,
    decodeFunctionResult,
  } = await import('viem');
  const { privateKeyToAccount } = await import('viem/accounts');
  const key = /** @type {`0x${string}`} */ (`0x${'01'.padStart(64, '0')}`);
  const hre = await createHardhatRuntimeEnvironment({
    networks: {
      default: {
        type: 'edr-simulated',
        chainId: 31337,
        hardfork: 'cancun',
        loggingEnabled: false,
        allowUnlimitedContractSize: true,
        blockGasLimit: 100_000_000,
        accounts: [{ privateKey: key, balance: (10n ** 24n).toString() }],
      },
    },
  });
  const connection = await hre.network.connect();
  try {
    const chain = defineChain({
      id: 31337,
      name: 'zk-noir',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [] } },
    });
    const transport = custom(/** @type {any} */ (connection.provider), { retryCount: 0 });
    const client = createPublicClient({ chain, transport, pollingInterval: 5 });
    const account = privateKeyToAccount(key);
    const wallet = createWalletClient({ account, chain, transport });
    /** @type {Record<string, `0x${string}`>} */
    const deployed = {};
    /** @type {Record<string, number>} */
    const deployGas = {};
    /** @param {string} name @returns {Promise<`0x${string}`>} */
    const deploy = async (name) => {
      const existing = deployed[name];
      if (existing) return existing;
      const c = contracts[name];
      if (!c) throw new Error(`no contract ${name} in HonkVerifier.sol`);
      let bytecode = c.bytecode;
      for (const libs of Object.values(c.links)) {
        for (const [lib, refs] of Object.entries(libs)) {
          const addr = (await deploy(lib)).slice(2).toLowerCase();
          for (const r of refs)
            bytecode = bytecode.slice(0, r.start * 2) + addr + bytecode.slice((r.start + r.length) * 2);
        }
      }
      const hash = await wallet.deployContract({
        abi: c.abi,
        bytecode: `0x${bytecode}`,
        args: [],
        gas: 90_000_000n,
      });
      const receipt = await client.getTransactionReceipt({ hash });
      if (receipt.status !== 'success' || !receipt.contractAddress)
        throw new Error(`deploying ${name} failed`);
      deployGas[name] = Number(receipt.gasUsed);
      deployed[name] = receipt.contractAddress;
      return receipt.contractAddress;
    };
    const verifierName = Object.keys(contracts).find((n) => n === 'HonkVerifier') ?? '';
    const address = await deploy(verifierName);
    const abi = /** @type {any} */ (contracts[verifierName]).abi;
    const flat = `0x${Buffer.concat(p.proof.map((b) => Buffer.from(b))).toString('hex')}`;
    const data = encodeFunctionData({
      abi,
      functionName: 'verify',
      args: [flat, p.publicInputs.map((b) => `0x${Buffer.from(b).toString('hex')}`)],
    });
    /** @type {boolean | string} */
    let result;
    try {
      const r = await client.call({ to: address, data, account: account.address, gas: 30_000_000n });
      result = /** @type {boolean} */ (
        decodeFunctionResult({ abi, functionName: 'verify', data: r.data ?? '0x' })
      );
    } catch (err) {
      result = `reverted: ${String(/** @type {any} */ (err).shortMessage ?? err).slice(0, 160)}`;
    }
    // a reverting transaction is still mined: EDR throws, the receipt is in the latest block
    try {
      await wallet.sendTransaction({ to: address, data, gas: 30_000_000n });
    } catch {}
    const block = await client.getBlock({ blockTag: 'latest' });
    const hash = /** @type {`0x${string}`} */ (block.transactions.at(-1));
    const receipt = await client.getTransactionReceipt({ hash });
    if (receipt.to?.toLowerCase() !== address.toLowerCase())
      throw new Error('the verify transaction was not mined');
    return {
      verifyGas: Number(receipt.gasUsed),
      verifyStatus: receipt.status,
      result,
      deployGas,
      calldataBytes: (data.length - 2) / 2,
    };
  } finally {
    await connection.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The candidate
// ---------------------------------------------------------------------------------------------

/** @param {readonly number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
/** @param {number} v */
const r1 = (v) => Math.round(v * 10) / 10;

/**
 * @param {{ rows: number, chunk: number, log?: (m: string) => void, sample?: number | undefined, seed?: number, c?: bigint | number, gas?: boolean }} opts
 *   rows: table rows (the last chunk may be partial); chunk: C; sample: prove only this many
 *   chunks, evenly spaced, and extrapolate; c: the predicate constant; gas: measure the
 *   Solidity verifier (default true)
 */
export async function noirCandidate({ rows, chunk, log = () => {}, sample, seed = 1, c = 10, gas = true }) {
  const cBig = BigInt(c);
  const chunks = Math.ceil(rows / chunk);
  const chosen =
    sample && sample < chunks
      ? Array.from({ length: sample }, (_, k) => Math.floor((k * chunks) / sample))
      : Array.from({ length: chunks }, (_, k) => k);
  const compiled = await compileCircuit(chunk, log);
  const api = await openBb();
  try {
    await checkPoseidon2(api);
    const keys = await circuitKeys(api, compiled, log);
    const { Noir } = await import('@noir-lang/noir_js');
    const noir = new Noir(/** @type {any} */ (compiled.program));
    /** @type {Awaited<ReturnType<typeof proveChunk>>[]} */
    const results = [];
    for (const k of chosen) {
      const d = makeChunk(seed, k, chunk, Math.min(chunk, rows - k * chunk));
      const r = await proveChunk(api, noir, keys.bytecode, keys.vk, d, cBig);
      log(
        `chunk ${k}: witness ${r1(r.witnessMs)} ms, prove ${r1(r.proveMs)} ms, verify ${r1(r.verifyMs)} ms, ` +
          `verified ${r.verified}, outputs ${r.outputsCorrect ? 'correct' : 'WRONG'}`,
      );
      results.push(r);
    }
    const first = /** @type {(typeof results)[number]} */ (results[0]);
    const witnessMs = median(results.map((r) => r.witnessMs));
    const proveMs = median(results.map((r) => r.proveMs));
    const verifyMs = median(results.map((r) => r.verifyMs));
    const provedMs = results.reduce((a, r) => a + r.witnessMs + r.proveMs, 0);
    const totalMs = (provedMs / results.length) * chunks;
    const wasm = await verifyWasmLocalG2(keys.vk, first.proof, first.publicInputs);
    /** @type {Record<string, unknown>} */
    let solidity = { skipped: true };
    if (gas) {
      const code = (await api.circuitWriteSolidityVerifier({ verificationKey: keys.vk, settings: SETTINGS }))
        .solidityCode;
      await writeFileAtomic(join(compiled.dir, 'HonkVerifier.sol'), code);
      const asIs = await solidityGas(code, first);
      const patched = await patchG2(code);
      const withLocalG2 = patched.replaced ? await solidityGas(patched.code, first) : undefined;
      solidity = { ignitionG2: asIs, localG2: withLocalG2, g2ConstantsReplaced: patched.replaced };
    }
    return {
      system: 'noir+ultrahonk (bb native, keccak transcript, ZK)',
      versions: circuitSource(chunk).versions,
      chunk,
      rows,
      chunks,
      provedChunks: results.length,
      extrapolated: results.length < chunks,
      gates: keys.stats.numGates,
      gatesDyadic: keys.stats.numGatesDyadic,
      gatesPerRow: r1(keys.stats.numGates / chunk),
      dyadicGatesPerRow: r1(keys.stats.numGatesDyadic / chunk),
      acirOpcodes: keys.stats.numAcirOpcodes,
      compileMs: Math.round(compiled.compileMs),
      compileCached: compiled.cached,
      vkMs: Math.round(keys.vkMs),
      vkBytes: keys.vk.length,
      witnessMsPerChunk: r1(witnessMs),
      proveMsPerChunk: r1(proveMs),
      verifyMsPerChunk: r1(verifyMs),
      limitedBy: witnessMs > proveMs ? 'witness generation' : 'proving (bb)',
      provingRowsPerSec: r1((rows / totalMs) * 1000),
      proverOnlyRowsPerSec: r1((chunk / proveMs) * 1000),
      totalProvingSeconds: r1(totalMs / 1000),
      proofBytes: first.proofBytes,
      publicInputs: first.publicInputs.length,
      outputsCorrect: results.every((r) => r.outputsCorrect),
      verified: { native: results.every((r) => r.verified), wasmLocalG2: wasm, solidity },
      crs: keys.crs,
      cpus: cpus().length,
    };
  } finally {
    await api.destroy();
  }
}

// CLI: node bench/zk/noir.js --rows N --chunk C[,C...] [--sample K] [--seed S] [--c V] [--no-gas]
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  /** @param {string} name @param {string} fallback */
  const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? /** @type {string} */ (args[i + 1]) : fallback;
  };
  const rows = Number(opt('rows', '1024'));
  const sample = args.includes('--sample') ? Number(opt('sample', '1')) : undefined;
  const out = [];
  for (const chunk of opt('chunk', '128').split(',').map(Number)) {
    const r = await noirCandidate({
      rows,
      chunk,
      sample,
      seed: Number(opt('seed', '1')),
      c: BigInt(opt('c', '10')),
      gas: !args.includes('--no-gas'),
      log: (m) => process.stderr.write(`[zk-noir C=${chunk}] ${m}\n`),
    });
    out.push(r);
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}
