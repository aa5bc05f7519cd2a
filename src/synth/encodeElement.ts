import { InternalError } from '../core/errors/index.js';

/** DICOM value representations the writer knows. */
export type DicomStringVr =
  | 'AE'
  | 'AS'
  | 'CS'
  | 'DA'
  | 'DS'
  | 'DT'
  | 'IS'
  | 'LO'
  | 'LT'
  | 'PN'
  | 'SH'
  | 'ST'
  | 'TM'
  | 'UC'
  | 'UI'
  | 'UR'
  | 'UT';
export type DicomNumberVr = 'US' | 'SS' | 'UL' | 'SL' | 'FL' | 'FD' | 'AT';
export type DicomBytesVr = 'OB' | 'OW' | 'OF' | 'OD' | 'OL' | 'OV' | 'UN';
export type DicomVr = DicomStringVr | DicomNumberVr | DicomBytesVr | 'SQ';

/** A data element to encode. `tag` is `0xGGGGEEEE`. */
export type DicomElement =
  | { tag: number; vr: DicomStringVr; value: string | readonly string[] }
  | { tag: number; vr: DicomNumberVr; value: number | readonly number[] }
  | { tag: number; vr: DicomBytesVr; value: Uint8Array }
  | {
      tag: number;
      vr: 'SQ';
      items: readonly (readonly DicomElement[])[];
      /** Write the sequence with undefined length and a sequence delimiter. */
      undefinedLength?: boolean | undefined;
      /** Write each item with undefined length and an item delimiter. */
      undefinedItemLength?: boolean | undefined;
    };

/** An element already encoded (e.g. a per-series constant), with its tag for ordering. */
export type EncodedElement = { tag: number; bytes: Uint8Array };

export type EncodeElementReturnType = { tag: number; bytes: Buffer };

/** VRs whose length field is 4 bytes after 2 reserved bytes in explicit VR. */
const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR', 'OD', 'OL', 'OV', 'SV', 'UV']);
const NUMBER_SIZE: Record<DicomNumberVr, number> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, AT: 4 };
const UNDEFINED = 0xffffffff;

function internal(detail: string): InternalError {
  return new InternalError('INTERNAL', {
    what: 'the DICOM writer was given a value it cannot encode',
    detail,
  });
}

function stringBytesLength(value: string | readonly string[]): number {
  const s = typeof value === 'string' ? value : value.join('\\');
  return Buffer.byteLength(s, 'utf8');
}

function valueLength(el: DicomElement): number {
  switch (el.vr) {
    case 'SQ': {
      let n = 0;
      for (const item of el.items) {
        n += 8;
        for (const child of item) n += elementLength(child);
        if (el.undefinedItemLength) n += 8;
      }
      return n;
    }
    case 'OB':
    case 'OW':
    case 'OF':
    case 'OD':
    case 'OL':
    case 'OV':
    case 'UN':
      return el.value.length + (el.value.length & 1);
    case 'US':
    case 'SS':
    case 'UL':
    case 'SL':
    case 'FL':
    case 'FD':
    case 'AT': {
      const n = typeof el.value === 'number' ? 1 : el.value.length;
      return n * NUMBER_SIZE[el.vr];
    }
    default: {
      const n = stringBytesLength(el.value);
      return n + (n & 1);
    }
  }
}

/** Bytes the element takes when encoded (header + value + delimiters). */
export function elementLength(el: DicomElement): number {
  const header = LONG_VRS.has(el.vr) ? 12 : 8;
  const v = valueLength(el);
  return header + v + (el.vr === 'SQ' && el.undefinedLength ? 8 : 0);
}

function writeTag(buf: Buffer, off: number, tag: number): void {
  buf.writeUInt16LE(tag >>> 16, off);
  buf.writeUInt16LE(tag & 0xffff, off + 2);
}

/**
 * Writes one element (explicit VR little endian) into `buf` at `off`; returns the offset after
 * it. Values are padded to even length: UI with NUL, other strings with space, binary with NUL.
 */
export function writeElement(buf: Buffer, off: number, el: DicomElement): number {
  writeTag(buf, off, el.tag);
  buf.write(el.vr, off + 4, 'latin1');
  const long = LONG_VRS.has(el.vr);
  const len = valueLength(el);
  if (long) {
    buf.writeUInt16LE(0, off + 6);
    buf.writeUInt32LE(el.vr === 'SQ' && el.undefinedLength ? UNDEFINED : len, off + 8);
    off += 12;
  } else {
    if (len > 0xfffe) throw internal(`value of ${el.tag.toString(16)} longer than a 2-byte length allows`);
    buf.writeUInt16LE(len, off + 6);
    off += 8;
  }
  switch (el.vr) {
    case 'SQ': {
      for (const item of el.items) {
        writeTag(buf, off, 0xfffee000);
        let itemLen = 0;
        if (!el.undefinedItemLength) for (const child of item) itemLen += elementLength(child);
        buf.writeUInt32LE(el.undefinedItemLength ? UNDEFINED : itemLen, off + 4);
        off += 8;
        for (const child of item) off = writeElement(buf, off, child);
        if (el.undefinedItemLength) {
          writeTag(buf, off, 0xfffee00d);
          buf.writeUInt32LE(0, off + 4);
          off += 8;
        }
      }
      if (el.undefinedLength) {
        writeTag(buf, off, 0xfffee0dd);
        buf.writeUInt32LE(0, off + 4);
        off += 8;
      }
      return off;
    }
    case 'OB':
    case 'OW':
    case 'OF':
    case 'OD':
    case 'OL':
    case 'OV':
    case 'UN': {
      buf.set(el.value, off);
      off += el.value.length;
      if (el.value.length & 1) buf[off++] = 0;
      return off;
    }
    case 'US':
    case 'SS':
    case 'UL':
    case 'SL':
    case 'FL':
    case 'FD':
    case 'AT': {
      const values = typeof el.value === 'number' ? [el.value] : el.value;
      for (const v of values) {
        switch (el.vr) {
          case 'US':
            buf.writeUInt16LE(v, off);
            break;
          case 'SS':
            buf.writeInt16LE(v, off);
            break;
          case 'UL':
            buf.writeUInt32LE(v, off);
            break;
          case 'SL':
            buf.writeInt32LE(v, off);
            break;
          case 'FL':
            buf.writeFloatLE(v, off);
            break;
          case 'FD':
            buf.writeDoubleLE(v, off);
            break;
          case 'AT':
            writeTag(buf, off, v);
            break;
        }
        off += NUMBER_SIZE[el.vr];
      }
      return off;
    }
    default: {
      const s = typeof el.value === 'string' ? el.value : el.value.join('\\');
      const n = buf.write(s, off, 'utf8');
      off += n;
      if (n & 1) buf[off++] = el.vr === 'UI' ? 0 : 0x20;
      return off;
    }
  }
}

/**
 * Encodes one data element on its own (explicit VR little endian), e.g. to keep per-series
 * constant elements as bytes and splice them into every instance.
 *
 * @example
 * const e = encodeElement({ tag: 0x00100010, vr: 'PN', value: 'Doe^Jane' });
 * e.bytes.length; // 16
 */
export function encodeElement(el: DicomElement): EncodeElementReturnType {
  const buf = Buffer.alloc(elementLength(el));
  writeElement(buf, 0, el);
  return { tag: el.tag, bytes: buf };
}
