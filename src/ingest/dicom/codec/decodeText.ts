import type { DicomElement } from './types.js';

export type DecodeTextParameters = DicomElement;
export type DecodeTextReturnType = string;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a text value: UTF-8 when the bytes are valid UTF-8 (ASCII included), otherwise
 * Latin-1, with trailing padding (spaces and NULs) removed. Multi-valued strings keep their `\`
 * separators. ISO 2022 code extensions are not interpreted (their bytes come out as Latin-1).
 * Returns '' for an element without a value (a sequence, encapsulated pixel data, empty).
 *
 * @example
 * decodeText({ tag: 0x00100010, vr: 'PN', value: new TextEncoder().encode('Doe^Jane') }); // 'Doe^Jane'
 */
export function decodeText(el: DecodeTextParameters): DecodeTextReturnType {
  const v = el.value;
  if (v === undefined) return '';
  let end = v.length;
  while (end > 0 && (v[end - 1] === 0x20 || v[end - 1] === 0)) end--;
  const bytes = Buffer.from(v.buffer, v.byteOffset, end);
  let ascii = true;
  for (let i = 0; i < end; i++) {
    if (v[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return bytes.toString('latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}
