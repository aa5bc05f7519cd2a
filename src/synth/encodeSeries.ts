import { SOP_CLASS } from './buildPatientResources.js';
import { dicomName, nameText } from './draw.js';
import { encodeDicom } from './encodeDicom.js';
import { type DicomElement, type EncodedElement, encodeElement } from './encodeElement.js';
import type { SynthOwner, SynthPatient, SynthSeries, SynthStudy } from './model.js';
import { planPhantom } from './planPhantom.js';
import { renderPhantom } from './renderPhantom.js';
import { ageAt, formatDicomDate, formatDicomTime } from './time.js';

export type EncodeSeriesParameters = {
  owner: SynthOwner;
  patient: SynthPatient;
  study: SynthStudy;
  series: SynthSeries;
};

/** One encoded instance of a series. */
export type EncodedSlice = { instanceNumber: number; sopInstanceUid: string; bytes: Buffer };

export type EncodeSeriesReturnType = Generator<EncodedSlice, void, undefined>;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** DS text: at most 16 characters. */
function ds(n: number): string {
  if (Number.isInteger(n)) return String(n);
  let s = String(Math.round(n * 1e4) / 1e4);
  if (s.length > 16) s = n.toPrecision(10);
  return s;
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max).trimEnd();
}

/**
 * Encodes every instance of one series as DICOM Part 10 bytes, lazily (one slice in memory at a
 * time). Series-constant elements are encoded once and spliced into each instance; per slice
 * only the SOP Instance UID, times, position, instance number, the reference to the previous
 * slice and the pixels change. The data set is full of PHI on purpose (names, IDs, address,
 * phone, free-text comments, and a private block that repeats the name) for de-identification
 * tests.
 *
 * @example
 * for (const s of encodeSeries({ owner, patient, study, series })) writeFileSync(`${s.instanceNumber}.dcm`, s.bytes);
 */
