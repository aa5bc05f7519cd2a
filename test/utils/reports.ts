import type { DeidFhirReport } from '../../src/core/schemas/deidFhirReport.js';

/**
 * A deid-report.json as `sinso deid fhir` writes it (the contract in core/schemas), for tests that
 * hand-make a de-identified folder.
 */
export function deidFhirReport(): DeidFhirReport {
  return {
    schema: '1',
    kind: 'sinso-deid-fhir-report',
    tool: { name: 'sinso', version: '0.0.0' },
    profile: { name: 'hipaa-safe-harbor', dateShift: false, rules: 0 },
    settings: {
      leakScan: true,
      maxDateShiftDays: 365,
      asOfYear: 2025,
      secretFingerprint: 'test',
      patientIdNamespace: { mode: 'shared' },
    },
    counts: { inputs: 0, deidentified: 0, rejected: 0, skipped: 0, resourcesIn: 0, resourcesOut: 0 },
    resourcesByType: {},
    inputs: [],
  };
}
