import * as snarkjs from 'snarkjs';
import { InternalError } from '../../core/errors/index.js';
import type { Groth16Proof } from '../bundle.js';
import type { ChunkQueryInput } from '../witness.js';

/** One Groth16 proof of one circuit input: the witness (circom's WebAssembly), then snarkjs. */
export async function proveInput(
  input: ChunkQueryInput,
  files: { wasm: string; zkey: string },
): Promise<{ proof: Groth16Proof; publicSignals: string[] }> {
  const witness: { type: 'mem'; data?: Uint8Array } = { type: 'mem' };
  await snarkjs.wtns.calculate(input, files.wasm, witness);
  if (!witness.data) throw new InternalError('INTERNAL', { what: 'snarkjs computed no witness' });
  const { proof, publicSignals } = await snarkjs.groth16.prove(files.zkey, witness.data);
  return { proof: proof as Groth16Proof, publicSignals };
}

/** Checks one Groth16 proof; false for a proof that does not verify (never throws on a bad proof). */
export async function verifyGroth16(
  verificationKey: Record<string, unknown>,
  publicSignals: readonly string[],
  proof: Groth16Proof,
): Promise<boolean> {
  try {
    return await snarkjs.groth16.verify(verificationKey, publicSignals, proof);
  } catch {
    return false;
  }
}
