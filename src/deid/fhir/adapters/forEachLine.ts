import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** readline's line ending (crlfDelay Infinity): `\r\n`, `\n`, or a `\r` not followed by `\n`. */
const LINE_END = /\r?\n|\r(?!\n)/g;

/**
 * Calls `onLine` with every line of a UTF-8 text file, the same strings node:readline gives
 * (`crlfDelay: Infinity` over a utf8 read stream): a line ends at `\n`, `\r\n` or a lone `\r`, a
 * `\r\n` split between two reads is one ending, the last line comes without an ending and nothing
 * comes after a final ending; bytes are decoded by StringDecoder, as the read stream decodes them.
 * Reads 1 MiB at a time and splits each read synchronously: no event or promise per line. A throw
 * from `onLine` stops reading and closes the file.
 *
 * @example
 * await forEachLine('Patient.ndjson', (line) => rows.push(JSON.parse(line)));
 */
export async function forEachLine(
  path: string,
  onLine: (line: string) => void,
  options: { chunkBytes?: number } = {},
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  /** The start of a line that the reads so far have not ended. */
  let rest = '';
  /** The last read that ended a line ended with `\r`: a `\n` opening the next belongs to it. */
  let afterCr = false;
  for await (const chunk of createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 20 })) {
    let text = decoder.write(chunk as Buffer);
    if (text === '') continue; // a multi-byte character split between reads: nothing decoded yet
    if (afterCr) {
      afterCr = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    let start = 0;
    if (text.indexOf('\r') === -1) {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
        onLine(rest === '' ? text.slice(start, i) : rest + text.slice(start, i));
        rest = '';
        start = i + 1;
      }
    } else {
      LINE_END.lastIndex = 0;
      for (let m = LINE_END.exec(text); m !== null; m = LINE_END.exec(text)) {
        onLine(rest === '' ? text.slice(start, m.index) : rest + text.slice(start, m.index));
        rest = '';
        start = LINE_END.lastIndex;
      }
      afterCr = text.charCodeAt(text.length - 1) === 13; // a final `\r` always ends a line
    }
    if (start < text.length) rest += start === 0 ? text : text.slice(start);
  }
  const last = rest + decoder.end();
  if (last !== '') onLine(last);
}
