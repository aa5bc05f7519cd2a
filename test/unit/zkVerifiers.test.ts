import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  exportVerifier,
  GENERATED_DIR,
  readManifest,
  renderVerifier,
  staleVerifiers,
  verifierContractName,
  vkHash,
} from '../../scripts/exportVerifiers.js';
import { CIRCUITS } from '../../src/zk/circuits.js';

describe('scripts/exportVerifiers.js', () => {
  it('names one verifier contract per circuit', () => {
    expect(verifierContractName('chunk-query-p1-w64')).toBe('Groth16VerifierP1W64');
    expect(verifierContractName('chunk-query-p1-w16')).toBe('Groth16VerifierP1W16');
    expect(verifierContractName('other-circuit')).toBe('Groth16VerifierOtherCircuit');
    expect(() => verifierContractName('Chunk Query')).toThrow(/kebab-case/);
  });

  it('regenerates every committed verifier, byte for byte, from its committed verification key', () => {
    const m = readManifest();
    expect(m.verifiers.map((v) => v.circuit)).toContain('chunk-query-p1-w64');
    expect(staleVerifiers()).toEqual([]);
    for (const v of m.verifiers) {
      const vk = JSON.parse(readFileSync(join(GENERATED_DIR, v.vk), 'utf8'));
      expect(vkHash(vk)).toBe(v.vkSha256);
      const text = renderVerifier({ circuit: v.circuit, vk });
      expect(text).toBe(readFileSync(join(GENERATED_DIR, v.file), 'utf8'));
      expect(text).toContain(`contract ${v.contract} {`);
      expect(text).toContain(`uint[8] calldata _pubSignals`);
    }
  });

  it('writes a verifier, its key and the manifest into a folder; refuses keys the registry cannot take', () => {
    const [v] = readManifest().verifiers;
    if (!v) throw new Error('no committed verifier');
    const vk = JSON.parse(readFileSync(join(GENERATED_DIR, v.vk), 'utf8'));
    const dir = mkdtempSync(join(tmpdir(), 'sinso-verifiers-'));
    try {
      const out = exportVerifier({ circuit: 'chunk-query-p1-w16', vk, dir });
      expect(out.contract).toBe('Groth16VerifierP1W16');
      const again = readFileSync(out.file, 'utf8');
      exportVerifier({ circuit: 'chunk-query-p1-w16', vk, dir });
      expect(readFileSync(out.file, 'utf8')).toBe(again);
      const manifest = JSON.parse(readFileSync(join(dir, 'verifiers.json'), 'utf8'));
      expect(manifest.verifiers).toEqual([
        {
          circuit: 'chunk-query-p1-w16',
          contract: 'Groth16VerifierP1W16',
          file: 'Groth16VerifierP1W16.sol',
          vk: 'chunk-query-p1-w16.vk.json',
          vkSha256: vkHash(vk),
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => renderVerifier({ circuit: 'x', vk: { ...vk, nPublic: 7 } })).toThrow(/8/);
    expect(() => renderVerifier({ circuit: 'x', vk: { ...vk, protocol: 'plonk' } })).toThrow(/Groth16/);
  });

  it('deploys a verifier for every circuit of the catalogue, made from the key pinned in circuits/keys', () => {
    const manifest = readManifest();
    expect(manifest.verifiers.map((v) => v.circuit).sort()).toEqual(CIRCUITS.map((c) => c.name).sort());
    for (const v of manifest.verifiers) {
      const pinned = readFileSync(
        join(GENERATED_DIR, '../../../../circuits/keys', `${v.circuit}.vk.json`),
        'utf8',
      );
      expect(vkHash(JSON.parse(pinned))).toBe(v.vkSha256);
    }
  });
});
