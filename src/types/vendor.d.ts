// Minimal declarations for packages that ship no types. Extend them as stages start using more.

declare module 'snarkjs' {
  export const groth16: {
    verify(verificationKey: unknown, publicSignals: readonly string[], proof: unknown): Promise<boolean>;
    fullProve(
      input: Record<string, unknown>,
      wasmFile: string,
      zkeyFile: string,
    ): Promise<{ proof: unknown; publicSignals: string[] }>;
  };
  export const zKey: {
    exportVerificationKey(zkeyFile: string): Promise<Record<string, unknown>>;
  };
}

declare module 'circomlibjs' {
  export type Poseidon = ((inputs: readonly (bigint | number | string)[]) => Uint8Array) & {
    F: { toString(x: Uint8Array, radix?: number): string; toObject(x: Uint8Array): bigint };
  };
  export function buildPoseidon(): Promise<Poseidon>;
}
