import { SchemaError } from '../../../core/errors/index.js';
import type { Tag } from './types.js';

export type ParseTagStringParameters = string;
export type ParseTagStringReturnType = Tag;
export type ParseTagStringErrorType = SchemaError;

const TAG = /^\(?([0-9A-Fa-f]{4}),?([0-9A-Fa-f]{4})\)?$/;

/**
 * Parses '(GGGG,EEEE)', 'GGGG,EEEE' or 'GGGGEEEE' (hex, any case) into a tag. Wildcards such as
 * '(50XX,XXXX)' are not tags and raise `SCHEMA_INVALID`.
 *
 * @example
 * parseTagString('(0010,0010)'); // 0x00100010
 * parseTagString('7fe00010'); // 0x7fe00010
 */
export function parseTagString(text: ParseTagStringParameters): ParseTagStringReturnType {
  const m = TAG.exec(text.trim());
  const hasBoth = m !== null && text.trim().startsWith('(') === text.trim().endsWith(')');
  if (!m || !hasBoth) {
    throw new SchemaError(
      'SCHEMA_INVALID',
      { what: 'DICOM tag', hint: "Write tags as '(GGGG,EEEE)' in hexadecimal, e.g. '(0010,0010)'." },
      { issues: [{ path: '', message: 'not a DICOM tag' }] },
    );
  }
  return ((Number.parseInt(m[1]!, 16) << 16) | Number.parseInt(m[2]!, 16)) >>> 0;
}
