import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RELEASED_FILE, ReleasedSchema } from '../he/index.js';
import { JOB_FILE, TrainJobSchema } from '../train/index.js';
import { ProofBundleSchema } from '../zk/index.js';
import type { JobOutput } from './build.js';
import { ReceiptError } from './errors.js';

/**
 * Reads what a job wrote, by what it is: an HE query folder or its `released.json`, a model
 * folder or its `job.json`, or a ZK proof bundle. Anything else is RECEIPT_JOB_INVALID.
 *
 * @example
 * const job = await readJobOutput('queries/hba1c-by-sex-age');
 */
export async function readJobOutput(path: string): Promise<JobOutput> {
  let file = path;
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new ReceiptError('RECEIPT_JOB_INVALID', { problem: 'the path does not exist' });
  if (s.isDirectory()) {
    const released = join(path, RELEASED_FILE);
    const job = join(path, JOB_FILE);
    if (await stat(released).catch(() => undefined)) file = released;
    else if (await stat(job).catch(() => undefined)) file = job;
    else {
      throw new ReceiptError('RECEIPT_JOB_INVALID', {
        problem: `the folder holds neither ${RELEASED_FILE} (an HE query the key holder released) nor ${JOB_FILE} (a training job)`,
      });
    }
  }
  const bytes = new Uint8Array(await readFile(file));
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (cause) {
    throw new ReceiptError('RECEIPT_JOB_INVALID', { problem: 'the file is not JSON' }, { cause });
  }
  const kind = (json as { kind?: unknown } | null)?.kind;
  const parsed =
    kind === 'sinso-he-release'
      ? ReleasedSchema.safeParse(json)
      : kind === 'sinso-train-job'
        ? TrainJobSchema.safeParse(json)
        : kind === 'sinso-zk-proof'
          ? ProofBundleSchema.safeParse(json)
          : undefined;
  if (!parsed) {
    throw new ReceiptError('RECEIPT_JOB_INVALID', {
      problem: 'it is not an HE release, a ZK proof bundle or a training job record',
    });
  }
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ReceiptError('RECEIPT_JOB_INVALID', {
      problem: `the ${String(kind)} record is not valid (${i?.path.join('.') ?? ''}: ${i?.message ?? ''})`,
    });
  }
  if (kind === 'sinso-he-release') {
    return { kind: 'he-query', released: ReleasedSchema.parse(json), bytes };
  }
  if (kind === 'sinso-train-job') return { kind: 'train', job: TrainJobSchema.parse(json), bytes };
  const bundle = ProofBundleSchema.parse(json);
  if (!bundle.dataset.token || !bundle.dataset.pledgeId) {
    throw new ReceiptError('RECEIPT_JOB_INVALID', {
      problem: 'the proof bundle names no pledge (prove under a pledge: `sinso query zk --pledge ID`)',
    });
  }
  return { kind: 'zk-query', bundle, bytes };
}
