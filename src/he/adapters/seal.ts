import sealModule from 'node-seal';
import type { CipherText } from 'node-seal/implementation/cipher-text.js';
import type { Context } from 'node-seal/implementation/context.js';
import type { EncryptionParameters } from 'node-seal/implementation/encryption-parameters.js';
import type { GaloisKeys } from 'node-seal/implementation/galois-keys.js';
import type { PlainText } from 'node-seal/implementation/plain-text.js';
import type { PublicKey } from 'node-seal/implementation/public-key.js';
import type { RelinKeys } from 'node-seal/implementation/relin-keys.js';
import type { SEALLibrary } from 'node-seal/implementation/seal.js';
import type { SecretKey } from 'node-seal/implementation/secret-key.js';
import { sha256Hex } from '../../core/hash.js';
import { HeError } from '../errors.js';
import type { HeParams } from '../params.js';

export type { CipherText, PlainText };

let library: Promise<SEALLibrary> | undefined;

/** The SEAL library (WASM), loaded once per process. */
export function loadSeal(): Promise<SEALLibrary> {
  // node-seal is a CommonJS bundle whose types describe an ES default export
  const load = ((sealModule as unknown as { default?: () => Promise<SEALLibrary> }).default ??
    sealModule) as unknown as () => Promise<SEALLibrary>;
  library ??= load();
  return library;
}

/** Counts of the SEAL operations a run performed (the benchmark's "limit" multiplies them by cost). */
export type OpCounts = {
  encrypt: number;
  add: number;
  multiply: number;
  relinearize: number;
  multiplyPlain: number;
  rotate: number;
  rescale: number;
  decrypt: number;
};

export const zeroOps = (): OpCounts => ({
  encrypt: 0,
  add: 0,
  multiply: 0,
  relinearize: 0,
  multiplyPlain: 0,
  rotate: 0,
  rescale: 0,
  decrypt: 0,
});

/**
 * A SEAL context for one parameter set, with its encoder and evaluator: the one place sinso
 * touches node-seal's objects. Vectors in and out are plain JS arrays; every SEAL object made
 * here is freed by the caller through `free` (node-seal leaks WASM memory otherwise).
 */
export type HeContext = {
  seal: SEALLibrary;
  params: HeParams;
  context: Context;
  parms: EncryptionParameters;
  /** Slots per ciphertext: N for BFV (two rows of N/2), N/2 for CKKS. */
  slots: number;
  ops: OpCounts;
  /** BFV: exact integers (|v| < t/2); CKKS: reals. */
  encode(values: BigInt64Array | Float64Array): PlainText;
  decode(plain: PlainText): BigInt64Array | Float64Array;
  /**
   * A new ciphertext a × b of size 3 (CKKS: the operand at the higher level is switched down
   * first). Sum products of the same depth, then `relinearize` the sum once.
   */
  multiply(a: CipherText, b: CipherText): CipherText;
  /** Relinearizes in place (CKKS: and rescales), so the result can be rotated or multiplied again. */
  relinearize(a: CipherText, keys: RelinKeys): void;
  /** acc += b in place; with no acc yet, a copy of b. */
  add(acc: CipherText | undefined, b: CipherText): CipherText;
  /** A new ciphertext a × p (CKKS: not rescaled; sum such products, then `finishPlainProducts`). */
  multiplyPlain(a: CipherText, p: PlainText): CipherText;
  /** CKKS: rescales a sum of plaintext products in place; BFV: nothing to do. */
  finishPlainProducts(a: CipherText): void;
  /** Every slot gets the sum of all slots. */
  rotateSum(a: CipherText, keys: GaloisKeys): void;
  /** Galois steps rotateSum needs (generate keys only for these). */
  rotationSteps(): Int32Array;
  loadCipher(bytes: Uint8Array): CipherText;
  free(...objects: ({ delete(): void } | undefined)[]): void;
};

