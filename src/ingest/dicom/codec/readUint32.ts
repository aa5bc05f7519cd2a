import type { DicomElement } from './types.js';

export type ReadUint32Parameters = DicomElement;
export type ReadUint32ReturnType = number | undefined;

/**
 * Reads the `index`-th unsigned 32-bit value (UL, or the raw bytes of any binary VR) in the data
 * set's byte order; `undefined` when the value is too short or absent.
 *
 * @example
 * const groupLength = file.meta.find((e) => e.tag === 0x00020000);
 * readUint32(groupLength!, true); // e.g. 196
 */
export function readUint32(el: ReadUint32Parameters, littleEndian: boolean, index = 0): ReadUint32ReturnType {
  const v = el.value;
  const o = index * 4;
  if (v === undefined || index < 0 || o + 4 > v.length) return undefined;
  return littleEndian
    ? (v[o]! | (v[o + 1]! << 8) | (v[o + 2]! << 16)) + v[o + 3]! * 0x1000000
    : v[o]! * 0x1000000 + ((v[o + 1]! << 16) | (v[o + 2]! << 8) | v[o + 3]!);
}