export function* encodeSeries({
  owner,
  patient: p,
  study: st,
  series: se,
}: EncodeSeriesParameters): EncodeSeriesReturnType {
  const ct = st.modality === 'CT';
  const sopClassUid = SOP_CLASS[st.modality];
  const size = se.size;
  const spacing = se.fovMm / size;
  const studyDate = formatDicomDate(st.startMs);
  const seriesDate = formatDicomDate(se.startMs);
  const gp = owner.practitioners[p.generalPractitioner] ?? owner.practitioners[0];
  const performer = owner.practitioners[st.performer] ?? owner.practitioners[0];
  const gpName = gp ? dicomName(gp.name) : '';
  const scanner = owner.scanners[st.modality];
  const age = ageAt(p.birthMs, st.startMs);
  const weightKg = Math.round(p.bmi * (p.heightCm / 100) ** 2 * 10) / 10;
  const address = clip(
    `${p.address.line.join(' ')}, ${p.address.place.city}, ${p.address.place.state} ${p.address.postalCode}`,
    64,
  );
  const lastVisit = p.encounters[p.encounters.length - 1];
  const origin = -se.fovMm / 2 + spacing / 2;
  const window = ct
    ? st.bodyPart === 'HEAD'
      ? ['40', '80']
      : st.bodyPart === 'CHEST'
        ? ['-600', '1500']
        : ['40', '400']
    : ['600', '1200'];

  const constant: DicomElement[] = [
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
    { tag: 0x00080008, vr: 'CS', value: ['ORIGINAL', 'PRIMARY', 'AXIAL'] },
    { tag: 0x00080016, vr: 'UI', value: sopClassUid },
    { tag: 0x00080020, vr: 'DA', value: studyDate },
    { tag: 0x00080021, vr: 'DA', value: seriesDate },
    { tag: 0x00080022, vr: 'DA', value: seriesDate },
    { tag: 0x00080023, vr: 'DA', value: seriesDate },
    { tag: 0x00080030, vr: 'TM', value: formatDicomTime(st.startMs) },
    { tag: 0x00080031, vr: 'TM', value: formatDicomTime(se.startMs) },
    { tag: 0x00080050, vr: 'SH', value: st.accession },
    { tag: 0x00080060, vr: 'CS', value: st.modality },
    { tag: 0x00080070, vr: 'LO', value: scanner.manufacturer },
    { tag: 0x00080080, vr: 'LO', value: owner.name },
    {
      tag: 0x00080081,
      vr: 'ST',
      value: `${owner.addressLine}, ${owner.place.city}, ${owner.place.state} ${owner.postalCode}`,
    },
    { tag: 0x00080090, vr: 'PN', value: gpName },
    { tag: 0x00081010, vr: 'SH', value: scanner.station },
    { tag: 0x00081030, vr: 'LO', value: st.description },
    { tag: 0x0008103e, vr: 'LO', value: se.description },
    { tag: 0x00081040, vr: 'LO', value: 'Radiology' },
    { tag: 0x00081050, vr: 'PN', value: performer ? dicomName(performer.name) : '' },
    { tag: 0x00081070, vr: 'PN', value: dicomName(st.operator) },
    { tag: 0x00081090, vr: 'LO', value: scanner.model },
    // Private block: PHI in private tags, on purpose.
    { tag: 0x00090010, vr: 'LO', value: 'SINSO SYNTH' },
    { tag: 0x00091001, vr: 'LO', value: nameText(p.name) },
    { tag: 0x00091002, vr: 'DA', value: lastVisit ? formatDicomDate(lastVisit.startMs) : studyDate },
    {
      tag: 0x00091003,
      vr: 'LO',
      value: clip(`Ref. ${gp ? nameText(gp.name) : 'unknown'}; MRN ${p.mrn}`, 64),
    },
    { tag: 0x00100010, vr: 'PN', value: dicomName(p.name) },
    { tag: 0x00100020, vr: 'LO', value: p.mrn },
    // some devices write the issuer (a short site code), others leave it out
    ...(se.writesIssuer ? [{ tag: 0x00100021, vr: 'LO', value: owner.siteCode } as const] : []),
    { tag: 0x00100030, vr: 'DA', value: formatDicomDate(p.birthMs) },
    { tag: 0x00100040, vr: 'CS', value: p.sex === 'female' ? 'F' : 'M' },
    {
      tag: 0x00101002,
      vr: 'SQ',
      undefinedLength: true,
      undefinedItemLength: true,
      items: [
        [
          { tag: 0x00100020, vr: 'LO', value: p.ssn },
          { tag: 0x00100021, vr: 'LO', value: 'US SSN' },
          { tag: 0x00100022, vr: 'CS', value: 'TEXT' },
        ],
      ],
    },
    { tag: 0x00101010, vr: 'AS', value: `${String(Math.min(age, 999)).padStart(3, '0')}Y` },
    { tag: 0x00101020, vr: 'DS', value: ds(Math.round(p.heightCm) / 100) },
    { tag: 0x00101030, vr: 'DS', value: ds(weightKg) },
    { tag: 0x00101040, vr: 'LO', value: address },
    { tag: 0x00102154, vr: 'SH', value: p.homePhone ?? p.mobilePhone },
    { tag: 0x00104000, vr: 'LT', value: st.comment },
    { tag: 0x00180015, vr: 'CS', value: st.bodyPart },
    { tag: 0x00180050, vr: 'DS', value: ds(se.sliceThicknessMm) },
    { tag: 0x00181000, vr: 'LO', value: scanner.serial },
    { tag: 0x00181020, vr: 'LO', value: scanner.software.split('\\') },
    { tag: 0x00185100, vr: 'CS', value: 'HFS' },
    { tag: 0x0020000d, vr: 'UI', value: st.uid },
    { tag: 0x0020000e, vr: 'UI', value: se.uid },
    { tag: 0x00200010, vr: 'SH', value: st.studyId },
    { tag: 0x00200011, vr: 'IS', value: String(se.number) },
    { tag: 0x00200012, vr: 'IS', value: '1' },
    { tag: 0x00200037, vr: 'DS', value: ['1', '0', '0', '0', '1', '0'] },
    { tag: 0x00200052, vr: 'UI', value: st.frameOfReferenceUid },
    { tag: 0x00201040, vr: 'LO', value: '' },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: size },
    { tag: 0x00280011, vr: 'US', value: size },
    { tag: 0x00280030, vr: 'DS', value: [ds(spacing), ds(spacing)] },
    { tag: 0x00280100, vr: 'US', value: 16 },
    { tag: 0x00280101, vr: 'US', value: ct ? 16 : 12 },
    { tag: 0x00280102, vr: 'US', value: ct ? 15 : 11 },
    { tag: 0x00280103, vr: 'US', value: ct ? 1 : 0 },
    { tag: 0x00280301, vr: 'CS', value: 'NO' },
    { tag: 0x00281050, vr: 'DS', value: window[0] as string },
    { tag: 0x00281051, vr: 'DS', value: window[1] as string },
    { tag: 0x00281052, vr: 'DS', value: ct ? '-1024' : '0' },
    { tag: 0x00281053, vr: 'DS', value: '1' },
    { tag: 0x00321032, vr: 'PN', value: gpName },
    {
      tag: 0x00400275,
      vr: 'SQ',
      undefinedLength: true,
      items: [
        [
          { tag: 0x00400007, vr: 'LO', value: st.description },
          {
            tag: 0x00400008,
            vr: 'SQ',
            undefinedLength: false,
            undefinedItemLength: true,
            items: [
              [
                { tag: 0x00080100, vr: 'SH', value: st.modality === 'CT' ? 'CTPROT01' : 'MRPROT01' },
                { tag: 0x00080102, vr: 'SH', value: '99SINSO' },
                { tag: 0x00080104, vr: 'LO', value: st.description },
              ],
            ],
          },
          { tag: 0x00400009, vr: 'SH', value: st.scheduledStepId },
          { tag: 0x00401001, vr: 'SH', value: st.requestedProcedureId },
        ],
      ],
    },
  ];
  if (ct) {
    constant.push({ tag: 0x00180060, vr: 'DS', value: String(se.kvp) });
    constant.push({ tag: 0x00281054, vr: 'LO', value: 'HU' });
  } else {
    constant.push(
      { tag: 0x00180020, vr: 'CS', value: 'SE' },
      { tag: 0x00180021, vr: 'CS', value: 'NONE' },
      { tag: 0x00180022, vr: 'CS', value: '' },
      { tag: 0x00180023, vr: 'CS', value: '2D' },
      { tag: 0x00180080, vr: 'DS', value: String(se.repetitionTime) },
      { tag: 0x00180081, vr: 'DS', value: String(se.echoTime) },
      { tag: 0x00180087, vr: 'DS', value: ds(st.fieldStrength) },
      { tag: 0x00180091, vr: 'IS', value: '1' },
    );
  }
  const encoded: EncodedElement[] = constant.map(encodeElement);

  const phantom = planPhantom({
    modality: st.modality,
    bodyPart: st.bodyPart,
    size,
    fovMm: se.fovMm,
    sliceThicknessMm: se.sliceThicknessMm,
    zStartMm: se.zStartMm,
    slices: se.instanceUids.length,
    seed: se.phantomSeed,
  });
  const pixels = new Int16Array(size * size);
  const pixelBytes = new Uint8Array(pixels.buffer);
  const swapped = LITTLE_ENDIAN ? pixelBytes : new Uint8Array(pixelBytes.length);
  const origin3 = [ds(origin), ds(origin)];

  for (let i = 0; i < se.instanceUids.length; i++) {
    const uid = se.instanceUids[i] as string;
    const z = phantom.zPositions[i] ?? 0;
    renderPhantom({ phantom, slice: i, out: pixels });
    if (!LITTLE_ENDIAN) {
      for (let b = 0; b < pixelBytes.length; b += 2) {
        swapped[b] = pixelBytes[b + 1] as number;
        swapped[b + 1] = pixelBytes[b] as number;
      }
    }
    const t = formatDicomTime(se.startMs + 1000 + i * 350);
    const perSlice: DicomElement[] = [
      { tag: 0x00080018, vr: 'UI', value: uid },
      { tag: 0x00080032, vr: 'TM', value: t },
      { tag: 0x00080033, vr: 'TM', value: t },
      { tag: 0x00200013, vr: 'IS', value: String(i + 1) },
      { tag: 0x00200032, vr: 'DS', value: [...origin3, ds(z)] },
      { tag: 0x00201041, vr: 'DS', value: ds(z) },
      { tag: 0x7fe00010, vr: 'OW', value: swapped },
    ];
    if (i > 0) {
      perSlice.push({
        tag: 0x00081140,
        vr: 'SQ',
        items: [
          [
            { tag: 0x00081150, vr: 'UI', value: sopClassUid },
            { tag: 0x00081155, vr: 'UI', value: se.instanceUids[i - 1] as string },
          ],
        ],
      });
    }
    yield {
      instanceNumber: i + 1,
      sopInstanceUid: uid,
      bytes: encodeDicom({
        meta: { sopClassUid, sopInstanceUid: uid, sourceAeTitle: owner.aeTitle },
        elements: [...encoded, ...perSlice],
      }),
    };
  }
}
