import { describe, expect, it } from 'vitest';
import { planPhantom } from './planPhantom.js';
import { renderPhantom } from './renderPhantom.js';

describe('renderPhantom', () => {
  for (const [modality, bodyPart] of [
    ['CT', 'CHEST'],
    ['CT', 'HEAD'],
    ['MR', 'ABDOMEN'],
  ] as const) {
    it(`renders a deterministic ${modality} ${bodyPart} body inside the stored range`, () => {
      const ph = planPhantom({
        modality,
        bodyPart,
        size: 128,
        fovMm: 360,
        sliceThicknessMm: 5,
        zStartMm: -10,
        slices: 3,
        seed: 11,
      });
      const a = new Int16Array(128 * 128);
      const b = new Int16Array(128 * 128);
      renderPhantom({ phantom: ph, slice: 1, out: a });
      renderPhantom({ phantom: ph, slice: 1, out: b });
      expect(b).toEqual(a);
      let min = Infinity;
      let max = -Infinity;
      for (const v of a) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      // CT: signed 16 bits stored (HU + 1024); MR: unsigned, BitsStored 12
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThanOrEqual(4095);
      // body in the middle differs from air in the corner
      expect(Math.abs(a[64 * 128 + 64]! - a[0]!)).toBeGreaterThan(200);
      const c = new Int16Array(128 * 128);
      renderPhantom({ phantom: ph, slice: 2, out: c });
      expect(c).not.toEqual(a);
    });
  }
});
