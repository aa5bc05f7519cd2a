import { CID } from 'multiformats/cid';
import { StorageError } from './errors.js';

/** Multicodec codes of the blocks sinso's UnixFS DAGs hold. */
export const DAG_PB_CODE = 0x70;
export const RAW_CODE = 0x55;

/**
 * The CIDs a dag-pb block links to, in link order (PBNode field 2, PBLink field 1), decoded
 * straight from the protobuf wire format. Raw blocks have no links.
 *
 * @example
 * const children = blockLinks(cid, bytes); // [] for a raw leaf
 */
export function blockLinks(cid: CID, bytes: Uint8Array): CID[] {
  if (cid.code === RAW_CODE) return [];
  if (cid.code !== DAG_PB_CODE) {
    throw new StorageError('STORAGE_CAR_INVALID', { problem: 'codec', codec: cid.code });
  }
  try {
    const links: CID[] = [];
    for (const field of protobufFields(bytes)) {
      if (field.number !== 2 || field.bytes === undefined) continue;
      for (const inner of protobufFields(field.bytes)) {
        if (inner.number === 1 && inner.bytes !== undefined) links.push(CID.decode(inner.bytes));
      }
    }
    return links;
  } catch (err) {
    throw new StorageError('STORAGE_CAR_INVALID', { problem: 'dag-pb' }, { cause: err });
  }
}

type ProtobufField = { number: number; bytes?: Uint8Array; value?: number };

/** The top-level fields of a protobuf message (varint and length-delimited wire types only). */
function* protobufFields(buf: Uint8Array): Generator<ProtobufField> {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= buf.length || shift > 49) throw new RangeError('bad varint');
      const b = buf[pos++] as number;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const wire = key % 8;
    const number = Math.floor(key / 8);
    if (wire === 0) yield { number, value: varint() };
    else if (wire === 2) {
      const len = varint();
      if (pos + len > buf.length) throw new RangeError('field past the end');
      yield { number, bytes: buf.subarray(pos, pos + len) };
      pos += len;
    } else throw new RangeError('unsupported wire type');
  }
}
