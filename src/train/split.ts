import { createHash } from 'node:crypto';

/** The training and validation examples of a job, by index, patients kept whole. */
export type Split = {
  train: Uint32Array;
  validation: Uint32Array;
  trainPatients: number;
  validationPatients: number;
};

/**
 * Splits examples by patient, never by row: the patients are ordered by SHA-256 of the seed and
 * their key, and the first round(fraction × patients) of them (at least one, and never all) go to
 * validation with all their examples. Deterministic for a seed, whatever the order of the
 * examples; a patient is never on both sides.
 *
 * @example
 * const { train, validation } = splitByPatient(['0:a', '0:a', '1:b'], 0.25, '2026');
 */
export function splitByPatient(patients: readonly string[], fraction: number, seed: string): Split {
  const unique = [...new Set(patients)];
  const rank = new Map(
    unique
      .map((id) => ({
        id,
        h: createHash('sha256').update(`sinso/train/split/v1\0${seed}\0${id}`).digest('hex'),
      }))
      .sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0))
      .map((x, i) => [x.id, i]),
  );
  const nVal =
    unique.length < 2 ? 0 : Math.min(unique.length - 1, Math.max(1, Math.round(fraction * unique.length)));
  const train: number[] = [];
  const validation: number[] = [];
  patients.forEach((id, i) => {
    ((rank.get(id) as number) < nVal ? validation : train).push(i);
  });
  return {
    train: Uint32Array.from(train),
    validation: Uint32Array.from(validation),
    trainPatients: unique.length - nVal,
    validationPatients: nVal,
  };
}
