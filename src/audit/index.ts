/**
 * `sinso/audit`: an owner's check of every receipt, proof and payment of its pledges, trusting
 * no one (docs: `sinso audit --help`).
 */
export { ownedPledges, readAuditFacts } from './adapters/readFacts.js';
export { auditEpochs } from './auditEpochs.js';
export { auditPledge } from './auditPledge.js';
export {
  type AuditWorkspaceParameters,
  type AuditWorkspaceReturnType,
  auditWorkspace,
} from './auditWorkspace.js';
export { AuditError, auditErrors } from './errors.js';
export { renderAuditHtml } from './renderAuditHtml.js';
export {
  type AuditDomain,
  type AuditFinding,
  type AuditReport,
  type AuditRow,
  type EpochFacts,
  type EvidenceFact,
  FINDING_CODES,
  type FindingCode,
  type PledgeFacts,
  type StoredEntry,
  type TimelinePoint,
} from './schema.js';