/** Makes the context of a parameter set; refuses parameters SEAL does not accept at 128-bit security. */
export async function heContext(params: HeParams): Promise<HeContext> {
  const seal = await loadSeal();
  const parms = seal.EncryptionParameters(
    params.scheme === 'bfv' ? seal.SchemeType.bfv : seal.SchemeType.ckks,
  );
  parms.setPolyModulusDegree(params.polyDegree);
  parms.setCoeffModulus(
    seal.CoeffModulus.Create(params.polyDegree, Int32Array.from(params.coeffModulusBits)),
  );
  if (params.scheme === 'bfv') parms.setPlainModulus(seal.Modulus(BigInt(params.plainModulus)));
  // only CKKS switches modulus levels (rescaling); BFV never does, so it skips building the chain
  const context = seal.Context(parms, params.scheme === 'ckks', seal.SecurityLevel.tc128);
  if (!context.parametersSet()) {
    throw new HeError('HE_PARAMS', {
      problem: 'SEAL refuses them at 128-bit security',
      fix: 'Use the default parameters of `sinso he keygen`.',
    });
  }
  const ev = seal.Evaluator(context);
  const ops = zeroOps();
  /** Every slot gets the sum of all slots: one rotation and one addition per step. */
  const foldSlots = (
    a: CipherText,
    steps: readonly number[],
    rotate: (a: CipherText, step: number) => CipherText,
  ) => {
    for (const step of steps) {
      const r = rotate(a, step);
      ev.add(a, r, a);
      r.delete();
      ops.rotate++;
      ops.add++;
    }
  };
  const common = {
    seal,
    params,
    context,
    parms,
    ops,
    add(acc: CipherText | undefined, b: CipherText): CipherText {
      if (acc === undefined) return b.clone();
      ops.add++;
      ev.add(acc, b, acc);
      return acc;
    },
    multiplyPlain(a: CipherText, p: PlainText): CipherText {
      ops.multiplyPlain++;
      return ev.multiplyPlain(a, p) as CipherText;
    },
    loadCipher(bytes: Uint8Array): CipherText {
      const c = seal.CipherText();
      c.loadArray(context, bytes);
      return c;
    },
    free(...objects: ({ delete(): void } | undefined)[]) {
      for (const o of objects) o?.delete();
    },
  };
  if (params.scheme === 'bfv') {
    const enc = seal.BatchEncoder(context);
    const slots = enc.slotCount;
    // rows of N/2 slots: row rotations by 1, 2, …, N/4, then swap the two rows (step 0)
    const steps: number[] = [];
    for (let s = 1; s < slots / 2; s *= 2) steps.push(s);
    return {
      ...common,
      slots,
      encode: (values) => enc.encode(values as BigInt64Array) as PlainText,
      decode: (plain) => enc.decodeBigInt(plain, true) as BigInt64Array,
      multiply(a, b) {
        ops.multiply++;
        return ev.multiply(a, b) as CipherText;
      },
      relinearize(a, keys) {
        ops.relinearize++;
        ev.relinearize(a, keys, a);
      },
      finishPlainProducts() {},
      rotateSum(a, keys) {
        foldSlots(a, steps, (x, step) => ev.rotateRows(x, step, keys) as CipherText);
        foldSlots(a, [0], (x) => ev.rotateColumns(x, keys) as CipherText);
      },
      rotationSteps: () => Int32Array.from([0, ...steps]),
    };
  }
  const enc = seal.CKKSEncoder(context);
  const slots = enc.slotCount;
  const scale = 2 ** params.scaleBits;
  const steps: number[] = [];
  for (let s = 1; s < slots; s *= 2) steps.push(s);
  return {
    ...common,
    slots,
    encode: (values) => enc.encode(values as Float64Array, scale) as PlainText,
    decode: (plain) => enc.decode(plain) as Float64Array,
    multiply(a, b) {
      ops.multiply++;
      // operands at different levels (a product times a fresh column): bring the higher one down
      if (a.coeffModulusSize !== b.coeffModulusSize) {
        const [hi, lo] = a.coeffModulusSize > b.coeffModulusSize ? [a, b] : [b, a];
        const down = ev.cipherModSwitchTo(hi, lo.parmsId) as CipherText;
        const out = ev.multiply(down, lo) as CipherText;
        down.delete();
        return out;
      }
      return ev.multiply(a, b) as CipherText;
    },
    relinearize(a, keys) {
      ops.relinearize++;
      ev.relinearize(a, keys, a);
      ops.rescale++;
      ev.rescaleToNext(a, a);
    },
    finishPlainProducts(a) {
      ops.rescale++;
      ev.rescaleToNext(a, a);
    },
    rotateSum(a, keys) {
      foldSlots(a, steps, (x, step) => ev.rotateVector(x, step, keys) as CipherText);
    },
    rotationSteps: () => Int32Array.from(steps),
  };
}

