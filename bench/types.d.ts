/** The shapes of a benchmark and its workloads (bench/run.js, bench/child.js). */

/** Parameter values, by name: each benchmark's defaults, overridden by `--NAME VALUE`. */
export type Params = Record<string, string | number>;

/** What one measured run of a workload reports. */
export type RunResult = {
  /** How many units the run did (rows, files, resources…): the rate is units/s. */
  units: number;
  unit: string;
  /** Bytes processed, for MB/s. */
  bytes?: number;
  extra?: Record<string, unknown>;
};

/**
 * One measured workload; `S` is what its setup hands to run and teardown (methods, so a workload
 * with its own state type is a `Workload`).
 */
export type Workload<S = unknown> = {
  name: string;
  description: string;
  /** A reference point (cp -r, JSON.parse…), not sinso's own work. */
  baseline?: boolean;
  /** Floor in units/s: a median rate below it makes `npm run bench` exit 1. */
  minRate?: number;
  setup?(p: Params): S | Promise<S>;
  run(p: Params, state: S): RunResult | Promise<RunResult>;
  teardown?(p: Params, state: S): unknown;
};

export type Benchmark = {
  name: string;
  description: string;
  runs?: number;
  warmup?: number;
  params: Record<string, { default: string | number; description: string }>;
  workloads: Workload[];
  /** Shared by workloads that have none of their own. */
  setup?(p: Params): unknown;
  teardown?(p: Params, state: unknown): unknown;
  /** Pairs of workload names: the rate of the first over the rate of the second. */
  ratios?: [string, string][];
  /**
   * Figures drawn from several workloads' results (e.g. each beside its target): `json` goes in
   * the summary's `summary` field, `lines` to stderr after the runs.
   */
  summarize?(results: readonly WorkloadSummary[], p: Params): { json: unknown; lines: string[] };
};

/** One workload's entry in the printed summary (bench/run.js). */
export type WorkloadSummary = {
  workload: string;
  description: string;
  baseline: boolean;
  units: { count: number; name: string };
  seconds: { median: number; min: number; max: number };
  spreadPct: number;
  rate: { median: number; unit: string };
  mbPerSec?: number;
  peakRssMB: number;
  extra?: Record<string, unknown>;
  floor?: { minRate: number; met: boolean };
};

/** What bench/child.js prints for one run. */
export type ChildResult = RunResult & { seconds: number; peakRssMB: number };
