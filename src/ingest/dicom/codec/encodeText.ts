import { padByte } from './vrs.js';

export type EncodeTextParameters = { vr: string; text: string };
export type EncodeTextReturnType = Uint8Array;

/**
 * Encodes text as a DICOM value: UTF-8 bytes (declare `ISO_IR 192` in SpecificCharacterSet when
 * the text is not ASCII), padded to even length with a space, or NUL for UI and binary VRs.
 *
 * @example
 * encodeText('PN', 'Doe^Jane'); // 8 bytes
 * encodeText('UI', '1.2.3'); // '1.2.3\0'
 */
export function encodeText(
  vr: EncodeTextParameters['vr'],
  text: EncodeTextParameters['text'],
): EncodeTextReturnType {
  const n = Buffer.byteLength(text, 'utf8');
  const out = Buffer.alloc(n + (n & 1));
  out.write(text, 0, 'utf8');
  if (n & 1) out[n] = padByte(vr);
  return out;
}
