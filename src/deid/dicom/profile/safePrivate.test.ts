import { describe, expect, it } from 'vitest';
import { privateCreatorTag } from './privateCreatorTag.js';
import { findSafePrivateAttribute, SAFE_PRIVATE_ATTRIBUTES } from './safePrivate.js';

describe('SAFE_PRIVATE_ATTRIBUTES (PS3.15 Table E.3.10-1)', () => {
  it('holds 479 distinct rows in odd groups, element bytes 00–FF', () => {
    expect(SAFE_PRIVATE_ATTRIBUTES).toHaveLength(479);
    const keys = new Set(SAFE_PRIVATE_ATTRIBUTES.map((a) => `${a.creator}|${a.group}|${a.element}`));
    expect(keys.size).toBe(479);
    for (const a of SAFE_PRIVATE_ATTRIBUTES) {
      expect(a.group % 2).toBe(1);
      expect(a.element).toBeGreaterThanOrEqual(0);
      expect(a.element).toBeLessThanOrEqual(0xff);
      expect(a.creator).toBe(a.creator.trim());
    }
  });

  it('has the rows other sources confirm', () => {
    const has = (creator: string, group: number, element: number, vr: string) =>
      SAFE_PRIVATE_ATTRIBUTES.some(
        (a) => a.creator === creator && a.group === group && a.element === element && a.vr === vr,
      );
    expect(has('Philips PET Private Group', 0x7053, 0x00, 'DS')).toBe(true); // SUV Factor
    expect(has('Philips PET Private Group', 0x7053, 0x09, 'DS')).toBe(true); // Activity Concentration Factor
    expect(has('GEMS_ACQU_01', 0x0019, 0x23, 'DS')).toBe(true); // Table Speed
    expect(has('GEMS_ACQU_01', 0x0019, 0x9e, 'LO')).toBe(true); // Internal Pulse Sequence Name
    expect(has('GEMS_SERS_01', 0x0025, 0x07, 'SL')).toBe(true); // Images in Series
    expect(has('GEIIS PACS', 0x0903, 0x10, 'US')).toBe(true); // Reject Image Flag
    expect(has('SIEMENS MR HEADER', 0x0019, 0x0c, 'IS')).toBe(true); // B Value
  });
});

describe('findSafePrivateAttribute', () => {
  it('finds a row by creator, group and element byte, in any block', () => {
    expect(findSafePrivateAttribute(0x70531000, 'Philips PET Private Group')?.name).toBe('SUV Factor');
    expect(findSafePrivateAttribute(0x70534209, 'Philips PET Private Group')?.element).toBe(0x09);
    expect(findSafePrivateAttribute(0x70531000, ' Philips PET Private Group ')?.name).toBe('SUV Factor');
  });

  it('finds nothing for another element, creator, group, case, or a non-data element', () => {
    expect(findSafePrivateAttribute(0x70531001, 'Philips PET Private Group')).toBeUndefined();
    expect(findSafePrivateAttribute(0x70531000, 'PHILIPS PET PRIVATE GROUP')).toBeUndefined();
    expect(findSafePrivateAttribute(0x70551000, 'Philips PET Private Group')).toBeUndefined();
    expect(findSafePrivateAttribute(0x70530010, 'Philips PET Private Group')).toBeUndefined();
    expect(findSafePrivateAttribute(0x70521000, 'Philips PET Private Group')).toBeUndefined();
  });
});

describe('privateCreatorTag', () => {
  it('maps a private data element to its creator element', () => {
    expect(privateCreatorTag(0x00191023)).toBe(0x00190010);
    expect(privateCreatorTag(0x7053ff00)).toBe(0x705300ff);
    expect(privateCreatorTag(0xfffdffff)).toBe(0xfffd00ff);
  });

  it('gives undefined outside private blocks', () => {
    expect(privateCreatorTag(0x00190010)).toBeUndefined();
    expect(privateCreatorTag(0x00190000)).toBeUndefined();
    expect(privateCreatorTag(0x00100010)).toBeUndefined();
  });
});
