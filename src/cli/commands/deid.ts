import { z } from 'zod';
import { ExitCode } from '../../core/errors/index.js';
import { DeidDicomOptionSchema } from '../../deid/dicom/profile/index.js';
import { deidDicomStage } from '../../deid/dicom/stage.js';
import { verifyDeidentified } from '../../deid/dicom/verifyDeidentified.js';
import { deidFhirStage } from '../../deid/fhir/stage.js';
import { defineCommand, stageCommand } from '../command.js';
import { formatTable } from '../format.js';

export const deidDicomCommand = stageCommand(deidDicomStage, {
  positional: { key: 'inputs', name: 'IN...', many: true },
  description:
    'Applies the PS3.15 Annex E Basic Application Level Confidentiality Profile (Table E.1-1, 2024b) with the options given. Output files are named by their NEW UIDs; input paths never reach the output. UIDs map to 2.25 UIDs and PatientID to a pseudonym, both keyed by the secret (the same patient gets the same pseudonym in FHIR). Each output is scanned for every identifying value of its input. Rejected inputs are named on stderr; exit 2 when any.',
  examples: [
    'sinso deid dicom scans/ --out deid/',
    'sinso deid dicom scans/ --out deid/ --option retain-longitudinal-modified-dates --option retain-patient-characteristics',
    'sinso deid dicom us/ --out deid-us/ --pixel-rules rules.json --secret-file secret.hex',
  ],
});

export const deidVerifyCommand = defineCommand({
  path: ['deid', 'verify'],
  summary: 'Leak scan on its own: search de-identified output for every identifying value of the inputs',
  options: z.strictObject({
    out: z.string().min(1).describe('The de-identified folder to check'),
    against: z.array(z.string().min(1)).min(1).describe('The original inputs, files or folders (repeatable)'),
    option: z
      .array(DeidDicomOptionSchema)
      .optional()
      .describe('Profile options (default: those in OUT/deid-report.json)'),
  }),
  positional: { key: 'out', name: 'OUT', many: false },
  examples: ['sinso deid verify deid/ --against scans/'],
  async run(ctx, o) {
    const r = await verifyDeidentified(ctx, { out: o.out, against: o.against, options: o.option });
    for (const l of r.leaking) {
      ctx.io.stderr(`leak: ${l.path}: ${l.leaks} identifying value(s) of the inputs (${l.vrs.join(', ')})\n`);
    }
    ctx.print(
      formatTable([
        ['inputs read', String(r.inputsRead)],
        ['inputs unreadable', String(r.inputsUnreadable)],
        ['identifying values', String(r.identifyingValues)],
        ['outputs scanned', String(r.outputsScanned)],
        ['outputs with leaks', String(r.leaking.length)],
      ]),
      r,
    );
    return r.leaking.length > 0 ? ExitCode.partial : ExitCode.ok;
  },
});

export const deidFhirCommand = stageCommand(deidFhirStage, {
  positional: { key: 'inputs', name: 'IN...', many: true },
  description:
    'Default profile: HIPAA Safe Harbor — names, telecom, address lines and cities removed, ZIP cut to 3 digits (000 for the restricted areas), dates reduced to the year (or shifted per patient with --date-shift), ages over 89 aggregated, ids, identifiers and references replaced by keyed pseudonyms (shared with the DICOM de-identifier, so images and records link up), narrative, free text, attachments and unknown extensions removed; clinical codes and values kept. Output: one NDJSON file per resource type and deid-report.json. Rejected inputs are named on stderr; exit 2 when any.',
  examples: [
    'sinso deid fhir export/ --out deid-fhir/',
    'sinso deid fhir bundle.json Patient.ndjson --out deid-fhir/ --date-shift',
    'sinso deid fhir export/ --out deid-fhir/ --config rules.json --secret-file secret.hex',
  ],
});
