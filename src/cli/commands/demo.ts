import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { chainAcceptStage, chainMintStage, chainPledgeStage, formatAmount } from '../../chain/index.js';
import { fixedPassphrase } from '../../core/passphrase.js';
import type { StageDefinition } from '../../core/stage.js';
import { initWorkspace, isWorkspace, openWorkspace } from '../../core/workspace.js';
import { deidDicomStage, deidFhirStage } from '../../deid/index.js';
import { RELEASED_FILE, ReleasedSchema } from '../../he/index.js';
import { scanStage } from '../../ingest/index.js';
import { notebookRunStage } from '../../notebook/index.js';
import { type RunPipelineReturnType, runPipeline } from '../../pipeline/index.js';
import { publishStage } from '../../publish/index.js';
import { receiptsIssueStage } from '../../receipts/index.js';
import { synthStage } from '../../synth/index.js';
import { trainStage } from '../../train/index.js';
import { queryZkStage } from '../../zk/index.js';
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
    if (ctx.globals.json) {
      const code = printRun(ctx, run);
      return code;
    }
    const code = printRun({ ...ctx, print: (human) => ctx.io.stderr(human) } as CliContext, run);
    ctx.io.stdout(summary(workspace.paths.root, created, run));
    return code;
  },
});

/**
 * The typed results of every stage of a pipeline run that `uses` a stage, with the fan-out item
 * of each (`deid@owner-001` → owner-001). Skipped stages give the results recorded in the lock.
 */
function resultsOf<S extends StageDefinition>(
  run: RunPipelineReturnType,
  stage: S,
): { item: string; result: z.output<S['result']> }[] {
  return run.stages.flatMap((o) => {
    if (o.uses !== stage.name || !o.result) return [];
    const r = stage.result.safeParse(o.result.summary);
    return r.success ? [{ item: o.id.split('@')[1] ?? o.id, result: r.data as z.output<S['result']> }] : [];
  });
}

