import { mapUid } from '../../core/pseudonym.js';

export type MapUidCachedParameters = { secret: Uint8Array; uid: string };
export type MapUidCachedReturnType = string;

/** Entries per secret before the cache starts over (a few MB of strings at most). */
const MAX_ENTRIES = 1 << 16;

/** Per secret (by identity, and checked by value): old UID → new UID. */
const caches = new WeakMap<Uint8Array, { bytes: Buffer; uids: Map<string, string> }>();

/**
 * `mapUid`, remembered: a series' files share their study, series and frame-of-reference UIDs,
 * and each file's SOP Instance UID is mapped twice (the element and the file name), so most
 * HMACs of a batch repeat. Same result as `mapUid` always (the cache is dropped when the
 * secret's bytes change); held in memory only, and bounded.
 *
 * @example
 * mapUidCached({ secret, uid: '1.2.840.113619.2.55.3.604688119' }) === mapUid(secret, '1.2.840.113619.2.55.3.604688119');
 */
export function mapUidCached(p: MapUidCachedParameters): MapUidCachedReturnType {
  let cache = caches.get(p.secret);
  if (!cache?.bytes.equals(p.secret) || cache.uids.size >= MAX_ENTRIES) {
    cache = { bytes: Buffer.from(p.secret), uids: new Map() };
    caches.set(p.secret, cache);
  }
  let mapped = cache.uids.get(p.uid);
  if (mapped === undefined) {
    mapped = mapUid(p.secret, p.uid);
    cache.uids.set(p.uid, mapped);
  }
  return mapped;
}
