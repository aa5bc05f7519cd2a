import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeidDicomReportSchema } from '../../core/schemas/deidDicomReport.js';
import { defineStage } from '../../core/stage.js';
import { deidentifyDicomFiles } from './deidentifyDicomFiles.js';
import { DeidDicomOptionsSchema } from './schema.js';

/** `deid.dicom` / `sinso deid dicom`: PS3.15 Annex E de-identification of DICOM files. */
export const deidDicomStage = defineStage({
  name: 'deid.dicom',
  version: '1',
  summary: 'De-identify DICOM files by the PS3.15 Annex E profile (keyed UIDs and pseudonyms, leak scan)',
  options: DeidDicomOptionsSchema,
  // the secret and pixel-rule files are deps too: a pipeline reruns when either changes
  inputs: ['inputs', 'secretFile', 'pixelRules'],
  outputs: ['out'],
  needsKeys: false,
  output: { deterministic: true },
  async ownsOutput(_key, path) {
    try {
      return DeidDicomReportSchema.safeParse(
        JSON.parse(await readFile(join(path, 'deid-report.json'), 'utf8')),
      ).success;
    } catch {
      return false;
    }
  },
  run: (ctx, o) => deidentifyDicomFiles(ctx, o),
});
