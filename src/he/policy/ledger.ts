import { mkdir, readFile, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { DatasetIdSchema } from '../../core/datasetId.js';
import { IoError, UsageError, wrapIoError } from '../../core/errors/index.js';
import { writeFileAtomic } from '../../core/fs.js';
import { canonicalJson } from '../../core/hash.js';
import { parseWith } from '../../core/parse.js';
import { takePidLock } from '../../core/pidLock.js';
import { HeError } from '../errors.js';
import type { GroupScope } from '../scope.js';
import { checkDifferencing, type ReleasedGroup } from './differencing.js';

/**
 * The privacy budget ledger of the key holder: per dataset, the (ε, δ) it may spend in all and
 * every reservation made against it, one JSON file per dataset (`<dir>/<dataset>.json`, the
 * workspace's he/ledger). Budgets compose by simple addition (basic sequential composition),
 * so what is spent is the sum of the entries. A reservation is written, atomically, before
 * anything but counts is decrypted: a process killed after it leaves the budget spent, never
 * an answer released without its spend on record.
 */

/** How much a dataset may spend in all, or what a reservation spends. */
export type Budget = { epsilon: number; delta: number };

/** What is spent on one dataset: in all, and by consumer. */
export type Spent = Budget & { byConsumer: Record<string, Budget> };

/** One reservation in a ledger: a query's spend and the groups whose counts it releases. */
export type LedgerEntry = {
  queryId: string;
  consumer: string;
  epsilon: number;
  delta: number;
  /** ISO time, from the caller's clock. */
  at: string;
  groups: ReleasedGroup[];
};

/** A reservation asked of {@link Ledgers.reserve}. */
export type Reservation = LedgerEntry & {
  /**
   * When given, each group is checked against the groups on record (and against the other
   * groups of this reservation) by `checkDifferencing` with this minimum cohort, again under the
   * lock, so a group another process recorded since `history` was read is not missed.
   */
  minCohort?: number | undefined;
};

/**
 * The ledgers of the datasets one query pools. `budget`, `spent` and `history` answer from the
 * files as they were read at opening or at this object's last `reserve` or `setBudget` (which
 * read them again under the lock).
 */
export type Ledgers = {
  /** The datasets opened, in the order given. */
  readonly datasets: readonly string[];
  /** A dataset's budget in all. */
  budget(dataset: string): Budget;
  /** What is spent on a dataset, in all and by consumer. */
  spent(dataset: string): Spent;
  /** The groups released on those datasets so far, each reservation's once (for checkDifferencing). */
  history(datasets: readonly string[]): ReleasedGroup[];
  /**
   * Spends a reservation on every opened dataset: checks each one's remaining budget first
   * (HE_BUDGET_EXCEEDED naming the first that falls short, nothing written), then appends the
   * entry to each ledger, each written atomically, under the ledger lock. A `queryId` already on
   * record is not spent again: the earlier entry is returned (and completed on a dataset a
   * killed reservation had not reached yet).
   */
  reserve(r: Reservation): Promise<LedgerEntry>;
  /** Sets a dataset's budget; never below what is spent. */
  setBudget(dataset: string, budget: Budget): Promise<void>;
};

/** Sums of floating-point spends may exceed the budget by rounding alone (0.1 + 0.2 > 0.3). */
const ROUNDING = 1e-9;

/** How long a reservation waits for another key-holder process holding the ledger lock. */
const LOCK_WAIT_MS = 10_000;

const Epsilon = z.number().min(0);
const Delta = z.number().min(0).lt(1);
const BudgetSchema = z.strictObject({ epsilon: Epsilon, delta: Delta });

const ScopeSchema: z.ZodType<GroupScope> = z.strictObject({
  datasets: z.array(z.string()),
  constraints: z.record(z.string(), z.array(z.string().nullable())),
});

const GroupSchema = z.strictObject({ scope: ScopeSchema, count: z.number().int().min(0) });

const EntrySchema = z.strictObject({
  queryId: z.string().min(1),
  consumer: z.string().min(1),
  epsilon: Epsilon,
  delta: Delta,
  at: z.iso.datetime({ offset: true }),
  groups: z.array(GroupSchema),
});

/** The schema of a ledger file (for tools that read ledgers, e.g. an audit). */
export const LedgerFileSchema = z.strictObject({
  schema: z.literal('1'),
  dataset: DatasetIdSchema,
  budget: BudgetSchema,
  entries: z.array(EntrySchema),
});

type LedgerFile = { schema: '1'; dataset: string; budget: Budget; entries: LedgerEntry[] };

/** One reservation at a time per ledger folder within this process (the pid lock is per process). */
const queues = new Map<string, Promise<unknown>>();

function serial<T>(dir: string, f: () => Promise<T>): Promise<T> {
  const next = (queues.get(dir) ?? Promise.resolve()).then(f, f);
  queues.set(
    dir,
    next.catch(() => {}),
  );
  return next;
}

/**
 * Opens the ledgers of `datasetIds` in `dir`: a dataset without a ledger file starts empty with
 * the `defaults` budget (finite: an unlimited budget is no budget). A file that does not read
 * back is HE_LEDGER_CORRUPT, naming the problem, never the content.
 *
 * @example
 * const ledgers = await openLedgers(join(ws.root, 'he', 'ledger'), ['owner-001', 'owner-002'], { epsilon: 1, delta: 1e-6 });
 * checkDifferencing(ledgers.history(ledgers.datasets), candidate, 10);
 * await ledgers.reserve({ queryId, consumer, epsilon: 0.1, delta: 0, at: clock.now().toISOString(), groups });
 */
export async function openLedgers(
  dir: string,
  datasetIds: readonly string[],
  defaults: Budget,
): Promise<Ledgers> {
  const root = resolve(dir);
  checkBudget(defaults, 'default budget');
  for (const d of datasetIds) {
    if (!DatasetIdSchema.safeParse(d).success) {
      throw new UsageError(
        `A dataset id must be a lower-case letter, then lower-case letters, digits and - (got ${JSON.stringify(d)}).`,
      );
    }
  }
  const datasets = [...new Set(datasetIds)];
  const state = new Map<string, LedgerFile>();
  for (const d of datasets) state.set(d, await readLedger(root, d, defaults));

  const get = (dataset: string): LedgerFile => {
    const l = state.get(dataset);
    if (!l) throw new UsageError(`Dataset ${dataset} is not among the ledgers opened.`);
    return l;
  };

  const locked = async <T>(f: () => Promise<T>): Promise<T> => {
    await mkdir(root, { recursive: true }).catch((err) => {
      throw wrapIoError(err, 'Creating the privacy ledger folder');
    });
    // one queue per folder, however it is named (a second name would take this process's lock
    // for a stale one)
    const key = await realpath(root);
    return serial(key, async () => {
      const lock = await takePidLock(join(root, '.lock'), { waitMs: LOCK_WAIT_MS, ownPid: 'stale' });
      if ('heldBy' in lock) {
        throw new IoError('IO_FAILED', {
          operation: 'Taking the privacy ledger lock',
          hint: `Another key-holder process (pid ${lock.heldBy}) is reserving; try again when it is done.`,
        });
      }
      try {
        // what other processes wrote since: the files, not this object's copy, are the truth
        for (const d of datasets) state.set(d, await readLedger(root, d, defaults));
        return await f();
      } finally {
        await lock.release();
      }
    });
  };

  const historyOf = (ds: readonly string[]): ReleasedGroup[] => {
    const seen = new Set<string>();
    const out: ReleasedGroup[] = [];
    for (const d of ds) {
      for (const e of get(d).entries) {
        if (seen.has(e.queryId)) continue;
        seen.add(e.queryId);
        out.push(...e.groups);
      }
    }
    return out;
  };

  return {
    datasets,
    budget: (dataset) => ({ ...get(dataset).budget }),
    spent: (dataset) => spentOf(get(dataset)),
    history: (ds) => structuredClone(historyOf(ds)),
    async reserve(r) {
      const { minCohort, ...asked } = r;
      const entry = parseWith(EntrySchema, asked, { what: 'privacy budget reservation' }) as LedgerEntry;
      return locked(async () => {
        const earlier = datasets
          .map((d) => get(d).entries.find((e) => e.queryId === entry.queryId))
          .find((e) => e !== undefined);
        const recorded = earlier ?? entry;
        const missing = datasets.filter((d) => !get(d).entries.some((e) => e.queryId === entry.queryId));
        for (const d of missing) {
          const l = get(d);
          const s = spentOf(l);
          for (const [spent, ask, budget] of [
            [s.epsilon, recorded.epsilon, l.budget.epsilon],
            [s.delta, recorded.delta, l.budget.delta],
          ] as const) {
            if (spent + ask > budget * (1 + ROUNDING)) {
              throw new HeError('HE_BUDGET_EXCEEDED', { dataset: d, spent, asked: ask, budget });
            }
          }
        }
        if (earlier === undefined && minCohort !== undefined) {
          const history = historyOf(datasets);
          for (const g of entry.groups) {
            checkDifferencing(history, g, minCohort);
            history.push(g);
          }
        }
        for (const d of missing) {
          const l = get(d);
          const next: LedgerFile = { ...l, entries: [...l.entries, recorded] };
          await writeLedger(root, next);
          state.set(d, next);
        }
        return structuredClone(recorded);
      });
    },
    async setBudget(dataset, budget) {
      get(dataset);
      checkBudget(budget, 'budget');
      return locked(async () => {
        const l = get(dataset);
        const s = spentOf(l);
        if (budget.epsilon < s.epsilon || budget.delta < s.delta) {
          throw new UsageError(
            `The budget of dataset ${dataset} cannot go below what is spent (ε ${s.epsilon}, δ ${s.delta}).`,
          );
        }
        const next: LedgerFile = { ...l, budget: { epsilon: budget.epsilon, delta: budget.delta } };
        await writeLedger(root, next);
        state.set(dataset, next);
      });
    },
  };
}

function spentOf(l: LedgerFile): Spent {
  const byConsumer: Record<string, Budget> = {};
  let epsilon = 0;
  let delta = 0;
  for (const e of l.entries) {
    epsilon += e.epsilon;
    delta += e.delta;
    const c = byConsumer[e.consumer] ?? { epsilon: 0, delta: 0 };
    byConsumer[e.consumer] = { epsilon: c.epsilon + e.epsilon, delta: c.delta + e.delta };
  }
  return { epsilon, delta, byConsumer };
}

function checkBudget(b: Budget, what: string): void {
  if (!(Number.isFinite(b.epsilon) && b.epsilon >= 0)) {
    throw new UsageError(`The ${what}'s epsilon must be a finite number of at least 0 (got ${b.epsilon}).`, {
      fix: 'Pass a finite --epsilon budget, e.g. 1.',
    });
  }
  if (!(b.delta >= 0 && b.delta < 1)) {
    throw new UsageError(`The ${what}'s delta must be at least 0 and below 1 (got ${b.delta}).`);
  }
}

function ledgerPath(root: string, dataset: string): string {
  return join(root, `${dataset}.json`);
}

async function readLedger(root: string, dataset: string, defaults: Budget): Promise<LedgerFile> {
  let text: string;
  try {
    text = await readFile(ledgerPath(root, dataset), 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') {
      return { schema: '1', dataset, budget: { ...defaults }, entries: [] };
    }
    throw wrapIoError(err, `Reading the privacy ledger of dataset ${dataset}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HeError('HE_LEDGER_CORRUPT', { problem: `${dataset}.json is not valid JSON` }, { cause: err });
  }
  const file = parseWith(LedgerFileSchema, json, {
    what: 'privacy ledger',
    error: (issues, cause) =>
      new HeError(
        'HE_LEDGER_CORRUPT',
        { problem: `${dataset}.json does not match the ledger schema` },
        { issues, cause },
      ),
  });
  if (file.dataset !== dataset) {
    throw new HeError('HE_LEDGER_CORRUPT', {
      problem: `${dataset}.json holds the ledger of another dataset`,
    });
  }
  const ids = new Set<string>();
  for (const e of file.entries) {
    if (ids.has(e.queryId)) {
      throw new HeError('HE_LEDGER_CORRUPT', { problem: `${dataset}.json records a query twice` });
    }
    ids.add(e.queryId);
  }
  return file as LedgerFile;
}

async function writeLedger(root: string, l: LedgerFile): Promise<void> {
  await writeFileAtomic(ledgerPath(root, l.dataset), `${canonicalJson(l, 2)}\n`);
}
