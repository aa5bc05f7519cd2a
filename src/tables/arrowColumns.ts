import { Int32, Int64, makeData, makeVector, Table, Utf8, type Vector } from 'apache-arrow';

/** The Arrow column kinds used for DICOM metadata (and loaded into DuckDB by data chunks). */
export type ArrowColumnKind = 'utf8' | 'int32' | 'int64';

/** A column to build: its name, kind and values (undefined or null: NULL). */
export type ArrowColumnInput =
  | { name: string; kind: 'utf8'; values: readonly (string | null | undefined)[] }
  | { name: string; kind: 'int32'; values: readonly (number | null | undefined)[] }
  | { name: string; kind: 'int64'; values: readonly (number | bigint | null | undefined)[] };

/** Validity bitmap (Arrow layout: bit i of byte i>>3, LSB first); undefined when nothing is NULL. */
function validityOf(values: readonly unknown[]): Uint8Array | undefined {
  let bitmap: Uint8Array | undefined;
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== undefined && values[i] !== null) continue;
    if (!bitmap) bitmap = new Uint8Array(Math.ceil(values.length / 64) * 8).fill(0xff);
    bitmap[i >> 3] = (bitmap[i >> 3] as number) & ~(1 << (i & 7));
  }
  return bitmap;
}

/**
 * A UTF-8 Arrow vector from strings: one buffer written with `encodeInto` plus an offsets
 * array, without per-element builders (≈10× faster than `vectorFromArray` for strings).
 *
 * @example
 * const v = utf8Vector(['CT', null, 'MR']); // v.get(1) === null
 */
export function utf8Vector(values: readonly (string | null | undefined)[]): Vector<Utf8> {
  const encoder = new TextEncoder();
  let capacity = 0;
  for (const v of values) if (v) capacity += v.length * 3;
  const data = new Uint8Array(Math.max(capacity, 1));
  const offsets = new Int32Array(values.length + 1);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v) at += encoder.encodeInto(v, data.subarray(at)).written;
    offsets[i + 1] = at;
  }
  const nullBitmap = validityOf(values);
  return makeVector(
    makeData({
      type: new Utf8(),
      length: values.length,
      valueOffsets: offsets,
      data: data.subarray(0, at),
      ...(nullBitmap ? { nullBitmap } : {}),
    }),
  );
}

/**
 * An Int32 Arrow vector from numbers, over one typed array.
 *
 * @example
 * int32Vector([512, undefined]).get(0) === 512
 */
export function int32Vector(values: readonly (number | null | undefined)[]): Vector<Int32> {
  const data = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i] ?? 0;
  const nullBitmap = validityOf(values);
  return makeVector(
    makeData({ type: new Int32(), length: values.length, data, ...(nullBitmap ? { nullBitmap } : {}) }),
  );
}

/**
 * An Int64 Arrow vector from numbers or bigints, over one BigInt64Array.
 *
 * @example
 * int64Vector([1234567890123]).get(0) === 1234567890123n
 */
export function int64Vector(values: readonly (number | bigint | null | undefined)[]): Vector<Int64> {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i] ?? 0);
  const nullBitmap = validityOf(values);
  return makeVector(
    makeData({ type: new Int64(), length: values.length, data, ...(nullBitmap ? { nullBitmap } : {}) }),
  );
}

/**
 * An Arrow table from columns of equal length.
 *
 * @example
 * const t = arrowTable([{ name: 'modality', kind: 'utf8', values: ['CT'] }]);
 * t.numRows === 1
 */
export function arrowTable(columns: readonly ArrowColumnInput[]): Table {
  const length = columns[0]?.values.length ?? 0;
  const vectors: Vector[] = columns.map((c) => {
    if (c.values.length !== length) throw new RangeError(`column ${c.name} has a different length`);
    if (c.kind === 'utf8') return utf8Vector(c.values);
    if (c.kind === 'int32') return int32Vector(c.values);
    return int64Vector(c.values);
  });
  return new Table(Object.fromEntries(columns.map((c, i) => [c.name, vectors[i] as Vector])));
}
