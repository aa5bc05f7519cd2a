import { createRequire } from 'node:module';
import { InternalError } from '../../../core/errors/index.js';
import type { Tag } from './types.js';
import { KNOWN_VRS } from './vrs.js';

export type LookupVrParameters = Tag;
/** A two-letter VR; 'UN' when the dictionary does not know the tag. */
export type LookupVrReturnType = string;
export type LookupVrErrorType = InternalError;

type DictionaryEntry = { tag?: unknown; vr?: unknown };
type Dcmjs = {
  data?: {
    DicomMetaDictionary?: {
      nameMap?: Record<string, DictionaryEntry>;
      dictionary?: Record<string, DictionaryEntry | undefined>;
    };
  };
};

let table: Map<number, string> | undefined;
let fallback: Record<string, DictionaryEntry | undefined> | undefined;
/** Tags resolved outside the table are cached too, up to this many (random input cannot grow it). */
const MAX_CACHED_MISSES = 65_536;
let misses = 0;

const TAG_KEY = /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/;

/**
 * One VR for a dictionary entry: multi-VR entries resolve to the VR that implicit VR little endian
 * uses (PS3.5 A.1: pixel, overlay, waveform and LUT data are OW), 'US or SS' to US, 'up' to UL.
 */
function normaliseVr(vr: unknown): string | undefined {
  if (typeof vr !== 'string') return undefined;
  switch (vr) {
    case 'ox':
    case 'lt':
      return 'OW';
    case 'xs':
      return 'US';
    case 'up':
      return 'UL';
  }
  if (KNOWN_VRS.has(vr)) return vr;
  const options = vr.split(' or ');
  if (options.length > 1) {
    if (options.includes('OW')) return 'OW';
    const first = options[0];
    if (first !== undefined && KNOWN_VRS.has(first)) return first;
  }
  return undefined;
}

/** Builds the compact tag → VR map from dcmjs's standard data dictionary, once. */
function load(): Map<number, string> {
  const map = new Map<number, string>();
  let dictionary: NonNullable<NonNullable<Dcmjs['data']>['DicomMetaDictionary']> | undefined;
  try {
    const dcmjs = createRequire(import.meta.url)('dcmjs') as Dcmjs;
    dictionary = dcmjs.data?.DicomMetaDictionary;
  } catch (cause) {
    throw new InternalError(
      'INTERNAL',
      { what: 'the DICOM data dictionary (from dcmjs) could not be loaded', remedy: 'reinstall' },
      { cause },
    );
  }
  for (const entry of Object.values(dictionary?.nameMap ?? {})) {
    const m = typeof entry.tag === 'string' ? TAG_KEY.exec(entry.tag) : null;
    const vr = normaliseVr(entry.vr);
    if (m && vr) map.set(((Number.parseInt(m[1]!, 16) << 16) | Number.parseInt(m[2]!, 16)) >>> 0, vr);
  }
  if (map.size < 1000) {
    throw new InternalError('INTERNAL', {
      what: 'the DICOM data dictionary (from dcmjs) is missing or has an unexpected shape',
      detail: `${map.size} entries`,
      remedy: 'reinstall',
    });
  }
  fallback = dictionary?.dictionary;
  return map;
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * The value representation the data dictionary gives a tag, as implicit VR little endian needs
 * it: group lengths (gggg,0000) are UL, private creators (odd group, element 0010-00FF) LO, other
 * private and unknown tags UN; repeating groups (50xx, 60xx, 7Fxx) resolve to their base entry.
 * The table is built from dcmjs's dictionary on first use and cached.
 *
 * @example
 * lookupVr(0x00100010); // 'PN'
 * lookupVr(0x7fe00010); // 'OW'
 * lookupVr(0x00091010); // 'UN'
 */
export function lookupVr(tag: LookupVrParameters): LookupVrReturnType {
  table ??= load();
  const known = table.get(tag);
  if (known !== undefined) return known;
  const group = tag >>> 16;
  const element = tag & 0xffff;
  let vr = 'UN';
  if (element === 0) vr = 'UL';
  else if (group & 1) vr = element >= 0x10 && element <= 0xff ? 'LO' : 'UN';
  else {
    const high = group & 0xff00;
    const base = high === 0x5000 || high === 0x6000 || high === 0x7f00 ? high : group;
    const ranged = base === group ? undefined : table.get(((base << 16) | element) >>> 0);
    vr = ranged ?? normaliseVr(fallback?.[`(${hex4(group)},${hex4(element)})`]?.vr) ?? 'UN';
  }
  if (misses < MAX_CACHED_MISSES) {
    misses++;
    table.set(tag, vr);
  }
  return vr;
}
