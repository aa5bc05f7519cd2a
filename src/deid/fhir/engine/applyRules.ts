import { createCipheriv, createHmac } from 'node:crypto';
import type { CompiledRule } from './compileRules.js';
import { type IdentifyingValue, type KeyedContext, rewriteReference } from './context.js';
import { isFhirDateLike, shiftFhirDate } from './dates.js';
import { SECURITY_SYSTEM } from './safeHarbor.js';
import type { FhirRule } from './schema.js';

export type RulesState = {
  ctx: KeyedContext;
  refs: ReadonlyMap<string, string> | undefined;
  found: IdentifyingValue[];
  labels: Set<string>;
  shiftDays: number;
  encryptKey: Buffer | undefined;
  /** `Type/id` of the resource (perturb noise is keyed by it and the node's path). */
  resourceKey: string;
};

/** The label each method adds to meta.security (as Microsoft's tool does). */
export const METHOD_LABEL: Readonly<Record<FhirRule['method'], string | undefined>> = {
  keep: undefined,
  redact: 'REDACTED',
  dateshift: 'PERTURBED',
  cryptohash: 'CRYTOHASH',
  encrypt: 'MASKED',
  substitute: 'SUBSTITUTED',
  perturb: 'PERTURBED',
  generalize: 'GENERALIZED',
};

type Node = { data?: unknown; parentResNode?: Node | null; propName?: string | null; index?: number | null };

/** The JSON key a fhirpath node sits under: choice types come back as `value`, not `valueQuantity`. */
function jsonKey(parent: unknown, propName: string): string | undefined {
  if (parent === null || typeof parent !== 'object') return undefined;
  if (propName in parent) return propName;
  for (const k in parent as Record<string, unknown>) {
    if (k.length > propName.length && k.startsWith(propName)) {
      const c = k.charCodeAt(propName.length);
      if (c >= 65 && c <= 90) return k;
    }
  }
  return undefined;
}

/** The location of a node in the resource as `.a[0].b`, or undefined for a computed value. */
function nodePath(node: unknown, root: Record<string, unknown>): string | undefined {
  let path = '';
  let n = node as Node | null | undefined;
  while (n?.parentResNode) {
    if (typeof n.propName !== 'string') return undefined;
    const key = jsonKey(n.parentResNode.data, n.propName);
    if (key === undefined) return undefined;
    path = `.${key}${typeof n.index === 'number' ? `[${n.index}]` : ''}${path}`;
    n = n.parentResNode;
  }
  return n && n.data === root ? path : undefined;
}

const REMOVE = Symbol('remove');
/** Keys under which a redacted subtree's strings are codes, not identifying values. */
const CODE_KEYS = new Set([
  'use',
  'system',
  'code',
  'url',
  'status',
  'type',
  'version',
  'resourceType',
  'gender',
]);

function collectStrings(v: unknown, kind: string, found: IdentifyingValue[], key = ''): void {
  if (typeof v === 'string') {
    if (!CODE_KEYS.has(key)) found.push({ text: v, kind });
  } else if (Array.isArray(v)) for (const e of v) collectStrings(e, kind, found, key);
  else if (v !== null && typeof v === 'object')
    for (const k in v as Record<string, unknown>)
      collectStrings((v as Record<string, unknown>)[k], kind, found, k);
}

/**
 * Applies a rules file to one resource. Every rule is evaluated on the *input* (so a rule's
 * selection does not depend on what earlier rules changed); the first rule that selects a node, or
 * one of its ancestors, decides it. A complex node decided by redact or substitute is replaced
 * whole unless an earlier rule decided something inside it; other methods act on its primitive
 * descendants. Nodes no rule selects are kept.
 */
export function applyRules(
  resource: Record<string, unknown>,
  rules: readonly CompiledRule[],
  st: RulesState,
): Record<string, unknown> {
  const decided = new Map<string, number>();
  const minBelow = new Map<string, number>();
  for (const r of rules) {
    for (const node of r.select(resource)) {
      const p = nodePath(node, resource);
      if (p === undefined || decided.has(p)) continue;
      decided.set(p, r.index);
      // record the rule on every ancestor, so a whole-node method there spares this node
      for (let i = p.length - 1; i > 0; i--) {
        const c = p.charCodeAt(i);
        if (c === 46 /* . */ || c === 91 /* [ */) {
          const a = p.slice(0, i);
          if (!minBelow.has(a) || (minBelow.get(a) as number) > r.index) minBelow.set(a, r.index);
        }
      }
      if (!minBelow.has('') || (minBelow.get('') as number) > r.index) minBelow.set('', r.index);
    }
  }
  const byIndex = new Map(rules.map((r) => [r.index, r.rule]));
  const walk = (v: unknown, path: string, key: string, inherited: number | undefined): unknown => {
    const own = decided.get(path);
    const eff = own === undefined ? inherited : inherited === undefined ? own : Math.min(own, inherited);
    const rule = eff === undefined ? undefined : byIndex.get(eff);
    if (v !== null && typeof v === 'object') {
      const below = minBelow.get(path);
      const whole = rule !== undefined && !(below !== undefined && eff !== undefined && below < eff);
      if (whole && rule?.method === 'redact') {
        collectStrings(v, 'redact', st.found, key);
        st.labels.add('REDACTED');
        return REMOVE;
      }
      if (whole && rule?.method === 'substitute') {
        collectStrings(v, 'substitute', st.found, key);
        st.labels.add('SUBSTITUTED');
        return rule.replaceWith;
      }
      if (whole && rule?.method === 'keep') return v;
      if (Array.isArray(v)) {
        // an array is not a node of its own in FHIRPath: its items carry the member's path
        const base = path;
        const out: unknown[] = [];
        v.forEach((e, i) => {
          const c = walk(e, `${base}[${i}]`, key, eff);
          if (c !== REMOVE) out.push(c);
        });
        return out.length > 0 ? out : REMOVE;
      }
      const out: Record<string, unknown> = {};
      for (const k in v as Record<string, unknown>) {
        const c = walk((v as Record<string, unknown>)[k], `${path}.${k}`, k, eff);
        if (c !== REMOVE) out[k] = c;
      }
      return Object.keys(out).length > 0 || path === '' ? out : REMOVE;
    }
    return rule === undefined ? v : applyLeaf(rule, v, path, key, st);
  };
  // array members: the member path is `.key`, items `.key[i]`; walk() receives `.key` for the array
  const out = walk(resource, '', '', undefined) as Record<string, unknown>;
  if (st.labels.size > 0) out['meta'] = withLabels(out['meta'], st.labels);
  return out;
}

