import type { TagPattern } from './parseTagPattern.js';

/**
 * Whether a tag (uint32, `group << 16 | element`) matches a parsed Table E.1-1 tag pattern.
 *
 * @example
 * matchTagPattern(parseTagPattern('(60XX,3000)'), 0x60223000); // true
 * matchTagPattern(parseTagPattern('(60XX,3000)'), 0x60013000); // false: 6001 is private
 * matchTagPattern({ kind: 'private' }, 0x00091001); // true
 */
export function matchTagPattern(pattern: TagPattern, tag: number): boolean {
  const t = tag >>> 0;
  switch (pattern.kind) {
    case 'exact':
      return t === pattern.tag;
    case 'private':
      return ((t >>> 16) & 1) === 1;
    case 'masked':
      return ((t >>> 16) & 1) === 0 && (t & pattern.mask) >>> 0 === pattern.value;
  }
}
