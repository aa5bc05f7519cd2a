import { createRequire } from 'node:module';

/** The part of dcmjs this module reads (dcmjs ships no types). */
type DcmjsDictionary = {
  data: { DicomMetaDictionary: { dictionary: Record<string, { vr?: unknown } | undefined> } };
};

let dictionary: DcmjsDictionary['data']['DicomMetaDictionary']['dictionary'] | undefined;

/** Formats a tag as dcmjs keys its dictionary: `(0008,0020)`, upper-case hexadecimal. */
function key(tag: number): string {
  const hex = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

/**
 * The VR that the PS3.6 data dictionary (as dcmjs 0.51 ships it) gives a standard tag, or undefined
 * when the tag is not in it. Multi-VR entries come back as dcmjs writes them (`ox` for OB or OW,
 * `xs` for US or SS). dcmjs is loaded on first use, once per process.
 *
 * @example
 * dictionaryVr(0x00080020); // 'DA'
 * dictionaryVr(0x00091001); // undefined (private)
 */
export function dictionaryVr(tag: number): string | undefined {
  if (!dictionary) {
    const dcmjs = createRequire(import.meta.url)('dcmjs') as DcmjsDictionary;
    dictionary = dcmjs.data.DicomMetaDictionary.dictionary;
  }
  const vr = dictionary[key(tag)]?.vr;
  return typeof vr === 'string' ? vr : undefined;
}
