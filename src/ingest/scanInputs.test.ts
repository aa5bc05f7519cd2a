import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/utils/tmp.js';
import { silentProgress } from '../core/progress.js';
import { InventorySchema } from '../core/schemas/inventory.js';
import { scanInputs } from './scanInputs.js';

const samples = new URL('../../datasets/samples/', import.meta.url).pathname;

describe('scanInputs', () => {
  it('counts DICOM and FHIR inputs, rejects bad files by ordinal and reason, and writes no path', async () => {
    const d = await tempDir();
    const inDir = join(d, 'in', 'DOE^JANE');
    await mkdir(inDir, { recursive: true });
    await copyFile(join(samples, 'dicom/MR_small.dcm'), join(inDir, 'a.dcm'));
    await copyFile(join(samples, 'dicom/no-meta-length-test.dcm'), join(inDir, 'b.dcm'));
    await copyFile(join(samples, 'fhir/Bundle-bundle-transaction.json'), join(inDir, 'c.json'));
    await writeFile(
      join(inDir, 'd.ndjson'),
      '{"resourceType":"Patient","id":"1"}\n\n{"resourceType":"Observation"}\n',
    );
    await writeFile(join(inDir, 'e.ndjson'), '{"resourceType":"Patient"}\n{not json\n');
    await writeFile(join(inDir, 'f.json'), '{"hello": 1}');
    await writeFile(join(inDir, 'g.dcm'), '');
    await writeFile(join(inDir, 'g.ndjson'), '');
    await writeFile(join(inDir, 'h.txt'), 'notes');
    const out = join(d, 'inventory.json');
    const { inventory, rejected } = await scanInputs(
      { progress: silentProgress },
      { inputs: [join(d, 'in'), join(d, 'missing')], out },
    );
    expect(inventory.files).toEqual({ dicom: 2, fhirNdjson: 2, fhirJson: 1, other: 2, rejected: 3 });
    expect(inventory.inputs).toBe(10);
    expect(inventory.fhirResources['Patient']).toBe(6); // five in the bundle, one in d.ndjson
    expect(inventory.fhirResources['Parameters']).toBe(1);
    expect(inventory.fhirResources['Bundle']).toBe(1);
    expect(inventory.dicomTransferSyntaxes['1.2.840.10008.1.2.1']).toBe(2);
    expect(rejected.map((r) => [r.ordinal, r.reason])).toEqual([
      [5, 'line 2 is not valid JSON'],
      [7, 'empty file'],
      [10, 'not found'],
    ]);
    const text = await readFile(out, 'utf8');
    expect(InventorySchema.parse(JSON.parse(text))).toEqual(inventory);
    expect(text).not.toContain('DOE');
    expect(text).not.toContain(d);
  });
});
