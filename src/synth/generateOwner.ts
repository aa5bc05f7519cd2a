import { createRng } from '../core/rng.js';
import { asciiFold, drawDigits, drawName, drawNpi, drawPhone } from './draw.js';
import { drawUuid } from './drawUuid.js';
import type { Sex, SynthOwner, SynthPractitioner, SynthScanner } from './model.js';
import { FAMILY_NAMES } from './names.js';
import { CITIES, STREET_NAMES, STREET_SUFFIXES } from './places.js';

export type GenerateOwnerParameters = {
  seed: number;
  /** 1-based owner number. */
  number: number;
};

export type GenerateOwnerReturnType = SynthOwner;

const CT_SCANNERS = [
  ['SIEMENS', 'SOMATOM Definition AS', 'syngo CT VA48A'],
  ['GE MEDICAL SYSTEMS', 'Revolution CT', 'revo_v2.1'],
  ['Philips', 'Ingenuity CT', '4.1.5'],
  ['TOSHIBA', 'Aquilion ONE', 'V8.9SP0001'],
] as const;
const MR_SCANNERS = [
  ['SIEMENS', 'MAGNETOM Skyra', 'syngo MR E11'],
  ['GE MEDICAL SYSTEMS', 'SIGNA Premier', '29\\LX\\MR Software release:RX29.1'],
  ['Philips Medical Systems', 'Ingenia', '5.7.1\\5.7.1.2'],
] as const;

/**
 * Draws an owner (a hospital): its Organization facts, 2–6 practitioners, a CT and an MR
 * scanner, and its identifier systems. Uses only `createRng(seed, 'owner', number)`, so any
 * owner can be generated on its own.
 *
 * @example
 * const owner = generateOwner({ seed: 42, number: 1 });
 * owner.mrnSystem; // 'http://owner-001.example.org/mrn'
 */
export function generateOwner({ seed, number }: GenerateOwnerParameters): GenerateOwnerReturnType {
  const rng = createRng(seed, 'owner', number);
  const id = `owner-${String(number).padStart(3, '0')}`;
  const systemBase = `http://${id}.example.org`;
  const place = rng.pick(CITIES);
  const style = rng.int(0, 3);
  const family = rng.pick(FAMILY_NAMES);
  const name =
    style === 0
      ? `${place.city} General Hospital`
      : style === 1
        ? `${family} Memorial Hospital`
        : style === 2
          ? `St. ${rng.pick(['Mary', 'Luke', 'Joseph', 'Vincent', 'Anne', 'Jude'])}'s Medical Center`
          : `University Hospital of ${place.city}`;
  const organizationId = drawUuid(rng);
  const npi = drawNpi(rng);
  const addressLine = `${rng.int(1, 2999)} ${rng.pick(STREET_NAMES)} ${rng.pick(STREET_SUFFIXES)}`;
  const postalCode = `${place.zip3}${drawDigits(rng, 2)}`;
  const phone = drawPhone(rng, place.areaCode);
  const domain = `${id}.example.org`;
  const practitioners: SynthPractitioner[] = [];
  const nPract = rng.int(2, 6);
  for (let i = 0; i < nPract; i++) {
    const sex: Sex = rng.bernoulli(0.5) ? 'female' : 'male';
    const n = drawName(rng, sex, 0.3);
    practitioners.push({
      id: drawUuid(rng),
      npi: drawNpi(rng),
      sex,
      name: { ...n, prefix: 'Dr.' },
      phone: drawPhone(rng, place.areaCode),
      email: `${asciiFold(n.given)}.${asciiFold(n.family)}@${domain}`,
    });
  }
  const ct = rng.pick(CT_SCANNERS);
  const mr = rng.pick(MR_SCANNERS);
  const scanner = (modality: 'CT' | 'MR', s: readonly [string, string, string]): SynthScanner => ({
    modality,
    manufacturer: s[0],
    model: s[1],
    software: s[2],
    serial: drawDigits(rng, 6),
    station: `${modality}${drawDigits(rng, 2)}_${place.state}${String(number).padStart(3, '0')}`,
  });
  return {
    number,
    id,
    organizationId,
    name,
    npi,
    place,
    addressLine,
    postalCode,
    phone,
    mrnSystem: `${systemBase}/mrn`,
    siteCode: `SITE${String(number).padStart(3, '0')}`,
    systemBase,
    mrnOffset: rng.int(0, 99_999_999),
    aeTitle: `OWNER${String(number).padStart(3, '0')}_PACS`,
    practitioners,
    scanners: { CT: scanner('CT', ct), MR: scanner('MR', mr) },
  };
}
