import { commitStage } from '../commit/stage.js';
import { PipelineError } from '../core/errors/index.js';
import type { StageDefinition } from '../core/stage.js';
import { deidDicomStage } from '../deid/dicom/stage.js';
import { deidFhirStage } from '../deid/fhir/stage.js';
import { ingestFhirStage } from '../ingest/fhir/stage.js';
import { scanStage } from '../ingest/stage.js';
import { synthStage } from '../synth/stage.js';
import { tablesStage, tablesSuppressStage } from '../tables/stage.js';
import { publishStage } from './stages/publish.js';

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
      throw new PipelineError('Two stages are registered under one name.', {
        code: 'INTERNAL',
        metaMessages: [`Stage: ${s.name}`],
      });
    }
    m.set(s.name, s);
  }
  return m;
}

/** The built-in stages, in data-flow order. */
export const builtinStages: readonly StageDefinition[] = [
  synthStage as unknown as StageDefinition,
  scanStage as unknown as StageDefinition,
  ingestFhirStage as unknown as StageDefinition,
  deidDicomStage as unknown as StageDefinition,
  deidFhirStage as unknown as StageDefinition,
  tablesStage as unknown as StageDefinition,
  tablesSuppressStage as unknown as StageDefinition,
  commitStage as unknown as StageDefinition,
  publishStage as unknown as StageDefinition,
];

export const builtinRegistry: StageRegistry = createRegistry(builtinStages);
