import { readFileSync } from 'node:fs';
import { keccak256, stringToHex } from 'viem';
import { describe, expect, it } from 'vitest';
import { SchemaError } from '../core/errors/core.js';
import { BN254_FIELD, chunkProof, circuitId, signedSignal, zkResultId, zkTotals } from './zkChunks.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/zk/chunk-query-p1-w64.proofs.json', import.meta.url), 'utf8'),
) as { oneChunk: { proof: { pi_b: string[][] }; publicSignals: string[] } };

describe('zk chunks for the registry', () => {
  it('turns a snarkjs proof into the registry chunk (G2 coordinates swapped, as the verifier takes them)', () => {
    const { proof, publicSignals } = fixture.oneChunk;
    const c = chunkProof('chunk-query-p1-w64', proof, publicSignals);
    expect(c.circuit).toBe(keccak256(stringToHex('chunk-query-p1-w64')));
    expect(c.circuit).toBe(circuitId('chunk-query-p1-w64'));
    expect(c.b[0]).toEqual([BigInt(proof.pi_b[0]?.[1] ?? ''), BigInt(proof.pi_b[0]?.[0] ?? '')]);
    expect(c.signals.map(String)).toEqual(publicSignals);
    expect(() => chunkProof('x', proof, publicSignals.slice(1))).toThrow(SchemaError);
    expect(() => chunkProof('x', { pi_a: ['1'] }, publicSignals)).toThrow(SchemaError);
  });

  it('reads sumX as signed and adds the chunks up', () => {
    expect(signedSignal(5n)).toBe(5n);
    expect(signedSignal(BN254_FIELD - 5n)).toBe(-5n);
    expect(signedSignal((BN254_FIELD - 1n) / 2n)).toBe((BN254_FIELD - 1n) / 2n);
    expect(signedSignal((BN254_FIELD + 1n) / 2n)).toBe(-(BN254_FIELD - 1n) / 2n);
    const { proof, publicSignals } = fixture.oneChunk;
    const a = chunkProof('c', proof, publicSignals);
    const neg = chunkProof(
      'c',
      proof,
      publicSignals.map((s, i) => (i === 2 ? String(BN254_FIELD - 100n) : s)),
    );
    const [count, countX, sumX, sumSqX] = publicSignals.map(BigInt) as [bigint, bigint, bigint, bigint];
    const signedX = sumX > (BN254_FIELD - 1n) / 2n ? sumX - BN254_FIELD : sumX;
    expect(zkTotals([a, neg])).toEqual({
      count: 2n * count,
      countX: 2n * countX,
      sumX: signedX - 100n,
      sumSqX: 2n * sumSqX,
    });
  });

  it('result ids differ by token, version, query and totals', () => {
    const base = { tokenId: 1n, version: 0n, queryHash: 7n, count: 1n, countX: 1n, sumX: -3n, sumSqX: 9n };
    const id = zkResultId(base);
    expect(id).toMatch(/^0x[0-9a-f]{64}$/);
    expect(zkResultId({ ...base, queryHash: `0x${(7).toString(16).padStart(64, '0')}` })).toBe(id);
    for (const over of [{ tokenId: 2n }, { version: 1n }, { queryHash: 8n }, { sumX: 3n }, { count: 2n }]) {
      expect(zkResultId({ ...base, ...over })).not.toBe(id);
    }
  });
});
