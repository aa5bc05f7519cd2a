import { createRng, type Rng } from '../core/rng.js';
import { asciiFold, drawDigits, drawGiven, drawName, drawPhone } from './draw.js';
import { drawBaseline } from './drawBaseline.js';
import { drawUid } from './drawUid.js';
import { drawUuid } from './drawUuid.js';
import type {
  Sex,
  SynthBodyPart,
  SynthCondition,
  SynthContact,
  SynthEncounter,
  SynthMedication,
  SynthModality,
  SynthName,
  SynthObservation,
  SynthOwner,
  SynthPatient,
  SynthSeries,
  SynthStudy,
} from './model.js';
import { NAME_PREFIXES, NAME_SUFFIXES } from './names.js';
import { CITIES, RESTRICTED_ZIP3_PLACES, STREET_NAMES, STREET_SUFFIXES } from './places.js';
import { ageAt, DAY_MS, formatDate, YEAR_MS } from './time.js';

/** Imaging settings that shape a patient's study (all from SynthOptions). */
export type ImagingSettings = {
  fraction: number;
  slices: number;
  imageSize: 'auto' | '64' | '128' | '256' | '512';
  modality: 'auto' | 'CT' | 'MR';
};

export type GeneratePatientParameters = {
  seed: number;
  /** Global 0-based patient index: the patient's RNG is `createRng(seed, 'patient', index)`. */
  index: number;
  /** 0-based index within the owner (makes the MRN). */
  localIndex: number;
  owner: SynthOwner;
  /** Reference "today", local wall-clock ms at midnight. */
  asOfMs: number;
  imaging: ImagingSettings;
};

export type GeneratePatientReturnType = SynthPatient;

const MIN = 60_000;
const HOUR = 3_600_000;
/** Multiplier of the MRN bijection (coprime to 10^8). */
const MRN_MULTIPLIER = 7_368_787;

const MARITAL: readonly [string, number][] = [
  ['M', 0.46],
  ['S', 0.3],
  ['D', 0.12],
  ['W', 0.09],
  ['U', 0.03],
];
/** Weights of the OMB race categories (see buildPatientResources for codes). */
const RACE_WEIGHTS = [0.62, 0.14, 0.07, 0.012, 0.004, 0.154];
const IMAGE_SIZES = [64, 128, 256, 512] as const;
const IMAGE_SIZE_WEIGHTS = [0.4, 0.3, 0.2, 0.1];

function weighted(rng: Rng, weights: readonly number[]): number {
  let u = rng.float() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i] as number;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * Draws one patient completely (demographics, baseline physiology and outcomes, encounters with
 * observed labs and vitals, conditions, medications, and an optional imaging study with all its
 * UIDs) from its own generator, so any patient can be generated independently of all others.
 * The main stream never depends on imaging settings: the study comes from a forked stream.
 *
 * @example
 * const owner = generateOwner({ seed: 42, number: 1 });
 * const p = generatePatient({ seed: 42, index: 0, localIndex: 0, owner, asOfMs: parseDateMs('2025-01-01'),
 *   imaging: { fraction: 0.1, slices: 4, imageSize: 'auto', modality: 'auto' } });
 */
