/**
 * Value representation tables shared by the reader and the writer (internal to the codec).
 */

/** Every VR of PS3.5 Table 6.2-1. */
export const KNOWN_VRS: ReadonlySet<string> = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(
    ' ',
  ),
);

/** VRs whose explicit-VR header has 2 reserved bytes and a 4-byte length (PS3.5 7.1.2). */
export const LONG_VRS: ReadonlySet<string> = new Set('OB OD OF OL OV OW SQ SV UC UN UR UT UV'.split(' '));

/** Character-string VRs, padded with a space to even length (UI is padded with NUL). */
export const TEXT_VRS: ReadonlySet<string> = new Set(
  'AE AS CS DA DS DT IS LO LT PN SH ST TM UC UR UT'.split(' '),
);

/** The padding byte for an odd-length value of this VR. */
export function padByte(vr: string): number {
  return TEXT_VRS.has(vr) ? 0x20 : 0;
}

/** Known VR strings by their two ASCII codes (c0 << 8 | c1), so the reader never allocates one. */
export const VR_BY_CODE: ReadonlyMap<number, string> = new Map(
  [...KNOWN_VRS].map((vr) => [(vr.charCodeAt(0) << 8) | vr.charCodeAt(1), vr]),
);

/** Item, item delimitation and sequence delimitation tags (FFFE,E000 / E00D / E0DD). */
export const ITEM = 0xfffee000;
export const ITEM_DELIMITER = 0xfffee00d;
export const SEQUENCE_DELIMITER = 0xfffee0dd;
/** Pixel Data (7FE0,0010). */
export const PIXEL_DATA = 0x7fe00010;
/** The length value that means "undefined length". */
export const UNDEFINED_LENGTH = 0xffffffff;
