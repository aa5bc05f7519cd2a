import { describe, expect, it } from 'vitest';
import { splitCredentials } from './ipfs.js';

describe('Kubo RPC adapter', () => {
  it('a bad URL is refused before anything is sent', () => {
    expect(() => splitCredentials('not a url')).toThrow(
      expect.objectContaining({ code: 'STORAGE_IPFS_FAILED' }),
    );
    expect(() => splitCredentials('ftp://host:5001')).toThrow(
      expect.objectContaining({ code: 'STORAGE_IPFS_FAILED', fields: { problem: 'protocol' } }),
    );
    const s = splitCredentials('https://u:p@ipfs.example:5001/api/v0?token=t');
    expect(s.display).toBe('https://ipfs.example:5001/api/v0');
    expect(s.url.toString()).not.toContain('u:p');
  });
});