export function generatePatient({
  seed,
  index,
  localIndex,
  owner,
  asOfMs,
  imaging,
}: GeneratePatientParameters): GeneratePatientReturnType {
  const rng = createRng(seed, 'patient', index);
  const place0 = owner.place;
  const id = drawUuid(rng);
  const mrn = String((localIndex * MRN_MULTIPLIER + owner.mrnOffset) % 100_000_000).padStart(8, '0');
  const ssn = `999-${drawDigits(rng, 2)}-${drawDigits(rng, 4)}`;
  const sex: Sex = rng.bernoulli(0.5) ? 'female' : 'male';

  // Age: ~N(52, 18) in whole years within 18..100, then a birth date that gives exactly that age.
  let age0 = 0;
  do age0 = Math.floor(rng.normal(52, 18));
  while (age0 < 18 || age0 > 100);
  const asOf = new Date(asOfMs);
  const anniversary = Date.UTC(asOf.getUTCFullYear() - age0, asOf.getUTCMonth(), asOf.getUTCDate());
  const birthMs = anniversary - rng.int(1, 363) * DAY_MS;
  const age = ageAt(birthMs, asOfMs);

  // Name.
  const base = drawName(rng, sex, 0.7);
  const prefixDraw = rng.float();
  const fitting = NAME_PREFIXES.filter((p) => p.sex === sex || p.sex === 'any');
  const prefix = prefixDraw < 0.2 ? rng.pick(fitting).text : undefined;
  const suffixDraw = rng.float();
  const suffix =
    sex === 'male' && suffixDraw < 0.05
      ? rng.pick(NAME_SUFFIXES.slice(0, 4))
      : suffixDraw > 0.985
        ? rng.pick(NAME_SUFFIXES.slice(5))
        : undefined;
  const name: SynthName = { ...base, prefix, suffix };
  const usualGiven = rng.bernoulli(0.15) ? drawGiven(rng, sex) : undefined;

  // Address: a few in HIPAA-restricted ZIP3 areas; most near the owner.
  const placeDraw = rng.float();
  const place =
    placeDraw < 0.03 ? rng.pick(RESTRICTED_ZIP3_PLACES) : placeDraw < 0.63 ? place0 : rng.pick(CITIES);
  const line = [`${rng.int(1, 9999)} ${rng.pick(STREET_NAMES)} ${rng.pick(STREET_SUFFIXES)}`];
  if (rng.bernoulli(0.2))
    line.push(`Apt ${rng.int(1, 40)}${rng.bernoulli(0.3) ? rng.pick(['A', 'B', 'C']) : ''}`);
  let postalCode = `${place.zip3}${drawDigits(rng, 2)}`;
  if (rng.bernoulli(0.1)) postalCode += `-${drawDigits(rng, 4)}`;

  const homePhone = rng.bernoulli(0.85) ? drawPhone(rng, place.areaCode) : undefined;
  const mobilePhone = drawPhone(rng, place.areaCode);
  const email = rng.bernoulli(0.7)
    ? `${asciiFold(name.given)}.${asciiFold(name.family)}${rng.int(1, 99)}@${rng.pick(['example.com', 'example.net', 'mail.example'])}`
    : undefined;
  const licenceDraw = rng.float();
  const driversLicense =
    licenceDraw < 0.3
      ? {
          system: `urn:oid:2.16.840.1.113883.4.3.${Number(place.fips)}`,
          value: `${String.fromCharCode(65 + rng.int(0, 25))}${drawDigits(rng, 7)}`,
        }
      : undefined;
  const maritalStatus = (
    MARITAL[
      weighted(
        rng,
        MARITAL.map((m) => m[1]),
      )
    ] as [string, number]
  )[0];
  const race = weighted(rng, RACE_WEIGHTS);
  const ethnicity = rng.bernoulli(0.18) ? 0 : 1;
  let contact: SynthContact | undefined;
  if (rng.bernoulli(0.4)) {
    const csex: Sex = rng.bernoulli(0.5) ? 'female' : 'male';
    const cn = drawName(rng, csex, 0);
    contact = {
      relationship: rng.bernoulli(0.5) ? 'N' : 'C',
      name: { family: rng.bernoulli(0.6) ? name.family : cn.family, given: cn.given },
      phone: drawPhone(rng, place.areaCode),
    };
  }
  const nPract = owner.practitioners.length;
  const generalPractitioner = rng.int(0, nPract - 1);

  // Baseline physiology and outcomes: the planted signal.
  const b = drawBaseline({ rng, age, sex });

  // Encounters in the five years before asOf, oldest first.
  const nEnc = rng.int(1, 4);
  const days: number[] = [];
  while (days.length < nEnc) {
    const d = rng.int(1, 1826);
    if (!days.includes(d)) days.push(d);
  }
  days.sort((x, y) => y - x);
  const fullName = `${name.given} ${name.family}`;
  const encounters: SynthEncounter[] = [];
  for (const d of days) {
    const startMs = asOfMs - d * DAY_MS + 8 * HOUR + rng.int(0, 9 * 60 - 1) * MIN;
    const endMs = startMs + rng.int(15, 75) * MIN;
    const practitioner = rng.bernoulli(0.7) ? generalPractitioner : rng.int(0, nPract - 1);
    const typeIndex = rng.int(0, 2);
    const labAt = startMs + rng.int(10, 50) * MIN;
    const labIssued = labAt + rng.int(1, 36) * HOUR;
    const vitalAt = startMs + rng.int(5, 10) * MIN;
    const vitalIssued = vitalAt + rng.int(1, 10) * MIN;
    const hba1c = round1(clamp(b.hba1c + rng.normal(0, 0.15), 3.5, 15));
    const glucose = Math.round(clamp(28.7 * hba1c - 46.7 + rng.normal(0, 12), 50, 600));
    const bmi = round1(clamp(b.bmi + rng.normal(0, 0.4), 14, 65));
    const height = round1(b.heightCm + rng.normal(0, 0.5));
    const weight = round1(bmi * (height / 100) ** 2);
    const sys = Math.round(b.systolic + rng.normal(0, 6));
    const dia = Math.round(b.diastolic + rng.normal(0, 4));
    const obs = (
      kind: SynthObservation['kind'],
      value: number,
      lab: boolean,
      value2?: number,
    ): SynthObservation => {
      const oid = drawUuid(rng);
      const noteDraw = rng.float();
      return {
        id: oid,
        kind,
        value,
        value2,
        effectiveMs: lab ? labAt : vitalAt,
        issuedMs: lab ? labIssued : vitalIssued,
        note: noteDraw < 0.03 ? drawNote(rng, fullName, name, mrn, mobilePhone) : undefined,
      };
    };
    const observations = [
      obs('hba1c', hba1c, true),
      obs('glucose', glucose, true),
      obs('bmi', bmi, false),
      obs('weight', weight, false),
      obs('height', height, false),
      obs('bp', sys, false, dia),
    ];
    encounters.push({
      id: drawUuid(rng),
      visitNumber: `V${drawDigits(rng, 9)}`,
      startMs,
      endMs,
      typeIndex,
      practitioner,
      observations,
    });
  }
  const first = encounters[0] as SynthEncounter;

  // Conditions and medications.
  const conditions: SynthCondition[] = [];
  const medications: SynthMedication[] = [];
  const adultMs = birthMs + 20 * YEAR_MS;
  const onset = (): number => {
    const span = Math.max(0, Math.min(10 * YEAR_MS, first.startMs - adultMs));
    return first.startMs - Math.floor((rng.float() * span) / DAY_MS) * DAY_MS;
  };
  const dmOnset = onset();
  const htOnset = onset();
  const condIds = [drawUuid(rng), drawUuid(rng)];
  const medIds = [drawUuid(rng), drawUuid(rng)];
  const metformin = rng.bernoulli(0.85);
  const lisinopril = rng.bernoulli(0.8);
  const authoredMs = first.startMs + rng.int(20, 40) * MIN;
  if (b.diabetes)
    conditions.push({ id: condIds[0] as string, kind: 'diabetes', onsetMs: dmOnset, encounter: 0 });
  if (b.hypertension) {
    conditions.push({ id: condIds[1] as string, kind: 'hypertension', onsetMs: htOnset, encounter: 0 });
  }
  if (b.diabetes && metformin) {
    medications.push({
      id: medIds[0] as string,
      kind: 'metformin',
      encounter: 0,
      authoredMs,
      requester: first.practitioner,
    });
  }
  if (b.hypertension && lisinopril) {
    medications.push({
      id: medIds[1] as string,
      kind: 'lisinopril',
      encounter: 0,
      authoredMs,
      requester: first.practitioner,
    });
  }

  // Imaging: decided on the main stream, drawn on a fork.
  const imagingDraw = rng.float();
  const study =
    imagingDraw < imaging.fraction
      ? drawStudy({
          rng: rng.fork('imaging'),
          imaging,
          encounters,
          nPract,
          name,
          fullName,
          mrn,
          birthMs,
          diabetes: b.diabetes,
        })
      : undefined;

  return {
    index,
    localIndex,
    id,
    mrn,
    ssn,
    driversLicense,
    sex,
    birthMs,
    age,
    name,
    usualGiven,
    homePhone,
    mobilePhone,
    email,
    address: { line, place, postalCode },
    maritalStatus,
    race,
    ethnicity,
    contact,
    generalPractitioner,
    heightCm: b.heightCm,
    bmi: b.bmi,
    hba1c: b.hba1c,
    diabetes: b.diabetes,
    hypertension: b.hypertension,
    encounters,
    conditions,
    medications,
    study,
  };
}