/** Adds one security label per method used (keeps the labels already there). */
export function withLabels(meta: unknown, labels: ReadonlySet<string>): Record<string, unknown> {
  const m: Record<string, unknown> =
    meta !== null && typeof meta === 'object' && !Array.isArray(meta)
      ? { ...(meta as Record<string, unknown>) }
      : {};
  const had = m['security'];
  const security: unknown[] = Array.isArray(had) ? had.slice() : [];
  // in code-unit order, as Array.prototype.sort orders strings (a handful: an insertion sort)
  const codes: string[] = [];
  for (const code of labels) {
    let i = codes.length;
    while (i > 0 && (codes[i - 1] as string) > code) i--;
    codes.splice(i, 0, code);
  }
  for (const code of codes) {
    // the labels are distinct, so only the labels already there can hold the code
    if (!hasCode(security, code)) security.push({ system: SECURITY_SYSTEM, code });
  }
  m['security'] = security;
  return m;
}

function hasCode(security: readonly unknown[], code: string): boolean {
  for (const s of security) {
    if (s !== null && typeof s === 'object' && (s as Record<string, unknown>)['code'] === code) return true;
  }
  return false;
}

function applyLeaf(rule: FhirRule, v: unknown, path: string, key: string, st: RulesState): unknown {
  const label = METHOD_LABEL[rule.method];
  const changed = (out: unknown): unknown => {
    if (out !== v) {
      if (typeof v === 'string') st.found.push({ text: v, kind: rule.method });
      if (label !== undefined) st.labels.add(label);
    }
    return out;
  };
  switch (rule.method) {
    case 'keep':
      return v;
    case 'redact':
      if (typeof v === 'string' && !CODE_KEYS.has(key)) st.found.push({ text: v, kind: 'redact' });
      st.labels.add('REDACTED');
      return REMOVE;
    case 'substitute':
      return changed(rule.replaceWith);
    case 'dateshift':
      return typeof v === 'string' && isFhirDateLike(v) ? changed(shiftFhirDate(v, st.shiftDays)) : v;
    case 'cryptohash':
      if (typeof v !== 'string') return v;
      if (path === '.id') {
        const [type] = st.resourceKey.split('/');
        return changed(st.ctx.newId(type ?? '', v));
      }
      if (key === 'reference') {
        // keep references resolvable: Type/id → Type/newId, as ids are hashed
        const r = rewriteReference(st.ctx, v, st.refs, []);
        return changed(r ?? st.ctx.hash('cryptohash', v));
      }
      return changed(st.ctx.hash('cryptohash', v));
    case 'encrypt':
      return typeof v === 'string' && st.encryptKey ? changed(encrypt(st.encryptKey, v)) : v;
    case 'perturb': {
      if (typeof v !== 'number') return v;
      const u = unitNoise(st.ctx.hash('perturb', `${st.resourceKey}\u0000${path}`));
      const delta = (2 * u - 1) * (rule.rangeType === 'proportional' ? Math.abs(v) * rule.span : rule.span);
      const places = rule.roundTo ?? (Number.isInteger(v) ? 0 : 2);
      const f = 10 ** places;
      return changed(Math.round((v + delta) * f) / f);
    }
    case 'generalize': {
      for (const c of rule.cases) {
        if (matches(c, v)) return changed(c.to);
      }
      if (rule.otherValues === 'redact' && (typeof v === 'number' || typeof v === 'string')) {
        if (typeof v === 'string') st.found.push({ text: v, kind: 'generalize' });
        st.labels.add('REDACTED');
        return REMOVE;
      }
      return v;
    }
  }
}

type GeneralizeCase = Extract<FhirRule, { method: 'generalize' }>['cases'][number];
function matches(c: GeneralizeCase, v: unknown): boolean {
  if (c.eq !== undefined && c.eq !== v) return false;
  const numeric = c.lt !== undefined || c.le !== undefined || c.gt !== undefined || c.ge !== undefined;
  if (!numeric) return c.eq !== undefined;
  if (typeof v !== 'number') return false;
  return (
    (c.lt === undefined || v < c.lt) &&
    (c.le === undefined || v <= c.le) &&
    (c.gt === undefined || v > c.gt) &&
    (c.ge === undefined || v >= c.ge)
  );
}

/** A number in [0, 1) from the first 30 bits of a base32 pseudonym. */
function unitNoise(b32: string): number {
  const A = 'abcdefghijklmnopqrstuvwxyz234567';
  let n = 0;
  for (let i = 0; i < 6; i++) n = n * 32 + A.indexOf(b32[i] ?? 'a');
  return n / 2 ** 30;
}

/** AES-256-GCM, IV = first 12 bytes of HMAC-SHA-256(key, value): the same value encrypts the same. */
function encrypt(key: Buffer, value: string): string {
  const iv = createHmac('sha256', key).update(value, 'utf8').digest().subarray(0, 12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(value, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64');
}
