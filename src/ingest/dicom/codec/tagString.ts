import type { Tag } from './types.js';

export type TagStringParameters = Tag;
/** '(GGGG,EEEE)' in upper-case hex. */
export type TagStringReturnType = string;

/**
 * Formats a tag the way the standard writes it.
 *
 * @example
 * tagString(0x00100010); // '(0010,0010)'
 */
export function tagString(tag: TagStringParameters): TagStringReturnType {
  const hex = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}