function drawNote(rng: Rng, fullName: string, name: SynthName, mrn: string, phone: string): string {
  switch (rng.int(0, 4)) {
    case 0:
      return `${fullName} fasted for 10 hours before the draw.`;
    case 1:
      return `Repeat measurement requested; ${fullName} was anxious during the visit.`;
    case 2:
      return `Called ${name.given} at ${phone} to discuss the result.`;
    case 3:
      return `Pt ${name.family}, ${name.given} (MRN ${mrn}) tolerated the procedure well.`;
    default:
      return `Result reviewed with ${name.prefix ? `${name.prefix} ` : ''}${name.family}; follow up in 3 months.`;
  }
}

const STUDY_DESCRIPTIONS: Record<SynthModality, Record<SynthBodyPart, readonly string[]>> = {
  CT: {
    CHEST: ['CT CHEST W/O CONTRAST', 'CT CHEST W CONTRAST', 'CT CHEST LOW DOSE SCREENING'],
    ABDOMEN: ['CT ABDOMEN PELVIS W CONTRAST', 'CT ABDOMEN W/O CONTRAST'],
    HEAD: ['CT HEAD W/O CONTRAST', 'CT BRAIN STROKE PROTOCOL'],
  },
  MR: {
    CHEST: ['MR CHEST W/O CONTRAST'],
    ABDOMEN: ['MR ABDOMEN W/WO CONTRAST', 'MR LIVER'],
    HEAD: ['MRI BRAIN W/O CONTRAST', 'MRI BRAIN W/WO CONTRAST'],
  },
};
const SERIES_DESCRIPTIONS: Record<SynthModality, readonly string[]> = {
  CT: ['AXIAL 5.0 SOFT TISSUE', 'AXIAL 1.25 BONE', 'AXIAL 2.5 STANDARD', 'AX 3MM'],
  MR: ['AX T1', 'AX T2', 'AX T2 FLAIR', 'AX DWI', 'AX T1 POST'],
};
const FOV: Record<SynthBodyPart, number> = { CHEST: 360, ABDOMEN: 380, HEAD: 240 };

