import { deflateRawSync } from 'node:zlib';
import { InternalError } from '../../../core/errors/index.js';
import { encodeText } from './encodeText.js';
import type { DicomElement, DicomFile } from './types.js';
import {
  ITEM,
  ITEM_DELIMITER,
  KNOWN_VRS,
  LONG_VRS,
  padByte,
  SEQUENCE_DELIMITER,
  UNDEFINED_LENGTH,
} from './vrs.js';

export type WriteDicomParameters = DicomFile;
export type WriteDicomReturnType = Buffer;
export type WriteDicomErrorType = InternalError;

type Encoding = 0 | 1 | 2;
const EXPLICIT_LE: Encoding = 0;
const IMPLICIT_LE: Encoding = 1;
const EXPLICIT_BE: Encoding = 2;

const GROUP_LENGTH = 0x00020000;
const TRANSFER_SYNTAX = 0x00020010;
const MAX_DEFINED = 0xfffffffe;

function internal(detail: string): InternalError {
  return new InternalError('INTERNAL', {
    what: 'the DICOM writer was given a file it cannot encode',
    detail,
  });
}

const padded = (n: number) => n + (n & 1);

/** Whether the element is written with a 12-byte explicit-VR header. */
function longHeader(el: DicomElement, valueLength: number): boolean {
  return LONG_VRS.has(el.vr) || valueLength > 0xfffe;
}

/** The VR written for an element in explicit VR (a short VR too long for 16 bits becomes UN). */
function writtenVr(el: DicomElement, valueLength: number): string {
  if (!KNOWN_VRS.has(el.vr))
    throw internal(`an element has the unknown VR code ${JSON.stringify(el.vr.slice(0, 4))}`);
  return !LONG_VRS.has(el.vr) && valueLength > 0xfffe ? 'UN' : el.vr;
}

/**
 * Sizes a list of elements. For every sequence, in the order the writer visits them, pushes the
 * sequence's content length and then, per item, the item's content length into `lens`.
 */
function sizeList(list: readonly DicomElement[], enc: Encoding, lens: number[]): number {
  let total = 0;
  for (const el of list) total += sizeElement(el, enc, lens);
  return total;
}

function sizeElement(el: DicomElement, enc: Encoding, lens: number[]): number {
  const header = enc === IMPLICIT_LE ? 8 : 0;
  if (el.items !== undefined) {
    const isUn = el.vr === 'UN';
    const itemEnc = isUn ? IMPLICIT_LE : enc;
    const itemUndefined = el.undefinedItemLength ?? el.undefinedLength ?? false;
    const slot = lens.length;
    lens.push(0);
    let content = 0;
    for (const item of el.items) {
      const itemSlot = lens.length;
      lens.push(0);
      const c = sizeList(item, itemEnc, lens);
      if (!itemUndefined && c > MAX_DEFINED) throw internal('an item is longer than a 32-bit length allows');
      lens[itemSlot] = c;
      content += 8 + c + (itemUndefined ? 8 : 0);
    }
    const undefinedLength = el.undefinedLength === true;
    if (!undefinedLength && content > MAX_DEFINED)
      throw internal('a sequence is longer than a 32-bit length allows');
    lens[slot] = content;
    return (header || 12) + content + (undefinedLength ? 8 : 0);
  }
  if (el.encapsulated !== undefined) {
    let content = 8 + padded(el.encapsulated.offsetTable.length) + 8;
    for (const f of el.encapsulated.fragments) content += 8 + padded(f.length);
    return (header || 12) + content;
  }
  const len = padded(el.value?.length ?? 0);
  if (len > MAX_DEFINED) throw internal('a value is longer than a 32-bit length allows');
  if (header) return 8 + len;
  writtenVr(el, len);
  return (longHeader(el, len) ? 12 : 8) + len;
}

type WriteState = {
  buf: Buffer;
  o: number;
  lens: number[];
  li: number;
  /** Parts mode: values of at least this many bytes are not copied but emitted as their own part. */
  detachFrom?: number;
  parts?: Uint8Array[];
  /** Start of the part of `buf` not yet emitted. */
  mark?: number;
};

function putTag(s: WriteState, tag: number, le: boolean): void {
  const b = s.buf;
  const o = s.o;
  const g = tag >>> 16;
  const e = tag & 0xffff;
  if (le) {
    b[o] = g & 0xff;
    b[o + 1] = g >>> 8;
    b[o + 2] = e & 0xff;
    b[o + 3] = e >>> 8;
  } else {
    b[o] = g >>> 8;
    b[o + 1] = g & 0xff;
    b[o + 2] = e >>> 8;
    b[o + 3] = e & 0xff;
  }
}

function put32(b: Buffer, o: number, v: number, le: boolean): void {
  if (le) {
    b[o] = v & 0xff;
    b[o + 1] = (v >>> 8) & 0xff;
    b[o + 2] = (v >>> 16) & 0xff;
    b[o + 3] = v >>> 24;
  } else {
    b[o] = v >>> 24;
    b[o + 1] = (v >>> 16) & 0xff;
    b[o + 2] = (v >>> 8) & 0xff;
    b[o + 3] = v & 0xff;
  }
}

