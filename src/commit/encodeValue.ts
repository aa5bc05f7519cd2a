import { createHash } from 'node:crypto';
import type { ColumnLogicalType } from '../core/schemas/tables.js';
import type { TableCell } from '../tables/index.js';
import { FIELD_MODULUS, INT64_MAX, INT64_MIN } from './constants.js';
import { CommitError } from './errors.js';

/**
 * A value as the commitment reads it from a table, before encoding: a `TableCell` of the tables
 * folder's row streams (`int` as a bigint, `decimal` as the bigint value × 10^scale, `date` as
 * bigint days since 1970-01-01, `timestamp` as bigint microseconds since 1970-01-01T00:00:00Z,
 * `bool` as a boolean, `id` / `string` / `categorical` as a string; null for SQL NULL).
 */
export type Cell = TableCell;

/**
 * A value as an inclusion proof shows it (JSON): `int` `"-5"`, `decimal` `"12.50"` (exactly
 * `scale` digits after the point), `date` `"1969-12-31"`, `timestamp`
 * `"2020-01-01T00:00:00.000001Z"`, `bool` true/false, text as itself, null.
 */
export type DisplayValue = string | boolean | null;

/** What the encoding of a column depends on. */
export type EncodingColumn = { name: string; logical: ColumnLogicalType; scale?: number | undefined };

/** A categorical column's dictionary: value → 1-based code. */
export type DictionaryIndex = ReadonlyMap<string, number>;

const MS_PER_DAY = 86_400_000;
const MICROS_PER_SECOND = 1_000_000n;

/**
 * The field element of a text value (`id`, `string`): the first 31 bytes of SHA-256 of its UTF-8
 * bytes, read big-endian (248 bits, always < p).
 *
 * @example
 * stringField('abc'); // 0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015 as bigint
 */
export function stringField(text: string): bigint {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  return BigInt(`0x${digest.subarray(0, 31).toString('hex')}`);
}

/**
 * Builds the code lookup of a sorted dictionary (code = index + 1).
 *
 * @example
 * dictionaryIndex(['F', 'M']).get('M'); // 2
 */
export function dictionaryIndex(dictionary: readonly string[]): DictionaryIndex {
  return new Map(dictionary.map((v, i) => [v, i + 1]));
}

/**
 * Sorts distinct values by their UTF-8 bytes: the order of a categorical dictionary.
 *
 * @example
 * sortDictionary(['b', 'B', 'a']); // ['B', 'a', 'b']
 */
export function sortDictionary(values: Iterable<string>): string[] {
  const unique = [...new Set(values)];
  const bytes = new Map(unique.map((v) => [v, Buffer.from(v, 'utf8')]));
  return unique.sort((a, b) => Buffer.compare(bytes.get(a) as Buffer, bytes.get(b) as Buffer));
}

/**
 * Encodes one cell into a BN254 field element (docs/commitment.md, "Values"). Null encodes as 0;
 * its bit in the row's null mask is what tells it from a real 0.
 *
 * @example
 * encodeCell({ name: 'n', logical: 'int' }, -1n); // p - 1
 */
export function encodeCell(column: EncodingColumn, cell: Cell, dictionary?: DictionaryIndex): bigint {
  if (cell === null) return 0n;
  switch (column.logical) {
    case 'id':
    case 'string':
      return stringField(expectString(column, cell));
    case 'categorical':
      return dictionaryCode(column, expectString(column, cell), dictionary);
    case 'bool':
      if (typeof cell !== 'boolean') throw wrongKind(column);
      return cell ? 1n : 0n;
    case 'int':
    case 'decimal':
    case 'date':
    case 'timestamp':
      return signedField(column, expectBigint(column, cell));
  }
}

/**
 * Encodes a value as an inclusion proof shows it (the verifier's path): parses it, then encodes.
 *
 * @example
 * encodeValue({ name: 'price', logical: 'decimal', scale: 2 }, '-3.50'); // p - 350
 * encodeValue({ name: 'unit', logical: 'categorical' }, 'mg', ['g', 'mg']); // 2n
 */
export function encodeValue(
  column: EncodingColumn,
  value: DisplayValue,
  dictionary?: readonly string[] | DictionaryIndex,
): bigint {
  const index =
    dictionary === undefined || dictionary instanceof Map
      ? dictionary
      : dictionaryIndex(dictionary as readonly string[]);
  return encodeCell(column, parseDisplayValue(column, value), index as DictionaryIndex | undefined);
}

/**
 * The display form of a cell (what a proof shows; the inverse of `parseDisplayValue`).
 *
 * @example
 * formatCell({ name: 'd', logical: 'date' }, -1n); // '1969-12-31'
 */
export function formatCell(column: EncodingColumn, cell: Cell): DisplayValue {
  if (cell === null) return null;
  switch (column.logical) {
    case 'id':
    case 'string':
    case 'categorical':
      return expectString(column, cell);
    case 'bool':
      if (typeof cell !== 'boolean') throw wrongKind(column);
      return cell;
    case 'int':
      return expectBigint(column, cell).toString();
    case 'decimal':
      return formatDecimal(expectBigint(column, cell), column.scale ?? 0);
    case 'date':
      return formatDate(column, expectBigint(column, cell));
    case 'timestamp':
      return formatTimestamp(column, expectBigint(column, cell));
  }
}

