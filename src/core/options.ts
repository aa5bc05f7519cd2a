import { z } from 'zod';

/**
 * Option fragments that several stages take, defined once so their flags, ranges and help cannot
 * drift apart. Each use may `.describe()` what the option means for that stage.
 */

/** Worker threads: 0 runs in-process; absent means one per core. */
export const WorkersOptionSchema = z
  .number()
  .int()
  .min(0)
  .max(64)
  .optional()
  .describe('Worker threads (default: one per core; 0: in-process)');

/** A calendar year that ages are computed at (never the clock unless a stage says so). */
export const AsOfYearOptionSchema = z.number().int().min(1900).max(2200).optional();
