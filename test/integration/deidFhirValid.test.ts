import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { silentProgress } from '../../src/core/progress.js';
import { DeidFhirReportSchema } from '../../src/core/schemas/deidFhirReport.js';
import { deidentifyFhirFiles } from '../../src/deid/fhir/deidentifyFhirFiles.js';
import { DeidFhirOptionsSchema } from '../../src/deid/fhir/schema.js';
import { SynthOptionsSchema } from '../../src/synth/schema.js';
import { synthesize } from '../../src/synth/synthesize.js';
import { repoRoot } from '../utils/cli.js';
import { createFhirR4Validator } from '../utils/fhirSchema.js';
import { tempDir } from '../utils/tmp.js';

/**
 * The de-identified FHIR of three corpora, checked resource by resource against the official
 * FHIR R4 JSON schema (a validator nobody here wrote), in both date modes.
 */
const secretHex = '4d'.repeat(32);
const ctx = {
  workspace: undefined,
  secrets: { pseudonym: new Uint8Array(Buffer.from(secretHex, 'hex')) },
  clock: fixedClock('2025-06-01T00:00:00Z'),
  log: silentLogger,
  progress: silentProgress,
};
type Json = Record<string, unknown>;

const samples = join(repoRoot, 'datasets/samples/fhir');
let dir: string;
let secretFile: string;
let corpora: Record<string, string[]>;
// compiled once for the file: the schema is 3.4 MB
const validate = createFhirR4Validator();

beforeAll(async () => {
  dir = await tempDir('sinso-deid-fhir-valid-');
  secretFile = join(dir, 'secret.hex');
  await writeFile(secretFile, secretHex);
  const cohort = join(dir, 'cohort');
  await synthesize(
    { progress: silentProgress, log: silentLogger },
    SynthOptionsSchema.parse({ out: cohort, owners: 1, patients: 8, seed: 11, dicom: false }),
  );
  const hl7 = (await readdir(samples)).filter((f) => f.endsWith('.json')).map((f) => join(samples, f));
  corpora = {
    'the synthetic cohort': [join(cohort, 'owner-001/fhir')],
    'the Synthea sample': [join(samples, 'synthea'), join(samples, 'synthea-server')],
    'the HL7 examples': hl7,
  };
});

async function outputs(out: string): Promise<Json[]> {
  const all: Json[] = [];
  for (const f of (await readdir(out)).filter((x) => x.endsWith('.ndjson')).sort()) {
    for (const line of (await readFile(join(out, f), 'utf8')).split('\n'))
      if (line !== '') all.push(JSON.parse(line) as Json);
  }
  return all;
}

/** De-identifies the inputs (one thread), expects no rejection and returns every output resource. */
async function deidentifyAll(inputs: string[], out: string, dateShift: boolean): Promise<Json[]> {
  const r = await deidentifyFhirFiles(
    ctx,
    DeidFhirOptionsSchema.parse({ inputs, out, secretFile, dateShift, asOfYear: 2025, workers: 0 }),
  );
  expect(r.rejected ?? []).toEqual([]);
  return outputs(out);
}

describe.each([
  ['Safe Harbor', false],
  ['--date-shift', true],
])('every de-identified resource is valid FHIR R4 (%s)', (_mode, dateShift) => {
  it.each(['the synthetic cohort', 'the Synthea sample', 'the HL7 examples'])('%s', async (name) => {
    const out = join(dir, `${name.replaceAll(' ', '-')}-${dateShift}`);
    const resources = await deidentifyAll(corpora[name] ?? [], out, dateShift);
    expect(resources.length).toBeGreaterThan(30);
    const invalid = resources.flatMap((res) => validate(res));
    // one line per schema error: the resource type, the element and what is wrong
    expect([...new Set(invalid)].slice(0, 20)).toEqual([]);
  });
});

