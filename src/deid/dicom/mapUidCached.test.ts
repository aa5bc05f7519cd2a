import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapUid } from '../../core/pseudonym.js';
import { mapUidCached } from './mapUidCached.js';

describe('mapUidCached', () => {
  it('gives what mapUid gives, asked once or again, for any secret', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(fc.stringMatching(/^[0-9.]{1,30}[\0 ]{0,2}$/), { maxLength: 8 }),
        (secret, uids) => {
          for (const uid of [...uids, ...uids])
            expect(mapUidCached({ secret, uid })).toBe(mapUid(secret, uid));
        },
      ),
    );
  });

  it('follows the secret when its bytes change', () => {
    const secret = new Uint8Array(32).fill(1);
    const before = mapUidCached({ secret, uid: '1.2.3' });
    secret.fill(2);
    expect(mapUidCached({ secret, uid: '1.2.3' })).toBe(mapUid(secret, '1.2.3'));
    expect(mapUidCached({ secret, uid: '1.2.3' })).not.toBe(before);
  });
});
