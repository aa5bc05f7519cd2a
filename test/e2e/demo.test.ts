import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runBin } from '../utils/cli.js';
import { tempDir } from '../utils/tmp.js';

describe('sinso demo', () => {
  it('runs end to end, reruns nothing the second time, and reproduces the committed lock (byte for byte but for the randomized HE stages)', async () => {
    const d = await tempDir('sinso-demo-');
    // a copy of the pipeline, so the test never writes into the repository
    await copyFile(join(repoRoot, 'pipelines/demo.yaml'), join(d, 'demo.yaml'));
    const args = ['demo', '--workspace', join(d, 'ws'), '--pipeline', join(d, 'demo.yaml')];
    const first = await runBin(args);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Synthetic cohort: 3 data owners, 300 patients');
    expect(first.stdout).toMatch(/type 2 diabetes in \d+% of patients/);
    expect(first.stderr).toContain('passphrase "sinso-demo"');
    expect(first.stdout).toMatch(
      /owner-001 +[\d,]+ DICOM files de-identified +0 rejected +leak scan: no identifier found/,
    );
    expect(first.stdout).toMatch(
      /owner-001 +[\d,]+ FHIR resources +0 files rejected +leak scan: no identifier found/,
    );
    expect(first.stdout).toMatch(
      /owner-001 +[\d,]+ rows +k = \d+ \(\d+ patients? suppressed\) +root 0x[0-9a-f]{10}… +ipfs:\/\/b[a-z2-7]+/,
    );
    // each owner mints from its own account, pledges to the consumer, who accepts (escrow locked)
    expect(first.stdout).toMatch(
      /owner-001 +DataNFT token 1 +owner 0x[0-9a-fA-F]{8}… +pledge 1 to the consumer +accepted, 0\.1 ETH \(100000000000000000 wei\) in escrow/,
    );
    expect(first.stdout).toMatch(/owner-003 +DataNFT token 3 .*pledge 3 to the consumer +accepted/);
    // the pooled HE query: released groups, and suppressed ones shown as such
    expect(first.stdout).toContain('HE query (public group keys, pooled over 3 owners');
    expect(first.stdout).toMatch(/female +40 +\d+ +\d+\.\d\d/);
    expect(first.stdout).toMatch(/suppressed +\(fewer than 20\)/);
    // each owner's ZK-proved answer
    expect(first.stdout).toMatch(
      /owner-002 +[\d,]+ patients rows, \d+ chunk proofs? +COUNT\(\*\) \d+ +AVG \d+\.\d/,
    );
    // the compute node trains over every owner's patients, DP-SGD, and hands over the model only
    expect(first.stdout).toMatch(
      /Trained t2d-risk on \d+ patients of every owner \(compute-to-data, ONNX Runtime, DP-SGD ε = 3\.00 at δ = 1e-5\): validation AUC 0\.\d+/,
    );
    // every job leaves its usage receipts, one per owner it used
    expect(first.stdout).toMatch(/Usage receipts \(EIP-712.*\): 9 for 5 jobs/);
    expect(first.stdout).toMatch(/he-query +3 receipts +[\d,]+ row-uses/);
    expect(first.stdout).toMatch(/train +3 receipts +[\d,]+ row-uses/);
    // the analyst's reports
    expect(first.stdout).toMatch(/cohort-stats +\d+ charts/);
    expect(
      (await readFile(join(d, 'ws', 'reports', 'model-eval.html'), 'utf8')).startsWith('<!DOCTYPE html>'),
    ).toBe(true);
    const modelDir = join(d, 'ws', 'models', 't2d-risk');
    const card = JSON.parse(await readFile(join(modelDir, 't2d-risk.card.json'), 'utf8'));
    expect(card.datasets.map((x: { tokenId: string }) => x.tokenId)).toEqual(['1', '2', '3']);
    expect(card.privacy).toMatchObject({ kind: 'dp-sgd', delta: 1e-5, accountant: 'rdp' });
    expect(card.privacy.epsilon).toBeLessThanOrEqual(3);
    // 64 validation patients at ε = 3: the planted signal shows, if noisily (the AUC ≥ 0.8 check on
    // a larger cohort is test/integration/trainSignal.test.ts)
    expect(card.metrics.auc).toBeGreaterThan(0.7);
    const job = JSON.parse(await readFile(join(modelDir, 'job.json'), 'utf8'));
    expect(job.rowsUsed).toBeGreaterThan(0);
    // anyone with the workspace's chain and blockstore checks the rows it used against the roots
    const jobChecked = await runBin([
      'verify',
      join(modelDir, 'job.json'),
      '--workspace',
      join(d, 'ws'),
      '--json',
    ]);
    expect(jobChecked.code).toBe(0);
    expect(JSON.parse(jobChecked.stdout).checks).toEqual(['commitment', 'root', 'on-chain-root', 'rows']);
    // anyone runs the model on raw feature columns
    await writeFile(join(d, 'rows.csv'), 'age,bmi,hba1c,gender\n45,24,5.2,female\n70,36,8.4,male\n');
    const predicted = await runBin([
      'predict',
      join(modelDir, 't2d-risk.onnx'),
      '--input',
      join(d, 'rows.csv'),
      '--json',
    ]);
    expect(predicted.code).toBe(0);
    const [low, high] = JSON.parse(predicted.stdout).probability as number[];
    expect(high).toBeGreaterThan(low as number);
    const lock = await readFile(join(d, 'demo.lock.json'), 'utf8');
    // the consumer checks an owner's ZK bundle against the DataNFT root on the workspace's chain
    const bundle = join(d, 'ws', 'queries', 'zk', 'owner-001.json');
    const verified = await runBin(['verify', bundle, '--workspace', join(d, 'ws'), '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).checks).toContain('on-chain-root');
    const forged = join(d, 'forged.json');
    const b = JSON.parse(await readFile(bundle, 'utf8'));
    b.result.count = String(Number(b.result.count) + 1);
    await writeFile(forged, JSON.stringify(b));
    const refused = await runBin(['verify', forged, '--workspace', join(d, 'ws')]);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain('invalid (check: result)');
    // on chain: the registry verifies the chunk proofs against the DataNFT root; a rerun sends nothing
    const env = { SINSO_PASSPHRASE: 'sinso-demo' };
    const submitted = await runBin(['zk', 'submit', bundle, '--workspace', join(d, 'ws'), '--json'], { env });
    expect(submitted.code).toBe(0);
    // the demo's settlement verified the chunks on chain already (a zk-query receipt needs them)
    expect(JSON.parse(submitted.stdout)).toMatchObject({ proven: true, sent: 0 });
    // each owner's audit of the settled demo is clean
    const audited = await runBin(['audit', '--workspace', join(d, 'ws'), '--json'], { env });
    expect(audited.code).toBe(0);
    expect(JSON.parse(audited.stdout)).toMatchObject({ ok: true });
    const again = await runBin(['zk', 'submit', bundle, '--workspace', join(d, 'ws'), '--json'], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ proven: true, sent: 0, transactions: 0 });
    expect((await runBin(['zk', 'submit', forged, '--workspace', join(d, 'ws')], { env })).code).toBe(3);

    const second = await runBin([...args, '--json']);
    expect(second.code).toBe(0);
    const run = JSON.parse(second.stdout);
    expect(run.stages.map((s: { status: string }) => s.status)).toEqual(Array(49).fill('skipped'));
    expect(await readFile(join(d, 'demo.lock.json'), 'utf8')).toBe(lock);
    // a run that reruns nothing summarises from the typed results the lock recorded
    expect((await runBin(args)).stdout).toBe(first.stdout.replace(' (new)', ''));

    // the committed lock is what any machine gets: the demo is reproducible across machines —
    // except the HE stages, whose keys and ciphertexts SEAL randomizes, and the ZK query, whose
    // Groth16 proofs are randomized (their outputs are recorded by verifier, but the stages
    // after them hash those random bytes as deps)
    const deterministic = (text: string) => {
      const l = JSON.parse(text) as { stages: Record<string, { uses: string }> };
      for (const [id, st] of Object.entries(l.stages)) {
        if (
          st.uses.startsWith('he.') ||
          st.uses === 'query.he' ||
          st.uses === 'query.zk' ||
          // receipts name the clock's time and hash the randomized results; settlement follows them
          st.uses.startsWith('receipts.') ||
          st.uses === 'settle'
        )
          delete l.stages[id];
      }
      return l;
    };
    const committed = await readFile(join(repoRoot, 'pipelines/demo.lock.json'), 'utf8');
    expect(deterministic(lock)).toEqual(deterministic(committed));
    expect(Object.keys(JSON.parse(lock).stages)).toEqual(Object.keys(JSON.parse(committed).stages));

    // once the owner revokes its pledge, its compute node refuses to train on it
    const revoked = await runBin(['revoke', '1', '--as', 'owner-001', '--workspace', join(d, 'ws')], { env });
    expect(revoked.code).toBe(0);
    const refusedTrain = await runBin(
      [
        'train',
        join(repoRoot, 'models/t2d-risk.yaml'),
        '--pledge',
        '1',
        '--out',
        join(d, 'm'),
        '--workspace',
        join(d, 'ws'),
      ],
      { env },
    );
    expect(refusedTrain.code).toBe(1);
    expect(refusedTrain.stderr).toContain('Pledge 1 does not allow training: the owner revoked it.');
    // data that is not what the DataNFT names (a block of owner 2's patients file changed) is refused
    const manifest = JSON.parse(
      await readFile(join(d, 'ws', 'owners', 'owner-002', 'published', 'manifest.json'), 'utf8'),
    );
    const cid = manifest.properties.tables.find((t: { name: string }) => t.name === 'patients').cid as string;
    const block = join(d, 'ws', 'store', 'blocks', cid.slice(-3, -1), `${cid}.data`);
    const bytes = await readFile(block);
    bytes[100] = (bytes[100] as number) ^ 1;
    await writeFile(block, bytes);
    const tampered = await runBin(
      [
        'train',
        join(repoRoot, 'models/t2d-risk.yaml'),
        '--pledge',
        '2',
        '--out',
        join(d, 'm'),
        '--workspace',
        join(d, 'ws'),
        '--grant',
        join(d, 'ws', 'owners', 'owner-002', 'chain', 'grant'),
      ],
      { env },
    );
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('The data of pledge 2 does not match what its DataNFT commits to');
    // a node without the blocks fetches them from the owner's CAR file (every block checked)
    const m3 = JSON.parse(
      await readFile(join(d, 'ws', 'owners', 'owner-003', 'published', 'manifest.json'), 'utf8'),
    );
    const cid3 = m3.properties.tables.find((t: { name: string }) => t.name === 'patients').cid as string;
    await rm(join(d, 'ws', 'store', 'blocks', cid3.slice(-3, -1), `${cid3}.data`));
    const grant3 = join(d, 'ws', 'owners', 'owner-003', 'chain', 'grant');
    const trainAs = (extra: string[]) =>
      runBin(
        [
          'train',
          join(repoRoot, 'models/t2d-risk.yaml'),
          '--pledge',
          '3',
          '--grant',
          grant3,
          '--out',
          join(d, 'm3'),
          '--workspace',
          join(d, 'ws'),
          ...extra,
        ],
        { env },
      );
    const missing = await trainAs([]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('The data of pledge 3 does not match');
    const fromCar = await trainAs([
      '--car',
      join(d, 'ws', 'owners', 'owner-003', 'published', 'dataset.car'),
    ]);
    expect(fromCar.code).toBe(0);
  }, 600_000);
});
