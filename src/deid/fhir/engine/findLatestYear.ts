/**
 * A JSON string value that is a whole FHIR date with at least a month (`"2019-05"`, `"2019-05-04"`,
 * `"2019-05-04T10:00:00+02:00"`), or a birth date that is a year alone.
 */
const DATE_VALUE =
  /"(\d{4})-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01])(?:T[\d:.]{2,40}(?:Z|[+-]\d\d:\d\d)?)?)?"|"birthDate"\s*:\s*"(\d{4})"/g;

/** Dates of a product, not of anything that happened to a person (a device's or a vaccine lot's expiry). */
const PRODUCT_DATE = /"expirationDate"\s*:\s*$/;

/**
 * The latest year among the dates of some FHIR JSON or NDJSON text: every string value that is a
 * whole date (a date, dateTime or instant with at least a month, so a code such as `8302-2` or a
 * year-like code is not one; a bare year counts as a `birthDate`), expiry dates of products left
 * out. Undefined when the text holds none. The text is searched as it is, never parsed, so the
 * same inputs give the same year however they are later split between workers.
 *
 * @example
 * findLatestYear('{"birthDate":"1931","period":{"start":"2019-05-04"}}') // 2019
 */
export function findLatestYear(text: string): number | undefined {
  let max: number | undefined;
  DATE_VALUE.lastIndex = 0;
  for (let m = DATE_VALUE.exec(text); m !== null; m = DATE_VALUE.exec(text)) {
    const y = Number(m[1] ?? m[2]);
    if (max !== undefined && y <= max) continue;
    if (m[1] !== undefined && PRODUCT_DATE.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
    max = y;
  }
  return max;
}
