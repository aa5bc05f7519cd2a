import { expect, it } from 'vitest';
import { renderErrorSamples } from '../core/errors/samples.js';
import { SynthError } from './errors.js';

it('renders every synth error code', () => {
  expect(renderErrorSamples(SynthError, { SYNTH_INVALID_PARAMS: {} })).toMatchInlineSnapshot(`
    "[SYNTH_INVALID_PARAMS]
    The synth options are not valid.

    Fix: See \`sinso synth --help\` for the allowed values."
  `);
});
