import type { Hex } from 'viem';
import { receiptHash, receiptSigner } from '../chain/index.js';
import { OP_BITS, type ReceiptFile, usageReceiptOf } from '../receipts/index.js';
import type {
  AuditDomain,
  AuditFinding,
  AuditRow,
  EvidenceFact,
  FindingCode,
  PledgeFacts,
  TimelinePoint,
} from './schema.js';

const ZERO32 = `0x${'00'.repeat(32)}`;
const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
const hex32 = (sha256: string | undefined) => (sha256 === undefined ? undefined : `0x${sha256}`);

/** One stored receipt with what the audit recomputed of it. */
type Checked = { seq: number; file: ReceiptFile; hash: Hex };

async function signer(file: ReceiptFile, sig: { r: string; vs: string }, d: AuditDomain) {
  try {
    return await receiptSigner(
      usageReceiptOf(file.receipt),
      { r: sig.r as Hex, vs: sig.vs as Hex },
      d.chainId,
      d.market,
    );
  } catch {
    return undefined;
  }
}

/**
 * Audits one pledge from plain facts (the store's receipts, the evidence's checks, the chain's
 * pledge, events and root): every receipt's hash, signatures and EIP-712 domain; the hash chain
 * (gaps, forks, reordering, replays); the pledge's terms (operation, validity, revocation, maximum
 * rows); the evidence (the job's files hash to what the receipt names, and its proofs hold
 * against the DataNFT root on chain); and that the chain's record of accepted receipts and
 * payments is a prefix of the local chain, paid at rows × price. Pure: no I/O.
 *
 * @example
 * const { row, findings } = await auditPledge(facts, { chainId, market });
 */
