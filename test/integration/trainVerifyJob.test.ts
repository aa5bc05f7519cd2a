import { beforeAll, describe, expect, it } from 'vitest';
import { buildCommitment, loadPoseidon, type Poseidon } from '../../src/commit/index.js';
import { silentProgress } from '../../src/core/progress.js';
import type { Commitment } from '../../src/core/schemas/commitment.js';
import type { TrainJob } from '../../src/train/job.js';
import { verifyJob } from '../../src/train/verifyJob.js';
import { writeTables } from '../utils/refTables.js';
import { tempDir } from '../utils/tmp.js';

let poseidon: Poseidon;
let commitment: Commitment;

beforeAll(async () => {
  poseidon = await loadPoseidon();
  const dir = await tempDir('sinso-verify-job-');
  await writeTables(dir, [
    {
      name: 'patients',
      columns: [{ name: 'patient_id', kind: 'string' }],
      rows: Array.from({ length: 300 }, (_, i) => [`p${i}`]),
    },
  ]);
  commitment = await buildCommitment({
    tablesDir: dir,
    saltKey: new Uint8Array(32).fill(5),
    progress: silentProgress,
    workers: 0,
  });
});

const jobOf = (ranges: [number, number][], rows: number): TrainJob => ({
  schema: '1',
  kind: 'sinso-train-job',
  model: 'm',
  specSha256: '0'.repeat(64),
  modelSha256: '0'.repeat(64),
  cardSha256: '0'.repeat(64),
  chainId: 31337,
  dataNft: '0x',
  datasets: [
    {
      pledge: '4',
      tokenId: '2',
      version: 1,
      commitmentRoot: commitment.root,
      manifestCid: 'b',
      examples: rows,
      tables: [{ table: 'patients', rows, ranges }],
    },
  ],
  rowsUsed: rows,
});

const verify = (job: TrainJob, onChain = commitment.root) =>
  verifyJob({ job, poseidon, commitmentOf: async () => commitment, onChainRoot: async () => onChain });

describe('verifyJob', () => {
  it('accepts rows inside the committed tables, and names the chunks they lie in', async () => {
    const r = await verify(
      jobOf(
        [
          [0, 10],
          [127, 130],
          [299, 300],
        ],
        14,
      ),
    );
    expect(r).toEqual({
      ok: true,
      checks: ['commitment', 'root', 'on-chain-root', 'rows'],
      chunks: [{ pledge: '4', table: 'patients', chunks: [0, 1, 2] }],
    });
  });

  it('refuses rows past the table, overlapping or miscounted, another root, or a broken commitment', async () => {
    expect(await verify(jobOf([[290, 301]], 11))).toMatchObject({ ok: false, failed: 'rows' });
    expect(
      await verify(
        jobOf(
          [
            [0, 10],
            [5, 12],
          ],
          17,
        ),
      ),
    ).toMatchObject({ ok: false, failed: 'rows' });
    expect(await verify(jobOf([[0, 10]], 11))).toMatchObject({ ok: false, failed: 'rows' });
    expect(await verify(jobOf([[0, 10]], 10), `0x${'1'.repeat(64)}`)).toMatchObject({
      ok: false,
      failed: 'on-chain-root',
    });
    const other = jobOf([[0, 10]], 10);
    (other.datasets[0] as { commitmentRoot: string }).commitmentRoot = `0x${'2'.repeat(64)}`;
    expect(await verify(other)).toMatchObject({ ok: false, failed: 'root' });
    const broken = structuredClone(commitment);
    (broken.tables[0]?.chunkRoots as string[])[0] = `0x${'3'.repeat(64)}`;
    expect(
      await verifyJob({ job: jobOf([[0, 10]], 10), poseidon, commitmentOf: async () => broken }),
    ).toMatchObject({ ok: false, failed: 'commitment' });
  });
});
