import { isSinsoError } from '../../core/errors/index.js';
import { type DicomFile, decodeText, parseDicom, readUint16, writeDicomParts } from '../../ingest/index.js';
import { type DeidentifyContext, deidentifyFile } from './deidentifyFile.js';
import { findLeaks } from './findLeaks.js';
import { blankRectangles, findPixelRule, type PixelRule } from './pixelRules.js';

/** Modalities that often carry burned-in text; without the BurnedInAnnotation flag they are rejected. */
export const BURNED_IN_RISK_MODALITIES: readonly string[] = ['US', 'SC', 'OT', 'XC', 'ES', 'GM', 'SM', 'DOC'];

export type ProcessDicomContext = DeidentifyContext & {
  pixelRules: readonly PixelRule[];
  /** Accept images of burned-in-risk modalities that lack the BurnedInAnnotation flag. */
  allowMissingBurnedInFlag: boolean;
  leakScan: boolean;
};

export type ProcessDicomReturnType =
  | {
      ok: true;
      /** The output file as parts to write in order; the pixel data is a view of the input. */
      parts: Uint8Array[];
      bytes: number;
      study: string;
      series: string;
      sop: string;
      pixelsCleaned: boolean;
    }
  | { ok: false; reason: string };

const PIXEL_DATA = 0x7fe00010;

/**
 * One input file's bytes → de-identified Part 10 bytes, or a rejection with its reason (never a
 * data value). Pixel data is copied as is, or blanked by a matching pixel rule.
 *
 * @example
 * const r = processDicom(readFileSync(path), ctx);
 * if (r.ok) writeFileSync(`${r.study}/${r.series}/${r.sop}.dcm`, r.bytes);
 */
export function processDicom(input: Uint8Array, ctx: ProcessDicomContext): ProcessDicomReturnType {
  let file: DicomFile;
  try {
    file = parseDicom(input);
  } catch (err) {
    return {
      ok: false,
      reason: isSinsoError(err) ? err.shortMessage : 'unreadable: the DICOM parser failed',
    };
  }
  const top = new Map(file.dataset.map((e) => [e.tag, e]));
  const str = (tag: number) => {
    const el = top.get(tag);
    return el?.value ? decodeText(el).trim() : '';
  };
  const num = (tag: number) => {
    const el = top.get(tag);
    return el ? readUint16(el, file.syntax.littleEndian) : undefined;
  };

  // burned-in annotation policy
  const burnedIn = str(0x00280301).toUpperCase();
  const modality = str(0x00080060).toUpperCase();
  const pixels = top.get(PIXEL_DATA);
  let cleanedPixels: Uint8Array | undefined;
  if (pixels && burnedIn === 'YES') {
    const rule = findPixelRule(ctx.pixelRules, {
      manufacturer: str(0x00080070),
      model: str(0x00081090),
      rows: num(0x00280010) ?? -1,
      columns: num(0x00280011) ?? -1,
    });
    if (!rule)
      return {
        ok: false,
        reason:
          'burned-in annotation (BurnedInAnnotation is YES) and no pixel-cleaning rule matches this device and image size',
      };
    if (file.syntax.encapsulated || !pixels.value) {
      return {
        ok: false,
        reason:
          'burned-in annotation in compressed pixel data: a pixel rule matches, but compressed pixels cannot be cleaned without decoding them',
      };
    }
    cleanedPixels = blankRectangles(
      pixels.value,
      {
        rows: num(0x00280010) ?? 0,
        columns: num(0x00280011) ?? 0,
        frames: Number.parseInt(str(0x00280008) || '1', 10) || 1,
        samplesPerPixel: num(0x00280002) ?? 1,
        bitsAllocated: num(0x00280100) ?? 16,
        planarConfiguration: num(0x00280006) ?? 0,
      },
      rule.rectangles,
    );
    if (!cleanedPixels)
      return {
        ok: false,
        reason:
          'burned-in annotation: the pixel data does not match its declared geometry, so it cannot be cleaned',
      };
  } else if (
    pixels &&
    burnedIn === '' &&
    BURNED_IN_RISK_MODALITIES.includes(modality) &&
    !ctx.allowMissingBurnedInFlag
  ) {
    return {
      ok: false,
      reason: `modality ${modality} often carries burned-in text and BurnedInAnnotation is missing (pass --allow-missing-burned-in-flag after checking the images)`,
    };
  }

  const r = deidentifyFile(file, ctx, { cleanedPixelData: Boolean(cleanedPixels) });
  if (!r.ok) return r;
  let out = r.file;
  if (cleanedPixels) {
    out = {
      ...out,
      dataset: out.dataset.map((e) => (e.tag === PIXEL_DATA ? { ...e, value: cleanedPixels } : e)),
    };
  }
  let parts: Uint8Array[];
  try {
    parts = writeDicomParts(out);
  } catch (err) {
    return {
      ok: false,
      reason: isSinsoError(err) ? err.shortMessage : 'the de-identified file could not be written',
    };
  }
  if (ctx.leakScan) {
    // every byte of the output but the pixel data, which is the input's own (or blanked)
    const px = out.dataset.find((e) => e.tag === PIXEL_DATA);
    const pixelParts = new Set<Uint8Array>([
      ...(px?.value ? [px.value] : []),
      ...(px?.encapsulated ? [px.encapsulated.offsetTable, ...px.encapsulated.fragments] : []),
    ]);
    const header = Buffer.concat(parts.filter((p) => !pixelParts.has(p)));
    const scan = findLeaks({ bytes: header, identifying: r.identifying, kept: r.kept, written: r.inserted });
    if (scan.leaks > 0) {
      return {
        ok: false,
        reason: `leak scan: ${scan.leaks} identifying value(s) of the input survive in the output (${scan.vrs.join(', ')})`,
      };
    }
  }
  const bytes = parts.reduce((n, p) => n + p.length, 0);
  return {
    ok: true,
    parts,
    bytes,
    study: r.uids.study,
    series: r.uids.series,
    sop: r.uids.sop,
    pixelsCleaned: Boolean(cleanedPixels),
  };
}
