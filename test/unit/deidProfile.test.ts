import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SinsoError } from '../../src/core/errors/index.js';
import { version } from '../../src/core/version.js';
import {
  ANNEX_E_TABLE_URL,
  type AnnexERow,
  BasicProfileActionSchema,
  buildProfile,
  COMPOUND_ATTRIBUTE_TYPES,
  type DeidDicomOption,
  DeidDicomOptionSchema,
  loadAnnexETable,
  OPTION_COLUMN,
  PROFILE_ACTIONS,
  type Profile,
  type ProfileAction,
  parseTagPattern,
} from '../../src/deid/dicom/profile/index.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const TABLE_PATH = join(repoRoot, 'datasets/annexE-2024b.json');
const rawRows = JSON.parse(readFileSync(TABLE_PATH, 'utf8')) as AnnexERow[];
const table = loadAnnexETable();

// The test's own view of the data dictionary (dcmjs), independent of the engine's adapter.
const dictionary = (
  createRequire(import.meta.url)('dcmjs') as {
    data: { DicomMetaDictionary: { dictionary: Record<string, { vr: string } | undefined> } };
  }
).data.DicomMetaDictionary.dictionary;
const hex = (tag: number) => (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
const vrOf = (tag: number) => dictionary[`(${hex(tag).slice(0, 4)},${hex(tag).slice(4)})`]?.vr;

const OPTIONS: readonly DeidDicomOption[] = DeidDicomOptionSchema.options;
const FULL = 'retain-longitudinal-full-dates';
const MODIFIED = 'retain-longitudinal-modified-dates';

/** Every valid option set: all subsets of the ten options that do not hold both date options. */
const OPTION_SETS: DeidDicomOption[][] = [];
for (let mask = 0; mask < 1 << OPTIONS.length; mask++) {
  const set = OPTIONS.filter((_, i) => mask & (1 << i));
  if (!(set.includes(FULL) && set.includes(MODIFIED))) OPTION_SETS.push(set);
}

const profiles = new Map<string, Profile>();
const profileFor = (options: readonly DeidDicomOption[]): Profile => {
  const key = [...options].sort().join(',');
  let p = profiles.get(key);
  if (!p) {
    p = buildProfile(options);
    profiles.set(key, p);
  }
  return p;
};

// ---------------------------------------------------------------------------------------------
// The expected action of a row, written from the table data and the documented rules.

/** Compound actions: by strictest Type where known, else the safe choice (resolveBasicAction docs). */
const BY_TYPE: Record<string, Record<1 | 2 | 3, ProfileAction>> = {
  'X/Z': { 1: 'Z', 2: 'Z', 3: 'X' },
  'Z/D': { 1: 'D', 2: 'Z', 3: 'Z' },
  'X/D': { 1: 'D', 2: 'D', 3: 'X' },
  'X/Z/D': { 1: 'D', 2: 'Z', 3: 'X' },
  'X/Z/U*': { 1: 'U', 2: 'Z', 3: 'X' },
};
const UNKNOWN_TYPE: Record<string, ProfileAction> = {
  'X/Z': 'Z',
  'Z/D': 'D',
  'X/D': 'D',
  'X/Z/D': 'D',
  'X/Z/U*': 'U',
};

function expectedBasic(row: AnnexERow, tag: number, vr: string | undefined): ProfileAction {
  const code = row.basicProfileAction;
  let action: ProfileAction;
  if (code.includes('/')) {
    const type = COMPOUND_ATTRIBUTE_TYPES.get(tag)?.type;
    action = type ? (BY_TYPE[code]?.[type] as ProfileAction) : (UNKNOWN_TYPE[code] as ProfileAction);
  } else {
    action = code as ProfileAction;
  }
  return action === 'D' && vr === 'UI' ? 'U' : action;
}

function expectedAction(
  row: AnnexERow,
  options: readonly DeidDicomOption[],
  tag: number,
  vr: string | undefined,
): ProfileAction {
  const fromOptions: ProfileAction[] = [];
  for (const option of options) {
    if (option === 'retain-safe-private') continue;
    const value = row[OPTION_COLUMN[option]];
    if (!value) continue;
    if (option === MODIFIED) {
      // 'C' = modify: shift, for dates and times only; other VRs keep their other actions
      if (vr === 'DA' || vr === 'DT' || vr === 'TM') fromOptions.push('S');
      continue;
    }
    fromOptions.push(value);
  }
  for (const winner of ['S', 'K', 'C'] as const) if (fromOptions.includes(winner)) return winner;
  return expectedBasic(row, tag, vr);
}

/** Concrete tags for each pattern row. */
const WILDCARD_TAGS: Record<string, number[]> = {
  '(50XX,XXXX)': [0x50000000, 0x50020010, 0x501e3000, 0x50102200, 0x5020ffff],
  '(60XX,3000)': [0x60003000, 0x60023000, 0x601e3000, 0x60223000],
  '(60XX,4000)': [0x60004000, 0x60064000, 0x601e4000, 0x60fe4000],
};

describe('the Annex E table', () => {
  it('is loaded whole and validated: 621 rows, 49 compound, each tag pattern parses', () => {
    expect(table).toHaveLength(621);
    expect(table).toHaveLength(rawRows.length);
    expect(table.filter((r) => r.basicProfileAction.includes('/'))).toHaveLength(49);
    for (const row of table) expect(() => parseTagPattern(row.tag)).not.toThrow();
  });

  it('is found at the package root from src/ and from dist/ alike', () => {
    expect(fileURLToPath(ANNEX_E_TABLE_URL)).toBe(TABLE_PATH);
    const fromDist = new URL(
      '../../../../../datasets/annexE-2024b.json',
      pathToFileURL(join(repoRoot, 'dist/deid/dicom/profile/adapters/loadAnnexETable.js')),
    );
    expect(fileURLToPath(fromDist)).toBe(TABLE_PATH);
  });

  it('uses only the action codes of Table E.1-1a', () => {
    for (const row of table) expect(BasicProfileActionSchema.options).toContain(row.basicProfileAction);
  });

  it('has a Type entry, with the dictionary VR, for every compound row and no other', () => {
    const compound = table
      .filter((r) => r.basicProfileAction.includes('/'))
      .map((r) => (parseTagPattern(r.tag) as { tag: number }).tag)
      .sort((a, b) => a - b);
    expect([...COMPOUND_ATTRIBUTE_TYPES.keys()].sort((a, b) => a - b)).toEqual(compound);
    for (const [tag, info] of COMPOUND_ATTRIBUTE_TYPES) expect(info.vr, info.name).toBe(vrOf(tag));
  });

  it('has exactly three non-date attributes in the modified-dates column', () => {
    const nonTemporal = table
      .filter((r) => r.retainLongitudinalModifiedDatesOption)
      .map((r) => r.tag)
      .filter((t) => !['DA', 'DT', 'TM'].includes(vrOf((parseTagPattern(t) as { tag: number }).tag) ?? ''));
    expect(nonTemporal.sort()).toEqual(['(0008,0201)', '(0034,0007)', '(0400,0310)']);
  });
});

describe('buildProfile: every row, every valid option set', () => {
  it(`resolves each row as the table says, for all ${OPTION_SETS.length} option sets`, () => {
    const rows = table.map((row) => {
      const pattern = parseTagPattern(row.tag);
      const tags =
        pattern.kind === 'exact'
          ? [pattern.tag]
          : pattern.kind === 'masked'
            ? (WILDCARD_TAGS[row.tag] ?? [])
            : // without its Private Creator, a private attribute is never known to be safe
              [0x00091001, 0x00191023, 0x70531000, 0x00290010, 0x00090000];
      expect(tags.length, row.tag).toBeGreaterThan(0);
      return { row, pattern, tags, vr: pattern.kind === 'exact' ? vrOf(pattern.tag) : undefined };
    });
    const mismatches: string[] = [];
    let checks = 0;
    for (const options of OPTION_SETS) {
      const profile = profileFor(options);
      for (const { row, pattern, tags, vr } of rows) {
        for (const t of tags) {
          checks++;
          const got = profile.actionFor(t);
          const want =
            pattern.kind === 'private'
              ? 'X'
              : t >>> 16 === 0x0002
                ? undefined
                : expectedAction(row, options, t, vr);
          if (got !== want)
            mismatches.push(`[${options}] ${row.tag} ${row.name} ${hex(t)}: got ${got}, want ${want}`);
        }
      }
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(checks).toBeGreaterThan(OPTION_SETS.length * 621);
  });

  it('with no option, matches the Basic Profile column for every plain row', () => {
    const basic = profileFor([]);
    for (const row of table) {
      const pattern = parseTagPattern(row.tag);
      if (pattern.kind !== 'exact' || row.basicProfileAction.includes('/') || pattern.tag >>> 16 === 2)
        continue;
      const want =
        row.basicProfileAction === 'D' && vrOf(pattern.tag) === 'UI' ? 'U' : row.basicProfileAction;
      expect(basic.actionFor(pattern.tag), row.name).toBe(want);
    }
  });

  it('resolves the compound rows as documented', () => {
    const basic = profileFor([]);
    const resolved: Record<string, string> = {};
    for (const row of table.filter((r) => r.basicProfileAction.includes('/'))) {
      const tag = (parseTagPattern(row.tag) as { tag: number }).tag;
      resolved[`${row.tag} ${row.basicProfileAction}`] = basic.actionFor(tag) as string;
    }
    expect(resolved).toMatchInlineSnapshot(`
      {
        "(0008,0012) X/D": "D",
        "(0008,0013) X/Z/D": "D",
        "(0008,0021) X/D": "D",
        "(0008,0022) X/Z": "Z",
        "(0008,0023) Z/D": "D",
        "(0008,002A) X/Z/D": "D",
        "(0008,0031) X/D": "D",
        "(0008,0032) X/Z": "Z",
        "(0008,0033) Z/D": "D",
        "(0008,0080) X/Z/D": "D",
        "(0008,0082) X/Z/D": "D",
        "(0008,1010) X/Z/D": "D",
        "(0008,1070) X/Z/D": "D",
        "(0008,1072) X/D": "D",
        "(0008,1110) X/Z": "Z",
        "(0008,1111) X/Z/D": "D",
        "(0008,1140) X/Z/U*": "U",
        "(0008,2112) X/Z/U*": "U",
        "(0010,0020) Z/D": "D",
        "(0010,2203) X/Z": "Z",
        "(0018,0010) Z/D": "D",
        "(0018,1000) X/Z/D": "D",
        "(0018,1030) X/D": "D",
        "(0018,1400) X/D": "D",
        "(0018,700A) X/D": "D",
        "(0018,700C) X/D": "D",
        "(0018,700E) X/D": "D",
        "(0018,9516) X/D": "D",
        "(0018,9517) X/D": "D",
        "(0018,9919) Z/D": "D",
        "(0032,1060) X/Z": "Z",
        "(0040,0555) X/Z": "Z",
        "(0040,A032) X/D": "D",
        "(0070,0084) Z/D": "D",
        "(2200,0002) X/Z": "Z",
        "(2200,0005) X/Z": "Z",
        "(3008,0054) X/D": "D",
        "(3008,0056) X/D": "D",
        "(3008,0105) X/Z": "Z",
        "(3008,0250) X/D": "D",
        "(3008,0251) X/D": "D",
        "(300A,0006) X/D": "D",
        "(300A,0007) X/D": "D",
        "(300A,00B2) X/Z": "Z",
        "(300E,0008) X/Z": "Z",
        "(3010,004C) X/D": "D",
        "(3010,004D) X/D": "D",
        "(3010,0056) X/D": "D",
        "(3010,0077) X/D": "D",
      }
    `);
  });
});

describe('buildProfile: well-known attributes', () => {
  const T = {
    PatientName: 0x00100010,
    PatientID: 0x00100020,
    PatientBirthDate: 0x00100030,
    PatientSex: 0x00100040,
    PatientAge: 0x00101010,
    Allergies: 0x00102110,
    StudyInstanceUID: 0x0020000d,
    SeriesInstanceUID: 0x0020000e,
    SOPInstanceUID: 0x00080018,
    SOPClassUID: 0x00080016,
    StudyDate: 0x00080020,
    StudyTime: 0x00080030,
    SeriesDate: 0x00080021,
    ContentDate: 0x00080023,
    AcquisitionDate: 0x00080022,
    AcquisitionDateTime: 0x0008002a,
    TimezoneOffsetFromUTC: 0x00080201,
    DateOfLastCalibration: 0x00181200,
    AccessionNumber: 0x00080050,
    InstitutionName: 0x00080080,
    StationName: 0x00081010,
    StationAETitle: 0x00080055,
    StudyDescription: 0x00081030,
    ReferencedImageSequence: 0x00081140,
    ContentSequence: 0x0040a730,
    Rows: 0x00280010,
    PixelData: 0x7fe00010,
    DigitalSignaturesSequence: 0xfffafffa,
    MediaStorageSOPInstanceUID: 0x00020003,
    TransferSyntaxUID: 0x00020010,
  };

  it('applies the Basic Profile', () => {
    const p = buildProfile([]);
    expect(p.actionFor(T.PatientName)).toBe('Z');
    expect(p.actionFor(T.PatientID)).toBe('D'); // Z/D in 2024b; strictest Type not known → D
    expect(p.actionFor(T.PatientBirthDate)).toBe('Z');
    expect(p.actionFor(T.StudyInstanceUID)).toBe('U');
    expect(p.actionFor(T.SeriesInstanceUID)).toBe('U');
    expect(p.actionFor(T.SOPInstanceUID)).toBe('U');
    expect(p.actionFor(T.SOPClassUID)).toBe('K');
    expect(p.actionFor(T.StudyDate)).toBe('Z');
    expect(p.actionFor(T.ContentDate)).toBe('D'); // Z/D, Type 1 in Multi-frame Functional Groups
    expect(p.actionFor(T.AcquisitionDate)).toBe('Z'); // X/Z, Type 2 in PET Image
    expect(p.actionFor(T.SeriesDate)).toBe('D'); // X/D, Type unknown
    expect(p.actionFor(T.AccessionNumber)).toBe('Z');
    expect(p.actionFor(T.InstitutionName)).toBe('D'); // X/Z/D, Type unknown
    expect(p.actionFor(T.StudyDescription)).toBe('X');
    expect(p.actionFor(T.ReferencedImageSequence)).toBe('U');
    expect(p.actionFor(T.ContentSequence)).toBe('D');
    expect(p.actionFor(T.Rows)).toBe('K');
    expect(p.actionFor(T.PixelData)).toBe('K');
    expect(p.actionFor(T.DigitalSignaturesSequence)).toBe('X');
    expect(p.actionFor(0x50020010)).toBe('X'); // curve
    expect(p.actionFor(0x60223000)).toBe('X'); // overlay data
    expect(p.actionFor(0x60003000)).toBe('X');
    expect(p.actionFor(0x60004000)).toBe('X'); // overlay comments
    expect(p.actionFor(0x60000010)).toBe('K'); // overlay rows: not in the table
    expect(p.actionFor(0x00091001)).toBe('X'); // private
    expect(p.actionFor(0x00090010, 'ANY CREATOR')).toBe('X');
    expect(p.actionFor(T.MediaStorageSOPInstanceUID)).toBeUndefined(); // file meta
    expect(p.actionFor(T.TransferSyntaxUID)).toBeUndefined();
  });

  it('applies the retain and clean options', () => {
    expect(buildProfile(['retain-uids']).actionFor(T.StudyInstanceUID)).toBe('K');
    expect(buildProfile(['retain-uids']).actionFor(T.ReferencedImageSequence)).toBe('K');
    expect(buildProfile([FULL]).actionFor(T.StudyDate)).toBe('K');
    expect(buildProfile([FULL]).actionFor(T.SeriesDate)).toBe('K');
    const modified = buildProfile([MODIFIED]);
    expect(modified.actionFor(T.StudyDate)).toBe('S');
    expect(modified.actionFor(T.StudyTime)).toBe('S');
    expect(modified.actionFor(T.AcquisitionDateTime)).toBe('S');
    expect(modified.actionFor(T.TimezoneOffsetFromUTC)).toBe('X'); // SH: nothing to shift
    expect(modified.actionFor(T.PatientBirthDate)).toBe('Z'); // not in the column
    expect(buildProfile(['retain-institution-identity']).actionFor(T.InstitutionName)).toBe('K');
    const device = buildProfile(['retain-device-identity']);
    expect(device.actionFor(T.StationName)).toBe('K');
    expect(device.actionFor(T.StationAETitle)).toBe('C');
    expect(device.actionFor(T.DateOfLastCalibration)).toBe('K');
    // an unshifted date would reveal the shift: S wins over K
    expect(buildProfile(['retain-device-identity', MODIFIED]).actionFor(T.DateOfLastCalibration)).toBe('S');
    const patient = buildProfile(['retain-patient-characteristics']);
    expect(patient.actionFor(T.PatientSex)).toBe('K');
    expect(patient.actionFor(T.PatientAge)).toBe('K');
    expect(patient.actionFor(T.Allergies)).toBe('C');
    expect(buildProfile(['clean-descriptors']).actionFor(T.StudyDescription)).toBe('C');
    expect(buildProfile(['clean-structured-content']).actionFor(T.ContentSequence)).toBe('C');
    expect(buildProfile(['clean-graphics']).actionFor(0x60223000)).toBe('C');
    expect(buildProfile(['clean-graphics']).actionFor(0x50020010)).toBe('C');
  });

  it('keeps safe private attributes only under retain-safe-private, by their creator', () => {
    const safe = buildProfile(['retain-safe-private']);
    const PET = 'Philips PET Private Group';
    expect(safe.actionFor(0x70531000, PET)).toBe('K'); // SUV Factor
    expect(safe.actionFor(0x70531009, PET)).toBe('K'); // Activity Concentration Factor
    expect(safe.actionFor(0x70534200, PET)).toBe('K'); // same element in block 0x42
    expect(safe.actionFor(0x70531000, `${PET}  `)).toBe('K'); // LO padding
    expect(safe.actionFor(0x70531001, PET)).toBe('X'); // not listed
    expect(safe.actionFor(0x70531000, 'SOMEONE ELSE')).toBe('X');
    expect(safe.actionFor(0x70531000)).toBe('X'); // creator unknown
    expect(safe.actionFor(0x70530010, PET)).toBe('K'); // its creator element
    expect(safe.actionFor(0x70530010, 'SOMEONE ELSE')).toBe('X');
    expect(safe.actionFor(0x70530000, PET)).toBe('X'); // group length
    expect(safe.actionFor(0x00191023, 'GEMS_ACQU_01')).toBe('K'); // Table Speed
    expect(safe.actionFor(0x00991002, 'NQHeader')).toBe('U'); // a UID: mapped
    expect(buildProfile(['retain-safe-private', 'retain-uids']).actionFor(0x00991002, 'NQHeader')).toBe('K');
    expect(buildProfile([]).actionFor(0x70531000, PET)).toBe('X');
    expect(buildProfile([]).actionFor(0x70530010, PET)).toBe('X');
  });

  it('accepts the options in any order and more than once', () => {
    const a = buildProfile(['retain-uids', 'clean-descriptors', 'retain-uids']);
    const b = buildProfile(['clean-descriptors', 'retain-uids']);
    expect(a.options).toEqual(['retain-uids', 'clean-descriptors']);
    expect(a.describe()).toEqual(b.describe());
  });
});

describe('buildProfile: errors', () => {
  it('rejects the two longitudinal options together (USAGE)', () => {
    let err: unknown;
    try {
      buildProfile([MODIFIED, 'retain-uids', FULL]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SinsoError);
    expect((err as SinsoError).code).toBe('USAGE');
    expect((err as Error).message.replace(version, 'X')).toMatchInlineSnapshot(`
      "The options retain-longitudinal-full-dates and retain-longitudinal-modified-dates exclude each other.

      Fix: Give one of them: full dates keeps dates as they are; modified dates shifts them (PS3.15 E.3.6).
      Version: sinso@X"
    `);
  });

  it('rejects an unknown option (USAGE), naming the valid ones', () => {
    expect(() => buildProfile(['retain-everything' as DeidDicomOption])).toThrowError(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('retain-safe-private') }),
    );
  });
});

describe('profile.describe()', () => {
  it('lists the options and the CID 7050 codes in a fixed order', () => {
    expect(buildProfile([]).describe()).toEqual({
      profile: 'PS3.15 Annex E Basic Application Level Confidentiality Profile (Table E.1-1, 2024b)',
      options: [],
      codes: [{ value: '113100', scheme: 'DCM', meaning: 'Basic Application Confidentiality Profile' }],
      method: 'PS3.15 E.1 Basic Application Confidentiality Profile',
      methodValues: ['Basic Application Confidentiality Profile'],
    });
    const d = buildProfile(['retain-safe-private', 'clean-graphics', MODIFIED, 'retain-uids']).describe();
    expect(d.options).toEqual([MODIFIED, 'retain-uids', 'retain-safe-private', 'clean-graphics']);
    expect(d.codes.map((c) => c.value)).toEqual(['113100', '113103', '113107', '113110', '113111']);
    expect(d.method).toBe(
      'PS3.15 E.1 Basic Application Confidentiality Profile; options: Clean Graphics Option, ' +
        'Retain Longitudinal Temporal Information Modified Dates Option, Retain UIDs Option, Retain Safe Private Option',
    );
  });

  it('gives each option its CID 7050 code, and LO-sized method values', () => {
    const codeOf: Record<DeidDicomOption, [string, string]> = {
      'clean-graphics': ['113103', 'Clean Graphics Option'],
      'clean-structured-content': ['113104', 'Clean Structured Content Option'],
      'clean-descriptors': ['113105', 'Clean Descriptors Option'],
      'retain-longitudinal-full-dates': [
        '113106',
        'Retain Longitudinal Temporal Information Full Dates Option',
      ],
      'retain-longitudinal-modified-dates': [
        '113107',
        'Retain Longitudinal Temporal Information Modified Dates Option',
      ],
      'retain-patient-characteristics': ['113108', 'Retain Patient Characteristics Option'],
      'retain-device-identity': ['113109', 'Retain Device Identity Option'],
      'retain-uids': ['113110', 'Retain UIDs Option'],
      'retain-safe-private': ['113111', 'Retain Safe Private Option'],
      'retain-institution-identity': ['113112', 'Retain Institution Identity Option'],
    };
    for (const option of OPTIONS) {
      const d = buildProfile([option]).describe();
      expect(d.codes[1]).toEqual({ value: codeOf[option][0], scheme: 'DCM', meaning: codeOf[option][1] });
      for (const v of d.methodValues) expect(v.length).toBeLessThanOrEqual(64);
    }
  });

  it('returns a fresh object: mutating it changes nothing', () => {
    const p = buildProfile(['retain-uids']);
    const d = p.describe();
    d.options.push('clean-graphics');
    d.codes.length = 0;
    expect(p.describe().options).toEqual(['retain-uids']);
    expect(p.describe().codes).toHaveLength(2);
    expect(p.options).toEqual(['retain-uids']);
  });
});

describe('property: any tag, any options', () => {
  const optionSet = fc.subarray([...OPTIONS]).filter((s) => !(s.includes(FULL) && s.includes(MODIFIED)));

  it('gives one of the allowed letters (undefined only for group 0002), deterministically', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        optionSet,
        fc.option(fc.constantFrom('Philips PET Private Group', 'GEMS_ACQU_01', 'NQHeader', 'X'), {
          nil: undefined,
        }),
        (tag, options, creator) => {
          const p = profileFor(options);
          const a = p.actionFor(tag, creator);
          if (tag >>> 16 === 0x0002) return a === undefined;
          const again = buildProfile([...options].reverse()).actionFor(tag, creator);
          return (
            a !== undefined && PROFILE_ACTIONS.includes(a) && a === again && a === p.actionFor(tag, creator)
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('treats a tag given as a signed 32-bit number like its unsigned form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (tag) => {
        const p = profileFor([]);
        return p.actionFor(tag | 0) === p.actionFor(tag);
      }),
    );
  });

  it('never keeps a private attribute without retain-safe-private', () => {
    const p = profileFor(OPTIONS.filter((o) => o !== 'retain-safe-private' && o !== FULL));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fff }), fc.integer({ min: 0, max: 0xffff }), (g, e) => {
        const tag = (((g * 2 + 1) << 16) | e) >>> 0;
        return p.actionFor(tag, 'Philips PET Private Group') === 'X';
      }),
    );
  });
});
