import type { DicomElement } from './types.js';

export type ReadUint16Parameters = DicomElement;
export type ReadUint16ReturnType = number | undefined;

/**
 * Reads the `index`-th unsigned 16-bit value (US, or the raw bytes of any binary VR) in the data
 * set's byte order; `undefined` when the value is too short or absent.
 *
 * @example
 * const rows = file.dataset.find((e) => e.tag === 0x00280010);
 * readUint16(rows!, file.syntax.littleEndian); // 512
 */
export function readUint16(el: ReadUint16Parameters, littleEndian: boolean, index = 0): ReadUint16ReturnType {
  const v = el.value;
  const o = index * 2;
  if (v === undefined || index < 0 || o + 2 > v.length) return undefined;
  return littleEndian ? v[o]! | (v[o + 1]! << 8) : (v[o]! << 8) | v[o + 1]!;
}