/** Writes an element header: implicit (tag, 4-byte length) or explicit (tag, VR, length). */
function putHeader(s: WriteState, tag: number, vr: string, len: number, enc: Encoding): void {
  const le = enc !== EXPLICIT_BE;
  putTag(s, tag, le);
  const b = s.buf;
  const o = s.o;
  if (enc === IMPLICIT_LE) {
    put32(b, o + 4, len, true);
    s.o = o + 8;
    return;
  }
  b[o + 4] = vr.charCodeAt(0);
  b[o + 5] = vr.charCodeAt(1);
  if (LONG_VRS.has(vr)) {
    b[o + 6] = 0;
    b[o + 7] = 0;
    put32(b, o + 8, len, le);
    s.o = o + 12;
  } else {
    if (le) {
      b[o + 6] = len & 0xff;
      b[o + 7] = len >>> 8;
    } else {
      b[o + 6] = len >>> 8;
      b[o + 7] = len & 0xff;
    }
    s.o = o + 8;
  }
}

/** Item, item delimiter or sequence delimiter: tag and 4-byte length, no VR. */
function putItemTag(s: WriteState, tag: number, len: number, le: boolean): void {
  putTag(s, tag, le);
  put32(s.buf, s.o + 4, len, le);
  s.o += 8;
}

function putValue(s: WriteState, v: Uint8Array, pad: number): void {
  if (s.parts !== undefined && s.detachFrom !== undefined && v.length >= s.detachFrom) {
    s.parts.push(s.buf.subarray(s.mark ?? 0, s.o), v);
    s.mark = s.o;
  } else {
    s.buf.set(v, s.o);
    s.o += v.length;
  }
  if (v.length & 1) s.buf[s.o++] = pad;
}

/** Bytes of the values `putValue` will detach (values of at least `from` bytes, at any depth). */
function detachedBytes(list: readonly DicomElement[], from: number): number {
  let n = 0;
  for (const el of list) {
    if (el.items !== undefined) for (const item of el.items) n += detachedBytes(item, from);
    else if (el.encapsulated !== undefined) {
      if (el.encapsulated.offsetTable.length >= from) n += el.encapsulated.offsetTable.length;
      for (const f of el.encapsulated.fragments) if (f.length >= from) n += f.length;
    } else if (el.value !== undefined && el.value.length >= from) n += el.value.length;
  }
  return n;
}

function writeList(s: WriteState, list: readonly DicomElement[], enc: Encoding): void {
  for (const el of list) writeElement(s, el, enc);
}

function writeElement(s: WriteState, el: DicomElement, enc: Encoding): void {
  const le = enc !== EXPLICIT_BE;
  if (el.items !== undefined) {
    const isUn = el.vr === 'UN';
    const itemEnc = isUn ? IMPLICIT_LE : enc;
    const itemLe = itemEnc !== EXPLICIT_BE;
    const itemUndefined = el.undefinedItemLength ?? el.undefinedLength ?? false;
    const undefinedLength = el.undefinedLength === true;
    const content = s.lens[s.li++]!;
    putHeader(s, el.tag, isUn ? 'UN' : 'SQ', undefinedLength ? UNDEFINED_LENGTH : content, enc);
    for (const item of el.items) {
      const c = s.lens[s.li++]!;
      putItemTag(s, ITEM, itemUndefined ? UNDEFINED_LENGTH : c, itemLe);
      writeList(s, item, itemEnc);
      if (itemUndefined) putItemTag(s, ITEM_DELIMITER, 0, itemLe);
    }
    if (undefinedLength) putItemTag(s, SEQUENCE_DELIMITER, 0, itemLe);
    return;
  }
  if (el.encapsulated !== undefined) {
    putHeader(s, el.tag, el.vr === 'OW' ? 'OW' : 'OB', UNDEFINED_LENGTH, enc);
    const { offsetTable, fragments } = el.encapsulated;
    putItemTag(s, ITEM, padded(offsetTable.length), le);
    putValue(s, offsetTable, 0);
    for (const f of fragments) {
      putItemTag(s, ITEM, padded(f.length), le);
      putValue(s, f, 0);
    }
    putItemTag(s, SEQUENCE_DELIMITER, 0, le);
    return;
  }
  const v = el.value;
  const len = padded(v?.length ?? 0);
  putHeader(s, el.tag, enc === IMPLICIT_LE ? el.vr : writtenVr(el, len), len, enc);
  if (v !== undefined) putValue(s, v, padByte(el.vr));
}

function trimUid(v: Uint8Array | undefined): string {
  if (v === undefined) return '';
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
    .toString('latin1')
    .replace(/[\0 ]+$/, '');
}

