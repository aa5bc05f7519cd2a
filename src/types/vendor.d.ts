// Minimal declarations for packages that ship no types. Extend them as stages start using more.

declare module 'snarkjs' {
  export const groth16: {
    verify(verificationKey: unknown, publicSignals: readonly string[], proof: unknown): Promise<boolean>;
    fullProve(
      input: Record<string, unknown>,
      wasmFile: string,
      zkeyFile: string,
    ): Promise<{ proof: unknown; publicSignals: string[] }>;
    prove(
      zkeyFile: string | Uint8Array,
      witness: Uint8Array | { type: 'mem'; data?: Uint8Array },
    ): Promise<{ proof: unknown; publicSignals: string[] }>;
  };
  export const wtns: {
    calculate(
      input: Record<string, unknown>,
      wasmFile: string | Uint8Array,
      out: { type: 'mem'; data?: Uint8Array } | string,
    ): Promise<void>;
  };
  export const zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: unknown): Promise<unknown>;
    beacon(
      oldZkey: string,
      newZkey: string,
      name: string,
      beaconHashHex: string,
      numIterationsExp: number,
      logger?: unknown,
    ): Promise<unknown>;
    exportVerificationKey(zkey: string): Promise<Record<string, unknown>>;
    exportSolidityVerifier(zkey: string, templates: Record<string, string>): Promise<string>;
  };
}

declare module 'circomlibjs' {
  export type Poseidon = ((inputs: readonly (bigint | number | string)[]) => Uint8Array) & {
    F: { toString(x: Uint8Array, radix?: number): string; toObject(x: Uint8Array): bigint };
  };
  export function buildPoseidon(): Promise<Poseidon>;
}

declare module '@iden3/binfileutils' {
  export type BinFileSection = { p: number; size: number };
  export type BinFileReader = { close(): Promise<void> };
  export function readBinFile(
    fileName: string,
    type: string,
    maxVersion: number,
    cacheSize?: number,
    pageSize?: number,
  ): Promise<{ fd: BinFileReader; sections: BinFileSection[][] }>;
  export function readSection(
    fd: BinFileReader,
    sections: BinFileSection[][],
    idSection: number,
    offset?: number,
    length?: number,
  ): Promise<Uint8Array>;
}

declare module 'r1csfile' {
  import type { BinFileReader, BinFileSection } from '@iden3/binfileutils';
  export type R1csHeader = {
    n8: number;
    prime: bigint;
    nVars: number;
    nOutputs: number;
    nPubInputs: number;
    nPrvInputs: number;
    nLabels: number;
    nConstraints: number;
    useCustomGates: boolean;
  };
  export function readR1csHeader(
    fd: BinFileReader,
    sections: BinFileSection[][],
    options: { F: { p: bigint } },
  ): Promise<R1csHeader>;
}
