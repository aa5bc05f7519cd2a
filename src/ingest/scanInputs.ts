import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { writeFileAtomic } from '../core/fs.js';
import { canonicalJson } from '../core/hash.js';
import type { Progress } from '../core/progress.js';
import type { Inventory } from '../core/schemas/inventory.js';
import type { Rejection } from '../core/stage.js';
import { walkInputs } from '../core/walkInputs.js';
import { sniffDicom } from './dicom/codec/index.js';
import type { ScanOptions } from './schema.js';

export type ScanInputsReturnType = { inventory: Inventory; rejected: Rejection[] };

/** Files above this size are not parsed whole as JSON (use NDJSON for bulk data). */
const MAX_JSON_BYTES = 512 << 20;

/**
 * Scans inputs and writes an inventory: how many DICOM files (by transfer syntax and SOP class),
 * FHIR NDJSON and JSON files, and FHIR resources by type. Streams NDJSON line by line. A bad
 * file is rejected with its reason and the scan goes on.
 *
 * @example
 * const { inventory } = await scanInputs({ progress }, { inputs: ['cohort/'], out: 'inventory.json' });
 */
export async function scanInputs(ctx: { progress: Progress }, o: ScanOptions): Promise<ScanInputsReturnType> {
  const inv: Inventory = {
    schema: '1',
    kind: 'sinso-inventory',
    inputs: 0,
    files: { dicom: 0, fhirNdjson: 0, fhirJson: 0, other: 0, rejected: 0 },
    bytes: 0,
    fhirResources: {},
    dicomTransferSyntaxes: {},
    dicomSopClasses: {},
    rejected: [],
  };
  const rejected: Rejection[] = [];
  const reject = (ordinal: number, path: string, reason: string) => {
    rejected.push({ ordinal, path, reason });
    inv.rejected.push({ ordinal, reason });
    inv.files.rejected++;
  };
  const bump = (m: Record<string, number>, k: string, n = 1) => {
    m[k] = (m[k] ?? 0) + n;
  };
  const task = ctx.progress.start('scan', 0);
  for await (const f of walkInputs(o.inputs)) {
    inv.inputs++;
    task.tick();
    if ('missing' in f) {
      reject(f.ordinal, f.path, 'not found');
      continue;
    }
    const size = f.size ?? (await stat(f.path)).size;
    inv.bytes += size;
    const lower = f.path.toLowerCase();
    const ndjson = lower.endsWith('.ndjson') || lower.endsWith('.jsonl');
    // an empty NDJSON file is a valid export of a type with no resources
    if (size === 0 && !ndjson) {
      reject(f.ordinal, f.path, 'empty file');
      continue;
    }
    const head = await readHead(f.path, 4096);
    const dicom = sniffDicom(head);
    if (dicom.kind !== 'none') {
      inv.files.dicom++;
      bump(
        inv.dicomTransferSyntaxes,
        dicom.kind === 'part10' ? (dicom.transferSyntax ?? 'missing') : 'no meta header',
      );
      bump(inv.dicomSopClasses, dicom.kind === 'part10' ? (dicom.sopClass ?? 'missing') : 'unknown');
      continue;
    }
    if (ndjson) {
      const counts: Record<string, number> = {};
      const bad = await countNdjson(f.path, counts);
      if (bad) {
        reject(f.ordinal, f.path, bad);
        continue;
      }
      inv.files.fhirNdjson++;
      for (const [k, v] of Object.entries(counts)) bump(inv.fhirResources, k, v);
      continue;
    }
    if (lower.endsWith('.json') || head[0] === 0x7b) {
      if (size > MAX_JSON_BYTES) {
        reject(f.ordinal, f.path, 'JSON file too large to read whole; export it as NDJSON');
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(await readFile(f.path, 'utf8'));
      } catch {
        reject(f.ordinal, f.path, 'not valid JSON');
        continue;
      }
      const counts: Record<string, number> = {};
      if (!countResource(json, counts)) {
        inv.files.other++; // JSON, but not FHIR (a manifest, a config): not an input to ingest
        continue;
      }
      inv.files.fhirJson++;
      for (const [k, v] of Object.entries(counts)) bump(inv.fhirResources, k, v);
      continue;
    }
    inv.files.other++;
  }
  task.done();
  await writeFileAtomic(o.out, `${canonicalJson(inv, 2)}\n`);
  return { inventory: inv, rejected };
}

async function readHead(path: string, n: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Counts resources of an NDJSON file; returns a reason when a line is bad. */
async function countNdjson(path: string, counts: Record<string, number>): Promise<string | undefined> {
  const rl = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      rl.close();
      return `line ${line} is not valid JSON`;
    }
    if (!countResource(json, counts)) {
      rl.close();
      return `line ${line} is not a FHIR resource`;
    }
  }
  return undefined;
}

function countResource(json: unknown, counts: Record<string, number>): boolean {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return false;
  const rt = (json as { resourceType?: unknown }).resourceType;
  if (typeof rt !== 'string' || !/^[A-Z][A-Za-z]{1,63}$/.test(rt)) return false;
  counts[rt] = (counts[rt] ?? 0) + 1;
  if (rt === 'Bundle') {
    const entries = (json as { entry?: unknown }).entry;
    if (Array.isArray(entries)) {
      for (const e of entries) {
        const r = (e as { resource?: unknown } | null)?.resource;
        if (r !== undefined) countResource(r, counts);
      }
    }
  }
  return true;
}
