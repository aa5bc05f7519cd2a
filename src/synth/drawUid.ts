import type { Rng } from '../core/rng.js';

/**
 * Draws a DICOM UID of the form `2.25.<decimal of 128 random bits>` (ISO/IEC 9834-8, as
 * DESIGN.md fixes for new UIDs). At most 44 characters, well under the 64 that UI allows.
 *
 * @example
 * const uid = drawUid(createRng(42, 'demo')); // '2.25.1234…'
 */
export function drawUid(rng: Rng): string {
  const a = BigInt(rng.u32());
  const b = BigInt(rng.u32());
  const c = BigInt(rng.u32());
  const d = BigInt(rng.u32());
  return `2.25.${((a << 96n) | (b << 64n) | (c << 32n) | d).toString()}`;
}
