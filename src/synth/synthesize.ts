import { mkdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InterruptedError, type IoError, UsageError, wrapIoError } from '../core/errors/index.js';
import { writeFileAtomic } from '../core/fs.js';
import { canonicalJson } from '../core/hash.js';
import type { Logger } from '../core/log.js';
import { parseWith } from '../core/parse.js';
import type { Progress } from '../core/progress.js';
import {
  SYNTH_RESOURCE_TYPES,
  type SynthManifest,
  SynthManifestSchema,
  type SynthResourceType,
} from '../core/schemas/synthManifest.js';
import { createNdjsonSink } from './adapters/createNdjsonSink.js';
import { createWriteQueue } from './adapters/createWriteQueue.js';
import { buildOwnerResources } from './buildOwnerResources.js';
import { buildPatientResources, serializePatientObservations } from './buildPatientResources.js';
import { encodeSeries } from './encodeSeries.js';
import { SynthError } from './errors.js';
import { generateOwner } from './generateOwner.js';
import { generatePatient } from './generatePatient.js';
import { type SynthOptions, SynthOptionsSchema } from './schema.js';
import { DIABETES_MODEL, HYPERTENSION_MODEL, SIGNAL_FEATURES } from './signal.js';
import { splitPatients } from './splitPatients.js';
import { parseDateMs } from './time.js';

/** Version of the generator's output: bump whenever the same options would give other bytes. */
export const SYNTH_VERSION = '2';

/** What synthesize needs from its caller. */
export type SynthesizeContext = {
  progress: Progress;
  log: Logger;
  /** Stops the run between patients (the partial output is left for the caller to discard). */
  signal?: AbortSignal | undefined;
};

export type SynthesizeParameters = SynthOptions;

export type SynthesizeReturnType = {
  owners: number;
  patients: number;
  resources: number;
  imagingStudies: number;
  dicomFiles: number;
  dicomBytes: number;
  /** Realised type 2 diabetes prevalence. */
  prevalence: number;
  hypertensionPrevalence: number;
  /** The manifest written to `out/manifest.json`. */
  manifest: SynthManifest;
};

export type SynthesizeErrorType = UsageError | SynthError | IoError | InterruptedError;

const emptyCounts = (): Record<SynthResourceType, number> => ({
  Organization: 0,
  Practitioner: 0,
  Patient: 0,
  Encounter: 0,
  Observation: 0,
  Condition: 0,
  MedicationRequest: 0,
  ImagingStudy: 0,
});

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * Whether a folder is the output of an earlier synth run: only a manifest that parses and owner
 * folders. Used to decide that replacing it loses nothing.
 */
export async function isSynthOutput(dir: string): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return false;
  }
  if (!entries.includes('manifest.json')) return false;
  if (!entries.every((e) => e === 'manifest.json' || /^owner-\d{3,4}$/.test(e))) return false;
  try {
    return SynthManifestSchema.safeParse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')))
      .success;
  } catch {
    return false;
  }
}

/**
 * Removes a previous synth output from `out` (its manifest and owner folders) so a rerun never
 * mixes old and new files; refuses a folder holding anything else.
 */
async function prepareOut(out: string): Promise<void> {
  try {
    await mkdir(out, { recursive: true });
  } catch (err) {
    throw wrapIoError(err, 'Creating the output folder', 'Check that the parent folder is writable.');
  }
  let entries: string[];
  try {
    entries = await readdir(out);
  } catch (err) {
    throw wrapIoError(err, 'Listing the output folder', 'Make sure --out names a folder, not a file.');
  }
  if (entries.length === 0) return;
  if (!(await isSynthOutput(out))) {
    throw new UsageError('The synth output folder is not empty.', {
      fix: 'Choose an empty or new folder for --out (or the folder of a previous synth run, which is replaced).',
    });
  }
  for (const e of entries) await rm(join(out, e), { recursive: true, force: true });
}

/**
 * Generates a synthetic multi-owner cohort under `options.out`: per owner, FHIR R4 NDJSON (one
 * file per resource type) and DICOM Part 10 files in a PACS-export style tree
 * (`dicom/<MRN>/<StudyInstanceUID>/<SeriesNumber>/<NNNN>.dcm`), then `manifest.json` last.
 * Streams everything (memory stays flat at any size); same options give identical bytes.
 *
 * @example
 * const r = await synthesize({ progress: silentProgress, log: silentLogger },
 *   SynthOptionsSchema.parse({ out: 'cohort', patients: 1000 }));
 * r.prevalence; // ≈ 0.25
 */
