import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { wrapIoError } from '../../../core/errors/index.js';

const FLUSH_BYTES = 1 << 20;

/**
 * The NDJSON file of one resource type while it is fetched: lines go to `<Type>.ndjson.partial`,
 * which becomes `<Type>.ndjson` on `commit()`. After `keepPartial()` the `.partial` file holds
 * every complete line received so far (never a half line), so a failed run loses nothing.
 */
export class NdjsonTypeFile {
  readonly finalName: string;
  readonly partialName: string;
  private buffered: string[] = [];
  private bufferedBytes = 0;
  lines = 0;

  private constructor(
    private readonly dir: string,
    readonly type: string,
    private readonly fh: FileHandle,
  ) {
    this.finalName = `${type}.ndjson`;
    this.partialName = `${type}.ndjson.partial`;
  }

  /** Starts the file, removing a stale `<Type>.ndjson` left in the folder by an earlier run. */
  static async open(dir: string, type: string): Promise<NdjsonTypeFile> {
    try {
      await rm(join(dir, `${type}.ndjson`), { force: true });
      const fh = await open(join(dir, `${type}.ndjson.partial`), 'w', 0o644);
      return new NdjsonTypeFile(dir, type, fh);
    } catch (err) {
      throw wrapIoError(err, `Creating ${type}.ndjson`, 'Check that the output folder is writable.');
    }
  }

  /** Adds one line (without its newline). */
  push(line: string): void {
    this.buffered.push(line, '\n');
    this.bufferedBytes += line.length + 1;
    this.lines++;
  }

  /** Writes buffered lines when enough have gathered (or always, with `force`). */
  async flush(force = false): Promise<void> {
    if (!this.buffered.length || (!force && this.bufferedBytes < FLUSH_BYTES)) return;
    const text = this.buffered.join('');
    this.buffered = [];
    this.bufferedBytes = 0;
    try {
      await this.fh.write(text);
    } catch (err) {
      throw wrapIoError(err, `Writing ${this.finalName}`, 'Check free disk space.');
    }
  }

  /** Writes the rest and renames the file to `<Type>.ndjson`. */
  async commit(): Promise<void> {
    await this.flush(true);
    try {
      await this.fh.sync();
      await this.fh.close();
      await rename(join(this.dir, this.partialName), join(this.dir, this.finalName));
    } catch (err) {
      throw wrapIoError(err, `Finishing ${this.finalName}`, 'Check free disk space.');
    }
  }

  /** Writes the complete lines received so far and closes; the file stays `<Type>.ndjson.partial`. */
  async keepPartial(): Promise<void> {
    try {
      await this.flush(true);
    } finally {
      await this.fh.close().catch(() => undefined);
    }
  }
}