function summary(root: string, created: boolean, run: RunPipelineReturnType): string {
  const cohort = resultsOf(run, synthStage)[0]?.result;
  const inv = resultsOf(run, scanStage)[0]?.result;
  const deid = resultsOf(run, deidDicomStage);
  const fhir = resultsOf(run, deidFhirStage);
  const published = resultsOf(run, publishStage);
  const minted = resultsOf(run, chainMintStage);
  const pledged = resultsOf(run, chainPledgeStage);
  const accepted = resultsOf(run, chainAcceptStage);
  const zk = resultsOf(run, queryZkStage);
  const trained = resultsOf(run, trainStage);
  const receipts = resultsOf(run, receiptsIssueStage);
  const reports = resultsOf(run, notebookRunStage);
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const indent = (rows: string[][]) => formatTable(rows).trimEnd().replace(/^/gm, '  ');
  const lines = [
    '',
    `sinso demo — workspace ${root}${created ? ' (new)' : ''}`,
    '',
    ...(cohort
      ? [
          `Synthetic cohort: ${cohort.owners} data owners, ${formatCount(cohort.patients)} patients (seed ${cohort.seed})`,
          indent(
            cohort.perOwner.map((w) => [
              w.id,
              w.name,
              `${formatCount(w.patients)} patients`,
              `${formatCount(w.resources)} FHIR resources`,
              `${formatCount(w.dicomFiles)} DICOM files`,
            ]),
          ),
          `Planted signal: type 2 diabetes in ${pct(cohort.diabetesPrevalence)} of patients, logistic in ${cohort.signalFeatures.join(', ')}`,
        ]
      : []),
    ...(inv
      ? [
          `Inventory: ${formatCount(inv.files)} files scanned (${formatCount(inv.dicomFiles)} DICOM, ${formatCount(inv.fhirFiles)} FHIR), ${formatCount(inv.fhirResources)} FHIR resources, ${inv.rejected} rejected`,
        ]
      : []),
    ...(deid.length > 0
      ? [
          `De-identified (PS3.15 Annex E; ${deid[0]?.result.options.join(', ') || 'basic profile'}):`,
          indent(
            deid.map(({ item, result: r }) => [
              item,
              `${formatCount(r.deidentified)} DICOM files de-identified`,
              `${r.rejected} rejected`,
              !r.leakScan
                ? 'leak scan off'
                : r.leakRejected === 0
                  ? 'leak scan: no identifier found'
                  : `leak scan: ${r.leakRejected} file(s) rejected`,
            ]),
          ),
        ]
      : []),
    ...(fhir.length > 0
      ? [
          `De-identified records (HIPAA Safe Harbor${fhir[0]?.result.dateShift ? ', dates shifted per patient' : ''}):`,
          indent(
            fhir.map(({ item, result: r }) => [
              item,
              `${formatCount(r.resources)} FHIR resources`,
              `${r.rejected} files rejected`,
              r.leakScan ? 'leak scan: no identifier found' : 'leak scan off',
            ]),
          ),
          // they link only where both sides were told which identifier system PatientIDs belong to
          [...deid, ...fhir].every(({ result }) => result.patientIds !== 'shared')
            ? 'Records and images link up: each patient’s MRN pseudonym is the PatientID of their images.'
            : 'Records and images do not link: give deid dicom and deid fhir the same --patient-id-system.',
        ]
      : []),
    ...(published.length > 0
      ? [
          `Published datasets (tables in DuckDB and Parquet; k-anonymity over ${published[0]?.result.quasiIdentifiers.join(', ')}; Poseidon commitment; files encrypted at rest):`,
          indent(
            published.map(({ item, result: r }) => [
              item,
              `${formatCount(r.rows)} rows`,
              `k = ${r.k} (${r.patientsDropped} patient${r.patientsDropped === 1 ? '' : 's'} suppressed)`,
              `root ${r.commitmentRoot.slice(0, 12)}…`,
              r.tokenUri,
            ]),
          ),
          'Each token URI is the CID of the dataset manifest (ERC-721 metadata); dataset.car holds every block.',
        ]
      : []),
    ...(minted.length > 0
      ? [
          'On the chain (the embedded EVM of the workspace; each owner its own account):',
          indent(
            minted.map(({ item, result: m }) => {
              const p = pledged.find((x) => x.item === item)?.result;
              const a = p && accepted.find((x) => x.result.pledgeId === p.pledgeId)?.result;
              return [
                item,
                `DataNFT token ${m.tokenId}`,
                `owner ${m.owner.slice(0, 10)}…`,
                p ? `pledge ${p.pledgeId} to the consumer` : 'not pledged',
                a ? `accepted, ${formatAmount(BigInt(a.locked))} in escrow` : 'not accepted',
              ];
            }),
          ),
        ]
      : []),
    ...heLines(root, indent),
    ...(zk.length > 0
      ? [
          'ZK-proved query (each owner proves its answer over its committed rows; `sinso verify` checks it):',
          indent(
            zk.map(({ item, result: r }) => [
              item,
              `${formatCount(r.rows)} ${r.table} rows, ${r.chunks} chunk proof${r.chunks === 1 ? '' : 's'}`,
              `COUNT(*) ${r.count}`,
              `AVG ${r.avg === null ? '-' : r.avg.toFixed(1)}`,
              `root ${r.root.slice(0, 12)}…`,
            ]),
          ),
        ]
      : []),
    ...trained.map(
      ({ result: t }) =>
        `Trained ${t.model} on ${formatCount(t.examples)} patients of every owner (compute-to-data, ONNX Runtime${t.epsilon === null ? '' : `, DP-SGD ε = ${t.epsilon.toFixed(2)} at δ = ${t.delta?.toExponential(0)}`}): validation AUC ${t.auc === null ? '-' : t.auc.toFixed(3)}, accuracy ${t.accuracy === null ? '-' : pct(t.accuracy)}; ${formatCount(t.rowsUsed)} committed rows used; the consumer gets ${t.onnx} and its model card, never a row.`,
    ),
    ...(receipts.length > 0
      ? [
          `Usage receipts (EIP-712, signed by the compute node, countersigned by the consumer, one hash chain per pledge): ${receipts.reduce((n, r) => n + r.result.receipts, 0)} for ${receipts.length} jobs, ${formatCount(receipts.reduce((n, r) => n + Number(r.result.rows), 0))} row-uses`,
          indent(
            ['he-query', 'zk-query', 'train'].flatMap((job) => {
              const rs = receipts.filter((r) => r.result.job === job);
              if (rs.length === 0) return [];
              const n = rs.reduce((a, r) => a + r.result.receipts, 0);
              const rows = rs.reduce((a, r) => a + Number(r.result.rows), 0);
              return [[job, `${n} receipt${n === 1 ? '' : 's'}`, `${formatCount(rows)} row-uses`]];
            }),
          ),
        ]
      : []),
    ...(reports.length > 0
      ? [
          'Reports (notebooks rendered to HTML with SVG charts; the same inputs give the same bytes):',
          indent(
            reports.map(({ result: r }) => [
              r.notebook,
              `${r.charts} charts`,
              `sha256 ${r.htmlSha256.slice(0, 12)}…`,
            ]),
          ),
        ]
      : []),
    '',
  ];
  return lines.join('\n');
}

/** The pooled HE query's released result, as the key holder released it (suppressed groups shown as such). */
function heLines(root: string, indent: (rows: string[][]) => string): string[] {
  const file = join(root, 'queries', 'hba1c-by-sex-age', RELEASED_FILE);
  if (!existsSync(file)) return [];
  const r = ReleasedSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!r.success) return [];
  const rel = r.data;
  const fmt = (v: unknown) => (typeof v === 'number' ? v.toFixed(2) : String(v ?? 'NULL'));
  return [
    `HE query (${rel.mode === 'public' ? 'public group keys' : 'all encrypted'}, pooled over ${rel.datasets.length} owners, ${formatCount(rel.datasets.reduce((a, d) => a + d.rows, 0))} HbA1c results): mean HbA1c by sex and age band`,
    indent([
      ['sex', 'age band', 'n', 'mean HbA1c %'],
      ...rel.rows.map((x) => [
        String(x.values['gender'] ?? 'NULL'),
        String(x.values['age_band_10'] ?? 'NULL'),
        x.suppressed ? 'suppressed' : String(x.values['count']),
        x.suppressed ? `(fewer than ${rel.minCohort})` : fmt(x.values['avg_value']),
      ]),
    ]),
    `${rel.suppressedGroups} group(s) below the pledges' minimum cohort of ${rel.minCohort} were suppressed; their sums were never decrypted.`,
  ];
}
