import { z } from 'zod';

/**
 * Pixel-cleaning rules in the spirit of CTP's DicomPixelAnonymizer: for images of a given
 * manufacturer, model and size, rectangles known to hold burned-in text are blanked (set to 0).
 */
export const PixelRuleSchema = z.strictObject({
  /** Case-insensitive regular expression on Manufacturer (0008,0070). */
  manufacturer: z.string().min(1),
  /** Case-insensitive regular expression on ManufacturerModelName (0008,1090); any model if absent. */
  model: z.string().min(1).optional(),
  rows: z.number().int().min(1),
  columns: z.number().int().min(1),
  rectangles: z
    .array(
      z.strictObject({
        x: z.number().int().min(0),
        y: z.number().int().min(0),
        width: z.number().int().min(1),
        height: z.number().int().min(1),
      }),
    )
    .min(1),
  description: z.string().optional(),
});
export type PixelRule = z.infer<typeof PixelRuleSchema>;

export const PixelRulesFileSchema = z.strictObject({
  schema: z.literal('1'),
  rules: z.array(PixelRuleSchema),
});
export type PixelRulesFile = z.infer<typeof PixelRulesFileSchema>;

/** The first rule that matches a device and image size, if any. */
export function findPixelRule(
  rules: readonly PixelRule[],
  image: { manufacturer: string; model: string; rows: number; columns: number },
): PixelRule | undefined {
  return rules.find(
    (r) =>
      r.rows === image.rows &&
      r.columns === image.columns &&
      new RegExp(r.manufacturer, 'i').test(image.manufacturer) &&
      (r.model === undefined || new RegExp(r.model, 'i').test(image.model)),
  );
}

export type NativePixelGeometry = {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  /** 0: colour-by-pixel (RGBRGB…), 1: colour-by-plane (RR…GG…BB…). */
  planarConfiguration: number;
};

/**
 * Returns a copy of native (uncompressed) pixel data with the rectangles blanked in every frame
 * and sample. Rectangles are clipped to the image. Returns undefined when the geometry does
 * not match the data length (the caller rejects the file).
 */
export function blankRectangles(
  pixels: Uint8Array,
  g: NativePixelGeometry,
  rectangles: PixelRule['rectangles'],
): Uint8Array | undefined {
  if (g.bitsAllocated % 8 !== 0) return undefined;
  const bpp = g.bitsAllocated / 8;
  const frameBytes = g.rows * g.columns * g.samplesPerPixel * bpp;
  if (frameBytes * g.frames > pixels.length) return undefined;
  const out = new Uint8Array(pixels);
  for (let f = 0; f < g.frames; f++) {
    const base = f * frameBytes;
    for (const r of rectangles) {
      const x0 = Math.min(r.x, g.columns);
      const x1 = Math.min(r.x + r.width, g.columns);
      const y1 = Math.min(r.y + r.height, g.rows);
      for (let y = Math.min(r.y, g.rows); y < y1; y++) {
        if (g.planarConfiguration === 1 && g.samplesPerPixel > 1) {
          for (let s = 0; s < g.samplesPerPixel; s++) {
            const plane = base + s * g.rows * g.columns * bpp;
            out.fill(0, plane + (y * g.columns + x0) * bpp, plane + (y * g.columns + x1) * bpp);
          }
        } else {
          const stride = g.samplesPerPixel * bpp;
          out.fill(0, base + (y * g.columns + x0) * stride, base + (y * g.columns + x1) * stride);
        }
      }
    }
  }
  return out;
}
