import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pseudonymizePatientId } from '../../src/core/pseudonym.js';
import { buildFhirDeidEngine } from '../../src/deid/fhir/engine/buildFhirDeidEngine.js';
import { daysBetween } from '../../src/deid/fhir/engine/dates.js';
import { findFhirLeaks } from '../../src/deid/fhir/engine/findFhirLeaks.js';
import { repoRoot } from '../utils/cli.js';

type R = Record<string, unknown>;
const dir = join(repoRoot, 'datasets/samples/fhir/synthea');
const lines = readdirSync(dir)
  .filter((f) => f.endsWith('.ndjson'))
  .sort()
  .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
const inputs = lines.map((l) => JSON.parse(l) as R);
const secret = new Uint8Array(32).fill(0x5e);
const asOfYear = 2025;

function walk(
  v: unknown,
  f: (key: string, value: unknown, parent: R) => void,
  key = '',
  parent: R = {},
): void {
  f(key, v, parent);
  if (Array.isArray(v)) for (const e of v) walk(e, f, key, parent);
  else if (v !== null && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, f, k, v as R);
}
const byType = (rs: R[]) => {
  const m: Record<string, number> = {};
  for (const r of rs) m[String(r['resourceType'])] = (m[String(r['resourceType'])] ?? 0) + 1;
  return m;
};
const sample = (name: string): R =>
  JSON.parse(readFileSync(join(repoRoot, 'datasets/samples/fhir', name), 'utf8')) as R;

describe('FHIR de-identification engine on Synthea bulk data (Safe Harbor)', () => {
  const engine = buildFhirDeidEngine({ secret, asOfYear });
  const results = inputs.map((r) => engine.deidentify(r));
  const outputs = results.map((r) => r.resource);
  const outJson = outputs.map((o) => JSON.stringify(o));
  const all = outJson.join('\n');

  it('keeps every resource and its type', () => {
    expect(inputs.length).toBeGreaterThan(150);
    expect(byType(outputs)).toEqual(byType(inputs));
  });

  it('leaves no name, phone, address line, identifier value, id, narrative or full date', () => {
    const secrets = new Set<string>();
    for (const r of inputs) {
      walk(r, (key, value, parent) => {
        if (typeof value !== 'string') return;
        if (key === 'family' || key === 'given' || (key === 'text' && 'family' in parent)) secrets.add(value);
        if (key === 'value' && ('system' in parent || 'use' in parent) && !('code' in parent))
          secrets.add(value); // telecom + identifier
        if (key === 'div') secrets.add(value);
        // people's addresses (a facility's city may be part of its kept name, e.g. KINGMAN …)
        if ((key === 'line' || key === 'city') && r['resourceType'] === 'Patient') secrets.add(value);
        // displays of references to people (organization names are kept in Organization.name)
        if (key === 'display' && /^(Patient|Practitioner)\b/.test(String(parent['reference'])))
          secrets.add(value);
      });
      secrets.add(String(r['id']));
    }
    let checked = 0;
    for (const s of secrets) {
      if (s.length < 4) continue;
      checked++;
      expect(all.includes(s) ? s : '', 'an identifying value survives').toBe('');
    }
    expect(checked).toBeGreaterThan(200);
    // Safe Harbor: only years remain of every date
    const dates: string[] = [];
    for (const o of outputs)
      walk(o, (_k, v) => {
        if (typeof v === 'string' && /\d{4}-\d{2}(-\d{2})?/.test(v) && !v.startsWith('urn:')) dates.push(v);
      });
    expect(dates).toEqual([]);
    // and the engine's own leak scan agrees, resource by resource
    results.forEach((r, i) => {
      expect(findFhirLeaks({ json: outJson[i] as string, identifying: r.identifying })).toEqual({
        leaks: 0,
        kinds: [],
      });
    });
    // the scan does find them in the input
    expect(
      findFhirLeaks({ json: lines[0] as string, identifying: results[0]?.identifying ?? [] }).leaks,
    ).toBeGreaterThan(0);
  });

  it('references all resolve to output resources', () => {
    const ids = new Set(outputs.map((o) => `${o['resourceType']}/${o['id']}`));
    const idents = new Set<string>();
    for (const o of outputs)
      for (const i of (o['identifier'] as R[] | undefined) ?? [])
        idents.add(`${o['resourceType']}?identifier=${i['system']}|${i['value']}`);
    let n = 0;
    for (const o of outputs)
      walk(o, (key, v) => {
        if (key !== 'reference' || typeof v !== 'string') return;
        n++;
        expect(ids.has(v) || idents.has(v), 'dangling reference').toBe(true);
      });
    expect(n).toBeGreaterThan(400);
  });

  it('keeps clinical content: codes, statuses, categories', () => {
    inputs.forEach((r, i) => {
      const o = outputs[i] as R;
      expect(o['status']).toEqual(r['status']);
      const codings = (c: unknown) => (c as R | undefined)?.['coding'];
      expect(codings(o['code'])).toEqual(codings(r['code']));
      expect(codings(o['vaccineCode'])).toEqual(codings(r['vaccineCode']));
      expect(codings(o['medicationCodeableConcept'])).toEqual(codings(r['medicationCodeableConcept']));
    });
    const bmi = sample('Observation-bmi.json');
    const out = engine.deidentify(bmi).resource;
    expect(out['code']).toEqual({ coding: (bmi['code'] as R)['coding'] }); // code.text is free text: removed
    expect(out['valueQuantity']).toEqual(bmi['valueQuantity']);
    expect(out['effectiveDateTime']).toBe('1999');
  });

  it('pseudonymizes the MRN as DICOM PatientID is pseudonymized', () => {
    const p = inputs.find((r) => r['resourceType'] === 'Patient') as R;
    const mrn = (p['identifier'] as R[]).find(
      (i) => i['system'] === 'http://hospital.smarthealthit.org',
    ) as R;
    const o = outputs[inputs.indexOf(p)] as R;
    const out = (o['identifier'] as R[]).find(
      (i) => i['system'] === 'http://hospital.smarthealthit.org',
    ) as R;
    expect(out['value']).toBe(
      pseudonymizePatientId(secret, 'http://hospital.smarthealthit.org', String(mrn['value'])),
    );
    expect(o['address']).toEqual([
      { state: 'KS', postalCode: expect.stringMatching(/^\d{3}$/), country: 'US' },
    ]);
  });

  it('is byte-for-byte reproducible, and keyed by the secret', () => {
    const again = buildFhirDeidEngine({ secret, asOfYear }).deidentify;
    expect(inputs.map((r) => JSON.stringify(again(r).resource)).join('\n')).toBe(all);
    const other = buildFhirDeidEngine({ secret: new Uint8Array(32).fill(1), asOfYear });
    const o2 = inputs.map((r) => other.deidentify(r).resource);
    o2.forEach((o, i) => {
      expect(o['id']).not.toBe(outputs[i]?.['id']);
    });
  });

  it('handles a Bundle entry by entry, as the caller does', () => {
    const bundle = sample('Bundle-f001.json');
    const entries = bundle['entry'] as R[];
    const refs = new Map<string, string>();
    const outs = entries.map((e) => engine.deidentify(e['resource'] as R, refs).resource);
    const ids = new Set(outs.map((o) => `${o['resourceType']}/${o['id']}`));
    const refsOut: string[] = [];
    for (const o of outs) walk(o, (k, v) => k === 'reference' && typeof v === 'string' && refsOut.push(v));
    expect(refsOut.filter((r) => r.startsWith('ServiceRequest/')).every((r) => ids.has(r))).toBe(true);
    expect(refsOut.length).toBeGreaterThan(0);
  });
});

