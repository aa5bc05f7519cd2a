import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { SinsoError } from '../../core/errors/index.js';
import { writeFileAtomic } from '../../core/fs.js';
import { canonicalJson } from '../../core/hash.js';
import { secretFingerprint } from '../../core/keystore.js';
import { parseWith } from '../../core/parse.js';
import type { Rejection, StageContext, StageResult } from '../../core/stage.js';
import { version } from '../../core/version.js';
import { walkInputs } from '../../core/walkInputs.js';
import { loadSecret } from './adapters/loadSecret.js';
import type { DeidTaskResult } from './adapters/processOne.js';
import { runPool } from './adapters/runPool.js';
import { PixelRulesFileSchema } from './pixelRules.js';
import { buildProfile } from './profile/index.js';
import type { DeidDicomOptions, DeidDicomReport } from './schema.js';

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
export async function deidentifyDicomFiles(ctx: StageContext, o: DeidDicomOptions): Promise<StageResult> {
  const secret = await loadSecret(ctx, o.secretFile);
  const profile = buildProfile(o.option); // fails fast on exclusive options
  const described = profile.describe();
  let pixelRules: DeidDicomReport['settings']['pixelRules'] = 0;
  let rules: import('./pixelRules.js').PixelRule[] = [];
  if (o.pixelRules !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(o.pixelRules, 'utf8'));
    } catch (err) {
      throw new SinsoError('The pixel rules file could not be read as JSON.', {
        code: 'DEID_PIXEL_RULES_INVALID',
        cause: err,
        fix: 'Give a JSON file like {"schema":"1","rules":[…]} (see README → deid dicom).',
      });
    }
    rules = parseWith(PixelRulesFileSchema, json, {
      what: 'pixel rules file',
      code: 'DEID_PIXEL_RULES_INVALID',
    }).rules;
    pixelRules = rules.length;
  }
  await mkdir(o.out, { recursive: true });
  const statuses: DeidDicomReport['inputs'] = [];
  const rejected: Rejection[] = [];
  const inFlight = new Map<number, string>();
  let deidentified = 0;
  let skipped = 0;
  let cleaned = 0;
  const task = ctx.progress.start('deid dicom', 0);
  async function* tasks() {
    for await (const f of walkInputs(o.inputs)) {
      if ('missing' in f) {
        inFlight.set(f.ordinal, f.path);
        yield { id: f.ordinal, reject: 'not found' };
      } else if (NOT_DICOM.test(f.path)) {
        skipped++;
        statuses[f.ordinal - 1] = {
          ordinal: f.ordinal,
          status: 'skipped',
          reason: 'not DICOM (by file type)',
        };
        task.tick();
      } else if (f.size === 0) {
        inFlight.set(f.ordinal, f.path);
        yield { id: f.ordinal, reject: 'empty file' };
      } else {
        inFlight.set(f.ordinal, f.path);
        yield { id: f.ordinal, path: f.path };
      }
    }
  }
  // outputs by name → the input that wrote them, so duplicates resolve the same way whatever
  // order the workers finish in: the input with the lowest ordinal wins
  const writers = new Map<string, { id: number; pixelsCleaned: boolean; path: string | undefined }>();
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
      writers.set(r.rel, { id: r.id, pixelsCleaned: r.pixelsCleaned, path });
      statuses[r.id - 1] = { ordinal: r.id, status: 'deidentified' };
    } else {
      statuses[r.id - 1] = { ordinal: r.id, status: 'rejected', reason: r.reason };
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
    },
    tasks: tasks(),
    workers: o.workers ?? Math.max(1, availableParallelism()),
    onResult,
  });
  task.done();
  const duplicate = 'duplicate: another input has the same SOPInstanceUID';
  for (const d of duplicates.sort((a, b) => a.id - b.id)) {
    const owner = writers.get(d.rel);
    if (owner && d.id < owner.id) {
      await rename(d.tmp, join(o.out, d.rel)); // the earlier input's output replaces the later one's
      writers.set(d.rel, { id: d.id, pixelsCleaned: d.pixelsCleaned, path: d.path });
      statuses[d.id - 1] = { ordinal: d.id, status: 'deidentified' };
      statuses[owner.id - 1] = { ordinal: owner.id, status: 'rejected', reason: duplicate };
      rejected.push({ ordinal: owner.id, reason: duplicate, path: owner.path });
    } else {
      await rm(d.tmp, { force: true });
      statuses[d.id - 1] = { ordinal: d.id, status: 'rejected', reason: duplicate };
      rejected.push({ ordinal: d.id, reason: duplicate, path: d.path });
    }
  }
  for (const w of writers.values()) {
    deidentified++;
    if (w.pixelsCleaned) cleaned++;
  }
  rejected.sort((a, b) => a.ordinal - b.ordinal);
  const inputs = statuses.filter((s) => s !== undefined);
  const rejectedBy: Record<string, number> = {};
  for (const r of rejected) rejectedBy[r.reason] = (rejectedBy[r.reason] ?? 0) + 1;
  const report: DeidDicomReport = {
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
    },
    counts: {
      inputs: inputs.length,
      deidentified,
      rejected: rejected.length,
      skipped,
      pixelsCleaned: cleaned,
    },
    rejectedBy,
    inputs,
  };
  await writeFileAtomic(join(o.out, 'deid-report.json'), `${canonicalJson(report, 2)}\n`);
  return {
    summary: {
      inputs: inputs.length,
      deidentified,
      rejected: rejected.length,
      skipped,
      pixelsCleaned: cleaned,
    },
    rejected,
  };
}
