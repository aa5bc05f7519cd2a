import { z } from 'zod';
import { ExitCode } from '../../core/errors/index.js';
import { DeidDicomOptionSchema, verifyDeidentified } from '../../deid/index.js';
import { defineCommand } from '../command.js';
import { formatTable } from '../format.js';

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
