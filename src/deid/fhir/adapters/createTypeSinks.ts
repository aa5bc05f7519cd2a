import { closeSync, ftruncateSync, mkdirSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One NDJSON output file per resource type, written through a buffer with sync writes so the
 * byte position of every file is known: a rejected input's lines can be rolled back (truncated)
 * after some of them were written.
 */
export type TypeSinks = {
  write(type: string, line: string): void;
  /** Appends a finished NDJSON file of `lines` lines (a worker's part) to the type's file. */
  append(type: string, path: string, lines: number): void;
  /** The current length (bytes and lines) of every file, to roll back to. */
  mark(): Map<string, { pos: number; lines: number }>;
  rollback(mark: Map<string, { pos: number; lines: number }>): void;
  close(): void;
  counts(): Record<string, number>;
};

const FLUSH_AT = 1 << 20;

export function createTypeSinks(dir: string): TypeSinks {
  mkdirSync(dir, { recursive: true });
  const files = new Map<
    string,
    { fd: number; pos: number; buf: string[]; bufBytes: number; lines: number }
  >();
  const flush = (f: { fd: number; pos: number; buf: string[]; bufBytes: number }) => {
    if (f.buf.length === 0) return;
    const data = Buffer.from(f.buf.join(''), 'utf8');
    let off = 0;
    while (off < data.length) off += writeSync(f.fd, data, off, data.length - off, f.pos + off);
    f.pos += data.length;
    f.buf = [];
    f.bufBytes = 0;
  };
  const open = (type: string) => {
    let f = files.get(type);
    if (!f) {
      f = { fd: openSync(join(dir, `${type}.ndjson`), 'w'), pos: 0, buf: [], bufBytes: 0, lines: 0 };
      files.set(type, f);
    }
    return f;
  };
  return {
    write(type, line) {
      const f = open(type);
      f.buf.push(line, '\n');
      f.bufBytes += line.length + 1;
      f.lines++;
      if (f.bufBytes >= FLUSH_AT) flush(f);
    },
    append(type, path, lines) {
      const f = open(type);
      flush(f);
      const src = openSync(path, 'r');
      try {
        const chunk = Buffer.allocUnsafe(1 << 20);
        for (
          let n = readSync(src, chunk, 0, chunk.length, null);
          n > 0;
          n = readSync(src, chunk, 0, chunk.length, null)
        ) {
          let off = 0;
          while (off < n) off += writeSync(f.fd, chunk, off, n - off, f.pos + off);
          f.pos += n;
        }
      } finally {
        closeSync(src);
      }
      f.lines += lines;
    },
    mark() {
      const m = new Map<string, { pos: number; lines: number }>();
      for (const [t, f] of files) {
        flush(f);
        m.set(t, { pos: f.pos, lines: f.lines });
      }
      return m;
    },
    rollback(mark) {
      for (const [t, f] of files) {
        const m = mark.get(t) ?? { pos: 0, lines: 0 };
        f.buf = [];
        f.bufBytes = 0;
        f.pos = m.pos;
        f.lines = m.lines;
        ftruncateSync(f.fd, m.pos);
      }
    },
    close() {
      for (const [t, f] of files) {
        flush(f);
        closeSync(f.fd);
        if (f.lines === 0) unlinkSync(join(dir, `${t}.ndjson`)); // only rolled-back lines: no file
      }
    },
    counts() {
      return Object.fromEntries([...files].filter(([, f]) => f.lines > 0).map(([t, f]) => [t, f.lines]));
    },
  };
}
