import type { Rng } from '../core/rng.js';
import type { Sex, SynthName } from './model.js';
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES } from './names.js';

/** Internal drawing helpers shared by the owner and patient generators. */

/**
 * `n` random decimal digits (leading zeros kept).
 *
 * @example
 * drawDigits(rng, 4); // '0391'
 */
export function drawDigits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(48 + Math.floor(rng.float() * 10));
  return s;
}

/**
 * A US phone number in the fictional 555-01xx range style: `(617) 555-0142`.
 *
 * @example
 * drawPhone(rng, '617'); // '(617) 555-0391'
 */
export function drawPhone(rng: Rng, areaCode: string): string {
  return `(${areaCode}) 555-${drawDigits(rng, 4)}`;
}

/**
 * A given name for the sex.
 *
 * @example
 * drawGiven(rng, 'female'); // 'Zoë'
 */
export function drawGiven(rng: Rng, sex: Sex): string {
  return rng.pick(sex === 'male' ? MALE_GIVEN_NAMES : FEMALE_GIVEN_NAMES);
}

/**
 * A plain name: family + given (+ middle with probability `middleP`).
 *
 * @example
 * drawName(rng, 'male'); // { family: "O'Brien", given: 'José', middle: 'Luis' }
 */
export function drawName(rng: Rng, sex: Sex, middleP = 0.6): SynthName {
  const family = rng.pick(FAMILY_NAMES);
  const given = drawGiven(rng, sex);
  const middle = rng.bernoulli(middleP) ? drawGiven(rng, sex) : undefined;
  return { family, given, middle };
}

/**
 * Lower-case ASCII for e-mail local parts: diacritics folded, other characters dropped.
 *
 * @example
 * asciiFold("Nguyễn O'Brien"); // 'nguyenobrien'
 */
export function asciiFold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .replace(/ø/gi, 'o')
    .replace(/ł/gi, 'l')
    .replace(/ı/g, 'i')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * A National Provider Identifier: 9 digits + Luhn check digit over the `80840` prefix.
 *
 * @example
 * drawNpi(rng); // '1234567893'
 */
export function drawNpi(rng: Rng): string {
  const body = `1${drawDigits(rng, 8)}`;
  const digits = `80840${body}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/**
 * Text of a name: `Dr. José María Nguyễn Jr.`.
 *
 * @example
 * nameText({ family: 'Doe', given: 'Jane', prefix: 'Dr.' }); // 'Dr. Jane Doe'
 */
export function nameText(n: SynthName): string {
  let s = n.prefix ? `${n.prefix} ${n.given}` : n.given;
  if (n.middle) s += ` ${n.middle}`;
  s += ` ${n.family}`;
  if (n.suffix) s += ` ${n.suffix}`;
  return s;
}

/**
 * DICOM PN: `Family^Given^Middle^Prefix^Suffix`, trailing empty components dropped.
 *
 * @example
 * dicomName({ family: 'Doe', given: 'Jane', middle: 'Q' }); // 'Doe^Jane^Q'
 */
export function dicomName(n: SynthName): string {
  const parts = [n.family, n.given, n.middle ?? '', n.prefix ?? '', n.suffix ?? ''];
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts.join('^');
}