function drawStudy(params: {
  rng: Rng;
  imaging: ImagingSettings;
  encounters: readonly SynthEncounter[];
  nPract: number;
  name: SynthName;
  fullName: string;
  mrn: string;
  birthMs: number;
  diabetes: boolean;
}): SynthStudy {
  const { rng, imaging } = params;
  const id = drawUuid(rng);
  const uid = drawUid(rng);
  const frameOfReferenceUid = drawUid(rng);
  const encounter = rng.int(0, params.encounters.length - 1);
  const enc = params.encounters[encounter] as SynthEncounter;
  const startMs = enc.startMs + rng.int(20, 90) * MIN + rng.int(0, 59) * 1000;
  const drawnModality: SynthModality = rng.bernoulli(0.7) ? 'CT' : 'MR';
  const modality = imaging.modality === 'auto' ? drawnModality : imaging.modality;
  const partDraw = rng.float();
  const bodyPart: SynthBodyPart =
    modality === 'CT'
      ? partDraw < 0.4
        ? 'CHEST'
        : partDraw < 0.8
          ? 'ABDOMEN'
          : 'HEAD'
      : partDraw < 0.6
        ? 'HEAD'
        : partDraw < 0.9
          ? 'ABDOMEN'
          : 'CHEST';
  const description = rng.pick(STUDY_DESCRIPTIONS[modality][bodyPart]);
  const osex: Sex = rng.bernoulli(0.5) ? 'female' : 'male';
  const operator = drawName(rng, osex, 0);
  const performer = rng.int(0, params.nPract - 1);
  const accession = `A${drawDigits(rng, 9)}`;
  const studyId = String(rng.int(1000, 99999));
  const requestedProcedureId = `RP${drawDigits(rng, 7)}`;
  const scheduledStepId = `SPS${drawDigits(rng, 7)}`;
  const fieldStrength = rng.pick([1.5, 3]);
  const reason = params.diabetes ? 'history of type 2 diabetes' : 'routine follow-up';
  const comment =
    rng.int(0, 1) === 0
      ? `${params.fullName} (DOB ${formatDate(params.birthMs)}) referred for ${description.toLowerCase()}; ${reason}.`
      : `Patient ${params.name.family}, ${params.name.given}, MRN ${params.mrn}: ${reason}. Claustrophobic.`;
  const nSeries = rng.int(1, 2);
  const series: SynthSeries[] = [];
  for (let s = 0; s < nSeries; s++) {
    const srng = rng.fork('series', s);
    const sizeDraw = IMAGE_SIZES[weighted(srng, IMAGE_SIZE_WEIGHTS)] as number;
    const size = imaging.imageSize === 'auto' ? sizeDraw : Number(imaging.imageSize);
    const sliceThicknessMm = srng.pick(bodyPart === 'HEAD' ? [2.5, 3, 5] : [1.25, 2.5, 3, 5]);
    const fovMm = FOV[bodyPart] + srng.int(-20, 20);
    const zStartMm = bodyPart === 'HEAD' ? srng.int(-30, 10) : srng.int(-60, 20);
    const seriesDescription = srng.pick(SERIES_DESCRIPTIONS[modality]);
    const phantomSeed = srng.u32();
    const kvp = srng.pick([100, 120, 140]);
    const repetitionTime = srng.int(400, 9000);
    const echoTime = srng.int(8, 120);
    const uidRng = srng.fork('instances');
    const instanceUids: string[] = [];
    for (let i = 0; i < imaging.slices; i++) instanceUids.push(drawUid(uidRng));
    series.push({
      uid: drawUid(srng),
      number: s + 1,
      description: seriesDescription,
      size,
      fovMm,
      sliceThicknessMm,
      zStartMm,
      startMs: startMs + s * 4 * MIN,
      instanceUids,
      phantomSeed,
      kvp,
      repetitionTime,
      echoTime,
      // drawn last on the series stream, so every other draw is what it was before it existed
      writesIssuer: srng.bernoulli(0.5),
    });
  }
  return {
    id,
    uid,
    accession,
    studyId,
    encounter,
    startMs,
    modality,
    bodyPart,
    description,
    operator,
    performer,
    requestedProcedureId,
    scheduledStepId,
    frameOfReferenceUid,
    fieldStrength,
    comment,
    series,
  };
}
