import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createPatientIdNamespace, type PatientIdNamespaceSettings } from '../../patientIdNamespace.js';
import type { PixelRule } from '../pixelRules.js';
import { type ProcessDicomContext, processDicom } from '../processDicom.js';
import { buildProfile } from '../profile/index.js';
import { writeOutputExclusive } from './writeOutput.js';

/** Everything a worker needs, as plain data (structured-clonable). */
export type DeidJobSettings = {
  secret: Uint8Array;
  options: string[];
  maxShiftDays: number;
  pixelRules: PixelRule[];
  allowMissingBurnedInFlag: boolean;
  leakScan: boolean;
  outDir: string;
  patientIds: PatientIdNamespaceSettings;
};

export type DeidTaskResult =
  | { id: number; ok: true; rel: string; bytesIn: number; bytesOut: number; pixelsCleaned: boolean }
  /** Another input already wrote `rel`; this one's output waits at `tmp` until the batch decides. */
  | { id: number; ok: 'duplicate'; rel: string; tmp: string; pixelsCleaned: boolean }
  | { id: number; ok: false; reason: string };

export function makeProcessContext(s: DeidJobSettings): ProcessDicomContext {
  return {
    secret: s.secret,
    profile: buildProfile(s.options as Parameters<typeof buildProfile>[0]),
    maxShiftDays: s.maxShiftDays,
    pixelRules: s.pixelRules,
    allowMissingBurnedInFlag: s.allowMissingBurnedInFlag,
    leakScan: s.leakScan,
    patientIds: createPatientIdNamespace(s.patientIds),
  };
}

/**
 * One reusable input buffer per thread: files are processed one at a time, and the parsed file
 * (views into this buffer) is written out before the next file is read into it. It saves a fresh
 * multi-megabyte allocation, its page faults and its garbage for every file.
 */
let scratch = Buffer.allocUnsafeSlow(1 << 20);

function readInto(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, scratch.length * 2));
    let off = 0;
    while (off < size) {
      const n = readSync(fd, scratch, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return scratch.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/** Reads, de-identifies and writes one input file (in a worker or in-process). */
export function processOne(
  ctx: ProcessDicomContext,
  outDir: string,
  id: number,
  path: string,
): DeidTaskResult {
  let input: Buffer;
  try {
    input = readInto(path);
  } catch (err) {
    return {
      id,
      ok: false,
      reason: `cannot read the file (${(err as { code?: string }).code ?? 'I/O error'})`,
    };
  }
  if (input.length === 0) return { id, ok: false, reason: 'empty file' };
  const r = processDicom(input, ctx);
  if (!r.ok) return { id, ok: false, reason: r.reason };
  const rel = `${r.study}/${r.series}/${r.sop}.dcm`;
  try {
    const w = writeOutputExclusive(outDir, rel, r.parts);
    if (!w.written) return { id, ok: 'duplicate', rel, tmp: w.tmp, pixelsCleaned: r.pixelsCleaned };
  } catch (err) {
    return {
      id,
      ok: false,
      reason: `cannot write the output (${(err as { code?: string }).code ?? 'I/O error'})`,
    };
  }
  return {
    id,
    ok: true,
    rel,
    bytesIn: input.length,
    bytesOut: r.bytes,
    pixelsCleaned: r.pixelsCleaned,
  };
}
