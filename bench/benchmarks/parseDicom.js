// @ts-check
/**
 * `npm run bench -- parse-dicom`: the DICOM parser on its worst cases, in memory: files/s over
 * inputs built to be slow (a million empty elements, 100,000 nested undefined-length sequences
 * in implicit VR, 4 KiB of 0xFF after a Part 10 header). Each must parse or be refused within a
 * second: floor 1 file/s (it was a test's time bound; timing belongs here, the tests check that
 * the parser returns or refuses).
 */
import { parseDicom } from '../../dist/ingest/dicom/codec/parseDicom.js';

/** The adversarial inputs. @returns {Buffer[]} */
function inputs() {
  const ff = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.alloc(4096, 0xff)]);
  const open = Buffer.from([
    0x08, 0x00, 0x15, 0x11, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff,
  ]);
  const nested = Buffer.concat([
    Buffer.from([0x08, 0x00, 0x05, 0x00, 0, 0, 0, 0]),
    ...new Array(100_000).fill(open),
  ]);
  const empty = Buffer.from([0x08, 0x00, 0x50, 0x00, 0x53, 0x48, 0, 0]);
  const many = Buffer.concat(new Array(1_000_000).fill(empty));
  return [ff, nested, many];
}

/** @param {Buffer} bytes */
function parseOrRefuse(bytes) {
  try {
    parseDicom(bytes);
  } catch {
    // refused: as quick as a parse is what counts here
  }
}

/** @type {import('../types.js').Benchmark} */
export const parseDicomBench = {
  name: 'parse-dicom',
  description:
    'DICOM parser on worst-case inputs (a million elements, deep nesting, 0xFF junk), files/s (floor 1/s)',
  runs: 5,
  warmup: 1,
  params: {},
  workloads: [
    {
      name: 'worst-cases',
      description: 'parse (or refuse) each adversarial input once',
      minRate: 1,
      setup: inputs,
      /** @param {unknown} _p @param {Buffer[]} s */
      run(_p, s) {
        for (const b of s) parseOrRefuse(b);
        return { units: s.length, unit: 'files', bytes: s.reduce((a, b) => a + b.length, 0) };
      },
    },
  ],
};
