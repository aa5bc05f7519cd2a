import { InterruptedError, KeystoreError } from './errors/index.js';

/** Where a passphrase comes from. */
export type PassphraseSource = (purpose: { confirm: boolean }) => Promise<string>;

/**
 * `SINSO_PASSPHRASE` if set; otherwise a hidden prompt on the terminal; otherwise (no TTY, e.g. CI)
 * a clear error saying to set the variable.
 */
export const defaultPassphraseSource: PassphraseSource = async ({ confirm }) => {
  const env = process.env['SINSO_PASSPHRASE'];
  if (env !== undefined && env !== '') return env;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new KeystoreError('KEYSTORE_NO_PASSPHRASE', { problem: 'missing' });
  }
  const first = await promptHidden('Workspace passphrase: ');
  if (!confirm) return first;
  if (first.length < 8) {
    throw new KeystoreError('KEYSTORE_NO_PASSPHRASE', { problem: 'too-short' });
  }
  const again = await promptHidden('Repeat passphrase: ');
  if (again !== first) {
    throw new KeystoreError('KEYSTORE_NO_PASSPHRASE', { problem: 'mismatch' });
  }
  return first;
};

/** A fixed passphrase (tests, the demo). */
export function fixedPassphrase(passphrase: string): PassphraseSource {
  return async () => passphrase;
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new InterruptedError('INTERRUPTED', { activity: 'waiting at the passphrase prompt' }));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}
