/**
 * The tag of the Private Creator element that reserves the block of a private data element:
 * `(gggg,xxee)` → `(gggg,00xx)`. Undefined for a standard (even-group) tag, and for private tags
 * outside any block (`(gggg,0000)`–`(gggg,00FF)`: group length, reserved elements and the creator
 * elements themselves).
 *
 * @example
 * privateCreatorTag(0x00191023); // 0x00190010
 * privateCreatorTag(0x00190010); // undefined (a creator element)
 * privateCreatorTag(0x00100010); // undefined (standard)
 */
export function privateCreatorTag(tag: number): number | undefined {
  const t = tag >>> 0;
  const group = t >>> 16;
  const element = t & 0xffff;
  if (group % 2 === 0 || element < 0x1000) return undefined;
  return ((group << 16) | (element >>> 8)) >>> 0;
}
