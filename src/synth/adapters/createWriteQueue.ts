import { writeFile } from 'node:fs/promises';
import { wrapIoError } from '../../core/errors/index.js';

export type CreateWriteQueueParameters = {
  /** Most files being written at once. */
  maxInFlight?: number;
  /** Most bytes held by files being written at once (bounds memory). */
  maxInFlightBytes?: number;
};

/** Writes whole files in the background, a bounded number at a time. */
export type WriteQueue = {
  /** Starts writing a file; resolves once there is room for the next one. */
  write(path: string, bytes: Uint8Array): Promise<void>;
  /** Resolves when every write has finished; throws the first write error, if any. */
  drain(): Promise<void>;
};

export type CreateWriteQueueReturnType = WriteQueue;

/**
 * A bounded background writer: file creation and writing run on libuv's thread pool while the
 * caller renders the next file, with at most `maxInFlight` files and `maxInFlightBytes` bytes
 * pending, so memory stays bounded. The first failure is rethrown by the next `write` or
 * `drain` (as an IoError naming the operation, never the path).
 *
 * @example
 * const q = createWriteQueue();
 * await q.write('a.dcm', bytes);
 * await q.drain();
 */
export function createWriteQueue({
  maxInFlight = 16,
  maxInFlightBytes = 64 << 20,
}: CreateWriteQueueParameters = {}): CreateWriteQueueReturnType {
  const pending = new Set<Promise<void>>();
  let bytesInFlight = 0;
  let failure: unknown;
  const check = (): void => {
    if (failure !== undefined) {
      throw wrapIoError(
        failure,
        'Writing a DICOM file',
        'Check free disk space and that the output folder is writable.',
      );
    }
  };
  return {
    async write(path, bytes) {
      check();
      while (
        pending.size > 0 &&
        (pending.size >= maxInFlight || bytesInFlight + bytes.length > maxInFlightBytes)
      ) {
        await Promise.race(pending);
        check();
      }
      bytesInFlight += bytes.length;
      const p: Promise<void> = writeFile(path, bytes)
        .catch((err: unknown) => {
          failure ??= err;
        })
        .finally(() => {
          bytesInFlight -= bytes.length;
          pending.delete(p);
        });
      pending.add(p);
    },
    async drain() {
      while (pending.size > 0) await Promise.race(pending);
      check();
    },
  };
}
