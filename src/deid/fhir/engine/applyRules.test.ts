import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dateShiftDays, pseudonymize } from '../../../core/pseudonym.js';
import { withLabels } from './applyRules.js';
import { buildFhirDeidEngine } from './buildFhirDeidEngine.js';
import { FhirDeidError } from './errors.js';
import { parseFhirRules } from './parseFhirRules.js';

const secret = new Uint8Array(32).fill(3);
type R = Record<string, unknown>;
const key = 'ab'.repeat(32);
const patient = (): R => ({
  resourceType: 'Patient',
  id: 'p1',
  name: [{ family: 'Doe', given: ['Jane', 'Q'] }],
  birthDate: '1980-05-17',
  address: [{ city: 'Olathe', postalCode: '66062', state: 'KS' }],
  telecom: [{ system: 'phone', value: '555-0100' }],
  multipleBirthInteger: 2,
});
const run = (rules: unknown[], input: R = patient(), settings?: R) =>
  buildFhirDeidEngine({
    secret,
    asOfYear: 2025,
    rules: parseFhirRules({ schema: '1', rules, ...(settings ? { settings } : {}) }),
  }).deidentify(input);

describe('rules engine', () => {
  it('keep and redact; the first rule that selects a node decides it', () => {
    const input = patient();
    const before = JSON.stringify(input);
    run([{ path: 'descendants().ofType(string)', method: 'cryptohash' }], input);
    expect(JSON.stringify(input)).toBe(before); // fhirpath evaluation leaves the input alone
    const { resource, identifying } = run([
      { path: 'Patient.name.family', method: 'keep' },
      { path: 'Patient.name', method: 'redact' },
      { path: 'Patient.telecom', method: 'redact' },
    ]);
    expect(resource['name']).toEqual([{ family: 'Doe' }]);
    expect(resource['telecom']).toBeUndefined();
    expect(resource['address']).toEqual(patient()['address']); // no rule: kept
    expect(identifying.map((i) => i.text)).toEqual(expect.arrayContaining(['Jane', '555-0100']));
    expect(((resource['meta'] as R)['security'] as R[]).map((s) => s['code'])).toEqual(['REDACTED']);
  });

  it('dateshift shifts by the per-patient offset', () => {
    const { resource } = run([{ path: 'Patient.birthDate', method: 'dateshift' }]);
    const engine = buildFhirDeidEngine({ secret, asOfYear: 2025 });
    const days = dateShiftDays(secret, `Patient/${engine.newId('Patient', 'p1')}`, 365);
    const expected = new Date(Date.UTC(1980, 4, 17) + days * 86_400_000).toISOString().slice(0, 10);
    expect(resource['birthDate']).toBe(expected);
  });

  it('cryptohash hashes values, and ids and references as the resource-id pseudonym', () => {
    const { resource } = run(
      [
        { path: 'Resource.id', method: 'cryptohash' },
        { path: 'Observation.subject.reference', method: 'cryptohash' },
        { path: 'Observation.code.coding.code', method: 'cryptohash' },
      ],
      {
        resourceType: 'Observation',
        id: 'o1',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '39156-5' }] },
        subject: { reference: 'Patient/p1' },
      },
    );
    const engine = buildFhirDeidEngine({ secret, asOfYear: 2025 });
    expect(resource['id']).toBe(engine.newId('Observation', 'o1'));
    expect((resource['subject'] as R)['reference']).toBe(`Patient/${engine.newId('Patient', 'p1')}`);
    expect(((resource['code'] as R)['coding'] as R[])[0]?.['code']).toBe(
      pseudonymize(secret, 'cryptohash', '39156-5'),
    );
  });

  it('encrypt is AES-256-GCM, reproducible and decryptable', () => {
    const a = run([{ path: 'Patient.address.city', method: 'encrypt' }], patient(), {
      encryptKey: key,
    }).resource;
    const b = run([{ path: 'Patient.address.city', method: 'encrypt' }], patient(), {
      encryptKey: key,
    }).resource;
    const city = ((a['address'] as R[])[0] as R)['city'] as string;
    expect(city).toBe(((b['address'] as R[])[0] as R)['city']);
    const raw = Buffer.from(city, 'base64');
    const d = createDecipheriv('aes-256-gcm', Buffer.from(key, 'hex'), raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    expect(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')).toBe('Olathe');
  });

  it('substitute replaces a node with a JSON value', () => {
    const { resource } = run([
      { path: 'Patient.name', method: 'substitute', replaceWith: { text: 'redacted' } },
    ]);
    expect(resource['name']).toEqual([{ text: 'redacted' }]);
    const { resource: r2 } = run([
      { path: 'Patient.address.postalCode', method: 'substitute', replaceWith: '000' },
    ]);
    expect(((r2['address'] as R[])[0] as R)['postalCode']).toBe('000');
  });

  it('perturb adds deterministic noise within the span', () => {
    const obs = (v: number): R => ({
      resourceType: 'Observation',
      id: 'o2',
      status: 'final',
      code: { text: 'weight' },
      valueQuantity: { value: v, unit: 'kg' },
    });
    const rules = [{ path: 'Observation.value.value', method: 'perturb', span: 5, roundTo: 1 }];
    const a = (run(rules, obs(80)).resource['valueQuantity'] as R)['value'] as number;
    const b = (run(rules, obs(80)).resource['valueQuantity'] as R)['value'] as number;
    expect(a).toBe(b);
    expect(Math.abs(a - 80)).toBeLessThanOrEqual(5);
    expect(a).not.toBe(80);
    const p = (
      run(
        [{ path: 'Observation.value.value', method: 'perturb', span: 0.1, rangeType: 'proportional' }],
        obs(200),
      ).resource['valueQuantity'] as R
    )['value'] as number;
    expect(Math.abs(p - 200)).toBeLessThanOrEqual(20);
    const i = run([{ path: 'Patient.multipleBirth', method: 'perturb', span: 3 }]).resource[
      'multipleBirthInteger'
    ];
    expect(Number.isInteger(i)).toBe(true);
  });

  it('generalize maps numbers through cases; otherValues decides the rest', () => {
    const obs = (v: number): R => ({
      resourceType: 'Observation',
      id: 'o',
      status: 'final',
      code: { text: 'age' },
      valueInteger: v,
    });
    const rules = (other?: string) => [
      {
        path: 'Observation.value',
        method: 'generalize',
        cases: [
          { lt: 18, to: '0-17' },
          { ge: 18, lt: 65, to: '18-64' },
        ],
        ...(other ? { otherValues: other } : {}),
      },
    ];
    expect(run(rules(), obs(12)).resource['valueInteger']).toBe('0-17');
    expect(run(rules(), obs(30)).resource['valueInteger']).toBe('18-64');
    expect(run(rules(), obs(70)).resource['valueInteger']).toBe(70);
    expect(run(rules('redact'), obs(70)).resource['valueInteger']).toBeUndefined();
  });

  it('supports nodesByType() and descendants()', () => {
    const { resource } = run([{ path: "nodesByType('HumanName')", method: 'redact' }], {
      resourceType: 'Patient',
      id: 'p',
      name: [{ family: 'Doe' }],
      contact: [{ name: { family: 'Roe' }, gender: 'male' }],
    });
    expect(resource['name']).toBeUndefined();
    expect(resource['contact']).toEqual([{ gender: 'male' }]);
  });

  it('rejects invalid files naming the rule and field', () => {
    const err = (json: unknown): FhirDeidError => {
      try {
        parseFhirRules(json);
      } catch (e) {
        return e as FhirDeidError;
      }
      return expect.unreachable('expected a failure');
    };
    const bad = err({
      schema: '1',
      rules: [
        { path: 'Patient.name', method: 'redact' },
        { path: 'x', method: 'zap' },
      ],
    });
    expect(bad).toBeInstanceOf(FhirDeidError);
    expect(bad.code).toBe('DEID_FHIR_RULES_INVALID');
    expect(bad.issues[0]?.path).toBe('rules.1.method');
    expect(bad.issues[0]?.message).toMatch(/^must be one of: "keep", "redact"/);
    expect(err({ schema: '1', rules: [{ path: 'Patient.x', method: 'perturb' }] }).issues[0]?.path).toBe(
      'rules.0.span',
    );
    expect(err({ schema: '1', rules: [{ path: 'Patient.(', method: 'keep' }] }).issues[0]).toEqual({
      path: 'rules.0.path',
      message: 'is not a valid FHIRPath expression',
    });
    expect(err({ schema: '1', rules: [{ path: 'Patient', method: 'keep', extra: 1 }] }).issues[0]?.path).toBe(
      'rules.0',
    );
    expect(err({ schema: '1', rules: [], settings: { encryptKey: 'zz' } }).issues[0]?.path).toBe(
      'settings.encryptKey',
    );
    expect(err({ schema: '1', rules: [{ path: 'Patient.name', method: 'encrypt' }] }).issues[0]?.path).toBe(
      'settings.encryptKey',
    );
    expect(err({ schema: '2', rules: [] }).issues[0]?.path).toBe('schema');
  });

  it('describes itself', () => {
    const e = buildFhirDeidEngine({
      secret,
      asOfYear: 2025,
      rules: parseFhirRules({ schema: '1', rules: [{ path: 'Resource.id', method: 'cryptohash' }] }),
    });
    expect(e.describe()).toEqual({ profile: 'custom', dateShift: false, rules: 1 });
  });
});

describe('withLabels', () => {
  const S = 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue';
  it('adds each label once, in code order, after the labels already there, in a copy', () => {
    const meta = { profile: ['p'], security: [{ system: S, code: 'PSEUDED' }, 'junk', null] };
    const out = withLabels(meta, new Set(['REDACTED', 'PSEUDED', 'GENERALIZED', 'PERTURBED']));
    expect(out).toEqual({
      profile: ['p'],
      security: [
        { system: S, code: 'PSEUDED' },
        'junk',
        null,
        { system: S, code: 'GENERALIZED' },
        { system: S, code: 'PERTURBED' },
        { system: S, code: 'REDACTED' },
      ],
    });
    expect(meta.security).toHaveLength(3);
    expect(Object.keys(withLabels({ security: [], tag: [] }, new Set(['B', 'A'])))).toEqual([
      'security',
      'tag',
    ]);
    expect(withLabels('not an object', new Set(['Z', 'Y']))).toEqual({
      security: [
        { system: S, code: 'Y' },
        { system: S, code: 'Z' },
      ],
    });
  });
});
