import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetIdSchema, datasetIdFromName, datasetKeyName, datasetSecret } from './datasetId.js';

describe('DatasetId', () => {
  it('is one syntax for DuckDB schema, key name and slug', () => {
    for (const ok of ['main', 'owner-001', 'hospital-a-2025', 'a'])
      expect(DatasetIdSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['owner_001', 'Owner', '1st', '-a', '', 'a'.repeat(64), 'a b'])
      expect(DatasetIdSchema.safeParse(bad).success).toBe(false);
  });

  it('comes from a name as a valid id, or not at all', () => {
    expect(datasetIdFromName('Hospital A imaging 2025')).toBe('hospital-a-imaging-2025');
    expect(datasetIdFromName('Synthetic cohort, owner 001')).toBe('synthetic-cohort-owner-001');
    expect(datasetIdFromName('2025 — Clínica São José')).toBe('clinica-sao-jose');
    expect(datasetIdFromName('1234')).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (name) => {
        const id = datasetIdFromName(name);
        if (id !== undefined) expect(DatasetIdSchema.safeParse(id).success).toBe(true);
      }),
    );
  });

  it('names its key dataset-ID; only writers ask to create it', () => {
    const id = DatasetIdSchema.parse('owner-001');
    expect(datasetKeyName(id)).toBe('dataset-owner-001');
    expect(datasetSecret(id)).toEqual({ key: 'dataset-owner-001', create: false });
    expect(datasetSecret(id, { create: true })).toEqual({ key: 'dataset-owner-001', create: true });
  });
});
