import type { Rng } from '../core/rng.js';

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(n: number): string {
  return (
    (HEX[(n >>> 24) & 0xff] as string) +
    (HEX[(n >>> 16) & 0xff] as string) +
    (HEX[(n >>> 8) & 0xff] as string) +
    (HEX[n & 0xff] as string)
  );
}

/**
 * Draws a version-4-shaped UUID from the generator (deterministic, not secret): used as FHIR
 * resource ids.
 *
 * @example
 * const id = drawUuid(createRng(42, 'demo')); // 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'
 */
export function drawUuid(rng: Rng): string {
  const a = hex8(rng.u32());
  const b = hex8(((rng.u32() & 0xffff0fff) | 0x00004000) >>> 0);
  const c = hex8(((rng.u32() & 0x3fffffff) | 0x80000000) >>> 0);
  const d = hex8(rng.u32());
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}
