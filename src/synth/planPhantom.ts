import { createRng } from '../core/rng.js';
import type { SynthBodyPart, SynthModality } from './model.js';

/** One ellipsoid (or elliptic cylinder when `rz` is Infinity) of constant stored value. */
export type PhantomShape = {
  /** Centre and semi-axes in pixels (x to the right, y down). */
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  /** Centre and semi-axis along z in mm. */
  z0: number;
  rz: number;
  /** Relative radius wobble along z, and its phase. */
  wobble: number;
  phase: number;
  /** Stored pixel value (after the rescale is undone). */
  value: number;
};

/** A series' phantom geometry, computed once and rendered slice by slice. */
export type Phantom = {
  rows: number;
  cols: number;
  /** Stored value outside the body. */
  background: number;
  /** Painted in order (later shapes over earlier ones). */
  shapes: readonly PhantomShape[];
  /** z of each slice in mm. */
  zPositions: readonly number[];
  /** Seeds the per-slice noise offset. */
  noiseSeed: number;
};

export type PlanPhantomParameters = {
  modality: SynthModality;
  bodyPart: SynthBodyPart;
  /** Rows = columns. */
  size: number;
  fovMm: number;
  sliceThicknessMm: number;
  zStartMm: number;
  slices: number;
  seed: number;
};

export type PlanPhantomReturnType = Phantom;

/** [cx, cy, rx, ry, z0, rz, wobble, CT HU, MR signal] in mm. */
type ShapeSpec = readonly [number, number, number, number, number, number, number, number, number];

const TORSO: readonly ShapeSpec[] = [
  [0, 0, 165, 115, 0, Infinity, 0.05, -90, 1100], // subcutaneous fat
  [0, 0, 152, 104, 0, Infinity, 0.05, 45, 420], // muscle wall
  [0, 2, 142, 95, 0, Infinity, 0.04, 650, 120], // rib ring
  [0, 2, 134, 88, 0, Infinity, 0.04, 38, 380], // inside the ribs
];
const CHEST: readonly ShapeSpec[] = [
  [-62, -4, 52, 66, 40, 160, 0.03, -850, 40], // right lung (image left)
  [62, -4, 50, 64, 40, 160, 0.03, -850, 40], // left lung
  [18, -22, 44, 40, -10, 70, 0.02, 42, 520], // heart
  [-8, 48, 11, 11, 0, Infinity, 0, 45, 60], // descending aorta
  [0, 70, 17, 15, 0, Infinity, 0, 720, 160], // vertebral body
  [0, 86, 6, 6, 0, Infinity, 0, 12, 1400], // spinal canal
];
const ABDOMEN: readonly ShapeSpec[] = [
  [-58, -8, 72, 58, 10, 110, 0.03, 62, 520], // liver
  [58, -18, 40, 30, -20, 60, 0.02, 48, 560], // spleen
  [-62, 42, 24, 34, -25, 55, 0, 32, 610], // right kidney
  [62, 42, 24, 34, -20, 55, 0, 32, 610], // left kidney
  [-8, 48, 11, 11, 0, Infinity, 0, 180, 60], // aorta with contrast
  [0, 72, 18, 16, 0, Infinity, 0, 720, 160], // vertebral body
  [0, 88, 6, 6, 0, Infinity, 0, 12, 1400], // spinal canal
];
const HEAD: readonly ShapeSpec[] = [
  [0, 0, 76, 94, 0, 130, 0.01, 30, 350], // scalp
  [0, 0, 71, 89, 0, 125, 0.01, 1050, 80], // skull
  [0, 0, 65, 83, 0, 118, 0.01, 34, 650], // brain
  [-9, -6, 5, 22, 5, 28, 0, 8, 1500], // right lateral ventricle
  [9, -6, 5, 22, 5, 28, 0, 8, 1500], // left lateral ventricle
];

/**
 * Computes a series' phantom once: a body outline that varies with z, a few organ ellipsoids,
 * a bone ring for CT (ribs or skull), in stored pixel values (CT: HU + 1024, signed; MR:
 * unsigned signal). Anatomy is scaled a little per series from `seed`.
 *
 * @example
 * const ph = planPhantom({ modality: 'CT', bodyPart: 'CHEST', size: 256, fovMm: 360,
 *   sliceThicknessMm: 5, zStartMm: -20, slices: 4, seed: 7 });
 */
export function planPhantom(params: PlanPhantomParameters): PlanPhantomReturnType {
  const { modality, bodyPart, size, fovMm, sliceThicknessMm, zStartMm, slices, seed } = params;
  const rng = createRng(seed, 'phantom');
  const spacing = fovMm / size;
  const scaleX = 0.85 + 0.3 * rng.float();
  const scaleY = 0.85 + 0.3 * rng.float();
  const shiftX = rng.normal(0, 4);
  const shiftY = rng.normal(0, 4);
  const specs =
    bodyPart === 'HEAD'
      ? HEAD
      : [
          ...TORSO.filter((_, i) => i < 2 || bodyPart === 'CHEST' || modality === 'CT'),
          ...(bodyPart === 'CHEST' ? CHEST : ABDOMEN),
        ];
  const ct = modality === 'CT';
  const shapes: PhantomShape[] = specs.map((s) => ({
    cx: size / 2 + (s[0] * scaleX + shiftX) / spacing,
    cy: size / 2 + (s[1] * scaleY + shiftY) / spacing,
    rx: (s[2] * scaleX) / spacing,
    ry: (s[3] * scaleY) / spacing,
    z0: s[4],
    rz: s[5],
    wobble: s[6],
    phase: rng.float() * 6.283,
    value: ct ? s[7] + 1024 : s[8],
  }));
  const zPositions: number[] = [];
  for (let i = 0; i < slices; i++) zPositions.push(zStartMm + i * sliceThicknessMm);
  return {
    rows: size,
    cols: size,
    background: ct ? 24 : 30,
    shapes,
    zPositions,
    noiseSeed: rng.u32(),
  };
}
