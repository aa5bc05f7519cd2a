import { constants as bufferConstants } from 'node:buffer';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { DicomCodecError, type DicomCodecErrorType, unreadable } from './errors.js';
import { lookupVr } from './lookupVr.js';
import {
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  resolveTransferSyntax,
} from './resolveTransferSyntax.js';
import type { DicomElement, DicomFile, Tag, TransferSyntaxInfo } from './types.js';
import {
  ITEM,
  ITEM_DELIMITER,
  LONG_VRS,
  PIXEL_DATA,
  SEQUENCE_DELIMITER,
  UNDEFINED_LENGTH,
  VR_BY_CODE,
} from './vrs.js';

export type ParseDicomParameters = {
  /** Refuse files with more elements, items and fragments than this (default 10 million). */
  maxElements?: number | undefined;
  /**
   * Stop before the first top-level element of the data set whose tag is this or above, e.g.
   * `0x7fe00010` to read everything up to the pixel data: that element and all after it are
   * neither parsed nor returned (default: read the whole data set).
   */
  stopAt?: Tag | undefined;
};
export type ParseDicomReturnType = DicomFile;
export type ParseDicomErrorType = DicomCodecErrorType;

/** Sequences nested deeper than this are refused (real files rarely pass 10). */
export const MAX_SEQUENCE_DEPTH = 64;
/** Largest inflated data set accepted for Deflated Explicit VR Little Endian. */
// a deflated data set inflates to at most 256 MiB: far above real objects, and it keeps a
// 'deflate bomb' (a tiny file that inflates to gigabytes) within the de-identifier's memory bound
const MAX_INFLATED = Math.min(256 * 2 ** 20, bufferConstants.MAX_LENGTH);

/** How the elements being read are encoded. */
type Encoding = 0 | 1 | 2;
const EXPLICIT_LE: Encoding = 0;
const IMPLICIT_LE: Encoding = 1;
const EXPLICIT_BE: Encoding = 2;

/** Where a run of elements is read: its end condition. */
type Mode = 0 | 1 | 2 | 3;
/** The data set: until the end of the bytes (trailing zero padding tolerated). */
const TOP: Mode = 0;
/** The file meta group: while the group is 0002. */
const META: Mode = 1;
/** A defined-length item: exactly up to its end. */
const ITEM_DEFINED: Mode = 2;
/** An undefined-length item: up to its item delimiter. */
const ITEM_UNDEFINED: Mode = 3;

/** The state of one read (internal to the codec). */
export type Context = {
  b: Uint8Array;
  count: number;
  max: number;
  /** Index of the last non-zero byte of `b` (computed on first need; -2 until then). */
  lastNonZero: number;
  /** The top-level data set ends before the first element whose tag is this or above. */
  stopAt: number;
};

/** A fresh read context over `b` (internal to the codec). */
export function readContext(b: Uint8Array, maxElements = 10_000_000, stopAt = 0x1_0000_0000): Context {
  return { b, count: 0, max: maxElements, lastNonZero: -2, stopAt };
}

function rd16(b: Uint8Array, o: number, le: boolean): number {
  return le ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!;
}

