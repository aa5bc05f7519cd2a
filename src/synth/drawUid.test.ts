import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { drawUid } from './drawUid.js';
import { drawUuid } from './drawUuid.js';

describe('drawUid / drawUuid', () => {
  it('draws valid 2.25 UIDs below 2^128', () => {
    const rng = createRng(1, 'uid');
    for (let i = 0; i < 500; i++) {
      const uid = drawUid(rng);
      expect(uid).toMatch(/^2\.25\.(0|[1-9][0-9]*)$/);
      expect(uid.length).toBeLessThanOrEqual(64);
      expect(BigInt(uid.slice(5)) < 2n ** 128n).toBe(true);
    }
  });

  it('draws version-4-shaped UUIDs, deterministically', () => {
    const a = drawUuid(createRng(7, 'x'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(drawUuid(createRng(7, 'x'))).toBe(a);
    expect(drawUuid(createRng(8, 'x'))).not.toBe(a);
  });
});
