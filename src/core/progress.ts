/**
 * Progress on stderr for long work: a bar on a TTY, nothing otherwise (pipes, CI, `--json`).
 */
export type Progress = {
  /** Starts a task with a known total (or unknown: 0). */
  start(label: string, total: number): ProgressTask;
};

export type ProgressTask = {
  tick(n?: number): void;
  done(): void;
};

const noopTask: ProgressTask = { tick() {}, done() {} };

/** Progress that shows nothing. */
export const silentProgress: Progress = { start: () => noopTask };

export type CreateProgressParameters = {
  /** Stream to draw on; stderr by default. Drawing happens only when it is a TTY. */
  stream?: NodeJS.WriteStream;
  /** Force quiet (e.g. `--json`). */
  quiet?: boolean;
  /** Minimum milliseconds between redraws. */
  intervalMs?: number;
};

/**
 * @example
 * const task = createProgress().start('synth patients', 1000);
 * for (...) task.tick();
 * task.done();
 */
export function createProgress({
  stream = process.stderr,
  quiet = false,
  intervalMs = 100,
}: CreateProgressParameters = {}): Progress {
  if (quiet || !stream.isTTY) return silentProgress;
  return {
    start(label, total) {
      let n = 0;
      let last = 0;
      let drawn = false;
      const t0 = Date.now();
      const draw = (final: boolean) => {
        const now = Date.now();
        // quick tasks never draw: a bar appears only once work has gone on for half a second
        if (final ? !drawn : now - t0 < 500 || now - last < intervalMs) return;
        last = now;
        drawn = true;
        const secs = (now - t0) / 1000;
        const rate = secs > 0 ? n / secs : 0;
        const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - label.length - 40));
        let bar = '';
        if (total > 0) {
          const f = Math.min(1, n / total);
          const filled = Math.round(f * width);
          bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n}/${total}`;
        } else bar = `${n}`;
        stream.write(`\r\x1b[2K${label} ${bar} ${rate.toFixed(rate < 10 ? 1 : 0)}/s ${secs.toFixed(1)}s`);
        if (final) stream.write('\n');
      };
      return {
        tick(k = 1) {
          n += k;
          draw(false);
        },
        done() {
          draw(true);
        },
      };
    },
  };
}
