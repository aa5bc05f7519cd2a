import type { SinsoError } from './base.js';
import type { ErrorCatalogue, ErrorSamples } from './define.js';

/**
 * Renders every entry of a catalogue class with sample fields: one block per code, the message
 * without its version line. For the inline snapshots beside each catalogue.
 *
 * @example
 * expect(renderErrorSamples(CommitError, { COMMIT_ROW_NOT_FOUND: { table: 'patients', row: 9, rows: 3 } }))
 *   .toMatchInlineSnapshot();
 */
export function renderErrorSamples<C extends ErrorCatalogue>(
  cls: { readonly catalogue: C },
  samples: ErrorSamples<C>,
): string {
  // a test helper over any catalogue class: codes and sample fields are checked by ErrorSamples<C>
  const make = cls as unknown as new (code: string, fields: unknown) => SinsoError;
  return Object.keys(cls.catalogue)
    .map((code) => {
      const err = new make(code, samples[code as keyof C]);
      return `[${err.code}]\n${err.message.split('\n').slice(0, -1).join('\n')}`;
    })
    .join('\n\n');
}
