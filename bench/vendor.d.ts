// Declarations for the untyped packages bench/ uses directly.

/** r1csfile (iden3; installed with snarkjs): circom's .r1cs reader. Only the header is read here. */
declare module 'r1csfile' {
  export function readR1cs(
    fileName: string,
    options: {
      loadConstraints?: boolean;
      loadMap?: boolean;
      loadCustomGates?: boolean;
      /** The field (only its modulus `p` is compared with the file's): no curve is built. */
      F?: { p: bigint };
    },
  ): Promise<{
    n8: number;
    prime: bigint;
    nVars: number;
    nOutputs: number;
    nPubInputs: number;
    nPrvInputs: number;
    nLabels: number;
    nConstraints: number;
  }>;
}
