/**
 * The 3-digit ZIP prefixes HHS lists as covering 20,000 people or fewer (2000 Census), which
 * Safe Harbor requires to be written as `000` (45 CFR 164.514(b)(2)(i)(B); HHS "Guidance Regarding
 * Methods for De-identification of PHI", 2012, §2.4).
 */
export const RESTRICTED_ZIP3: ReadonlySet<string> = new Set([
  '036',
  '059',
  '063',
  '102',
  '203',
  '556',
  '692',
  '790',
  '821',
  '823',
  '830',
  '831',
  '878',
  '879',
  '884',
  '890',
  '893',
]);

/**
 * A postal code cut to what Safe Harbor allows: the first 3 digits of a US ZIP (`000` for the
 * restricted areas). Anything that does not start with 3 digits (a non-US code) is removed
 * (undefined): its leading characters can locate smaller areas than a US zip3 does.
 *
 * @example
 * safeHarborZip('66062-1234') // '660'
 * safeHarborZip('03601') // '000'
 */
export function safeHarborZip(postalCode: string): string | undefined {
  const m = /^\s*(\d{3})\d{2}(?:[-\s]?\d{4})?\s*$/.exec(postalCode) ?? /^\s*(\d{3})\s*$/.exec(postalCode);
  if (!m) return undefined;
  const z = m[1] as string;
  return RESTRICTED_ZIP3.has(z) ? '000' : z;
}
