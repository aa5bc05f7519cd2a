import { z } from 'zod';

const StageIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, - or _, starting with a letter');

const PathListSchema = z.union([z.string().min(1), z.array(z.string().min(1))]);
/** deps/outs: a list bound to the stage's single input/output slot, or a map by option name. */
const IoSchema = z.union([PathListSchema, z.record(z.string(), PathListSchema)]);

/** One stage of a pipeline YAML. */
export const PipelineStageSpecSchema = z.strictObject({
  uses: z.string().min(1),
  with: z.record(z.string(), z.unknown()).default({}),
  deps: IoSchema.optional(),
  outs: IoSchema.optional(),
  description: z.string().optional(),
});
export type PipelineStageSpec = z.infer<typeof PipelineStageSpecSchema>;

/** `pipelines/<name>.yaml`. */
export const PipelineSpecSchema = z.strictObject({
  schema: z.literal('1').default('1'),
  name: z.string().optional(),
  description: z.string().optional(),
  stages: z
    .record(StageIdSchema, PipelineStageSpecSchema)
    .refine((s) => Object.keys(s).length > 0, 'needs at least one stage'),
});
export type PipelineSpec = z.infer<typeof PipelineSpecSchema>;

/** A recorded dep or deterministic out: its content hash. */
export const LockedHashSchema = z.strictObject({
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  files: z.number().int().min(0),
  bytes: z.number().int().min(0),
});
/** A non-deterministic out (proofs…): the lock records that it verified, not its hash. */
export const LockedVerifiedSchema = z.strictObject({
  path: z.string(),
  verified: z.literal(true),
  verifier: z.string(),
});
export const LockedOutSchema = z.union([LockedHashSchema, LockedVerifiedSchema]);
export type LockedHash = z.infer<typeof LockedHashSchema>;
export type LockedOut = z.infer<typeof LockedOutSchema>;

export const LockedStageSchema = z.strictObject({
  uses: z.string(),
  version: z.string(),
  params: z.record(z.string(), z.unknown()),
  deps: z.array(LockedHashSchema),
  outs: z.array(LockedOutSchema),
  /** The stage's typed summary (its `result` schema): counts and safe facts, never a data value. */
  summary: z.record(z.string(), z.unknown()).optional(),
});
export type LockedStage = z.infer<typeof LockedStageSchema>;

/** `pipelines/<name>.lock.json`. */
export const PipelineLockSchema = z.strictObject({
  schema: z.literal('1'),
  pipeline: z.string(),
  tool: z.strictObject({ name: z.literal('sinso'), version: z.string() }),
  stages: z.record(z.string(), LockedStageSchema),
});
export type PipelineLock = z.infer<typeof PipelineLockSchema>;

/** An OpenLineage RunEvent (the subset sinso writes), one JSON line each in runs/lineage.jsonl. */
export const LineageEventSchema = z.strictObject({
  eventType: z.enum(['START', 'COMPLETE', 'FAIL', 'ABORT']),
  eventTime: z.string(),
  producer: z.string(),
  schemaURL: z.string(),
  run: z.strictObject({
    runId: z.string().uuid(),
    facets: z.record(z.string(), z.unknown()).optional(),
  }),
  job: z.strictObject({ namespace: z.string(), name: z.string() }),
  inputs: z.array(
    z.strictObject({
      namespace: z.string(),
      name: z.string(),
      facets: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
  outputs: z.array(
    z.strictObject({
      namespace: z.string(),
      name: z.string(),
      facets: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});
export type LineageEvent = z.infer<typeof LineageEventSchema>;
