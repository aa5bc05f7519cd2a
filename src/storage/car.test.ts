import { describe, expect, it } from 'vitest';
import { paddedPieceSize } from './car.js';

describe('CAR files', () => {
  it('gives the Filecoin padded piece size', () => {
    expect(paddedPieceSize(0)).toBe(128);
    expect(paddedPieceSize(127)).toBe(128);
    expect(paddedPieceSize(128)).toBe(256);
    expect(paddedPieceSize(254)).toBe(256);
    expect(paddedPieceSize(255)).toBe(512);
    expect(paddedPieceSize(1_040_384)).toBe(1_048_576); // 127/128 of 1 MiB fills it exactly
    expect(paddedPieceSize(1_040_385)).toBe(2_097_152);
  });
});
