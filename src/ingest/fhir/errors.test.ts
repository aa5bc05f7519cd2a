import { expect, it } from 'vitest';
import { renderErrorSamples } from '../../core/errors/samples.js';
import { IngestFhirError } from './errors.js';

const server = 'https://fhir.example.org';

it('renders every ingest fhir error code', () => {
  expect(
    renderErrorSamples(IngestFhirError, {
      INGEST_FHIR_NETWORK: {
        step: 'search',
        activity: 'searching Condition (page 2)',
        server,
        system: 'ECONNRESET',
      },
      INGEST_FHIR_HTTP: {
        step: 'search',
        activity: 'searching Organization (page 3)',
        server,
        resourceType: 'Organization',
        httpStatus: 500,
        issueCodes: ['exception'],
        kept: ['Kept complete: Patient.ndjson (13).'],
      },
      INGEST_FHIR_EXPORT_FAILED: {
        step: 'poll',
        activity: 'checking the $export status (poll 2)',
        server,
        httpStatus: 500,
        issueCodes: [],
      },
      INGEST_FHIR_BAD_RESPONSE: {
        step: 'search',
        activity: 'searching Patient (page 1)',
        server,
        problem: 'not a Bundle',
      },
      INGEST_FHIR_EXPORT_TIMEOUT: { step: 'poll', activity: 'waiting for the $export', server, maxPolls: 3 },
    }),
  ).toMatchInlineSnapshot(`
    "[INGEST_FHIR_NETWORK]
    Could not reach the FHIR server while searching Condition (page 2) (ECONNRESET).

    Server: https://fhir.example.org

    Fix: The server closed the connection mid-answer; run again (check a proxy or load balancer if it persists).

    [INGEST_FHIR_HTTP]
    The FHIR server answered HTTP 500 while searching Organization (page 3).

    Server: https://fhir.example.org
    OperationOutcome issue codes: exception
    Kept complete: Patient.ndjson (13).

    Fix: The server failed; run again later, or ask its administrator. Completed types are kept in the output folder.

    [INGEST_FHIR_EXPORT_FAILED]
    The FHIR server answered HTTP 500 while checking the $export status (poll 2).

    Server: https://fhir.example.org

    Fix: The server failed; run again later, or ask its administrator. Completed types are kept in the output folder.

    [INGEST_FHIR_BAD_RESPONSE]
    The FHIR server's answer was not usable while searching Patient (page 1): not a Bundle.

    Server: https://fhir.example.org

    Fix: Check that the URL is a FHIR R4 server base; try --mode search if $export misbehaves.

    [INGEST_FHIR_EXPORT_TIMEOUT]
    The $export did not finish within 3 status polls.

    Server: https://fhir.example.org
    sinso asked the server to cancel the export.

    Fix: Allow more polls with --max-polls (or a longer --poll-interval-ms), or fetch fewer types with --type; or use --mode search."
  `);
  expect(
    renderErrorSamples(IngestFhirError, {
      INGEST_FHIR_NETWORK: { step: 'capabilities', activity: 'reading /metadata', server, timeoutMs: 30000 },
      INGEST_FHIR_HTTP: {
        step: 'search',
        activity: 'searching Observation (page 1)',
        server,
        resourceType: 'Observation',
        httpStatus: 404,
        issueCodes: ['not-supported'],
      },
      INGEST_FHIR_EXPORT_FAILED: {
        step: 'kick-off',
        activity: 'starting the $export',
        server,
        httpStatus: 422,
        issueCodes: [],
      },
      INGEST_FHIR_BAD_RESPONSE: {
        step: 'poll',
        activity: 'checking the $export status (poll 1)',
        server,
        problem: 'the export manifest is not JSON',
      },
      INGEST_FHIR_EXPORT_TIMEOUT: { step: 'poll', activity: 'waiting for the $export', server, maxPolls: 1 },
    })
      .split('\n\n')
      .filter((block) => block.startsWith('Fix:'))
      .join('\n'),
  ).toMatchInlineSnapshot(`
    "Fix: Check that the server is up, or allow more time with --timeout-ms; then run again.
    Fix: The server does not serve Observation here: check the server's base URL and its /metadata, or leave Observation out with --type.
    Fix: The server rejected the $export request: try --mode search, or drop --since / --type it does not support.
    Fix: Check that the URL is a FHIR R4 server base; try --mode search if $export misbehaves.
    Fix: Allow more polls with --max-polls (or a longer --poll-interval-ms), or fetch fewer types with --type; or use --mode search."
  `);
});
