import { SinsoError, type SinsoErrorParameters } from '../../core/errors/index.js';
import type { IngestFhirReport, IngestFhirStep } from './schema.js';

export type IngestFhirErrorParameters = SinsoErrorParameters & {
  /** The step that failed. */
  step: IngestFhirStep;
  /** The resource type being fetched, if any. */
  resourceType?: string | undefined;
  /** The HTTP status the server answered with, if it answered. */
  httpStatus?: number | undefined;
  /** OperationOutcome `issue[].code` values (a closed FHIR code list, never free text). */
  issueCodes?: readonly string[] | undefined;
};

/**
 * A FHIR fetch failed: network, HTTP status, malformed answer or an $export that failed or took
 * too long. Never holds a response body (it may hold PHI): only the status, the OperationOutcome
 * issue codes, and the report of what was already written.
 *
 * @example
 * try {
 *   await ingestFhir(ctx, options);
 * } catch (err) {
 *   if (err instanceof IngestFhirError && err.code === 'INGEST_FHIR_HTTP') console.error(err.httpStatus);
 * }
 */
export class IngestFhirError extends SinsoError {
  override name = 'IngestFhirError';
  readonly step: IngestFhirStep;
  readonly resourceType: string | undefined;
  readonly httpStatus: number | undefined;
  readonly issueCodes: readonly string[];
  /** What was on disk when it failed; set by `ingestFhir` before it rethrows. */
  report: IngestFhirReport | undefined;

  constructor(shortMessage: string, params: IngestFhirErrorParameters) {
    super(shortMessage, params);
    this.step = params.step;
    this.resourceType = params.resourceType;
    this.httpStatus = params.httpStatus;
    this.issueCodes = params.issueCodes ?? [];
    this.report = undefined;
  }
}
export type IngestFhirErrorType = IngestFhirError & { name: 'IngestFhirError' };
