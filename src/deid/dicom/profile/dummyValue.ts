import { InternalError } from '../../../core/errors/index.js';

/** Dummies for text VRs: short, valid for the VR, obviously not data. */
const TEXT: Readonly<Record<string, string>> = {
  /** AE: ≤ 16 characters. */
  AE: 'ANONYMIZED',
  /** AS: nnnD/W/M/Y. */
  AS: '000Y',
  /** CS: upper case, digits, space, underscore; ≤ 16 characters. */
  CS: 'ANONYMIZED',
  DA: '19000101',
  DS: '0',
  DT: '19000101000000',
  IS: '0',
  LO: 'ANONYMIZED',
  LT: 'ANONYMIZED',
  PN: 'ANONYMOUS',
  /** SH: ≤ 16 characters. */
  SH: 'ANONYMIZED',
  ST: 'ANONYMIZED',
  TM: '000000.00',
  UC: 'ANONYMIZED',
  /** UI: should not be needed (profile `D` on a UI attribute resolves to `U`); a valid UID. */
  UI: '2.25.0',
  /** UR: the nil UUID as a URN (RFC 4122): a valid URI that points nowhere. */
  UR: 'urn:uuid:00000000-0000-0000-0000-000000000000',
  UT: 'ANONYMIZED',
};

/**
 * Byte length of the zero-valued dummy of each binary VR: one value of the VR's unit (AT: one tag;
 * FD, OD, SV, UV, OV: 8 bytes; FL, OF, SL, UL, OL: 4; SS, US, OW: 2). OB and UN have a one-byte
 * unit, but PS3.5 7.1 requires an even value length, so their dummy is 2 bytes.
 */
const BINARY: Readonly<Record<string, number>> = {
  AT: 4,
  FD: 8,
  FL: 4,
  OB: 2,
  OD: 8,
  OF: 4,
  OL: 4,
  OV: 8,
  OW: 2,
  SL: 4,
  SS: 2,
  SV: 8,
  UL: 4,
  UN: 2,
  US: 2,
  UV: 8,
  // dcmjs's dictionary codes for attributes that take one of two VRs.
  ox: 2,
  xs: 2,
};

export type DummyValueReturnType = string | Uint8Array;
export type DummyValueErrorType = InternalError;

const hexTag = (tag: number) => {
  const h = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${h.slice(0, 4)},${h.slice(4)})`;
};

/**
 * A non-zero-length dummy value consistent with the VR, for the profile's `D` action: text VRs get
 * a short valid string (unpadded; the writer pads to even length), binary VRs a fresh zero-filled
 * buffer of one unit. A VR this function does not know is treated as UN (2 zero bytes).
 *
 * A sequence (SQ) has no dummy value: for `D` on a sequence the caller keeps the items and replaces
 * the values inside them (see `ProfileAction`).
 *
 * @throws SinsoError (`INTERNAL`) for SQ.
 *
 * @example
 * dummyValue('PN', 0x00100010); // 'ANONYMOUS'
 * dummyValue('DA', 0x00080021); // '19000101'
 * dummyValue('US', 0x00280010); // Uint8Array [0, 0]
 */
export function dummyValue(vr: string, tag: number): DummyValueReturnType {
  const text = TEXT[vr];
  if (text !== undefined) return text;
  if (vr === 'SQ') {
    // for D on a sequence, its items are kept and each value inside them gets a dummy
    throw new InternalError('INTERNAL', { what: `no dummy value exists for the sequence ${hexTag(tag)}` });
  }
  return new Uint8Array(BINARY[vr] ?? 2);
}