export async function auditPledge(
  f: PledgeFacts,
  domain: AuditDomain,
): Promise<{ row: AuditRow; findings: AuditFinding[]; timeline: TimelinePoint[] }> {
  const findings: AuditFinding[] = [];
  const p = f.pledge;
  const pledge = f.pledgeId;
  const add = (code: FindingCode, message: string, seq?: number, level: 'error' | 'warning' = 'error') =>
    findings.push({ code, level, pledge, ...(seq === undefined ? {} : { seq }), message });

  // ---- the files: readable, in their place, hashes recomputed --------------------------------
  const checked: Checked[] = [];
  const bySeq = [...f.entries].sort((a, b) => a.seq - b.seq);
  for (const e of bySeq) {
    if ('problem' in e) {
      add('unreadable', `receipt file ${e.seq} is damaged: ${e.problem}`, e.seq);
      continue;
    }
    const file = e.receipt;
    if (file.seq !== e.seq) {
      add('chain-order', `the receipt stored as ${e.seq} says it is receipt ${file.seq}`, e.seq);
    }
    if (file.receipt.pledgeId !== pledge) {
      add('pledge-mismatch', `receipt ${e.seq} names pledge ${file.receipt.pledgeId}`, e.seq);
    }
    const hash = receiptHash(usageReceiptOf(file.receipt));
    if (!same(hash, file.hash)) {
      add(
        'hash-mismatch',
        `receipt ${e.seq}'s fields do not hash to its stored hash (changed after signing)`,
        e.seq,
      );
    }
    checked.push({ seq: e.seq, file, hash });
  }

  // ---- gaps: every place 1..n holds a file ---------------------------------------------------
  const last = bySeq.at(-1)?.seq ?? 0;
  const held = new Set(bySeq.map((e) => e.seq));
  for (let s = 1; s <= last; s++) {
    if (!held.has(s))
      add('chain-gap', `receipt ${s} is missing from the chain (receipts up to ${last} are)`, s);
  }

  // ---- the hash chain: each prev is the hash of the one before -------------------------------
  const seenHash = new Map<string, number>();
  const seenJob = new Map<string, number>();
  const seenPrev = new Map<string, number>();
  const position = new Map(checked.map((c) => [c.hash.toLowerCase(), c.seq]));
  for (const [i, c] of checked.entries()) {
    const r = c.file.receipt;
    const dupOf = seenHash.get(c.hash.toLowerCase());
    const jobOf = seenJob.get(r.jobId.toLowerCase());
    if (dupOf !== undefined || jobOf !== undefined) {
      add(
        'replay',
        `receipt ${c.seq} bills job ${r.jobId.slice(0, 10)}… again (receipt ${dupOf ?? jobOf})`,
        c.seq,
      );
    }
    seenHash.set(c.hash.toLowerCase(), seenHash.get(c.hash.toLowerCase()) ?? c.seq);
    seenJob.set(r.jobId.toLowerCase(), seenJob.get(r.jobId.toLowerCase()) ?? c.seq);
    if (dupOf !== undefined) continue;
    const fork = seenPrev.get(r.prev.toLowerCase());
    if (fork !== undefined) {
      add('chain-fork', `receipts ${fork} and ${c.seq} both follow the same receipt`, c.seq);
    }
    seenPrev.set(r.prev.toLowerCase(), c.seq);
    const before = checked[i - 1];
    const want = c.seq === 1 ? ZERO32 : before && before.seq === c.seq - 1 ? before.hash : undefined;
    if (want === undefined) continue; // after a gap: the gap is the finding
    if (same(r.prev, want)) continue;
    const linked = position.get(r.prev.toLowerCase());
    if (linked !== undefined && linked !== c.seq - 1) {
      add('chain-order', `receipt ${c.seq} follows receipt ${linked}, not ${c.seq - 1} (reordered)`, c.seq);
    } else if (fork === undefined) {
      add(
        c.seq === 1 ? 'chain-order' : 'chain-fork',
        c.seq === 1
          ? 'receipt 1 follows another receipt (the chain does not start here)'
          : `receipt ${c.seq} does not follow receipt ${c.seq - 1} (its prev is another hash)`,
        c.seq,
      );
    }
  }

  // ---- signatures and domain ----------------------------------------------------------------
  for (const c of checked) {
    const file = c.file;
    const ownDomain = file.chainId === domain.chainId && same(file.market, domain.market);
    if (!ownDomain) {
      add(
        'domain',
        `receipt ${c.seq} is made for chain ${file.chainId} market ${file.market}, not this market`,
        c.seq,
      );
    }
    for (const [role, want, sig] of [
      ['compute node', p.compute, file.compute],
      ['consumer', p.consumer, file.consumer],
    ] as const) {
      if (!sig) {
        add('signature', `receipt ${c.seq} has no ${role} signature`, c.seq);
        continue;
      }
      const got = await signer(file, sig, domain);
      if (same(got, want)) continue;
      const elsewhere = ownDomain
        ? undefined
        : await signer(file, sig, { chainId: file.chainId, market: file.market as `0x${string}` });
      if (same(elsewhere, want)) {
        add('domain', `receipt ${c.seq}'s ${role} signature is for another chain or market`, c.seq);
      } else {
        add(
          'signature',
          `receipt ${c.seq}'s ${role} signature does not recover to the pledge's ${role}`,
          c.seq,
        );
      }
    }
  }

  // ---- the pledge's terms ------------------------------------------------------------------
  let total = 0n;
  for (const c of checked) {
    const r = c.file.receipt;
    if (r.tokenId !== p.tokenId.toString() || r.version !== Number(p.version)) {
      add(
        'pledge-mismatch',
        `receipt ${c.seq} names token ${r.tokenId} version ${r.version}, not the pledged one`,
        c.seq,
      );
    }
    if ((p.ops & OP_BITS[r.op]) === 0)
      add('op-not-allowed', `receipt ${c.seq}: the pledge does not allow ${r.op}`, c.seq);
    const at = BigInt(r.startedAt);
    if (p.acceptedAt === 0n || at < p.acceptedAt || at >= p.expiresAt) {
      add('outside-validity', `receipt ${c.seq}'s job started outside the pledge's validity`, c.seq);
    }
    if (p.revokedAt !== 0n && at >= p.revokedAt) {
      add('after-revocation', `receipt ${c.seq}'s job started after the owner revoked the pledge`, c.seq);
    }
    total += BigInt(r.rows);
    if (total > p.maxRows) {
      add(
        'rows-exceed-max',
        `by receipt ${c.seq} the pledge has ${total} row-uses, more than its ${p.maxRows}`,
        c.seq,
      );
    }
  }

  // ---- evidence -----------------------------------------------------------------------------
  for (const c of checked) {
    for (const e of c.file.evidence) {
      const fact = f.evidence[e.sha256];
      if (!e.kept) continue;
      if (!fact || fact.actualSha256 === undefined) {
        add('evidence-missing', `receipt ${c.seq}'s ${e.kind} evidence is not in the store`, c.seq);
        continue;
      }
      if (fact.actualSha256 !== e.sha256) {
        add(
          'evidence-mismatch',
          `receipt ${c.seq}'s ${e.kind} evidence was changed (its hash differs)`,
          c.seq,
        );
        continue;
      }
      if (fact.problem) {
        add('evidence-mismatch', `receipt ${c.seq}'s ${e.kind} evidence: ${fact.problem}`, c.seq);
        continue;
      }
      checkEvidence(c, fact, f, add);
    }
  }

  // ---- the chain's record: a prefix of the local chain, paid rows × price ----------------------
  const local = checked.filter((c, i) => checked.findIndex((d) => same(d.hash, c.hash)) === i);
  const ordered = new Map(local.map((c) => [c.seq, c]));
  let settledRows = 0n;
  for (const [i, a] of f.accepted.entries()) {
    const c = ordered.get(i + 1);
    if (!c) {
      add('receipt-missing', `receipt ${i + 1} was accepted on chain but is not in the store`, i + 1);
      continue;
    }
    const r = c.file.receipt;
    if (
      !same(a.head, c.hash) ||
      !same(a.jobId, r.jobId) ||
      a.rows !== BigInt(r.rows) ||
      !same(a.resultHash, r.resultHash) ||
      a.op !== OP_BITS[r.op]
    ) {
      add('chain-disagrees', `receipt ${c.seq} is not the receipt the chain accepted as ${i + 1}`, c.seq);
    }
    settledRows += BigInt(r.rows);
  }
  const head = f.accepted.at(-1)?.head ?? ZERO32;
  const onChainRows = f.accepted.reduce((n, a) => n + a.rows, 0n);
  if (!same(p.receiptHead, head) || p.receipts !== f.accepted.length || p.rowsUsed !== onChainRows) {
    add(
      'chain-disagrees',
      `the pledge's head, receipt count or rows used on chain do not match its ReceiptAccepted events`,
    );
  }
  const paid = f.credited.reduce((n, c) => n + c.amount, 0n);
  const due = settledRows * p.pricePerRow;
  if (paid !== due) {
    add(
      'payment-mismatch',
      `the owner was paid ${paid} wei for receipts of ${settledRows} row-uses at ${p.pricePerRow} wei: ${paid > due ? 'overpaid' : 'underpaid'} by ${paid > due ? paid - due : due - paid} wei`,
    );
  }

  const rows = local.reduce((n, c) => n + BigInt(c.file.receipt.rows), 0n);
  const failed = findings.some((x) => x.level === 'error');
  const row: AuditRow = {
    pledge,
    tokenId: p.tokenId.toString(),
    version: Number(p.version),
    owner: p.owner,
    consumer: p.consumer,
    asset: p.asset,
    jobs: local.length,
    rows: rows.toString(),
    settledJobs: f.accepted.length,
    settledRows: onChainRows.toString(),
    owed: (rows * p.pricePerRow).toString(),
    paid: paid.toString(),
    status: failed ? 'FAILED' : local.length > f.accepted.length ? 'unsettled' : 'ok',
  };
  return { row, findings, timeline: timelineOf(pledge, local, f) };
}

