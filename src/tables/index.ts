/** `sinso/tables`: the dataset tables (DuckDB, Arrow, Parquet), SQL, k-anonymity and suppression. */
export {
  appendArrowTable,
  type DuckDBSession,
  type LockWait,
  type OpenSessionParameters,
  withSession,
} from './adapters/DuckDBSession.js';
export { describeDuckDBError } from './adapters/describeDuckDBError.js';
export {
  type OpenTablesErrorType,
  type OpenTablesParameters,
  type OpenTablesReturnType,
  openTables,
  type TableCell,
  type TablesFolder,
  withTables,
} from './adapters/openTables.js';
export { runSql, type SqlRow } from './adapters/runSql.js';
export { arrowTable, int32Vector, int64Vector, utf8Vector } from './arrowColumns.js';
export { assessRisk } from './assessRisk.js';
export { buildTables, workspaceDatabasePath } from './buildTables.js';
export { TablesError, type TablesErrorType, tablesErrors } from './errors.js';
export { sqlIdent, sqlString } from './quoteSql.js';
export { renderTablesDoc } from './renderTablesDoc.js';
export { computeRisk, parseQuasiIdentifiers } from './risk.js';
export {
  DEFAULT_MIN_K,
  DEFAULT_QUASI_IDENTIFIERS,
  MinKOptionSchema,
  QUASI_IDENTIFIERS,
  type QuasiIdentifier,
  QuasiIdentifiersOptionSchema,
  RiskOptionsSchema,
  SqlOptionsSchema,
  TABLE_NAMES,
  TABLES,
  TABLES_VERSION,
  type TableDefinition,
  TablesOptionsSchema,
  type TablesResult,
  TablesResultSchema,
  TablesSuppressOptionsSchema,
  type TablesSuppressResult,
  TablesSuppressResultSchema,
} from './schema.js';
export { tablesStage, tablesSuppressStage } from './stage.js';
export { suppressInSession, suppressTables } from './suppressTables.js';
