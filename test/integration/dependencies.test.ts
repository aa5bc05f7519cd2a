import { describe, expect, it } from 'vitest';

// `npm ci` must leave every engine of the design loadable on Node 20 (onnxruntime-node's CUDA
// download is skipped through .npmrc; its CPU binaries ship in the package).
describe('the design’s core packages', () => {
  it('all load, and their native or WASM parts initialise', async () => {
    const arrow = await import('apache-arrow');
    expect(arrow.tableFromArrays({ x: Int32Array.from([1, 2, 3]) }).numRows).toBe(3);

    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const reader = await conn.runAndReadAll('SELECT 40 + 2 AS v');
    expect(reader.getRowObjects()[0]?.['v']).toBe(42);
    conn.closeSync();

    const ort = await import('onnxruntime-node');
    expect(typeof ort.InferenceSession.create).toBe('function');
    expect(new ort.Tensor('float32', new Float32Array([1, 2]), [2]).dims).toEqual([2]);

    const SEAL = (await import('node-seal')).default;
    const seal = await SEAL();
    expect(seal.SchemeType.bfv).toBeDefined();

    const snarkjs = await import('snarkjs');
    expect(typeof snarkjs.groth16.verify).toBe('function');

    const { buildPoseidon } = await import('circomlibjs');
    const poseidon = await buildPoseidon();
    expect(poseidon.F.toString(poseidon([1, 2]))).toBe(
      '7853200120776062878684798364095072458815029376092732009249414926327459813530',
    );

    const dcmjs = (await import('dcmjs')).default;
    expect(typeof dcmjs.data.DicomMessage.readFile).toBe('function');
    const { Client } = await import('fhir-kit-client');
    expect(typeof Client).toBe('function');
    const fhirpath = (await import('fhirpath')).default;
    expect(fhirpath.evaluate({ resourceType: 'Patient', gender: 'female' }, 'Patient.gender')).toEqual([
      'female',
    ]);
  }, 60_000);
});
