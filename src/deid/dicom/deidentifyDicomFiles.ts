import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../../core/hash.js';
import { secretFingerprint } from '../../core/keystore.js';
import { NOT_JSON, parseWith } from '../../core/parse.js';
import type { DeidDicomReport } from '../../core/schemas/deidDicomReport.js';
import type { Rejection, StageContext, StageResult } from '../../core/stage.js';
import { version } from '../../core/version.js';
import { walkInputs } from '../../core/walkInputs.js';
import { readPatientIdNamespace } from '../adapters/readPatientIdNamespace.js';
import { DeidError } from '../errors.js';
import { createPatientIdNamespace } from '../patientIdNamespace.js';
import type { DeidTaskResult } from './adapters/processOne.js';
import { runPool } from './adapters/runPool.js';
import { PixelRulesFileSchema } from './pixelRules.js';
import { buildProfile } from './profile/index.js';
import type { DeidDicomOptions, DeidDicomResult } from './schema.js';

const DEIDENTIFIED = 1;
const REJECTED = 2;
const SKIPPED = 3;

/** Files that are obviously not DICOM are skipped (and counted), not rejected. */
const NOT_DICOM =
  /(\.(json|ndjson|jsonl|txt|md|csv|tsv|xml|html?|pdf|yaml|yml|log|zip|gz)|(^|[\\/])(LICENSE|README|COPYING|NOTICE)(\.\w+)?)$/i;

/**
 * `sinso deid dicom`: de-identifies every DICOM file of the inputs into `out` by the PS3.15
 * Annex E profile, on worker threads, streaming (bounded memory at any number of files), and
 * writes `deid-report.json`. A bad input is rejected with its reason; the batch goes on.
 *
 * @example
 * const r = await deidentifyDicomFiles(ctx, DeidDicomOptionsSchema.parse({ inputs: ['in'], out: 'out' }));
 */
