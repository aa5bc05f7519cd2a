import { describe, expect, it } from 'vitest';
import { advertisesExport } from './advertisesExport.js';

const cs = (operation: unknown) => ({
  resourceType: 'CapabilityStatement',
  rest: [{ mode: 'server', operation }],
});

describe('advertisesExport', () => {
  it('finds the system-level export operation by name or definition', () => {
    expect(advertisesExport(cs([{ name: 'export', definition: 'x' }]))).toBe(true);
    expect(advertisesExport(cs([{ name: '$export' }]))).toBe(true);
    expect(
      advertisesExport(
        cs([{ name: 'bulk', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }]),
      ),
    ).toBe(true);
  });
  it('ignores patient/group exports and malformed statements', () => {
    expect(
      advertisesExport(
        cs([
          {
            name: 'patient-export',
            definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export',
          },
        ]),
      ),
    ).toBe(false);
    expect(advertisesExport(cs(undefined))).toBe(false);
    expect(advertisesExport({ resourceType: 'CapabilityStatement' })).toBe(false);
    expect(advertisesExport(null)).toBe(false);
  });
});