export async function synthesize(
  ctx: SynthesizeContext,
  options: SynthesizeParameters,
): Promise<SynthesizeReturnType> {
  const o = parseWith(SynthOptionsSchema, options, {
    what: 'synth options',
    error: (issues, cause) => new SynthError('SYNTH_INVALID_PARAMS', {}, { issues, cause }),
  });
  await prepareOut(o.out);
  const asOfMs = parseDateMs(o.asOf);
  const ranges = splitPatients({ seed: o.seed, owners: o.owners, patients: o.patients });
  const imaging = {
    fraction: o.imagingFraction,
    slices: o.slices,
    imageSize: o.imageSize,
    modality: o.modality,
  };
  const task = ctx.progress.start('synth', o.patients);
  const ownersOut: SynthManifest['owners'] = [];
  const byType = emptyCounts();
  let diabetics = 0;
  let hypertensives = 0;
  let imagingStudies = 0;
  let dicomFiles = 0;
  let dicomBytes = 0;

  for (let k = 1; k <= o.owners; k++) {
    const range = ranges[k - 1] ?? { start: 0, count: 0 };
    const owner = generateOwner({ seed: o.seed, number: k });
    const ownerDir = join(o.out, owner.id);
    const fhirDir = join(ownerDir, 'fhir');
    const dicomDir = join(ownerDir, 'dicom');
    try {
      mkdirSync(fhirDir, { recursive: true });
      if (o.dicom) mkdirSync(dicomDir, { recursive: true });
    } catch (err) {
      throw wrapIoError(err, 'Creating an owner folder', 'Check that the output folder is writable.');
    }
    const sink = createNdjsonSink({ dir: fhirDir, types: SYNTH_RESOURCE_TYPES });
    const queue = createWriteQueue();
    let ownerStudies = 0;
    let ownerFiles = 0;
    let ownerBytes = 0;
    let resources: Record<string, number>;
    try {
      const or = buildOwnerResources({ owner });
      sink.write('Organization', or.organization);
      for (const pr of or.practitioners) sink.write('Practitioner', pr);
      for (let j = 0; j < range.count; j++) {
        const patient = generatePatient({
          seed: o.seed,
          index: range.start + j,
          localIndex: j,
          owner,
          asOfMs,
          imaging,
        });
        if (patient.diabetes) diabetics++;
        if (patient.hypertension) hypertensives++;
        const r = buildPatientResources({ patient, owner, skipObservations: true });
        sink.write('Patient', r.Patient);
        for (const x of r.Encounter) sink.write('Encounter', x);
        for (const line of serializePatientObservations({ patient, owner }))
          sink.writeLine('Observation', line);
        for (const x of r.Condition) sink.write('Condition', x);
        for (const x of r.MedicationRequest) sink.write('MedicationRequest', x);
        for (const x of r.ImagingStudy) sink.write('ImagingStudy', x);
        const study = patient.study;
        if (study) {
          ownerStudies++;
          if (o.dicom) {
            for (const series of study.series) {
              const dir = join(dicomDir, patient.mrn, study.uid, String(series.number));
              try {
                await mkdir(dir, { recursive: true });
              } catch (err) {
                throw wrapIoError(
                  err,
                  'Creating a DICOM folder',
                  'Check that the output folder is writable.',
                );
              }
              for (const slice of encodeSeries({ owner, patient, study, series })) {
                await queue.write(
                  join(dir, `${String(slice.instanceNumber).padStart(4, '0')}.dcm`),
                  slice.bytes,
                );
                ownerFiles++;
                ownerBytes += slice.bytes.length;
              }
            }
          }
        }
        task.tick();
        if ((j & 255) === 255) {
          if (ctx.signal?.aborted) {
            throw new InterruptedError(
              'INTERRUPTED',
              { activity: 'synthesizing the cohort' },
              { cause: ctx.signal.reason },
            );
          }
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      await queue.drain();
    } finally {
      resources = sink.close();
      await queue.drain().catch(() => undefined);
    }
    const counts = emptyCounts();
    for (const t of SYNTH_RESOURCE_TYPES) {
      counts[t] = resources[t] ?? 0;
      byType[t] += counts[t];
    }
    ownersOut.push({
      id: owner.id,
      name: owner.name,
      patients: range.count,
      firstPatientIndex: range.start,
      resources: counts,
      imagingStudies: ownerStudies,
      dicomFiles: ownerFiles,
      dicomBytes: ownerBytes,
    });
    imagingStudies += ownerStudies;
    dicomFiles += ownerFiles;
    dicomBytes += ownerBytes;
    ctx.log.debug(`synth: ${owner.id} done (${range.count} patients, ${ownerFiles} DICOM files)`);
  }
  task.done();

  const totalResources = SYNTH_RESOURCE_TYPES.reduce((a, t) => a + byType[t], 0);
  const prevalence = o.patients > 0 ? round6(diabetics / o.patients) : 0;
  const hypertensionPrevalence = o.patients > 0 ? round6(hypertensives / o.patients) : 0;
  const { out: _out, ...recorded } = o;
  const manifest: SynthManifest = {
    generator: { name: 'sinso-synth', version: SYNTH_VERSION },
    options: recorded,
    owners: ownersOut,
    totals: {
      owners: o.owners,
      patients: o.patients,
      resources: totalResources,
      resourcesByType: byType,
      imagingStudies,
      dicomFiles,
      dicomBytes,
    },
    signal: {
      model: 'logistic',
      link: 'logit',
      features: SIGNAL_FEATURES.map((f) => ({ ...f })),
      outcome: {
        name: 'type2Diabetes',
        system: 'http://snomed.info/sct',
        code: '44054006',
        display: 'Diabetes mellitus type 2',
      },
      coefficients: { ...DIABETES_MODEL.coefficients },
      intercept: DIABETES_MODEL.intercept,
      prevalence,
      hypertensionPrevalence,
      hypertension: {
        outcome: {
          name: 'hypertension',
          system: 'http://snomed.info/sct',
          code: '38341003',
          display: 'Hypertensive disorder, systemic arterial',
        },
        features: ['age', 'bmi'],
        coefficients: { ...HYPERTENSION_MODEL.coefficients },
        intercept: HYPERTENSION_MODEL.intercept,
        prevalence: hypertensionPrevalence,
      },
    },
  };
  await writeFileAtomic(join(o.out, 'manifest.json'), `${canonicalJson(manifest, 2)}\n`);
  ctx.log.info(
    `synth: ${o.owners} owners, ${o.patients} patients, ${totalResources} FHIR resources, ${dicomFiles} DICOM files`,
  );
  return {
    owners: o.owners,
    patients: o.patients,
    resources: totalResources,
    imagingStudies,
    dicomFiles,
    dicomBytes,
    prevalence,
    hypertensionPrevalence,
    manifest,
  };
}
