import { readFileSync } from 'node:fs';
import { type IoError, SchemaError, wrapIoError } from '../../../../core/errors/index.js';
import { NOT_JSON, parseWith } from '../../../../core/parse.js';
import { type AnnexETable, AnnexETableSchema } from '../schema.js';

const ANNEX_E = 'PS3.15 Annex E table (datasets/annexE-2024b.json)';
const RESTORE = 'Restore datasets/annexE-2024b.json from the sinso package.';

/**
 * Where the table lives: `datasets/annexE-2024b.json` at the package root. This file sits at
 * `src/deid/dicom/profile/adapters/` and compiles to `dist/deid/dicom/profile/adapters/`, five
 * levels below the root either way, and the package ships `datasets/` (package.json `files`).
 *
 * @example
 * fileURLToPath(ANNEX_E_TABLE_URL); // '<package root>/datasets/annexE-2024b.json'
 */
export const ANNEX_E_TABLE_URL: URL = new URL('../../../../../datasets/annexE-2024b.json', import.meta.url);

export type LoadAnnexETableParameters = {
  /** Another copy of the table (tests); defaults to the one shipped with the package. */
  url?: URL | undefined;
};
export type LoadAnnexETableReturnType = AnnexETable;
export type LoadAnnexETableErrorType = SchemaError | IoError;

let shipped: AnnexETable | undefined;

/**
 * Reads PS3.15 2024b Table E.1-1 (all its rows) and validates it. The shipped table is read and
 * parsed once per process; nothing else is cached.
 *
 * @throws IoError (`IO_FAILED`) when the file cannot be read; SchemaError (`SCHEMA_INVALID`) when
 * it is not valid JSON or a row does not match `AnnexERowSchema`.
 *
 * @example
 * const table = loadAnnexETable();
 * table.length; // 621
 */
export function loadAnnexETable(parameters: LoadAnnexETableParameters = {}): LoadAnnexETableReturnType {
  const url = parameters.url ?? ANNEX_E_TABLE_URL;
  const isShipped = url.href === ANNEX_E_TABLE_URL.href;
  if (isShipped && shipped) return shipped;
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch (err) {
    throw wrapIoError(
      err,
      'Reading the PS3.15 Annex E table',
      'Reinstall sinso: datasets/annexE-2024b.json ships with the package.',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SchemaError(
      'SCHEMA_INVALID',
      { what: ANNEX_E, hint: RESTORE },
      { issues: NOT_JSON, cause: err },
    );
  }
  const table = parseWith(AnnexETableSchema, json, {
    what: ANNEX_E,
    hint: RESTORE,
  });
  if (isShipped) shipped = table;
  return table;
}
