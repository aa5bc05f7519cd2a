import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { exists } from '../../core/fs.js';
import { parseWith } from '../../core/parse.js';
import { fixedPassphrase } from '../../core/passphrase.js';
import { type DatasetManifest, DatasetManifestSchema } from '../../core/schemas/datasetManifest.js';
import { type DeidDicomReport, DeidDicomReportSchema } from '../../core/schemas/deidDicomReport.js';
import { type DeidFhirReport, DeidFhirReportSchema } from '../../core/schemas/deidFhirReport.js';
import { type Inventory, InventorySchema } from '../../core/schemas/inventory.js';
import { type PublishRecord, PublishRecordSchema } from '../../core/schemas/publishRecord.js';
import { type SynthManifest, SynthManifestSchema } from '../../core/schemas/synthManifest.js';
import { initWorkspace, isWorkspace, openWorkspace } from '../../core/workspace.js';
import { runPipeline } from '../../pipeline/index.js';
import { defineCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { formatCount, formatTable } from '../format.js';
import { printRun } from './run.js';

/** The passphrase of the demo workspace: public, said out loud, used only for demo keys. */
export const DEMO_PASSPHRASE = 'sinso-demo';
export const DEMO_WORKSPACE = '.sinso-demo';
const DEMO_PIPELINE = fileURLToPath(new URL('../../../pipelines/demo.yaml', import.meta.url));

export const demoCommand = defineCommand({
  path: ['demo'],
  summary: 'Run the whole system end to end on the embedded defaults (pipelines/demo.yaml) and summarise',
  description:
    'Creates the demo workspace (default ./.sinso-demo) if needed, with demo keys derived from a public seed and the passphrase "sinso-demo" (or SINSO_PASSPHRASE), then runs pipelines/demo.yaml. A second run reruns nothing.',
  options: z.strictObject({
    fresh: z.boolean().default(false).describe('Delete the demo workspace first and start over'),
    pipeline: z.string().default(DEMO_PIPELINE).describe('The pipeline to run'),
  }),
  examples: ['npm run demo', 'sinso demo --fresh', 'sinso demo --workspace /tmp/demo --json'],
  async run(ctx, o) {
    const dir = ctx.globals.workspaceGiven ? ctx.globals.workspace : DEMO_WORKSPACE;
    const passphrase = fixedPassphrase(process.env['SINSO_PASSPHRASE'] || DEMO_PASSPHRASE);
    if (o.fresh) await rm(dir, { recursive: true, force: true });
    let created = false;
    if (!(await isWorkspace(dir))) {
      ctx.log.info(
        `creating demo workspace ${dir} with demo keys (derived from a public seed; passphrase "${process.env['SINSO_PASSPHRASE'] ? '$SINSO_PASSPHRASE' : DEMO_PASSPHRASE}")`,
      );
      await initWorkspace({ dir, passphrase, kdf: 'light', demoSeed: 'sinso-demo' });
      created = true;
    }
    const workspace = await openWorkspace({ dir, passphrase });
    const run = await runPipeline(
      { workspace, clock: ctx.clock, log: ctx.log, progress: ctx.progress },
      { file: o.pipeline },
    );
    const manifest = await readJson(
      join(workspace.paths.root, 'data/cohort/manifest.json'),
      SynthManifestSchema,
      'synth manifest',
    );
    const inventory = await readJson(
      join(workspace.paths.root, 'data/inventory.json'),
      InventorySchema,
      'inventory',
    );
    const deid: { owner: string; report: DeidDicomReport }[] = [];
    const fhir: { owner: string; report: DeidFhirReport }[] = [];
    const published: Published[] = [];
    for (const o of manifest.owners) {
      const pub = join(workspace.paths.root, 'owners', o.id, 'published');
      if (await exists(join(pub, 'publish.json'))) {
        published.push({
          owner: o.id,
          record: await readJson(join(pub, 'publish.json'), PublishRecordSchema, 'publish record'),
          manifest: await readJson(join(pub, 'manifest.json'), DatasetManifestSchema, 'dataset manifest'),
        });
      }
      const file = join(workspace.paths.root, 'owners', o.id, 'deid/dicom/deid-report.json');
      if (await exists(file)) {
        deid.push({
          owner: o.id,
          report: await readJson(file, DeidDicomReportSchema, 'de-identification report'),
        });
      }
      const ffile = join(workspace.paths.root, 'owners', o.id, 'deid/fhir/deid-report.json');
      if (await exists(ffile)) {
        fhir.push({
          owner: o.id,
          report: await readJson(ffile, DeidFhirReportSchema, 'FHIR de-identification report'),
        });
      }
    }
    if (ctx.globals.json) {
      const code = printRun(ctx, run);
      return code;
    }
    const code = printRun({ ...ctx, print: (human) => ctx.io.stderr(human) } as CliContext, run);
    ctx.io.stdout(summary(workspace.paths.root, created, manifest, inventory, deid, fhir, published));
    return code;
  },
});

type Published = { owner: string; record: PublishRecord; manifest: DatasetManifest };

async function readJson<S extends z.ZodType>(path: string, schema: S, what: string): Promise<z.infer<S>> {
  return parseWith(schema, JSON.parse(await readFile(path, 'utf8')), { what });
}

function summary(
  root: string,
  created: boolean,
  m: SynthManifest,
  inv: Inventory,
  deid: readonly { owner: string; report: DeidDicomReport }[],
  fhir: readonly { owner: string; report: DeidFhirReport }[],
  published: readonly Published[],
): string {
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const resources = Object.values(inv.fhirResources).reduce((a, b) => a + b, 0);
  const lines = [
    '',
    `sinso demo — workspace ${root}${created ? ' (new)' : ''}`,
    '',
    `Synthetic cohort: ${m.owners.length} data owners, ${formatCount(m.totals.patients)} patients (seed ${m.options.seed})`,
    formatTable(
      m.owners.map((w) => [
        w.id,
        w.name,
        `${formatCount(w.patients)} patients`,
        `${formatCount(Object.values(w.resources).reduce((a, b) => a + b, 0))} FHIR resources`,
        `${formatCount(w.dicomFiles)} DICOM files`,
      ]),
    )
      .trimEnd()
      .replace(/^/gm, '  '),
    `Planted signal: type 2 diabetes in ${pct(m.signal.prevalence)} of patients, logistic in ${m.signal.features.map((f) => f.name).join(', ')}`,
    `Inventory: ${formatCount(inv.inputs)} files scanned (${formatCount(inv.files.dicom)} DICOM, ${formatCount(inv.files.fhirNdjson + inv.files.fhirJson)} FHIR), ${formatCount(resources)} FHIR resources, ${inv.files.rejected} rejected`,
    ...(deid.length > 0
      ? [
          `De-identified (PS3.15 Annex E; ${deid[0]?.report.profile.options.join(', ') || 'basic profile'}):`,
          formatTable(
            deid.map((d) => [
              d.owner,
              `${formatCount(d.report.counts.deidentified)} DICOM files de-identified`,
              `${d.report.counts.rejected} rejected`,
              leakLine(d.report),
            ]),
          )
            .trimEnd()
            .replace(/^/gm, '  '),
        ]
      : []),
    ...(fhir.length > 0
      ? [
          `De-identified records (HIPAA Safe Harbor${fhir[0]?.report.profile.dateShift ? ', dates shifted per patient' : ''}):`,
          formatTable(
            fhir.map((f) => [
              f.owner,
              `${formatCount(f.report.counts.resourcesOut)} FHIR resources`,
              `${f.report.counts.rejected} files rejected`,
              f.report.settings.leakScan ? 'leak scan: no identifier found' : 'leak scan off',
            ]),
          )
            .trimEnd()
            .replace(/^/gm, '  '),
          'Records and images link up: each patient’s MRN pseudonym is the PatientID of their images.',
        ]
      : []),
    ...(published.length > 0
      ? [
          `Published datasets (tables in DuckDB and Parquet; k-anonymity over ${published[0]?.manifest.properties.privacy.kAnonymity.quasiIdentifiers.join(', ')}; Poseidon commitment; files encrypted at rest):`,
          formatTable(
            published.map((p) => {
              const privacy = p.manifest.properties.privacy;
              const dropped = privacy.suppression?.patientsDropped ?? 0;
              return [
                p.owner,
                `${formatCount(p.record.rows)} rows`,
                `k = ${privacy.kAnonymity.k} (${dropped} patient${dropped === 1 ? '' : 's'} suppressed)`,
                `root ${p.record.commitmentRoot.slice(0, 12)}…`,
                p.record.tokenUri,
              ];
            }),
          )
            .trimEnd()
            .replace(/^/gm, '  '),
          'Each token URI is the CID of the dataset manifest (ERC-721 metadata); dataset.car holds every block.',
        ]
      : []),
    '',
    'Still to come in the demo: the chain (mint, pledge, escrow), HE and ZK-proved queries,',
    'training, receipts, settlement and each owner’s audit.',
    '',
  ];
  return lines.join('\n');
}

/** What the leak scan found, from the report: files it rejected, or that it found nothing. */
function leakLine(r: DeidDicomReport): string {
  if (!r.settings.leakScan) return 'leak scan off';
  const hits = Object.entries(r.rejectedBy)
    .filter(([reason]) => reason.startsWith('leak scan'))
    .reduce((n, [, c]) => n + c, 0);
  return hits === 0 ? 'leak scan: no identifier found' : `leak scan: ${hits} file(s) rejected`;
}