describe('FHIR de-identification engine, date-shift mode', () => {
  const engine = buildFhirDeidEngine({ secret, asOfYear, dateShift: true });
  const outputs = inputs.map((r) => engine.deidentify(r).resource);
  const patientOf = (r: R): string | undefined =>
    r['resourceType'] === 'Patient'
      ? `Patient/${r['id']}`
      : (((r['subject'] ?? r['patient']) as R | undefined)?.['reference'] as string);

  it("keeps intervals between a patient's dates and shifts them by a non-zero amount", () => {
    const shifts = new Map<string, Set<number>>();
    let pairs = 0;
    inputs.forEach((r, i) => {
      const o = outputs[i] as R;
      const pid = patientOf(r);
      if (!pid?.startsWith('Patient/')) return;
      for (const [a, b] of [
        ['birthDate', 'birthDate'],
        ['recordedDate', 'recordedDate'],
        ['onsetDateTime', 'onsetDateTime'],
        ['occurrenceDateTime', 'occurrenceDateTime'],
        ['authoredOn', 'authoredOn'],
      ] as const) {
        if (typeof r[a] !== 'string' || (r[a] as string).length < 10) continue;
        const d = daysBetween(r[a] as string, o[b] as string);
        if (!shifts.has(pid)) shifts.set(pid, new Set());
        shifts.get(pid)?.add(d);
        pairs++;
      }
      const period = r['period'] as R | undefined;
      const outPeriod = o['period'] as R | undefined;
      if (typeof period?.['start'] === 'string' && typeof period['end'] === 'string') {
        expect(daysBetween(outPeriod?.['start'] as string, outPeriod?.['end'] as string)).toBe(
          daysBetween(period['start'], period['end']),
        );
        expect(String(outPeriod?.['start']).slice(10)).toBe(period['start'].slice(10)); // time and zone kept
      }
    });
    expect(pairs).toBeGreaterThan(50);
    expect(shifts.size).toBe(2);
    for (const s of shifts.values()) {
      expect(s.size).toBe(1); // one shift per patient: intervals survive across resources
      expect([...s][0]).not.toBe(0);
      expect(Math.abs([...s][0] as number)).toBeLessThanOrEqual(365);
    }
  });
});
