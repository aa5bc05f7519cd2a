import { z } from 'zod';

/** A stage's key in the YAML. */
const StageIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, - or _, starting with a letter');

/** What a foreach item or matrix value may be, since it becomes part of a stage name. */
const NAME_SAFE = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,64}$/;
const NAME_SAFE_MESSAGE = 'must be letters, digits, ., _ or - (it becomes part of the stage name)';

/**
 * A stage id after fan-out: the YAML key, or `key@suffix` for an expansion of a foreach or matrix
 * stage (`deid@owner-001`, `train@a-1`). Lock entries and `--from` use these ids.
 */
export const ExpandedStageIdSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{0,63}(@[A-Za-z0-9._-]+)?$/,
    'must be a stage id, or stage@item for an expansion of a foreach or matrix stage',
  );

const ItemSchema = z
  .union([z.string(), z.number()], { error: 'must be a string or a number' })
  .refine((v) => NAME_SAFE.test(String(v)), NAME_SAFE_MESSAGE);
const ScalarSchema = z.union([z.string(), z.number(), z.boolean()]);
/** A name in `${item.NAME}`: a matrix variable, or a field of a foreach map's value. */
const ItemNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits or _, starting with a letter or _');

/**
 * `foreach:` a list of items (`${item}`), or a map of keys to values (`${key}`, `${item}`, and
 * `${item.NAME}` when the values are maps).
 */
const ForeachSchema = z
  .union(
    [
      z.array(ItemSchema).min(1, 'needs at least one item'),
      z.record(z.string(), z.union([ScalarSchema, z.record(ItemNameSchema, ScalarSchema)])),
    ],
    {
      error:
        'must be a list of strings or numbers, or a map of keys to values (strings, numbers, booleans, or maps of them)',
    },
  )
  .superRefine((f, ctx) => {
    if (Array.isArray(f)) return;
    const keys = Object.keys(f);
    if (keys.length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one item' });
    const bad = keys.findIndex((k) => !NAME_SAFE.test(k));
    // the key itself is not quoted: only its position
    if (bad >= 0) ctx.addIssue({ code: 'custom', message: `key #${bad + 1}: ${NAME_SAFE_MESSAGE}` });
  });

/** `matrix:` variables, each a list of values; the stage runs once per combination. */
const MatrixSchema = z
  .record(ItemNameSchema, z.array(ItemSchema).min(1, 'needs at least one value'), {
    error: (i) =>
      i.code === 'invalid_key'
        ? 'a matrix variable must be letters, digits or _, starting with a letter or _'
        : undefined,
  })
  .refine((m) => Object.keys(m).length > 0, 'needs at least one variable');

const PathListSchema = z.union([z.string().min(1), z.array(z.string().min(1))]);
/** deps/outs: a list bound to the stage's single input/output slot, or a map by option name. */
const IoSchema = z.union([PathListSchema, z.record(z.string(), PathListSchema)]);

/**
 * One stage of a pipeline YAML. With `foreach` or `matrix` it stands for one stage per item (or
 * combination), named `key@item`, with `${item}` substituted in `with`, `deps`, `outs` and
 * `description`.
 */
export const PipelineStageSpecSchema = z
  .strictObject({
    uses: z.string().min(1),
    with: z.record(z.string(), z.unknown()).default({}),
    deps: IoSchema.optional(),
    outs: IoSchema.optional(),
    description: z.string().optional(),
    foreach: ForeachSchema.optional(),
    matrix: MatrixSchema.optional(),
  })
  .refine((s) => s.foreach === undefined || s.matrix === undefined, {
    message: 'give foreach or matrix, not both',
    path: ['matrix'],
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
  stages: z.record(ExpandedStageIdSchema, LockedStageSchema),
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