/** The meta elements to write: no group length (recomputed), TransferSyntaxUID = the syntax's. */
function metaToWrite(file: DicomFile): DicomElement[] {
  const out: DicomElement[] = [];
  let placed = false;
  const ts: DicomElement = { tag: TRANSFER_SYNTAX, vr: 'UI', value: encodeText('UI', file.syntax.uid) };
  for (const el of file.meta) {
    if (el.tag === GROUP_LENGTH) continue;
    if (el.tag === TRANSFER_SYNTAX) {
      out.push(trimUid(el.value) === file.syntax.uid && el.vr === 'UI' ? el : ts);
      placed = true;
      continue;
    }
    if (!placed && el.tag > TRANSFER_SYNTAX) {
      out.push(ts);
      placed = true;
    }
    out.push(el);
  }
  if (!placed) out.push(ts);
  return out;
}

/**
 * Serialises a parsed (and possibly edited) DICOM file as a Part 10 file in the same transfer
 * syntax: the preamble (128 zero bytes when there was none), 'DICM', the meta group with a
 * recomputed (0002,0000) group length and TransferSyntaxUID set to `file.syntax.uid`, then the
 * data set: explicit or implicit VR, big-endian headers for big endian, raw-deflated for the
 * deflated syntax. Values are written as their raw bytes, odd lengths padded (UI and binary with
 * NUL, text with a space). Sequences and items keep the length form the input had
 * (`undefinedLength`, `undefinedItemLength`; defined lengths are recomputed); the items of a UN
 * element read as a sequence are written in implicit VR little endian (PS3.5 6.2.2); encapsulated
 * pixel data is written as read. An unchanged explicit-VR file whose meta group had a group
 * length is reproduced byte for byte.
 *
 * One buffer is sized first and written once, so pixel data is copied exactly once (twice for a
 * deflated data set). Output is deterministic.
 *
 * @example
 * const out = writeDicom(parseDicom(bytes));
 * writeFileSync('out.dcm', out);
 */
export function writeDicom(file: WriteDicomParameters): WriteDicomReturnType {
  const parts = writeDicomParts(file, { detachFrom: Number.POSITIVE_INFINITY });
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

export type WriteDicomPartsOptions = {
  /**
   * Values (and fragments) of at least this many bytes are not copied: they are returned as
   * their own parts, views of the input (default 64 KiB). Ignored for a deflated data set.
   */
  detachFrom?: number;
};

/**
 * `writeDicom` as a list of parts to write in order (e.g. with `writev`): headers and small values
 * in one buffer, large values — the pixel data — as the very views the parser returned, so a
 * de-identified file is written without copying its pixels in memory at all.
 *
 * @example
 * writevSync(fd, writeDicomParts(file));
 */
export function writeDicomParts(
  file: WriteDicomParameters,
  options: WriteDicomPartsOptions = {},
): Uint8Array[] {
  const detachFrom = file.syntax.deflated ? Number.POSITIVE_INFINITY : (options.detachFrom ?? 65536);
  const syntax = file.syntax;
  const enc: Encoding = !syntax.littleEndian ? EXPLICIT_BE : syntax.explicitVR ? EXPLICIT_LE : IMPLICIT_LE;
  if (file.preamble !== undefined && file.preamble.length !== 128) {
    throw internal('the preamble is not 128 bytes');
  }
  const meta = metaToWrite(file);
  const metaLens: number[] = [];
  const metaLength = sizeList(meta, EXPLICIT_LE, metaLens);
  const lens: number[] = [];
  const dataLength = sizeList(file.dataset, enc, lens);
  const head = 132 + 12 + metaLength;

  let body: Uint8Array | undefined;
  let total = head + dataLength;
  if (syntax.deflated) {
    const plain = Buffer.allocUnsafeSlow(dataLength);
    const ds: WriteState = { buf: plain, o: 0, lens, li: 0 };
    writeList(ds, file.dataset, enc);
    if (ds.o !== dataLength) throw internal('the data set size was miscomputed');
    body = deflateRawSync(plain);
    total = head + padded(body.length);
  }

  const detached = Number.isFinite(detachFrom) ? detachedBytes(file.dataset, detachFrom) : 0;
  const buf = Buffer.allocUnsafeSlow(total - detached);
  if (file.preamble !== undefined) buf.set(file.preamble, 0);
  else buf.fill(0, 0, 128);
  buf.write('DICM', 128, 'latin1');
  const s: WriteState = { buf, o: 132, lens: metaLens, li: 0 };
  putHeader(s, GROUP_LENGTH, 'UL', 4, EXPLICIT_LE);
  put32(buf, s.o, metaLength, true);
  s.o += 4;
  writeList(s, meta, EXPLICIT_LE);
  if (body !== undefined) {
    buf.set(body, s.o);
    s.o += body.length;
    if (body.length & 1) buf[s.o++] = 0;
  } else {
    s.lens = lens;
    s.li = 0;
    if (detached > 0) {
      s.parts = [];
      s.mark = 0;
      s.detachFrom = detachFrom;
    }
    writeList(s, file.dataset, enc);
  }
  if (s.o !== total - detached) throw internal('the file size was miscomputed');
  if (s.parts === undefined) return [buf];
  s.parts.push(buf.subarray(s.mark ?? 0, s.o));
  return s.parts.filter((p) => p.length > 0);
}
