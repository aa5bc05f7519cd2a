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

/** An external EVM JSON-RPC endpoint; absent means the workspace's embedded chain. */
export const RpcOptionSchema = z
  .string()
  .url()
  .optional()
  .describe('An external EVM JSON-RPC endpoint (default: the workspace’s embedded chain)');

/** The name of a workspace EVM key (a role's account: owner, consumer, compute, …). */
export const KeyNameOptionSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/)
  .describe('A workspace EVM key (created on first use)');