export async function deidentifyDicomFiles(
  ctx: StageContext<boolean, 'pseudonym'>,
  o: DeidDicomOptions,
): Promise<StageResult<DeidDicomResult>> {
  const secret = ctx.secrets.pseudonym;
  const profile = buildProfile(o.option); // fails fast on exclusive options
  const described = profile.describe();
  let pixelRules: DeidDicomReport['settings']['pixelRules'] = 0;
  let rules: import('./pixelRules.js').PixelRule[] = [];
  if (o.pixelRules !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(o.pixelRules, 'utf8'));
    } catch (err) {
      throw new DeidError('DEID_PIXEL_RULES_INVALID', {}, { issues: NOT_JSON, cause: err });
    }
    rules = parseWith(PixelRulesFileSchema, json, {
      what: 'pixel rules file',
      error: (issues, cause) => new DeidError('DEID_PIXEL_RULES_INVALID', {}, { issues, cause }),
    }).rules;
    pixelRules = rules.length;
  }
  const patientIds = await readPatientIdNamespace(o);
  const namespacePolicy = createPatientIdNamespace(patientIds).policy;
  await mkdir(o.out, { recursive: true });
  // Per-input state is kept compact, so memory stays small at hundreds of thousands of files:
  // one status byte per input, reasons only for inputs that were not de-identified.
  let status = new Uint8Array(1 << 16);
  const setStatus = (ordinal: number, code: number) => {
    if (ordinal > status.length) {
      const grown = new Uint8Array(Math.max(ordinal, status.length * 2));
      grown.set(status);
      status = grown;
    }
    status[ordinal - 1] = code;
  };
  const reasons = new Map<number, string>();
  let inputsSeen = 0;
  const rejected: Rejection[] = [];
  const inFlight = new Map<number, string>();
  let skipped = 0;
  const task = ctx.progress.start('deid dicom', 0);
  async function* tasks() {
    for await (const f of walkInputs(o.inputs)) {
      inputsSeen = f.ordinal;
      if ('missing' in f) {
        inFlight.set(f.ordinal, f.path);
        yield { id: f.ordinal, reject: 'not found' };
      } else if (NOT_DICOM.test(f.path)) {
        skipped++;
        setStatus(f.ordinal, SKIPPED);
        task.tick();
      } else {
        inFlight.set(f.ordinal, f.path);
        yield { id: f.ordinal, path: f.path };
      }
    }
  }
  // outputs (by a short hash of their name) → the input that wrote them, so duplicates resolve
  // the same way whatever order the workers finish in: the input with the lowest ordinal wins
  const writers = new Map<string, number>();
  const key = (rel: string) => createHash('sha256').update(rel).digest('base64').slice(0, 22);
  const cleanedIds = new Set<number>();
  const duplicates: {
    id: number;
    rel: string;
    tmp: string;
    pixelsCleaned: boolean;
    path: string | undefined;
  }[] = [];
  const onResult = (r: DeidTaskResult) => {
    const path = inFlight.get(r.id);
    inFlight.delete(r.id);
    task.tick();
    if (r.ok === 'duplicate') {
      duplicates.push({ id: r.id, rel: r.rel, tmp: r.tmp, pixelsCleaned: r.pixelsCleaned, path });
    } else if (r.ok) {
      writers.set(key(r.rel), r.id);
      if (r.pixelsCleaned) cleanedIds.add(r.id);
      setStatus(r.id, DEIDENTIFIED);
    } else {
      setStatus(r.id, REJECTED);
      reasons.set(r.id, r.reason);
      rejected.push({ ordinal: r.id, reason: r.reason, path });
    }
  };
  await runPool({
    settings: {
      secret,
      options: [...o.option],
      maxShiftDays: o.maxDateShiftDays,
      pixelRules: rules,
      allowMissingBurnedInFlag: o.allowMissingBurnedInFlag,
      leakScan: o.leakScan,
      outDir: o.out,
      patientIds,
    },
    tasks: tasks(),
    // by default this thread de-identifies too, joined by one worker fewer than the cores once
    // the job turns out long enough for them to pay (see runPool)
    workers: o.workers ?? Math.max(0, availableParallelism() - 1),
    startWorkersAfterMs: o.workers === undefined ? 1000 : undefined,
    onResult,
    signal: ctx.signal,
  });
  task.done();
  const duplicate = 'duplicate: another input has the same SOPInstanceUID';
  for (const d of duplicates.sort((a, b) => a.id - b.id)) {
    const owner = writers.get(key(d.rel));
    if (owner !== undefined && d.id < owner) {
      await rename(d.tmp, join(o.out, d.rel)); // the earlier input's output replaces the later one's
      writers.set(key(d.rel), d.id);
      if (d.pixelsCleaned) cleanedIds.add(d.id);
      cleanedIds.delete(owner);
      setStatus(d.id, DEIDENTIFIED);
      setStatus(owner, REJECTED);
      reasons.set(owner, duplicate);
      rejected.push({ ordinal: owner, reason: duplicate, path: undefined });
    } else {
      await rm(d.tmp, { force: true });
      setStatus(d.id, REJECTED);
      reasons.set(d.id, duplicate);
      rejected.push({ ordinal: d.id, reason: duplicate, path: d.path });
    }
  }
  // paths of inputs that lost a duplicate after being written were not kept: walk again for them
  if (rejected.some((r) => r.path === undefined)) {
    const want = new Map(rejected.filter((r) => r.path === undefined).map((r) => [r.ordinal, r]));
    for await (const f of walkInputs(o.inputs)) {
      const r = want.get(f.ordinal);
      if (r) r.path = f.path;
    }
  }
  let deidentified = 0;
  for (let i = 1; i <= inputsSeen; i++) if (status[i - 1] === DEIDENTIFIED) deidentified++;
  // the per-input list is streamed into the report, one line per input, never held whole
  function* inputLines(): Generator<string> {
    for (let i = 1; i <= inputsSeen; i++) {
      const code = status[i - 1];
      const entry: DeidDicomReport['inputs'][number] =
        code === DEIDENTIFIED
          ? { ordinal: i, status: 'deidentified' }
          : code === SKIPPED
            ? { ordinal: i, reason: 'not DICOM (by file type)', status: 'skipped' }
            : { ordinal: i, reason: reasons.get(i) ?? 'not processed', status: 'rejected' };
      yield canonicalJson(entry);
    }
  }
  const cleaned = cleanedIds.size;
  rejected.sort((a, b) => a.ordinal - b.ordinal);
  const rejectedBy: Record<string, number> = {};
  for (const r of rejected) rejectedBy[r.reason] = (rejectedBy[r.reason] ?? 0) + 1;
  const report: Omit<DeidDicomReport, 'inputs'> = {
    schema: '1',
    kind: 'sinso-deid-dicom-report',
    tool: { name: 'sinso', version },
    profile: {
      standard: 'DICOM PS3.15 2024b Annex E',
      method: described.method,
      options: described.options,
      codes: described.codes,
    },
    settings: {
      leakScan: o.leakScan,
      maxDateShiftDays: o.maxDateShiftDays,
      pixelRules,
      allowMissingBurnedInFlag: o.allowMissingBurnedInFlag,
      secretFingerprint: secretFingerprint(secret),
      patientIdNamespace: namespacePolicy,
    },
    counts: { inputs: inputsSeen, deidentified, rejected: rejected.length, skipped, pixelsCleaned: cleaned },
    rejectedBy,
  };
  await writeReport(join(o.out, 'deid-report.json'), report, inputLines());
  return {
    summary: {
      inputs: inputsSeen,
      deidentified,
      rejected: rejected.length,
      skipped,
      pixelsCleaned: cleaned,
      options: [...described.options],
      leakScan: o.leakScan,
      leakRejected: Object.entries(rejectedBy)
        .filter(([reason]) => reason.startsWith('leak scan'))
        .reduce((n, [, c]) => n + c, 0),
      patientIds: namespacePolicy.mode,
    },
    rejected,
  };
}

/**
 * Writes the report as canonical JSON (keys sorted) with the `inputs` list streamed one entry per
 * line, to a temporary file renamed into place.
 */
async function writeReport(
  path: string,
  report: Omit<DeidDicomReport, 'inputs'>,
  inputs: Iterable<string>,
): Promise<void> {
  const tmp = `${path}.sinso-tmp`;
  const out = createWriteStream(tmp);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : once(out, 'drain').then(() => undefined);
  // canonical order: the keys sorted, `inputs` between `counts` and `kind`
  const head = canonicalJson(report, 2);
  const at = head.indexOf('\n  "kind"');
  await write(`${head.slice(0, at)}\n  "inputs": [`);
  let first = true;
  for (const line of inputs) {
    await write(`${first ? '' : ','}\n    ${line}`);
    first = false;
  }
  await write(`${first ? '' : '\n  '}],${head.slice(at)}\n`);
  out.end();
  await once(out, 'close');
  await rename(tmp, path);
}