/**
 * Parses a display value back into a cell; rejects anything that is not in canonical form for
 * its column (so one row has exactly one display form).
 *
 * @example
 * parseDisplayValue({ name: 't', logical: 'timestamp' }, '1970-01-01T00:00:00.000001Z'); // 1n
 */
export function parseDisplayValue(column: EncodingColumn, value: DisplayValue): Cell {
  if (value === null) return null;
  switch (column.logical) {
    case 'id':
    case 'string':
    case 'categorical':
      return expectString(column, value);
    case 'bool':
      if (typeof value !== 'boolean') throw wrongKind(column);
      return value;
    case 'int': {
      const text = expectString(column, value);
      if (!/^-?(0|[1-9]\d*)$/.test(text)) throw notCanonical(column);
      return BigInt(text);
    }
    case 'decimal':
      return parseDecimal(column, expectString(column, value));
    case 'date':
      return canonical(column, value, parseDate(column, expectString(column, value)));
    case 'timestamp':
      return canonical(column, value, parseTimestamp(column, expectString(column, value)));
  }
}

function canonical(column: EncodingColumn, value: DisplayValue, cell: bigint): bigint {
  if (formatCell(column, cell) !== value) throw notCanonical(column);
  return cell;
}

function signedField(column: EncodingColumn, x: bigint): bigint {
  if (x < INT64_MIN || x > INT64_MAX) {
    throw outOfRange('int64', column);
  }
  return x < 0n ? FIELD_MODULUS + x : x;
}

function dictionaryCode(
  column: EncodingColumn,
  value: string,
  dictionary: DictionaryIndex | undefined,
): bigint {
  const code = dictionary?.get(value);
  if (code === undefined) {
    throw new CommitError('COMMIT_VALUE_OUT_OF_RANGE', { problem: 'dictionary', column: column.name });
  }
  return BigInt(code);
}

function formatDecimal(scaled: bigint, scale: number): string {
  if (scale === 0) return scaled.toString();
  const sign = scaled < 0n ? '-' : '';
  const digits = (scaled < 0n ? -scaled : scaled).toString().padStart(scale + 1, '0');
  return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function parseDecimal(column: EncodingColumn, text: string): bigint {
  const scale = column.scale ?? 0;
  const m = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?$/.exec(text);
  const frac = m?.[3] ?? '';
  if (!m || frac.length !== scale) throw notCanonical(column);
  const magnitude = BigInt(`${m[2]}${frac}`);
  if (m[1] === '-' && magnitude === 0n) throw notCanonical(column);
  return m[1] === '-' ? -magnitude : magnitude;
}

function formatDate(column: EncodingColumn, days: bigint): string {
  const iso = isoOfMs(column, days * BigInt(MS_PER_DAY));
  return iso.slice(0, iso.indexOf('T'));
}

function parseDate(column: EncodingColumn, text: string): bigint {
  if (!/^([+-]\d{6}|\d{4})-\d{2}-\d{2}$/.test(text)) throw notCanonical(column);
  const ms = Date.parse(`${text}T00:00:00.000Z`);
  if (Number.isNaN(ms)) throw notCanonical(column);
  return BigInt(ms / MS_PER_DAY);
}

function formatTimestamp(column: EncodingColumn, micros: bigint): string {
  const seconds = floorDiv(micros, MICROS_PER_SECOND);
  const frac = micros - seconds * MICROS_PER_SECOND;
  const iso = isoOfMs(column, seconds * 1000n);
  return `${iso.slice(0, -5)}.${frac.toString().padStart(6, '0')}Z`;
}

function parseTimestamp(column: EncodingColumn, text: string): bigint {
  const m = /^(([+-]\d{6}|\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{6})Z$/.exec(text);
  if (!m) throw notCanonical(column);
  const ms = Date.parse(`${m[1]}.000Z`);
  if (Number.isNaN(ms)) throw notCanonical(column);
  return (BigInt(ms) / 1000n) * MICROS_PER_SECOND + BigInt(m[3] as string);
}

/** JS dates reach ±8.64e15 ms (about ±273,000 years); beyond that a date has no display form. */
function isoOfMs(column: EncodingColumn, ms: bigint): string {
  if (ms < -8_640_000_000_000_000n || ms > 8_640_000_000_000_000n) {
    throw outOfRange('date-range', column);
  }
  return new Date(Number(ms)).toISOString();
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function expectString(column: EncodingColumn, v: unknown): string {
  if (typeof v !== 'string') throw wrongKind(column);
  return v;
}

function expectBigint(column: EncodingColumn, v: unknown): bigint {
  if (typeof v !== 'bigint') throw wrongKind(column);
  return v;
}

function wrongKind(column: EncodingColumn): CommitError {
  return new CommitError('COMMIT_TABLES_INVALID', {
    problem: 'value-kind',
    column: column.name,
    logical: column.logical,
  });
}

function notCanonical(column: EncodingColumn): CommitError {
  return outOfRange('not-canonical', column);
}

function outOfRange(problem: 'int64' | 'date-range' | 'not-canonical', column: EncodingColumn): CommitError {
  return new CommitError('COMMIT_VALUE_OUT_OF_RANGE', {
    problem,
    column: column.name,
    logical: column.logical,
  });
}
