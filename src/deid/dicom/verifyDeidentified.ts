import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Progress } from '../../core/progress.js';
import { DeidDicomReportSchema } from '../../core/schemas/deidDicomReport.js';
import { walkInputs } from '../../core/walkInputs.js';
import { type DicomElement, decodeText, parseDicom } from '../../ingest/index.js';
import { collectIdentifying } from './collectIdentifying.js';
import { MIN_LEAK_LENGTH, PLACEHOLDER_VALUES } from './findLeaks.js';
import { buildProfile, type DeidDicomOption, dummyValue } from './profile/index.js';

export type VerifyDeidentifiedParameters = {
  /** The de-identified output folder. */
  out: string;
  /** The original inputs (files or folders). */
  against: readonly string[];
  /** Profile options; by default those recorded in OUT/deid-report.json. */
  options?: readonly DeidDicomOption[] | undefined;
};

export type VerifyDeidentifiedReturnType = {
  inputsRead: number;
  inputsUnreadable: number;
  identifyingValues: number;
  outputsScanned: number;
  /** Output files (by their path: new UIDs only) with the number and VRs of surviving values. */
  leaking: { path: string; leaks: number; vrs: string[] }[];
};

const PIXEL_DATA = 0x7fe00010;

/** Every text dummy the profile writes (lowercase). */
const DUMMY_VALUES: ReadonlySet<string> = new Set(
  ['PN', 'LO', 'SH', 'CS', 'ST', 'LT', 'UT', 'UC', 'DA', 'TM', 'DT', 'AS', 'DS', 'IS', 'AE', 'UR']
    .map((vr) => dummyValue(vr, 0))
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim().toLowerCase()),
);

/**
 * The leak scan on its own (`sinso deid verify OUT --against IN`): reads every identifying value
 * of every input (names and their parts, IDs, dates, UIDs, free text), then searches every
 * output file for them: each text value, each name part and word, and the printable runs of
 * every binary value except pixel data. Reports leaking outputs by path, never the values.
 *
 * @example
 * const r = await verifyDeidentified({ progress }, { out: 'deid', against: ['raw'] });
 * r.leaking.length === 0;
 */
export async function verifyDeidentified(
  ctx: { progress: Progress },
  p: VerifyDeidentifiedParameters,
): Promise<VerifyDeidentifiedReturnType> {
  let options = p.options;
  if (options === undefined) {
    try {
      const report = DeidDicomReportSchema.parse(
        JSON.parse(await readFile(join(p.out, 'deid-report.json'), 'utf8')),
      );
      options = report.profile.options as DeidDicomOption[];
    } catch {
      options = [];
    }
  }
  const profile = buildProfile(options);
  const tokens = new Map<string, string>(); // lowercase value → VR
  const kept = new Set<string>();
  let inputsRead = 0;
  let inputsUnreadable = 0;
  const readTask = ctx.progress.start('verify: read inputs', 0);
  for await (const f of walkInputs(p.against)) {
    readTask.tick();
    if ('missing' in f) continue;
    let bytes: Buffer;
    try {
      bytes = await readFile(f.path);
      const c = collectIdentifying(parseDicom(bytes), profile);
      inputsRead++;
      for (const k of c.kept) kept.add(k);
      for (const v of c.identifying) {
        const t = v.text.trim().toLowerCase();
        const min = MIN_LEAK_LENGTH[v.vr];
        if (min !== undefined && t.length >= min) tokens.set(t, v.vr);
      }
    } catch {
      inputsUnreadable++;
    }
  }
  readTask.done();
  // values kept by the profile anywhere, and each word of them, are not identifying; nor are
  // placeholders, the dummies sinso writes, or values without a letter or digit
  const keptWords = new Set<string>();
  for (const k of kept) {
    keptWords.add(k);
    for (const w of k.split(/[^\p{L}\p{N}.'-]+/u)) if (w) keptWords.add(w);
  }
  for (const t of [...tokens.keys()]) {
    if (keptWords.has(t) || PLACEHOLDER_VALUES.has(t) || DUMMY_VALUES.has(t) || !/[\p{L}\p{N}]/u.test(t))
      tokens.delete(t);
  }
  const leaking: VerifyDeidentifiedReturnType['leaking'] = [];
  let outputsScanned = 0;
  const scanTask = ctx.progress.start('verify: scan outputs', 0);
  for await (const f of walkInputs([p.out])) {
    if ('missing' in f || !f.path.endsWith('.dcm')) continue;
    scanTask.tick();
    outputsScanned++;
    const found = new Map<string, string>();
    const check = (word: string) => {
      const vr = tokens.get(word.toLowerCase());
      if (vr !== undefined) found.set(word.toLowerCase(), vr);
    };
    let bytes: Buffer;
    try {
      bytes = await readFile(f.path);
      const file = parseDicom(bytes);
      const visit = (els: readonly DicomElement[]) => {
        for (const el of els) {
          if (el.items) for (const it of el.items) visit(it);
          if (!el.value || el.tag === PIXEL_DATA) continue;
          const text = isBinary(el.vr) ? printableRuns(el.value).join(' ') : decodeText(el);
          for (const value of text.split('\\')) {
            check(value.trim());
            for (const part of value.split(/[\^=]/)) check(part.trim());
            for (const word of value.split(/[^\p{L}\p{N}.'-]+/u)) if (word) check(word);
          }
        }
      };
      visit(file.meta);
      visit(file.dataset);
    } catch {
      leaking.push({ path: f.path, leaks: 0, vrs: ['unreadable output'] });
      continue;
    }
    if (found.size > 0)
      leaking.push({ path: f.path, leaks: found.size, vrs: [...new Set(found.values())].sort() });
  }
  scanTask.done();
  return { inputsRead, inputsUnreadable, identifyingValues: tokens.size, outputsScanned, leaking };
}

const BINARY = new Set([
  'OB',
  'OW',
  'OF',
  'OD',
  'OL',
  'OV',
  'UN',
  'US',
  'UL',
  'SS',
  'SL',
  'FL',
  'FD',
  'AT',
  'SV',
  'UV',
]);
function isBinary(vr: string): boolean {
  return BINARY.has(vr);
}

/** Runs of at least four printable ASCII bytes (like `strings`), where text can hide in binary values. */
function printableRuns(b: Uint8Array): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= b.length; i++) {
    const c = i < b.length ? (b[i] as number) : 0;
    const printable = c >= 0x20 && c < 0x7f;
    if (printable && start < 0) start = i;
    else if (!printable && start >= 0) {
      if (i - start >= 4) out.push(Buffer.from(b.subarray(start, i)).toString('latin1'));
      start = -1;
    }
  }
  return out;
}