/** The public half of a key holder's keys: what owners encrypt with and compute nodes evaluate with. */
export type PublicKeys = { publicKey: PublicKey; relinKeys: RelinKeys; galoisKeys: GaloisKeys };

/** Serialized keys (zstd, SEAL's own format). */
export type KeyBytes = {
  publicKey: Uint8Array;
  relinKeys: Uint8Array;
  galoisKeys: Uint8Array;
  secretKey: Uint8Array;
};

/** New keys for a context: Galois keys only for the rotations `rotateSum` uses. */
export function generateKeys(he: HeContext): KeyBytes {
  const kg = he.seal.KeyGenerator(he.context);
  const sk = kg.secretKey();
  const pk = kg.createPublicKey();
  const rk = kg.createRelinKeys();
  const gk = kg.createGaloisKeys(he.rotationSteps());
  const z = he.seal.ComprModeType.zstd;
  try {
    return {
      publicKey: pk.saveArray(z),
      relinKeys: rk.saveArray(z),
      galoisKeys: gk.saveArray(z),
      secretKey: sk.saveArray(z),
    };
  } finally {
    he.free(sk, pk, rk, gk, kg);
  }
}

/** Fingerprint of a key holder's public key under its parameters: what manifests record. */
export function keyFingerprint(paramsBytes: Uint8Array, publicKey: Uint8Array): string {
  return sha256Hex(Buffer.concat([Buffer.from(sha256Hex(paramsBytes), 'hex'), Buffer.from(publicKey)])).slice(
    0,
    32,
  );
}

export function loadPublicKey(he: HeContext, bytes: Uint8Array): PublicKey {
  const k = he.seal.PublicKey();
  k.loadArray(he.context, bytes);
  return k;
}
export function loadRelinKeys(he: HeContext, bytes: Uint8Array): RelinKeys {
  const k = he.seal.RelinKeys();
  k.loadArray(he.context, bytes);
  return k;
}
export function loadGaloisKeys(he: HeContext, bytes: Uint8Array): GaloisKeys {
  const k = he.seal.GaloisKeys();
  k.loadArray(he.context, bytes);
  return k;
}
export function loadSecretKey(he: HeContext, bytes: Uint8Array): SecretKey {
  const k = he.seal.SecretKey();
  k.loadArray(he.context, bytes);
  return k;
}

/** Encrypts vectors under a public key, one at a time (frees its plaintexts). */
export function encryptor(he: HeContext, publicKey: PublicKey) {
  const enc = he.seal.Encryptor(he.context, publicKey);
  const none = he.seal.ComprModeType.none;
  return {
    /** The serialized ciphertext of a vector (length ≤ slots; the rest are zero). */
    encrypt(values: BigInt64Array | Float64Array): Uint8Array {
      const plain = he.encode(values);
      const c = enc.encrypt(plain) as CipherText;
      he.ops.encrypt++;
      try {
        return c.saveArray(none);
      } finally {
        he.free(plain, c);
      }
    },
    close: () => he.free(enc),
  };
}

/** Decrypts with a secret key, and reports the invariant noise budget left (BFV: 0 = garbage). */
export function decryptor(he: HeContext, secretKey: SecretKey) {
  const dec = he.seal.Decryptor(he.context, secretKey);
  return {
    decrypt(c: CipherText): { values: BigInt64Array | Float64Array; noiseBudget: number | undefined } {
      he.ops.decrypt++;
      const noiseBudget = he.params.scheme === 'bfv' ? dec.invariantNoiseBudget(c) : undefined;
      const plain = dec.decrypt(c) as PlainText;
      try {
        return { values: he.decode(plain), noiseBudget };
      } finally {
        he.free(plain);
      }
    },
    close: () => he.free(dec),
  };
}
