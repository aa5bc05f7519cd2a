import { z } from 'zod';

/**
 * A k-anonymity report over quasi-identifiers (`sinso risk`, and `risk.json` beside the
 * tables). Equivalence classes are described by their sizes only, never by their values.
 */
export const RiskReportSchema = z.strictObject({
  schema: z.literal('1'),
  kind: z.literal('sinso-risk'),
  /** The table the classes are formed over (one row per person), normally `patients`. */
  table: z.string(),
  /** Quasi-identifiers as derived columns, e.g. `birth_year`, `age_band_10`, `gender`, `zip3`. */
  quasiIdentifiers: z.array(z.string()).min(1),
  rows: z.number().int().min(0),
  classes: z.number().int().min(0),
  /** The smallest class size (0 when there are no rows). */
  k: z.number().int().min(0),
  /** Sizes of the smallest classes, ascending (at most 10). */
  smallestClasses: z.array(z.number().int().min(1)),
  /** How many classes have each size, for sizes below `minK`. */
  classesBelowMinK: z.number().int().min(0),
  rowsBelowMinK: z.number().int().min(0),
  minK: z.number().int().min(1),
});
export type RiskReport = z.infer<typeof RiskReportSchema>;
