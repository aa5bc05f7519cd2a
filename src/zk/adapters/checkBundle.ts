import { encodingHash, loadPoseidon } from '../../commit/index.js';
import type { ProofBundle } from '../bundle.js';
import { type VerifyBundleParameters, type VerifyBundleReturnType, verifyBundle } from '../verify.js';
import { releaseCurves } from './curves.js';
import { verifyGroth16 } from './groth16.js';
import { PINNED_KEYS_DIR, readVerificationKeys } from './keys.js';

/**
 * verifyBundle with this project's parts: commit's version 2 encoding hash, snarkjs's Groth16
 * verifier and the verification keys of a folder (the pinned ones by default). Releases snarkjs's
 * curve threads afterwards, so a command that checks a bundle can exit.
 *
 * @example
 * const r = await checkBundle({ bundle, onChainRoot: async (t) => rootOnChain(t) });
 */
export async function checkBundle(p: {
  bundle: ProofBundle | unknown;
  keysDir?: string | undefined;
  onChainRoot?: VerifyBundleParameters['onChainRoot'];
}): Promise<VerifyBundleReturnType> {
  const poseidon = await loadPoseidon();
  const keys = await readVerificationKeys(p.keysDir ?? PINNED_KEYS_DIR);
  try {
    return await verifyBundle({
      bundle: p.bundle,
      poseidon,
      encodingHash: (name, columns) => encodingHash(poseidon, name, columns as never, '2'),
      verificationKey: (c) => keys.get(c),
      verifyProof: verifyGroth16,
      onChainRoot: p.onChainRoot,
    });
  } finally {
    // snarkjs's curve keeps worker threads (and so the process) alive
    await releaseCurves();
  }
}