describe('resources whose de-identification touches what FHIR requires', () => {
  const DAR = [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }];
  const crafted: Json[] = [
    {
      resourceType: 'Goal',
      id: 'g1',
      lifecycleStatus: 'active',
      description: { text: 'Lose 10 kg before the wedding of Jane Doe' },
      subject: { display: 'Jane Doe' },
    },
    {
      resourceType: 'Observation',
      id: 'o1',
      meta: { lastUpdated: '2021-03-04T05:06:07.123+01:00', source: 'urn:x' },
      status: 'final',
      code: { text: 'pulse taken by John' },
      subject: { reference: 'Patient?name=Doe' },
      issued: '2021-03-04T05:06:07Z',
      effectiveTiming: {
        event: ['2021-03-04T05:06:07Z', '2021-03'],
        repeat: { boundsPeriod: { start: '2021-03-01' }, timeOfDay: ['08:00:00'] },
      },
      component: [{ code: { text: 'left arm' }, valueDateTime: '2021-03-04' }],
      extension: [{ url: 'http://example.org/x', valueInstant: '2021-03-04T05:06:07Z' }],
    },
    {
      resourceType: 'DocumentReference',
      id: 'd1',
      status: 'current',
      date: '2021-03-04T05:06:07Z',
      content: [
        {
          attachment: { contentType: 'text/plain', data: 'Tm90ZSBhYm91dCBKYW5lIERvZQ==', title: 'Note' },
          format: { system: 'urn:x', code: 'plain' },
        },
        { attachment: { url: 'http://example.org/notes/4411' } },
      ],
    },
    {
      resourceType: 'Media',
      id: 'm1',
      status: 'completed',
      content: { contentType: 'image/jpeg', url: 'http://example.org/photo/4411.jpg' },
    },
    {
      resourceType: 'Provenance',
      id: 'pv1',
      target: [{ display: 'a note about Jane Doe' }],
      recorded: '2021-03-04T05:06:07Z',
      agent: [{ who: { display: 'John Smith' } }],
      signature: [
        {
          type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1' }],
          when: '2021-03-04T05:06:07Z',
          who: { display: 'John Smith' },
        },
      ],
    },
    {
      // a Bundle inside a resource (a Bundle file itself is split into its entries)
      resourceType: 'Parameters',
      id: 'pa1',
      parameter: [
        {
          name: 'bundle',
          resource: {
            resourceType: 'Bundle',
            type: 'collection',
            timestamp: '2021-03-04T05:06:07Z',
            entry: [
              {
                resource: {
                  resourceType: 'Patient',
                  id: 'p1',
                  birthDate: '1980-02-03',
                  name: [{ family: 'Doe' }],
                },
              },
            ],
          },
        },
      ],
    },
  ];

  it.each([false, true])(
    'stay valid, with a data-absent reason where a required element was removed (date shift: %s)',
    async (dateShift) => {
      const input = join(dir, `crafted-${dateShift}.ndjson`);
      await writeFile(input, `${crafted.map((c) => JSON.stringify(c)).join('\n')}\n`);
      const out = join(dir, `crafted-out-${dateShift}`);
      const res = await deidentifyAll([input], out, dateShift);
      expect(res.flatMap((x) => validate(x))).toEqual([]);
      const by = (t: string) => res.find((x) => x['resourceType'] === t) as Json;
      expect(by('Goal')['description']).toEqual({ extension: DAR });
      expect(by('Goal')['subject']).toEqual({ extension: DAR });
      const obs = by('Observation');
      expect(obs['code']).toEqual({ extension: DAR });
      expect(((obs['component'] as Json[])[0] as Json)['code']).toEqual({ extension: DAR });
      expect(obs['subject']).toBeUndefined(); // optional: removed with its unresolvable reference
      expect(((obs['effectiveTiming'] as Json)['repeat'] as Json)['timeOfDay']).toEqual(['08:00:00']);
      const doc = by('DocumentReference');
      expect(doc['content']).toEqual([
        {
          attachment: { extension: DAR, contentType: 'text/plain' },
          format: { system: 'urn:x', code: 'plain' },
        },
        { attachment: { extension: DAR } },
      ]);
      expect(by('Media')['content']).toEqual({ extension: DAR, contentType: 'image/jpeg' });
      expect(JSON.stringify(res)).not.toMatch(/Jane|John|Doe|4411|wedding/);
      if (dateShift) {
        // instants keep their whole form, shifted with the rest
        expect(obs['issued']).toMatch(/^\d{4}-\d{2}-\d{2}T05:06:07Z$/);
        expect(obs['issued']).not.toBe('2021-03-04T05:06:07Z');
        expect((obs['meta'] as Json)['lastUpdated']).toMatch(/^\d{4}-\d{2}-\d{2}T05:06:07\.123\+01:00$/);
        expect(((obs['effectiveTiming'] as Json)['event'] as string[])[1]).toMatch(/^\d{4}-\d{2}$/);
      } else {
        // an instant cannot hold a year: removed, and the removal is labelled
        expect(obs['issued']).toBeUndefined();
        expect((obs['meta'] as Json)['lastUpdated']).toBeUndefined();
        expect(doc['date']).toBeUndefined();
        expect(by('Provenance')['recorded']).toBeUndefined();
        const bundle = ((by('Parameters')['parameter'] as Json[])[0] as Json)['resource'] as Json;
        expect(bundle['timestamp']).toBeUndefined();
        expect((obs['effectiveTiming'] as Json)['event']).toEqual(['2021', '2021']);
        expect(((obs['component'] as Json[])[0] as Json)['valueDateTime']).toBe('2021');
        expect(((obs['meta'] as Json)['security'] as Json[]).map((s) => s['code'])).toContain('REDACTED');
      }
    },
  );

  it('rejects an input whose de-identified value would not be valid, naming the line, path and type (never the value)', async () => {
    const input = join(dir, 'bad-date.ndjson');
    const good = { resourceType: 'Observation', id: 'ok', status: 'final', code: { text: 'x' } };
    const bad = {
      resourceType: 'Observation',
      id: 'bad',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      component: [
        { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueDateTime: '2021-03-04' },
        {
          code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
          valueDateTime: '2021-03-04 10:00',
        },
      ],
    };
    await writeFile(input, `${JSON.stringify(good)}\n${JSON.stringify(bad)}\n`);
    const other = join(dir, 'other.ndjson');
    await writeFile(other, `${JSON.stringify(good)}\n`);
    const out = join(dir, 'bad-out');
    const r = await deidentifyFhirFiles(
      ctx,
      DeidFhirOptionsSchema.parse({ inputs: [input, other], out, secretFile, asOfYear: 2025, workers: 0 }),
    );
    const reason =
      'line 2: The de-identified resource would not be valid FHIR R4: Observation.component[1].valueDateTime is not a valid dateTime.';
    expect(r.rejected?.map((x) => x.reason)).toEqual([reason]);
    expect(r.summary.deidentified).toBe(1); // the batch goes on
    const report = DeidFhirReportSchema.parse(
      JSON.parse(await readFile(join(out, 'deid-report.json'), 'utf8')),
    );
    expect(report.inputs.map((i) => [i.ordinal, i.status, i.reason])).toEqual([
      [1, 'rejected', reason],
      [2, 'deidentified', undefined],
    ]);
    expect(JSON.stringify(report)).not.toContain('10:00');
  });
});
