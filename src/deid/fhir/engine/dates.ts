/**
 * FHIR date helpers for the de-identification engine: recognising date, dateTime and instant
 * strings by their format, reducing them to the year, and shifting them by whole days.
 */

/**
 * A FHIR date, dateTime or instant with at least a year and a month (`YYYY-MM…`). A bare year
 * (`1987`) is not matched: it is already what Safe Harbor allows, and it cannot be told apart
 * from other four-digit strings.
 */
const DATE_LIKE =
  /^(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:\.\d+)?)?(Z|[+-](?:0\d|1[0-4]):[0-5]\d)?)?)?$/;

/** A year alone, as FHIR's date and dateTime allow it (`0001`…`9999`): already what Safe Harbor keeps. */
export const FHIR_YEAR = /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)$/;

/**
 * Whether a string is a FHIR date/dateTime/instant with at least year and month.
 *
 * @example
 * isFhirDateLike('1987-11-19T00:22:16-05:00') // true
 * isFhirDateLike('1987') // false (a year alone is kept as it is)
 */
export function isFhirDateLike(value: string): boolean {
  // cheap pre-check before the regex: the hot path sees many non-dates
  return value.length >= 7 && value.charCodeAt(4) === 45 /* - */ && DATE_LIKE.test(value);
}

const DAY_MS = 86_400_000;

/**
 * Shifts a FHIR date/dateTime/instant by whole days, keeping its precision, its time of day and
 * its time-zone text: the calendar date is moved, the clock reading is not (so a shift never moves
 * a time across midnight by itself). `YYYY-MM` shifts from the 1st of the month and keeps
 * month precision; a bare year and anything not date-like are returned unchanged.
 *
 * @example
 * shiftFhirDate('2024-02-28T23:30:00+01:00', 2) // '2024-03-01T23:30:00+01:00'
 */
export function shiftFhirDate(value: string, days: number): string {
  const m = DATE_LIKE.exec(value);
  if (!m) return value;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  const s = new Date(Date.UTC(y, mo - 1, d) + days * DAY_MS);
  // Date.UTC maps years 0–99 to 1900–1999; FHIR years here are 4-digit, so that never bites
  const yyyy = String(s.getUTCFullYear()).padStart(4, '0');
  const mm = String(s.getUTCMonth() + 1).padStart(2, '0');
  if (m[3] === undefined) return `${yyyy}-${mm}`;
  const dd = String(s.getUTCDate()).padStart(2, '0');
  return `${yyyy}-${mm}-${dd}${m[4] ?? ''}`;
}

/**
 * The whole days between two FHIR dates' calendar dates (b − a), ignoring the time of day.
 *
 * @example
 * daysBetween('2024-01-01', '2024-03-01T10:00:00Z') // 60
 */
export function daysBetween(a: string, b: string): number {
  const ta = dayNumber(a);
  const tb = dayNumber(b);
  return ta === undefined || tb === undefined ? Number.NaN : tb - ta;
}

function dayNumber(v: string): number | undefined {
  const m = DATE_LIKE.exec(v);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] === undefined ? 1 : Number(m[3])) / DAY_MS;
}
