import { containsWord, PLACEHOLDER_VALUES } from '../../dicom/findLeaks.js';

export type FindFhirLeaksParameters = {
  /** The serialized output resource (or NDJSON line). */
  json: string;
  /** What deidentify returned as `identifying` for that resource. */
  identifying: readonly { text: string; kind: string }[];
};
/** The characters JSON.stringify writes escaped (lone surrogates too): text without any is spelt as it is. */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

export type FindFhirLeaksReturnType = { leaks: number; kinds: string[] };

/**
 * Searches a de-identified resource's JSON for every identifying value taken from its input:
 * case-insensitive, on word boundaries (so an id inside a longer pseudonym is not a leak), values
 * of 4+ characters (dates 8+: a year alone is allowed). Returns how many values were found and
 * their kinds, never the values.
 *
 * @example
 * const { resource, identifying } = engine.deidentify(input);
 * const { leaks, kinds } = findFhirLeaks({ json: JSON.stringify(resource), identifying });
 */
export function findFhirLeaks(p: FindFhirLeaksParameters): FindFhirLeaksReturnType {
  const hay = p.json.toLowerCase();
  const seen = new Set<string>();
  const kinds = new Set<string>();
  let leaks = 0;
  for (const v of p.identifying) {
    const t = v.text.trim().toLowerCase();
    if (t.length < (v.kind === 'date' ? 8 : 4) || seen.has(t) || PLACEHOLDER_VALUES.has(t)) continue;
    seen.add(t);
    // its spelling inside a JSON string, where that differs (quotes, backslashes, control characters)
    const escaped = NEEDS_ESCAPE.test(t) ? JSON.stringify(t).slice(1, -1) : t;
    if (containsWord(hay, t) || (escaped !== t && containsWord(hay, escaped))) {
      leaks++;
      kinds.add(v.kind);
    }
  }
  return { leaks, kinds: [...kinds].sort() };
}
