import { createRng } from '../core/rng.js';

export type SplitPatientsParameters = {
  seed: number;
  owners: number;
  patients: number;
};

/** One owner's contiguous range of global patient indexes: `[start, start + count)`. */
export type PatientRange = { start: number; count: number };

export type SplitPatientsReturnType = readonly PatientRange[];

/**
 * Spreads patients over owners unevenly but reproducibly: owner k gets weight `1 + 2u`
 * (u uniform, from `createRng(seed, 'split')`), every owner first gets one patient when there
 * are at least as many patients as owners, and the rest is shared by largest remainder.
 * Ranges are contiguous and in owner order.
 *
 * @example
 * splitPatients({ seed: 42, owners: 3, patients: 100 }); // [{start:0,count:41}, …]
 */
export function splitPatients({ seed, owners, patients }: SplitPatientsParameters): SplitPatientsReturnType {
  const rng = createRng(seed, 'split');
  const weights: number[] = [];
  for (let k = 0; k < owners; k++) weights.push(1 + 2 * rng.float());
  const base = patients >= owners ? 1 : 0;
  const rest = patients - base * owners;
  const total = weights.reduce((a, b) => a + b, 0);
  const counts: number[] = [];
  const remainders: { k: number; r: number }[] = [];
  let assigned = 0;
  for (let k = 0; k < owners; k++) {
    const exact = (rest * (weights[k] as number)) / total;
    const whole = Math.floor(exact);
    counts.push(base + whole);
    assigned += whole;
    remainders.push({ k, r: exact - whole });
  }
  remainders.sort((a, b) => b.r - a.r || a.k - b.k);
  for (let i = 0; i < rest - assigned; i++) {
    const k = (remainders[i] as { k: number }).k;
    counts[k] = (counts[k] as number) + 1;
  }
  const out: PatientRange[] = [];
  let start = 0;
  for (const count of counts) {
    out.push({ start, count });
    start += count;
  }
  return out;
}
