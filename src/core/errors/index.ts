export {
  IoError,
  type IoErrorType,
  isSinsoError,
  KeystoreError,
  type KeystoreErrorType,
  PipelineError,
  type PipelineErrorType,
  SchemaError,
  type SchemaErrorType,
  SinsoError,
  type SinsoErrorParameters,
  UsageError,
  type UsageErrorType,
  WorkspaceError,
  type WorkspaceErrorType,
  wrapIoError,
} from './base.js';
export { type ErrorCode, ExitCode } from './codes.js';
