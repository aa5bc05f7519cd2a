import { describe, expect, it } from 'vitest';
import { SynthOptionsSchema } from './schema.js';

describe('SynthOptionsSchema', () => {
  it('applies defaults', () => {
    expect(SynthOptionsSchema.parse({ out: 'x' })).toEqual({
      out: 'x',
      owners: 3,
      patients: 100,
      seed: 42,
      imagingFraction: 0.1,
      slices: 4,
      imageSize: 'auto',
      modality: 'auto',
      asOf: '2025-01-01',
      dicom: true,
    });
  });

  it('rejects bad values and unknown fields', () => {
    for (const bad of [
      { out: 'x', owners: 0 },
      { out: 'x', owners: 1001 },
      { out: 'x', patients: 1.5 },
      { out: 'x', seed: -1 },
      { out: 'x', imagingFraction: 1.1 },
      { out: 'x', slices: 0 },
      { out: 'x', imageSize: '100' },
      { out: 'x', modality: 'US' },
      { out: 'x', asOf: '2025-02-30' },
      { out: 'x', asOf: '2025-1-1' },
      { out: 'x', extra: 1 },
      {},
    ]) {
      expect(SynthOptionsSchema.safeParse(bad).success).toBe(false);
    }
    expect(SynthOptionsSchema.safeParse({ out: 'x', asOf: '2024-02-29' }).success).toBe(true);
  });

  it('describes every field (CLI flags derive from it)', () => {
    for (const [key, field] of Object.entries(SynthOptionsSchema.shape)) {
      expect(field.description, key).toBeTruthy();
    }
  });
});
