import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { wrapIoError } from '../../core/errors/index.js';

export type CreateNdjsonSinkParameters = {
  /** Folder that receives one `<Type>.ndjson` per type (must exist). */
  dir: string;
  /** Resource types, each opened (and truncated) up front, so every file exists even if empty. */
  types: readonly string[];
  /** Size of each type's write buffer in bytes (1 MiB by default). */
  bufferBytes?: number;
};

/** Append-only NDJSON files, one per resource type, with buffered writes. */
export type NdjsonSink = {
  /** Appends one resource (serialised with JSON.stringify) as one line. */
  write(type: string, resource: unknown): void;
  /** Appends one line of JSON text that is already serialised (no newline). */
  writeLine(type: string, json: string): void;
  /** Flushes and closes every file; returns lines written per type. Safe to call twice. */
  close(): Record<string, number>;
};

export type CreateNdjsonSinkReturnType = NdjsonSink;

type Slot = { fd: number; buf: Buffer; used: number; lines: number };

/**
 * Opens one file descriptor per resource type and appends NDJSON lines into a per-type buffer,
 * encoded straight into it as UTF-8 and flushed with `writeSync` when full, so memory stays flat
 * however many resources pass.
 *
 * @example
 * const sink = createNdjsonSink({ dir: 'out/owner-001/fhir', types: ['Patient'] });
 * sink.write('Patient', { resourceType: 'Patient', id: 'p1' });
 * sink.close(); // { Patient: 1 }
 */
export function createNdjsonSink({
  dir,
  types,
  bufferBytes = 1 << 20,
}: CreateNdjsonSinkParameters): CreateNdjsonSinkReturnType {
  const slots = new Map<string, Slot>();
  try {
    for (const t of types) {
      slots.set(t, {
        fd: openSync(join(dir, `${t}.ndjson`), 'w'),
        buf: Buffer.allocUnsafe(bufferBytes),
        used: 0,
        lines: 0,
      });
    }
  } catch (err) {
    for (const s of slots.values()) closeSync(s.fd);
    throw wrapIoError(err, 'Opening an NDJSON output file', 'Check that the output folder is writable.');
  }
  let closed = false;
  const writeAll = (fd: number, bytes: Uint8Array, length: number): void => {
    try {
      let off = 0;
      while (off < length) off += writeSync(fd, bytes, off, length - off);
    } catch (err) {
      throw wrapIoError(err, 'Writing an NDJSON output file', 'Check free disk space.');
    }
  };
  const flush = (s: Slot): void => {
    if (s.used === 0) return;
    writeAll(s.fd, s.buf, s.used);
    s.used = 0;
  };
  const writeLine = (type: string, json: string): void => {
    const s = slots.get(type);
    if (!s) return;
    s.lines++;
    // A UTF-16 code unit takes at most 3 UTF-8 bytes; +1 for the newline.
    const worst = json.length * 3 + 1;
    if (worst > s.buf.length - s.used) {
      flush(s);
      if (worst > s.buf.length) {
        const bytes = Buffer.from(`${json}\n`, 'utf8');
        writeAll(s.fd, bytes, bytes.length);
        return;
      }
    }
    s.used += s.buf.write(json, s.used, 'utf8');
    s.buf[s.used++] = 0x0a;
  };
  return {
    write(type, resource) {
      writeLine(type, JSON.stringify(resource));
    },
    writeLine,
    close() {
      const counts: Record<string, number> = {};
      if (!closed) {
        closed = true;
        try {
          for (const s of slots.values()) flush(s);
        } finally {
          for (const s of slots.values()) closeSync(s.fd);
        }
      }
      for (const [t, s] of slots) counts[t] = s.lines;
      return counts;
    },
  };
}
