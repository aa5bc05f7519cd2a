import { describe, expect, it } from 'vitest';
import { version } from '../version.js';
import {
  InternalError,
  InterruptedError,
  IoError,
  KeystoreError,
  PipelineError,
  SchemaError,
  UsageError,
  WorkspaceError,
} from './core.js';
import { renderErrorSamples } from './samples.js';

describe('the core error catalogues render', () => {
  it('USAGE', () => {
    const err = new UsageError('Too many arguments.', { fix: 'See `sinso synth --help`.' });
    expect(err.message.replace(version, 'X')).toMatchInlineSnapshot(`
      "Too many arguments.

      Fix: See \`sinso synth --help\`.
      Version: sinso@X"
    `);
    expect(err.fields).toEqual({ problem: 'Too many arguments.', hint: 'See `sinso synth --help`.' });
    expect(new UsageError('Unknown command.').fix).toMatchInlineSnapshot(
      `"Run \`sinso COMMAND --help\` for the usage."`,
    );
  });

  it('SCHEMA_INVALID, IO_FAILED, INTERNAL, INTERRUPTED', () => {
    expect(
      [
        renderErrorSamples(SchemaError, { SCHEMA_INVALID: { what: 'pixel rules file' } }),
        renderErrorSamples(SchemaError, {
          SCHEMA_INVALID: { what: 'DICOM tag', hint: 'Write (GGGG,EEEE).' },
        }),
        renderErrorSamples(IoError, { IO_FAILED: { operation: 'Writing a block', system: 'ENOSPC' } }),
        renderErrorSamples(InternalError, { INTERNAL: { what: 'a hash chain needs at least one element' } }),
        renderErrorSamples(InternalError, {
          INTERNAL: { what: 'the compiled worker is missing', detail: 'tag 00100010', remedy: 'build' },
        }),
        renderErrorSamples(InterruptedError, {
          INTERRUPTED: { activity: 'building the commitment', nothingWritten: true },
        }),
      ].join('\n\n'),
    ).toMatchInlineSnapshot(`
      "[SCHEMA_INVALID]
      The pixel rules file is not valid.

      Fix: Correct the fields listed above.

      [SCHEMA_INVALID]
      The DICOM tag is not valid.

      Fix: Write (GGGG,EEEE).

      [IO_FAILED]
      Writing a block failed (ENOSPC).

      Fix: Check that the path exists, its permissions, and free disk space.

      [INTERNAL]
      Internal error: a hash chain needs at least one element.

      Fix: This is a bug in sinso; please report it.

      [INTERNAL]
      Internal error: the compiled worker is missing.

      Fix: Run \`npm run build\` first.
      Details: tag 00100010

      [INTERRUPTED]
      Interrupted while building the commitment; nothing was written.

      Fix: Run the command again."
    `);
  });

  it('WORKSPACE_*', () => {
    expect(
      renderErrorSamples(WorkspaceError, {
        WORKSPACE_NOT_FOUND: { lookedFor: '.sinso/workspace.json' },
        WORKSPACE_EXISTS: {},
        WORKSPACE_INVALID: { file: 'workspace.json' },
      }),
    ).toMatchInlineSnapshot(`
      "[WORKSPACE_NOT_FOUND]
      No sinso workspace found.

      Looked for: .sinso/workspace.json

      Fix: Run \`sinso init\` to create one, or pass --workspace DIR.

      [WORKSPACE_EXISTS]
      A workspace already exists in this folder.

      Fix: Use it as it is, or choose another folder with --workspace DIR.

      [WORKSPACE_INVALID]
      The workspace file workspace.json is not valid.

      Fix: Restore it from a backup, or create a new workspace with \`sinso init\`."
    `);
    expect(new WorkspaceError('WORKSPACE_NOT_FOUND', { needs: 'commit' }).shortMessage).toMatchInlineSnapshot(
      `"Committing needs a workspace (the salt key lives there)."`,
    );
  });

  it('KEYSTORE_*', () => {
    expect(
      renderErrorSamples(KeystoreError, {
        KEYSTORE_NO_PASSPHRASE: { problem: 'missing' },
        KEYSTORE_WRONG_PASSPHRASE: {},
        KEYSTORE_CORRUPT: { problem: 'its kdf and kdfparams do not match' },
        KEYSTORE_KEY_NOT_FOUND: { key: 'owner', kind: 'secret', wanted: 'evm' },
        SECRET_FILE_INVALID: { problem: 'too-short' },
        KEYSTORE_KEY_EXISTS: { key: 'owner' },
      }),
    ).toMatchInlineSnapshot(`
      "[KEYSTORE_NO_PASSPHRASE]
      No passphrase given for the workspace keystore.

      Fix: Set SINSO_PASSPHRASE, or run the command in a terminal to be prompted.

      [KEYSTORE_WRONG_PASSPHRASE]
      Wrong passphrase: the keystore could not be unlocked.

      Fix: Set SINSO_PASSPHRASE to the passphrase the workspace was created with (or type it at the prompt).

      [KEYSTORE_CORRUPT]
      The keystore file is damaged: its kdf and kdfparams do not match.

      Fix: Restore the key file from a backup; a keystore must be Ethereum keystore v3 JSON.

      [KEYSTORE_KEY_NOT_FOUND]
      The key is of kind secret, not evm.

      Key: owner

      Fix: See \`sinso keys list\`; add one with \`sinso keys new --name NAME --kind evm|secret\`.

      [SECRET_FILE_INVALID]
      The secret file holds too little key material.

      Fix: Use at least 32 random bytes, or 64 hex characters (e.g. \`openssl rand -hex 32 > secret.hex\`).

      [KEYSTORE_KEY_EXISTS]
      A key named owner already exists.

      Fix: Choose another --name; \`sinso keys list\` shows the names in use."
    `);
  });

  it('PIPELINE_*', () => {
    expect(
      renderErrorSamples(PipelineError, {
        PIPELINE_NOT_FOUND: { file: 'pipelines/demo.yaml' },
        PIPELINE_INVALID: { problem: 'shared-output', stages: ['a', 'b'], output: 'out/x' },
        PIPELINE_CYCLE: { cycle: ['a', 'b', 'a'] },
        PIPELINE_UNKNOWN_STAGE: { stage: 'a', uses: 'tables.nope', known: ['synth', 'tables'] },
        PIPELINE_DEP_MISSING: { stage: 'b', dependency: 'out/a' },
        PIPELINE_OUTPUT_MISSING: { stage: 'deid.dicom', output: 'out/deid' },
        PIPELINE_OUTPUT_UNVERIFIED: {
          stage: 'deid.dicom',
          verifier: 'deid.verify',
          detail: '2 leaking files',
        },
        PIPELINE_STAGE_FAILED: {
          stage: 'b',
          uses: 'test.concat',
          summary: 'IO_FAILED: Writing a file failed.',
        },
        PIPELINE_LOCK_INVALID: { file: 'pipelines/demo.lock.json' },
        PIPELINE_BUSY: { pid: 4242 },
      }),
    ).toMatchInlineSnapshot(`
      "[PIPELINE_NOT_FOUND]
      The pipeline file could not be read.

      File: pipelines/demo.yaml

      Fix: Check the path; pipelines live in pipelines/*.yaml.

      [PIPELINE_INVALID]
      Two pipeline stages write the same output.

      Stages: a, b
      Output: out/x

      Fix: Give each stage its own output path.

      [PIPELINE_CYCLE]
      The pipeline has a cycle.

      Cycle: a → b → a

      Fix: A stage cannot depend, directly or not, on its own outputs.

      [PIPELINE_UNKNOWN_STAGE]
      Pipeline stage a uses an unknown stage (tables.nope).

      Fix: Use one of: synth, tables.

      [PIPELINE_DEP_MISSING]
      A pipeline stage depends on a path that does not exist.

      Stage: b
      Dependency: out/a

      Fix: Create it, or add the stage that produces it (with the path under its outs).

      [PIPELINE_OUTPUT_MISSING]
      A stage finished without writing one of its outputs.

      Stage: deid.dicom
      Output: out/deid

      Fix: This is a bug in sinso; please report it.

      [PIPELINE_OUTPUT_UNVERIFIED]
      A stage wrote outputs that failed their verification.

      Stage: deid.dicom
      Check: deid.verify
      2 leaking files

      Fix: See the check above; run the stage again, or report it if it persists.

      [PIPELINE_STAGE_FAILED]
      Stage b (test.concat) failed.

      IO_FAILED: Writing a file failed.

      Fix: Fix the cause above and run again: finished stages are kept and not rerun.

      [PIPELINE_LOCK_INVALID]
      The pipeline lock file is not valid.

      File: pipelines/demo.lock.json

      Fix: Delete the lock file; the next run rebuilds it (and reruns every stage).

      [PIPELINE_BUSY]
      Another pipeline run is using this workspace.

      Process: 4242

      Fix: Wait for it to finish, or stop it; a killed run’s lock is taken over automatically."
    `);
  });
});