function rd32(b: Uint8Array, o: number, le: boolean): number {
  return le
    ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000
    : b[o]! * 0x1000000 + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

function rdTag(b: Uint8Array, o: number, le: boolean): number {
  return ((rd16(b, o, le) << 16) | rd16(b, o + 2, le)) >>> 0;
}

const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;

/** A group a data set can start with (0002 to 0028, even). */
const plausibleGroup = (g: number) => g >= 0x0002 && g <= 0x0028 && (g & 1) === 0;

/** Whether everything from `o` to the end of the bytes is zero (padding after the data set). */
function trailingZeros(ctx: Context, o: number): boolean {
  if (ctx.lastNonZero === -2) {
    let i = ctx.b.length - 1;
    while (i >= 0 && ctx.b[i] === 0) i--;
    ctx.lastNonZero = i;
  }
  return o > ctx.lastNonZero;
}

function countOne(ctx: Context, o: number): void {
  if (++ctx.count > ctx.max) throw unreadable(`more than ${ctx.max} elements`, o, undefined, true);
}

function pastEnd(ctx: Context, end: number, what: string): string {
  return end === ctx.b.length
    ? `truncated: ${what} runs past the end of the file`
    : `${what} runs past the end of its item or sequence`;
}

/**
 * Reads the items of a sequence starting at `o`; pushes them into `items`. Returns the offset
 * after the sequence and whether the first item had undefined length.
 */
function readItems(
  ctx: Context,
  o: number,
  end: number,
  enc: Encoding,
  depth: number,
  undefinedLength: boolean,
  items: DicomElement[][],
): { next: number; undefinedItemLength: boolean | undefined } {
  if (depth > MAX_SEQUENCE_DEPTH) throw unreadable(`sequence nesting deeper than ${MAX_SEQUENCE_DEPTH}`, o);
  const b = ctx.b;
  const le = enc !== EXPLICIT_BE;
  let undefinedItemLength: boolean | undefined;
  for (;;) {
    if (!undefinedLength && o === end) return { next: o, undefinedItemLength };
    if (end - o < 8) {
      throw unreadable(
        undefinedLength
          ? 'truncated: a sequence has no delimiter before the end of the file'
          : pastEnd(ctx, end, 'an item header'),
        o,
      );
    }
    const tag = rdTag(b, o, le);
    if (tag === SEQUENCE_DELIMITER) {
      o += 8;
      if (undefinedLength) return { next: o, undefinedItemLength };
      continue; // a stray delimiter in a defined-length sequence: skip it
    }
    if (tag === ITEM_DELIMITER) {
      o += 8; // a stray item delimiter after a defined-length item: skip it
      continue;
    }
    if (tag !== ITEM) throw unreadable('a sequence holds an element outside any item', o);
    countOne(ctx, o);
    const len = rd32(b, o + 4, le);
    const item: DicomElement[] = [];
    items.push(item);
    if (len === UNDEFINED_LENGTH) {
      undefinedItemLength ??= true;
      o = readElements(ctx, o + 8, end, enc, depth, ITEM_UNDEFINED, item);
    } else {
      undefinedItemLength ??= false;
      if (len > end - o - 8) throw unreadable(pastEnd(ctx, end, 'an item'), o);
      const itemEnd = o + 8 + len;
      readElements(ctx, o + 8, itemEnd, enc, depth, ITEM_DEFINED, item);
      o = itemEnd;
    }
  }
}

/** Reads encapsulated pixel data items (offset table, fragments) up to the sequence delimiter. */
function readFragments(
  ctx: Context,
  o: number,
  end: number,
  le: boolean,
): { next: number; offsetTable: Uint8Array; fragments: Uint8Array[] } {
  const b = ctx.b;
  let offsetTable: Uint8Array | undefined;
  const fragments: Uint8Array[] = [];
  for (;;) {
    if (end - o < 8) throw unreadable('truncated: encapsulated pixel data has no sequence delimiter', o);
    const tag = rdTag(b, o, le);
    if (tag === SEQUENCE_DELIMITER) {
      return { next: o + 8, offsetTable: offsetTable ?? b.subarray(o, o), fragments };
    }
    if (tag !== ITEM) throw unreadable('encapsulated pixel data holds something other than an item', o);
    countOne(ctx, o);
    const len = rd32(b, o + 4, le);
    if (len === UNDEFINED_LENGTH) throw unreadable('a pixel data fragment has undefined length', o);
    if (len > end - o - 8) throw unreadable(pastEnd(ctx, end, 'a pixel data fragment'), o);
    const value = b.subarray(o + 8, o + 8 + len);
    if (offsetTable === undefined) offsetTable = value;
    else fragments.push(value);
    o += 8 + len;
  }
}

/**
 * Reads elements from `o` into `out` until the end condition of `mode`; returns the offset after
 * the last byte consumed.
 */
function readElements(
  ctx: Context,
  o: number,
  end: number,
  enc: Encoding,
  depth: number,
  mode: Mode,
  out: DicomElement[],
): number {
  const b = ctx.b;
  const le = enc !== EXPLICIT_BE;
  for (;;) {
    if (o === end) {
      if (mode === ITEM_UNDEFINED) throw unreadable(pastEnd(ctx, end, 'an item without delimiter'), o);
      return o;
    }
    if (end - o < 8) {
      if (mode === META) return o; // what follows is the data set's business (e.g. deflated)
      if (mode === TOP && trailingZeros(ctx, o)) return end;
      throw unreadable(pastEnd(ctx, end, 'an element header'), o);
    }
    const group = rd16(b, o, le);
    const element = rd16(b, o + 2, le);
    if (mode === TOP && ((group << 16) | element) >>> 0 >= ctx.stopAt) return o;
    if (group === 0xfffe) {
      if (element === 0xe00d) {
        o += 8;
        if (mode === ITEM_UNDEFINED) return o;
        continue; // a stray item delimiter: skip it
      }
      if (element === 0xe0dd) {
        // an undefined-length item closed by its sequence's delimiter: let the sequence see it
        if (mode === ITEM_UNDEFINED) return o;
        o += 8; // a stray sequence delimiter: skip it
        continue;
      }
      throw unreadable('an item appears outside a sequence', o);
    }
    if (mode === META && group !== 0x0002) return o;
    if (mode === TOP && group === 0 && element === 0 && trailingZeros(ctx, o)) return end;
    countOne(ctx, o);
    const tag = ((group << 16) | element) >>> 0;

    let implicit = enc === IMPLICIT_LE;
    let vr = 'UN';
    let len: number;
    let header = 8;
    let long = false;
    if (!implicit) {
      const c0 = b[o + 4]!;
      const c1 = b[o + 5]!;
      const known = VR_BY_CODE.get((c0 << 8) | c1);
      if (known !== undefined) {
        vr = known;
        long = LONG_VRS.has(vr);
      } else if (isUpper(c0) && isUpper(c1)) {
        // an unknown VR: read it as UN, with the 4-byte length form if it fits, else the 2-byte
        if (b[o + 6] === 0 && b[o + 7] === 0 && end - o >= 12) {
          const l = rd32(b, o + 8, le);
          long = l !== UNDEFINED_LENGTH && l <= end - o - 12;
        }
      } else if (le)
        implicit = true; // the writer switched to implicit VR (seen in the wild)
      else throw unreadable('an element has an invalid VR', o);
    }
    if (implicit) {
      vr = lookupVr(tag);
      len = rd32(b, o + 4, true);
    } else if (long) {
      if (end - o < 12) throw unreadable(pastEnd(ctx, end, 'an element header'), o);
      len = rd32(b, o + 8, le);
      header = 12;
    } else {
      len = rd16(b, o + 6, le);
    }
    const start = o + header;

    if (len === UNDEFINED_LENGTH) {
      if (tag === PIXEL_DATA || (!implicit && (vr === 'OB' || vr === 'OW'))) {
        const r = readFragments(ctx, start, end, le);
        out.push({
          tag,
          vr: vr === 'OW' ? 'OW' : 'OB',
          encapsulated: { offsetTable: r.offsetTable, fragments: r.fragments },
          undefinedLength: true,
        });
        o = r.next;
        continue;
      }
      // SQ; UN holding a sequence in implicit VR LE (PS3.5 6.2.2); any undefined length in implicit VR
      let itemEnc: Encoding = enc;
      if (implicit || vr === 'UN') itemEnc = IMPLICIT_LE;
      else if (vr !== 'SQ') throw unreadable(`an element of VR ${vr} has undefined length`, o);
      const items: DicomElement[][] = [];
      const r = readItems(ctx, start, end, itemEnc, depth + 1, true, items);
      out.push({
        tag,
        vr: implicit ? 'SQ' : vr,
        items,
        undefinedLength: true,
        undefinedItemLength: r.undefinedItemLength,
      });
      o = r.next;
      continue;
    }

    if (len > end - start) throw unreadable(pastEnd(ctx, end, 'an element'), o);
    const valueEnd = start + len;
    if (vr === 'SQ') {
      const items: DicomElement[][] = [];
      const r = readItems(ctx, start, valueEnd, implicit ? IMPLICIT_LE : enc, depth + 1, false, items);
      out.push({ tag, vr, items, undefinedLength: false, undefinedItemLength: r.undefinedItemLength });
    } else if (
      vr === 'UN' &&
      len >= 8 &&
      rdTag(b, start, true) === ITEM &&
      (implicit || sequenceOrUnknown(tag))
    ) {
      // a UN value (explicit) or unknown element (implicit) that starts with an item: a sequence
      // encoded in implicit VR little endian (PS3.5 6.2.2), if it parses as one
      out.push(sequenceInValue(ctx, tag, implicit ? 'SQ' : 'UN', start, valueEnd, depth));
    } else {
      out.push({ tag, vr, value: b.subarray(start, valueEnd) });
    }
    o = valueEnd;
  }
}

/** Whether the dictionary says SQ, or does not know the tag (private or unknown). */
function sequenceOrUnknown(tag: number): boolean {
  const vr = lookupVr(tag);
  return vr === 'SQ' || vr === 'UN';
}

/**
 * Reads a defined-length value as a sequence in implicit VR little endian if it parses as one;
 * otherwise keeps it as a UN value.
 */
function sequenceInValue(
  ctx: Context,
  tag: number,
  vr: string,
  start: number,
  end: number,
  depth: number,
): DicomElement {
  const items: DicomElement[][] = [];
  try {
    const r = readItems(ctx, start, end, IMPLICIT_LE, depth + 1, false, items);
    return { tag, vr, items, undefinedLength: false, undefinedItemLength: r.undefinedItemLength };
  } catch (err) {
    if (!(err instanceof DicomCodecError) || (err.is('DEID_DICOM_UNREADABLE') && err.fields.limit)) throw err;
    return { tag, vr: 'UN', value: ctx.b.subarray(start, end) };
  }
}

function latin1(v: Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
}

/** Whether the element at `o` fits when read as explicit VR (`le` byte order). */
function explicitFits(b: Uint8Array, o: number, le: boolean): boolean {
  const vr = VR_BY_CODE.get((b[o + 4]! << 8) | b[o + 5]!);
  if (vr === undefined) return false;
  if (!LONG_VRS.has(vr)) return rd16(b, o + 6, le) <= b.length - o - 8;
  if (b.length - o < 12) return false;
  const len = rd32(b, o + 8, le);
  return len === UNDEFINED_LENGTH || len <= b.length - o - 12;
}

function implicitFits(b: Uint8Array, o: number): boolean {
  const len = rd32(b, o + 4, true);
  return len === UNDEFINED_LENGTH || len <= b.length - o - 8;
}

/** Guesses the encoding of a data set from its first element (no meta to say it). */
function sniff(b: Uint8Array, o: number): TransferSyntaxInfo | undefined {
  if (b.length - o < 8) return undefined;
  const groupLE = rd16(b, o, true);
  if (plausibleGroup(groupLE)) {
    if (explicitFits(b, o, true)) return resolveTransferSyntax(EXPLICIT_VR_LITTLE_ENDIAN);
    if (implicitFits(b, o)) return resolveTransferSyntax(IMPLICIT_VR_LITTLE_ENDIAN);
  }
  if (plausibleGroup(rd16(b, o, false)) && explicitFits(b, o, false)) {
    return resolveTransferSyntax(EXPLICIT_VR_BIG_ENDIAN);
  }
  return undefined;
}

/**
 * Parses a DICOM file at the element level. Values are views into `bytes` (or into the inflated
 * data set for Deflated Explicit VR Little Endian): nothing is copied or decoded, pixel data
 * included. Handles Part 10 files (preamble, 'DICM', meta group whose group length is ignored in
 * favour of the elements actually there), raw data sets without preamble or meta (implicit or
 * explicit VR little endian, explicit big endian: guessed from the first element), implicit and
 * explicit VR, big endian, deflated data sets, encapsulated pixel data, sequences and items of
 * defined or undefined length nested up to 64 deep, UN sequences of undefined length (read as
 * implicit VR little endian, PS3.5 6.2.2) and private sequences in implicit VR.
 *
 * Malformed input raises a `DicomCodecError` with code `DEID_DICOM_UNREADABLE` (or
 * `DEID_DICOM_UNSUPPORTED` for a private transfer syntax) whose reason never quotes a value;
 * nothing else is thrown, and every loop advances, so no input can hang it.
 *
 * @example
 * const file = parseDicom(readFileSync('ct.dcm'));
 * const name = file.dataset.find((e) => e.tag === 0x00100010);
 * file.syntax.uid; // '1.2.840.10008.1.2.1'
 */
export function parseDicom(bytes: Uint8Array, options: ParseDicomParameters = {}): ParseDicomReturnType {
  const ctx = readContext(bytes, options.maxElements, options.stopAt);
  const n = bytes.length;
  const meta: DicomElement[] = [];
  const head = readMeta(ctx, meta);
  const preamble = head.preamble;
  const o = head.end;

  const ts = meta.find((e) => e.tag === 0x00020010)?.value;
  let syntax: TransferSyntaxInfo;
  if (ts !== undefined && ts.length > 0) {
    syntax = resolveTransferSyntax(latin1(ts));
    // a data set encoded with the other native little-endian syntax than the meta says
    const native = !syntax.deflated && !syntax.encapsulated && syntax.littleEndian;
    if (native && n - o >= 8 && plausibleGroup(rd16(bytes, o, true))) {
      const explicitOk = explicitFits(bytes, o, true);
      if (syntax.explicitVR && !explicitOk && !isUpper(bytes[o + 4]!) && implicitFits(bytes, o)) {
        syntax = resolveTransferSyntax(IMPLICIT_VR_LITTLE_ENDIAN);
      } else if (!syntax.explicitVR && explicitOk && !implicitFits(bytes, o)) {
        syntax = resolveTransferSyntax(EXPLICIT_VR_LITTLE_ENDIAN);
      }
    }
  } else {
    const guessed = sniff(bytes, o);
    if (guessed === undefined) {
      if (meta.length === 0 && preamble === undefined) {
        throw unreadable(
          n < 8
            ? 'not DICOM: the file is too short'
            : 'not DICOM: no preamble and no recognisable first element',
          0,
        );
      }
      if (n - o >= 8 && !trailingZeros(ctx, o)) {
        throw unreadable('no transfer syntax in the meta and no recognisable first element', o);
      }
    }
    syntax = guessed ?? resolveTransferSyntax(EXPLICIT_VR_LITTLE_ENDIAN);
  }

  let data = ctx;
  let start = o;
  if (syntax.deflated) {
    data = { ...ctx, b: inflate(bytes.subarray(o), o), lastNonZero: -2 };
    start = 0;
  }
  const enc = !syntax.littleEndian ? EXPLICIT_BE : syntax.explicitVR ? EXPLICIT_LE : IMPLICIT_LE;
  const dataset: DicomElement[] = [];
  readElements(data, start, data.b.length, enc, 0, TOP, dataset);
  return { preamble, meta, dataset, syntax };
}

/**
 * Reads the 128-byte preamble and 'DICM' (or 'DICM' alone), then the file meta group (0002),
 * pushing its elements into `meta` as they are read; a data set that starts with group 0002 and
 * no preamble has its meta read too. Returns the preamble and the offset after the meta group
 * (internal to the codec: `parseDicom` and `readFileMeta` share it).
 */
export function readMeta(
  ctx: Context,
  meta: DicomElement[],
): { preamble: Uint8Array | undefined; end: number } {
  const bytes = ctx.b;
  const n = bytes.length;
  let o = 0;
  let preamble: Uint8Array | undefined;
  if (n >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d) {
    preamble = bytes.subarray(0, 128);
    o = 132;
  } else if (n >= 4 && bytes[0] === 0x44 && bytes[1] === 0x49 && bytes[2] === 0x43 && bytes[3] === 0x4d) {
    o = 4; // 'DICM' without a preamble
  }
  if (o > 0 || (n >= 8 && rd16(bytes, 0, true) === 0x0002)) {
    o = readElements(ctx, o, n, EXPLICIT_LE, 0, META, meta);
  }
  return { preamble, end: o };
}

function inflate(deflated: Uint8Array, offset: number): Uint8Array {
  try {
    return inflateRawSync(deflated, { maxOutputLength: MAX_INFLATED });
  } catch (raw) {
    try {
      return inflateSync(deflated, { maxOutputLength: MAX_INFLATED }); // zlib-wrapped by mistake
    } catch {
      throw unreadable('the deflated data set cannot be inflated', offset, raw);
    }
  }
}
