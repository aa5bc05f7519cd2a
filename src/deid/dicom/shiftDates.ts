const DAY = 86_400_000;

/**
 * Shifts a DICOM DA value (YYYYMMDD, also the old YYYY.MM.DD form and ranges A-B) by whole days.
 * Partial dates (YYYY, YYYYMM) shift their first day and keep their precision. A value that is
 * not a date is returned empty: an unparseable date cannot be shown to be safe.
 *
 * @example
 * shiftDicomDate('20240229', 1) // '20240301'
 */
export function shiftDicomDate(value: string, days: number): string {
  if (value === '') return '';
  if (value.includes('-')) {
    return value
      .split('-')
      .map((p) => (p === '' ? '' : shiftDicomDate(p, days)))
      .join('-');
  }
  const v = value.replaceAll('.', '');
  const m = /^(\d{4})(\d{2})?(\d{2})?$/.exec(v);
  if (!m) return '';
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return '';
  const t = Date.UTC(y, mo - 1, d) + days * DAY;
  const s = new Date(t);
  const yyyy = String(s.getUTCFullYear()).padStart(4, '0');
  const mm = String(s.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(s.getUTCDate()).padStart(2, '0');
  return m[3] !== undefined ? `${yyyy}${mm}${dd}` : m[2] !== undefined ? `${yyyy}${mm}` : yyyy;
}

/**
 * Shifts the date part of a DICOM DT value (YYYYMMDDHHMMSS.FFFFFF&ZZXX) by whole days; the time
 * of day and the offset are kept.
 *
 * @example
 * shiftDicomDateTime('20231231235959.5+0100', 1) // '20240101235959.5+0100'
 */
export function shiftDicomDateTime(value: string, days: number): string {
  if (value === '') return '';
  if (value.includes('-') && !/[+-]\d{4}$/.test(value)) {
    return value
      .split('-')
      .map((p) => (p === '' ? '' : shiftDicomDateTime(p, days)))
      .join('-');
  }
  const m = /^(\d{4}(?:\d{2}(?:\d{2})?)?)(.*)$/.exec(value);
  if (!m) return '';
  const date = shiftDicomDate(m[1] as string, days);
  return date === '' ? '' : `${date}${m[2] ?? ''}`;
}