function checkEvidence(
  c: Checked,
  fact: EvidenceFact,
  f: PledgeFacts,
  add: (code: FindingCode, message: string, seq?: number, level?: 'error' | 'warning') => void,
): void {
  const r = c.file.receipt;
  const s = c.seq;
  const mismatch = (what: string) => add('evidence-mismatch', `receipt ${s}: ${what}`, s);
  switch (fact.kind) {
    case 'he-release': {
      if (!same(r.resultHash, hex32(fact.sha256))) mismatch('its result hash is not the hash of the release');
      if (fact.specSha256 && !same(r.specHash, hex32(fact.specSha256)))
        mismatch('its spec hash is not the hash of the released query');
      if (fact.proofSha256 && !same(r.proofHash, hex32(fact.proofSha256)))
        mismatch('its proof hash is not the released result’s');
      if (fact.rows === undefined || BigInt(fact.rows) !== BigInt(r.rows)) {
        mismatch(`it bills ${r.rows} rows; the release counts ${fact.rows ?? 'none'} of this pledge`);
      }
      return;
    }
    case 'zk-bundle': {
      if (!same(r.proofHash, hex32(fact.sha256))) mismatch('its proof hash is not the hash of the bundle');
      if (fact.resultId && !same(r.resultHash, fact.resultId))
        mismatch('its result hash is not the bundle’s result id');
      if (fact.specSha256 && !same(r.specHash, hex32(fact.specSha256)))
        mismatch('its spec hash is not the bundle’s query');
      if (fact.rows !== undefined && BigInt(fact.rows) !== BigInt(r.rows))
        mismatch(`it bills ${r.rows} rows; the bundle proves over ${fact.rows}`);
      if (fact.pledgeId !== undefined && fact.pledgeId !== r.pledgeId)
        mismatch(`the bundle is of pledge ${fact.pledgeId}`);
      if (fact.token && (fact.token.tokenId !== r.tokenId || fact.token.version !== r.version)) {
        add(
          'proof-root',
          `receipt ${s}: the bundle is proved over token ${fact.token.tokenId} version ${fact.token.version}, not the receipt's`,
          s,
        );
      }
      const k = fact.check;
      if (!k) add('proof-invalid', `receipt ${s}: its ZK bundle was not verified`, s);
      else if (!k.ok) {
        const root = k.failed === 'on-chain-root' || k.failed === 'root';
        add(
          root ? 'proof-root' : 'proof-invalid',
          `receipt ${s}: its ZK bundle fails the ${k.failed} check: ${k.reason}`,
          s,
        );
      }
      return;
    }
    case 'train-job': {
      if (!same(r.proofHash, hex32(fact.sha256))) mismatch('its proof hash is not the hash of job.json');
      if (fact.modelSha256 && !same(r.resultHash, hex32(fact.modelSha256)))
        mismatch('its result hash is not the model’s');
      if (fact.specSha256 && !same(r.specHash, hex32(fact.specSha256)))
        mismatch('its spec hash is not the model spec’s');
      if (fact.rows === undefined || BigInt(fact.rows) !== BigInt(r.rows)) {
        mismatch(`it bills ${r.rows} rows; the job used ${fact.rows ?? 'none'} of this pledge`);
      }
      if (fact.token && (fact.token.tokenId !== r.tokenId || fact.token.version !== r.version)) {
        mismatch(`the job used token ${fact.token.tokenId} version ${fact.token.version}`);
      }
      if (!same(fact.commitmentRoot, f.root)) {
        add(
          'proof-root',
          `receipt ${s}: the job's rows are of another root than the DataNFT's for this version`,
          s,
        );
      }
      const k = fact.check;
      if (!k) return;
      if ('unavailable' in k) {
        add(
          'evidence-missing',
          `receipt ${s}: the rows used were not checked (${k.unavailable})`,
          s,
          'warning',
        );
      } else if (!k.ok) {
        const root = k.failed === 'on-chain-root' || k.failed === 'root';
        add(
          root ? 'proof-root' : 'proof-invalid',
          `receipt ${s}: its training job fails the ${k.failed} check: ${k.reason}`,
          s,
        );
      }
      return;
    }
    case 'grant':
      return;
  }
}

/** Cumulative rows (by job start) and payouts (by block time) of a pledge. */
function timelineOf(pledge: string, local: Checked[], f: PledgeFacts): TimelinePoint[] {
  const ev: { time: number; rows: bigint; paid: bigint }[] = [
    ...local.map((c) => ({ time: c.file.receipt.startedAt, rows: BigInt(c.file.receipt.rows), paid: 0n })),
    ...f.credited.map((c) => ({ time: Number(c.time), rows: 0n, paid: c.amount })),
  ].sort((a, b) => a.time - b.time);
  let rows = 0n;
  let paid = 0n;
  return ev.map((e) => {
    rows += e.rows;
    paid += e.paid;
    return { pledge, time: e.time, rows: rows.toString(), paid: paid.toString() };
  });
}
