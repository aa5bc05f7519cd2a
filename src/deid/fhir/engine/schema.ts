import { z } from 'zod';

/** The methods a rule may name, in the spirit of Microsoft's FHIR-Tools-for-Anonymization. */
export const FHIR_RULE_METHODS = [
  'keep',
  'redact',
  'dateshift',
  'cryptohash',
  'encrypt',
  'substitute',
  'perturb',
  'generalize',
] as const;
export type FhirRuleMethod = (typeof FHIR_RULE_METHODS)[number];

const path = z.string().trim().min(1, 'must be a FHIRPath expression');
const rule = <M extends FhirRuleMethod, S extends z.ZodRawShape>(method: M, shape: S) =>
  z.strictObject({ path, method: z.literal(method), ...shape });

const jsonValue: z.ZodType<unknown> = z.json();

/** One case of `generalize`: every condition given must hold; the value becomes `to`. */
const GeneralizeCaseSchema = z
  .strictObject({
    lt: z.number().optional(),
    le: z.number().optional(),
    gt: z.number().optional(),
    ge: z.number().optional(),
    eq: z.union([z.number(), z.string()]).optional(),
    to: jsonValue,
  })
  .refine(
    (c) =>
      c.lt !== undefined ||
      c.le !== undefined ||
      c.gt !== undefined ||
      c.ge !== undefined ||
      c.eq !== undefined,
    {
      message: 'needs at least one condition (lt, le, gt, ge, eq)',
    },
  );

/**
 * One de-identification rule: a FHIRPath `path` selecting nodes and the `method` applied to them.
 *
 * @example
 * FhirRuleSchema.parse({ path: 'Patient.address.city', method: 'redact' });
 */
export const FhirRuleSchema = z.discriminatedUnion('method', [
  rule('keep', {}),
  rule('redact', {}),
  rule('dateshift', {}),
  rule('cryptohash', {}),
  rule('encrypt', {}),
  rule('substitute', { replaceWith: jsonValue }),
  rule('perturb', {
    /** Half-width of the noise: an absolute amount (`fixed`) or a fraction of the value (`proportional`). */
    span: z.number().nonnegative(),
    rangeType: z.enum(['fixed', 'proportional']).optional(),
    /** Decimal places kept (default 2; 0 for integers). */
    roundTo: z.number().int().min(0).max(28).optional(),
  }),
  rule('generalize', {
    cases: z.array(GeneralizeCaseSchema).min(1),
    /** What to do with a number no case matches: keep it (default) or remove it. */
    otherValues: z.enum(['redact', 'keep']).optional(),
  }),
]);
export type FhirRule = z.infer<typeof FhirRuleSchema>;

/**
 * A rules file for the FHIR de-identifier (`sinso deid --config rules.json`). Rules apply in order;
 * the first rule that selects a node decides it, and nodes no rule selects are kept.
 *
 * @example
 * const rules = FhirRulesFileSchema.parse({
 *   schema: '1',
 *   rules: [{ path: 'Patient.name', method: 'redact' }, { path: 'Resource.id', method: 'cryptohash' }],
 * });
 */
export const FhirRulesFileSchema = z
  .strictObject({
    schema: z.literal('1'),
    rules: z.array(FhirRuleSchema),
    settings: z
      .strictObject({
        dateShiftMaxDays: z.number().int().min(1).max(36_500).optional(),
        /** AES-256 key for `encrypt`, 64 hex characters. */
        encryptKey: z
          .string()
          .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (a 32-byte AES-256 key)')
          .optional(),
      })
      .optional(),
  })
  .superRefine((file, ctx) => {
    const i = file.rules.findIndex((r) => r.method === 'encrypt');
    if (i >= 0 && file.settings?.encryptKey === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['settings', 'encryptKey'],
        message: `is required by rules.${i} (encrypt)`,
      });
    }
  });
export type FhirRulesFile = z.infer<typeof FhirRulesFileSchema>;
