import type { AuditReport, TimelinePoint } from './schema.js';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/** One line chart (inline SVG): a cumulative series per pledge over time. */
function chart(title: string, series: Map<string, { t: number; v: number }[]>, unit: string): string {
  const W = 640;
  const H = 240;
  const L = 70;
  const B = 30;
  const all = [...series.values()].flat();
  if (all.length === 0) return `<p>${esc(title)}: nothing yet.</p>`;
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t), t0 + 1);
  const v1 = Math.max(...all.map((p) => p.v), 1);
  const x = (t: number) => L + ((t - t0) / (t1 - t0)) * (W - L - 10);
  const y = (v: number) => H - B - (v / v1) * (H - B - 10);
  const lines = [...series].map(([pledge, pts], i) => {
    const color = COLORS[i % COLORS.length] ?? '#000';
    // a step line: the value holds until the next event
    let d = `M${x(t0).toFixed(1)},${y(0).toFixed(1)}`;
    let prev = 0;
    for (const p of pts) {
      d += ` L${x(p.t).toFixed(1)},${y(prev).toFixed(1)} L${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
      prev = p.v;
    }
    d += ` L${x(t1).toFixed(1)},${y(prev).toFixed(1)}`;
    return `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"><title>pledge ${esc(pledge)}</title></path>`;
  });
  const legend = [...series.keys()]
    .map(
      (k, i) =>
        `<tspan fill="${COLORS[i % COLORS.length] ?? '#000'}" x="${L + 10}" dy="14">— pledge ${esc(k)}</tspan>`,
    )
    .join('');
  const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ');
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">
<line x1="${L}" y1="${H - B}" x2="${W - 10}" y2="${H - B}" stroke="#888"/><line x1="${L}" y1="10" x2="${L}" y2="${H - B}" stroke="#888"/>
<text x="${L - 4}" y="${y(v1) + 4}" text-anchor="end" font-size="10">${esc(String(v1))}</text><text x="${L - 4}" y="${H - B}" text-anchor="end" font-size="10">0 ${esc(unit)}</text>
<text x="${L}" y="${H - 8}" font-size="10">${esc(date(t0))}</text><text x="${W - 10}" y="${H - 8}" font-size="10" text-anchor="end">${esc(date(t1))} UTC</text>
${lines.join('\n')}
<text x="0" y="10" font-size="11">${legend}</text></svg></figure>`;
}

function seriesOf(
  points: readonly TimelinePoint[],
  key: 'rows' | 'paid',
): Map<string, { t: number; v: number }[]> {
  const m = new Map<string, { t: number; v: number }[]>();
  for (const p of points) {
    const s = m.get(p.pledge) ?? [];
    s.push({ t: p.time, v: Number(p[key]) });
    m.set(p.pledge, s);
  }
  return m;
}

/**
 * The audit as one self-contained HTML page: the table, the findings, and charts of row-uses and
 * payouts over time per dataset (inline CSS and SVG, nothing fetched). No row value, no path.
 *
 * @example
 * await writeFileAtomic('audit.html', renderAuditHtml(report, { title: 'audit', generatedAt: new Date() }));
 */
export function renderAuditHtml(r: AuditReport, o: { generatedAt: Date }): string {
  const rows = r.rows
    .map(
      (x) =>
        `<tr class="${x.status === 'FAILED' ? 'bad' : ''}"><td>${esc(x.pledge)}</td><td>token ${esc(x.tokenId)} v${x.version}</td><td><code>${esc(x.consumer)}</code></td><td>${x.jobs}</td><td>${esc(x.rows)}</td><td>${esc(x.owed)}</td><td>${esc(x.paid)}</td><td>${esc(x.status)}</td></tr>`,
    )
    .join('\n');
  const findings =
    r.findings.length === 0
      ? '<p class="ok">Every receipt, proof and payment checks.</p>'
      : `<ul>${r.findings.map((f) => `<li class="${f.level}"><b>${esc(f.code)}</b> pledge ${esc(f.pledge)}${f.seq === undefined ? '' : ` receipt ${f.seq}`}: ${esc(f.message)}</li>`).join('\n')}</ul>`;
  const paid = new Map(
    [...seriesOf(r.timeline, 'paid')].map(([k, v]) => [k, v.map((p) => ({ t: p.t, v: p.v }))] as const),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sinso audit</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:60rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
th{background:#f3f3f3}tr.bad td{background:#fde8e8}.ok{color:#1a7f37}li.error{color:#b42318}li.warning{color:#8a6d00}
figure{margin:1rem 0}figcaption{font-weight:600}code{font-size:.85em}
</style></head><body>
<h1>sinso audit: ${r.ok ? 'clean' : 'FINDINGS'}</h1>
<p>Owners: ${r.owners.map((o) => `<code>${esc(o)}</code>`).join(', ')}. Generated ${esc(o.generatedAt.toISOString())}. Amounts in wei.</p>
<table><thead><tr><th>pledge</th><th>dataset</th><th>consumer</th><th>jobs</th><th>rows</th><th>owed</th><th>paid</th><th>status</th></tr></thead>
<tbody>${rows}</tbody></table>
<h2>Findings</h2>
${findings}
<h2>Usage and payouts over time</h2>
${chart('Row-uses (cumulative, by job start)', seriesOf(r.timeline, 'rows'), 'rows')}
${chart('Paid to the owner (cumulative, by block time)', paid, 'wei')}
</body></html>
`;
}
