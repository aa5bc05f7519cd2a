import { describe, expect, it } from 'vitest';
import { attributeType, COMPOUND_ATTRIBUTE_TYPES } from './attributeType.js';
import { resolveBasicAction } from './resolveBasicAction.js';

describe('resolveBasicAction', () => {
  it('keeps plain actions, but D on a UI attribute is U', () => {
    for (const a of ['X', 'Z', 'D', 'K', 'C', 'U'] as const) {
      expect(resolveBasicAction({ action: a, tag: 0x00100010, vr: 'PN' })).toBe(a);
    }
    expect(resolveBasicAction({ action: 'D', tag: 0x006a0003, vr: 'UI' })).toBe('U');
  });

  it('resolves compound actions by the known strictest Type', () => {
    // Type 2 known
    expect(resolveBasicAction({ action: 'X/Z', tag: 0x00080022, vr: 'DA' })).toBe('Z');
    // Type 1 known
    expect(resolveBasicAction({ action: 'Z/D', tag: 0x00080023, vr: 'DA' })).toBe('D');
    expect(resolveBasicAction({ action: 'X/Z/D', tag: 0x00181000, vr: 'LO' })).toBe('D');
    expect(resolveBasicAction({ action: 'X/D', tag: 0x0040a032, vr: 'DT' })).toBe('D');
  });

  it('follows the table of choices for every given Type', () => {
    const want: Record<string, [string, string, string]> = {
      'X/Z': ['Z', 'Z', 'X'],
      'Z/D': ['D', 'Z', 'Z'],
      'X/D': ['D', 'D', 'X'],
      'X/Z/D': ['D', 'Z', 'X'],
      'X/Z/U*': ['U', 'Z', 'X'],
    };
    for (const [action, [t1, t2, t3]] of Object.entries(want)) {
      const at = (type: 1 | 2 | 3) => resolveBasicAction({ action: action as 'X/Z', tag: 0, vr: 'SQ', type });
      expect([at(1), at(2), at(3)], action).toEqual([t1, t2, t3]);
    }
    expect(resolveBasicAction({ action: 'X/Z/U*', tag: 0, vr: 'LO', type: 1 })).toBe('D');
    expect(resolveBasicAction({ action: 'X/Z/D', tag: 0, vr: 'UI', type: 1 })).toBe('U');
    // an explicit undefined Type means unknown, even for a tag of the Type table
    expect(resolveBasicAction({ action: 'X/Z', tag: 0x00080022, vr: 'DA', type: undefined })).toBe('Z');
    expect(resolveBasicAction({ action: 'Z/D', tag: 0x00080023, vr: 'DA', type: 2 })).toBe('Z');
  });

  it('takes the safe choice when the Type is unknown', () => {
    const unknown = 0x12345678; // not in the Type table
    expect(attributeType(unknown)).toBeUndefined();
    expect(resolveBasicAction({ action: 'X/Z', tag: unknown, vr: 'LO' })).toBe('Z');
    expect(resolveBasicAction({ action: 'Z/D', tag: unknown, vr: 'LO' })).toBe('D');
    expect(resolveBasicAction({ action: 'X/D', tag: unknown, vr: 'LO' })).toBe('D');
    expect(resolveBasicAction({ action: 'X/Z/D', tag: unknown, vr: 'LO' })).toBe('D');
    expect(resolveBasicAction({ action: 'X/Z/D', tag: unknown, vr: 'UI' })).toBe('U');
    expect(resolveBasicAction({ action: 'X/Z/U*', tag: unknown, vr: 'SQ' })).toBe('U');
    expect(resolveBasicAction({ action: 'X/Z/U*', tag: unknown, vr: 'UI' })).toBe('U');
    expect(resolveBasicAction({ action: 'X/Z/U*', tag: unknown, vr: 'LO' })).toBe('Z');
    expect(resolveBasicAction({ action: 'X/Z/U*', tag: unknown, vr: undefined })).toBe('Z');
  });

  it('never picks a letter the compound does not offer (D→U for UIDs aside; a Type 1 X/Z/U* that is neither SQ nor UI takes D, documented, absent from the table)', () => {
    const offered: Record<string, string[]> = {
      'X/Z': ['X', 'Z'],
      'Z/D': ['Z', 'D'],
      'X/D': ['X', 'D'],
      'X/Z/D': ['X', 'Z', 'D'],
      'X/Z/U*': ['X', 'Z', 'U'],
    };
    for (const [tag, info] of COMPOUND_ATTRIBUTE_TYPES) {
      for (const [action, letters] of Object.entries(offered)) {
        const got = resolveBasicAction({ action: action as 'X/Z', tag, vr: info.vr });
        const exception = action === 'X/Z/U*' && info.type === 1 && info.vr !== 'SQ' && info.vr !== 'UI';
        expect(info.vr === 'UI' || exception ? [...letters, 'U', 'D'] : letters).toContain(got);
      }
    }
  });
});
