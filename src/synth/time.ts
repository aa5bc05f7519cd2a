/**
 * Calendar helpers for the generator. Times are "local wall-clock milliseconds": milliseconds
 * since 1970-01-01T00:00 of the owner's local clock, read through the UTC getters, so no time
 * zone database (and no wall clock) is ever consulted. The owner's fixed UTC offset is attached
 * only when formatting a FHIR dateTime.
 */

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000;
/** Mean Gregorian year in milliseconds. */
export const YEAR_MS = 365.2425 * DAY_MS;

/**
 * Parses `YYYY-MM-DD` to local wall-clock milliseconds at midnight.
 *
 * @example
 * parseDateMs('2025-01-01'); // 1735689600000
 */
export function parseDateMs(date: string): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  return Date.UTC(y, m - 1, d);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return n < 1000 ? String(n).padStart(4, '0') : String(n);
}

/**
 * FHIR date `YYYY-MM-DD`.
 *
 * @example
 * formatDate(0); // '1970-01-01'
 */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${pad4(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/**
 * FHIR dateTime / instant `YYYY-MM-DDThh:mm:ss+hh:mm` from local wall-clock ms and an offset.
 *
 * @example
 * formatDateTime(0, '-05:00'); // '1970-01-01T00:00:00-05:00'
 */
export function formatDateTime(ms: number, offset: string): string {
  const d = new Date(ms);
  return (
    `${pad4(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` +
    `T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}${offset}`
  );
}

/**
 * DICOM DA `YYYYMMDD`.
 *
 * @example
 * formatDicomDate(0); // '19700101'
 */
export function formatDicomDate(ms: number): string {
  const d = new Date(ms);
  return `${pad4(d.getUTCFullYear())}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
}

/**
 * DICOM TM `HHMMSS.FFF` (milliseconds kept, so instances of one series differ).
 *
 * @example
 * formatDicomTime(3_723_500); // '010203.500'
 */
export function formatDicomTime(ms: number): string {
  const d = new Date(ms);
  const frac = d.getUTCMilliseconds();
  const base = `${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`;
  return frac === 0 ? base : `${base}.${String(frac).padStart(3, '0')}`;
}

/**
 * Completed years between a birth date and a later date (both local wall-clock ms).
 *
 * @example
 * ageAt(parseDateMs('2000-06-15'), parseDateMs('2025-01-01')); // 24
 */
export function ageAt(birthMs: number, atMs: number): number {
  const b = new Date(birthMs);
  const a = new Date(atMs);
  let age = a.getUTCFullYear() - b.getUTCFullYear();
  const beforeBirthday =
    a.getUTCMonth() < b.getUTCMonth() ||
    (a.getUTCMonth() === b.getUTCMonth() && a.getUTCDate() < b.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}
