import { beforeAll, describe, expect, it } from 'vitest';
import { buildCommitment, checkCommitment, loadPoseidon, type Poseidon } from '../../src/commit/index.js';
import { silentProgress } from '../../src/core/progress.js';
import type { Commitment } from '../../src/core/schemas/commitment.js';
import { writeTables } from '../utils/refTables.js';
import { tempDir } from '../utils/tmp.js';

let poseidon: Poseidon;
const commitments: Record<'1' | '2', Commitment> = {} as never;

beforeAll(async () => {
  poseidon = await loadPoseidon();
  const dir = await tempDir('sinso-check-commitment-');
  await writeTables(dir, [
    {
      name: 'patients',
      columns: [
        { name: 'patient_id', kind: 'string' },
        { name: 'gender', kind: 'categorical' },
        { name: 'birth_year', kind: 'int' },
      ],
      rows: Array.from({ length: 300 }, (_, i) => [
        `p${i}`,
        i % 3 ? 'female' : 'male',
        BigInt(1940 + (i % 60)),
      ]),
    },
    { name: 'notes', columns: [{ name: 'n', kind: 'int' }], rows: [[1n], [null]] },
  ]);
  for (const version of ['1', '2'] as const) {
    commitments[version] = await buildCommitment({
      tablesDir: dir,
      saltKey: new Uint8Array(32).fill(3),
      progress: silentProgress,
      workers: 0,
      version,
    });
  }
});

describe('checkCommitment', () => {
  it('accepts a commitment as built, in both versions', () => {
    expect(checkCommitment(poseidon, commitments['1'])).toEqual({ ok: true });
    expect(checkCommitment(poseidon, commitments['2'])).toEqual({ ok: true });
  });

  it('names what does not hold together', () => {
    const c = structuredClone(commitments['2']);
    const t = c.tables[0] as NonNullable<(typeof c.tables)[number]>;
    const roots = t.chunkRoots as string[];
    roots[1] = roots[0] as string;
    expect(checkCommitment(poseidon, c)).toEqual({ ok: false, problem: 'table patients: root' });
    const d = structuredClone(commitments['2']);
    (d.tables[0] as { rows: number }).rows += 200;
    expect(checkCommitment(poseidon, d)).toEqual({ ok: false, problem: 'table patients: chunk count' });
    const e = structuredClone(commitments['2']);
    (e.tables[1] as { columns: { logical: string }[] }).columns[0] = {
      logical: 'decimal',
      name: 'n',
    } as never;
    expect(checkCommitment(poseidon, e)).toEqual({ ok: false, problem: 'table notes: encoding hash' });
    const f = structuredClone(commitments['1']);
    f.root = commitments['2'].root;
    expect(checkCommitment(poseidon, f)).toEqual({ ok: false, problem: 'dataset root' });
  });
});
