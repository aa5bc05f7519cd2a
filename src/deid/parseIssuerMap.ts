import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { SchemaIssue } from '../core/errors/index.js';
import { parseWith } from '../core/parse.js';
import { IdentifierSystemSchema } from '../core/schemas/patientIdNamespace.js';
import { DeidError } from './errors.js';

/**
 * The `--issuer-map` file, JSON or YAML (JSON is read as YAML, so a duplicated key is caught in
 * either): `{"schema":"1","issuers":{"SITE01":"http://hospital.example.org/mrn", …}}` — each
 * DICOM IssuerOfPatientID name once, with the FHIR identifier system its PatientIDs belong to.
 * Entries are checked one by one below, so that an issue names its entry by position, never by
 * its issuer name.
 */
export const IssuerMapFileSchema = z.strictObject({
  schema: z.literal('1'),
  issuers: z.record(z.string(), z.unknown()),
});

/** An IssuerOfPatientID value as DICOM allows it (LO: at most 64 characters, no backslash). */
const ISSUER_NAME = /^[^\\\u0000-\u001f]{1,64}$/;

const invalid = (issues: readonly SchemaIssue[], cause?: unknown) =>
  new DeidError('DEID_ISSUER_MAP_INVALID', { problem: 'invalid' }, { issues, cause });

/**
 * Parses and validates the text of an issuer map: issuer name (trimmed, as DICOM compares LO
 * values) → system. Throws `DEID_ISSUER_MAP_INVALID` with one issue per bad entry (`issuers
 * (entry 2)`: what is wrong), a duplicated name, or a file that is not JSON or YAML (with the
 * line). Never quotes the file.
 *
 * @example
 * parseIssuerMap('{"schema":"1","issuers":{"SITE01":"http://a.example.org/mrn"}}');
 * // { SITE01: 'http://a.example.org/mrn' }
 */
export function parseIssuerMap(text: string): Record<string, string> {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = text.slice(0, doc.errors[0]?.pos[0] ?? 0).split('\n').length;
    throw invalid(
      doc.errors.slice(0, 1).map((e) => ({
        path: '',
        message:
          e.code === 'DUPLICATE_KEY'
            ? 'a key appears twice (each issuer name once)'
            : `not valid JSON or YAML (${e.code})`,
        line: lines,
      })),
    );
  }
  const file = parseWith(IssuerMapFileSchema, doc.toJS(), {
    what: 'issuer map',
    error: (issues, cause) => invalid(issues, cause),
  });
  const out: Record<string, string> = {};
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  Object.entries(file.issuers).forEach(([rawName, system], i) => {
    const path = `issuers (entry ${i + 1})`;
    const name = rawName.trim();
    if (!ISSUER_NAME.test(name)) {
      issues.push({
        path,
        message: 'the issuer name must be 1 to 64 characters, without backslash or control characters',
      });
      return;
    }
    if (seen.has(name)) {
      issues.push({ path, message: 'the issuer name appears twice (spaces around it do not count)' });
      return;
    }
    seen.add(name);
    const s = IdentifierSystemSchema.safeParse(system);
    if (!s.success) {
      issues.push({
        path,
        message:
          typeof system === 'string'
            ? (s.error.issues[0]?.message ?? 'not an identifier system')
            : 'the system must be a string (an absolute URI)',
      });
      return;
    }
    // defined, not assigned: a name such as `__proto__` is an entry like any other
    Object.defineProperty(out, name, { value: s.data, enumerable: true, writable: true, configurable: true });
  });
  if (issues.length === 0 && seen.size === 0) {
    issues.push({ path: 'issuers', message: 'the map holds no issuer' });
  }
  if (issues.length > 0) throw invalid(issues);
  return out;
}
