import { chainAcceptStage, chainGrantStage, chainMintStage, chainPledgeStage } from '../chain/index.js';
import { commitStage } from '../commit/index.js';
import { InternalError } from '../core/errors/index.js';
import type { StageDefinition } from '../core/stage.js';
import { deidDicomStage, deidFhirStage } from '../deid/index.js';
import { heDecryptStage, heEncryptStage, heKeygenStage, queryHeStage } from '../he/index.js';
import { ingestFhirStage, scanStage } from '../ingest/index.js';
import { notebookRunStage } from '../notebook/index.js';
import { publishStage } from '../publish/index.js';
import { receiptsIssueStage } from '../receipts/index.js';
import { settleStage } from '../settle/index.js';
import { synthStage } from '../synth/index.js';
import { tablesStage, tablesSuppressStage } from '../tables/index.js';
import { trainStage } from '../train/index.js';
import { queryZkStage } from '../zk/index.js';

/** The one place where stages are composed: `uses:` key → definition. */
export type StageRegistry = ReadonlyMap<string, StageDefinition>;

/**
 * Builds a registry; names must be unique.
 *
 * @example
 * const registry = createRegistry([synthStage, myStage]);
 */
export function createRegistry(stages: readonly StageDefinition[]): StageRegistry {
  const m = new Map<string, StageDefinition>();
  for (const s of stages) {
    if (m.has(s.name)) {
      throw new InternalError('INTERNAL', { what: `two stages are registered as ${s.name}` });
    }
    m.set(s.name, s);
  }
  return m;
}

/**
 * The built-in stages, in data-flow order: each is one line here, and from this list come the
 * pipeline `uses:` keys, the CLI commands (`sinso --help`) and their `--json` output.
 */
export const builtinStages: readonly StageDefinition[] = [
  synthStage,
  scanStage,
  ingestFhirStage,
  deidDicomStage,
  deidFhirStage,
  tablesStage,
  tablesSuppressStage,
  commitStage,
  publishStage,
  chainMintStage,
  chainPledgeStage,
  chainAcceptStage,
  chainGrantStage,
  heKeygenStage,
  heEncryptStage,
  queryHeStage,
  heDecryptStage,
  queryZkStage,
  trainStage,
  receiptsIssueStage,
  notebookRunStage,
  settleStage,
];

export const builtinRegistry: StageRegistry = createRegistry(builtinStages);
