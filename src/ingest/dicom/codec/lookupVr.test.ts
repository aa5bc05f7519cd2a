import { describe, expect, it } from 'vitest';
import { lookupVr } from './lookupVr.js';

describe('lookupVr', () => {
  it('gives the dictionary VR, resolving multi-VR entries as implicit VR LE does', () => {
    expect(lookupVr(0x00100010)).toBe('PN');
    expect(lookupVr(0x00081115)).toBe('SQ');
    expect(lookupVr(0x7fe00010)).toBe('OW'); // OB or OW
    expect(lookupVr(0x00280106)).toBe('US'); // US or SS
    expect(lookupVr(0x00283006)).toBe('OW'); // LUT Data: US or OW
    expect(lookupVr(0x00041200)).toBe('UL'); // up
    expect(lookupVr(0x00189346)).toBe('SQ');
  });

  it('handles group lengths, private tags, repeating groups and unknown tags', () => {
    expect(lookupVr(0x00080000)).toBe('UL');
    expect(lookupVr(0x00290000)).toBe('UL');
    expect(lookupVr(0x00290010)).toBe('LO');
    expect(lookupVr(0x002900ff)).toBe('LO');
    expect(lookupVr(0x00291010)).toBe('UN');
    expect(lookupVr(0x60023000)).toBe('OW');
    expect(lookupVr(0x601e0010)).toBe('US');
    expect(lookupVr(0x50020005)).toBe('US');
    expect(lookupVr(0x00087777)).toBe('UN');
    expect(lookupVr(0x00180061)).not.toBe('UN'); // found through dcmjs's own lookup
  });
});
