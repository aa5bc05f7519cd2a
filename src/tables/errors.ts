import { SinsoError } from '../core/errors/index.js';

/** Errors of the tables stage, `sinso sql` and `sinso risk` (codes TABLES_*, SQL_FAILED, RISK_*). */
export class TablesError extends SinsoError {
  override name = 'TablesError';
}
export type TablesErrorType = TablesError & { name: 'TablesError' };
