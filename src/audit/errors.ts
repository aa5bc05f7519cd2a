import { defineErrorCodes, errorClass } from '../core/errors/index.js';

/** The codes of `sinso audit` (its findings are results, not errors: these are what stops it). */
export const auditErrors = defineErrorCodes({
  AUDIT_OWNER_INVALID: {
    message: (f: { owner: string }) =>
      `The owner to audit (${f.owner}) is neither an address nor an EVM key of this workspace.`,
    fix: 'Give a 0x address (40 hex digits) or a key name from `sinso keys list`, or leave --owner out to audit every owner of the workspace.',
  },
  AUDIT_NO_PLEDGES: {
    message: (f: { owner: string }) =>
      `No pledge on chain is owned by ${f.owner}: there is nothing to audit.`,
    fix: 'Check the owner address and the chain (--workspace, --rpc); `sinso datasets` lists the pledges.',
  },
});

/**
 * An audit could not run (what it checks goes into its findings, never into an error).
 *
 * @example
 * throw new AuditError('AUDIT_NO_PLEDGES', { owner: '0x…' });
 */
export class AuditError extends errorClass(auditErrors) {
  override name = 'AuditError';
}
