import { breakEvenText, coldStartRows, serverLatencyRow, figure, money, pricedUsageText, requests, scalingRows, triple, winnerText } from '../format.js';
import { gateRows, gatesTitle, markedOutcome } from '../gates.js';
import { projectionRows } from '../projection.js';
import type { Report, ReportModel } from '../model.js';

/** The HTML page's text sections (tables, provenance), escaped; the charts are drawn client-side. */
const MODELS: readonly ReportModel[] = ['traditional', 'serverless'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const code = (s: string) => `<code>${esc(s)}</code>`;

/** Cells are escaped unless passed as {html}. */
type Cell = string | { html: string };
const cell = (c: Cell, i: number) => `<td${i > 0 ? ' class="num"' : ''}>${typeof c === 'string' ? esc(c) : c.html}</td>`;
function table(head: string[], rows: Cell[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

/** A model's gate cell, coloured by its outcome. */
function gateCell(check: Parameters<typeof markedOutcome>[0]): string {
  const text = esc(markedOutcome(check, { failed: '✗ fails', passed: '✓ passes' }));
  return check ? `<span class="${check.failed ? 'gate-failed' : 'gate-passed'}">${text}</span>` : text;
}

export function htmlSections(report: Report) {
  const v = report.verdict;
  const header = `<h1>archcompare report · ${esc(report.profile.name)}</h1><p class="muted">${esc(report.profile.description)} · ${esc(report.provenance.label)} · generated ${esc(report.generatedAt)}</p>`;
  const verdict =
    `<h2>${esc(v.headline)}</h2>` +
    table(
      ['criterion', 'traditional', 'serverless', 'better', 'basis', 'source'],
      v.criteria.map((c) => [c.label, figure(c.traditional.value, c.traditional.unit), figure(c.serverless.value, c.serverless.unit), winnerText(c.winner, c.marginPct), c.traditional.basis, { html: `${code(c.traditional.source)}<br>${code(c.serverless.source)}` }]),
    ) +
    `<p><strong>Flip:</strong> ${esc(v.flip)}</p><ul>${v.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul><p class="muted">${esc(v.rule)}</p>`;
  const cost =
    `<p class="muted">USD/month, ${esc(report.cost.region)}, prices as of ${esc(report.cost.pricing.pricesAsOf)} (${code(report.cost.pricing.snapshot)})${report.cost.freeTier ? ', free tier applied' : ''}. Measured rate: ${esc(requests(report.cost.measuredRequestsPerMonth.value ?? 0))} requests/month (${esc(report.cost.measuredRequestsPerMonth.source)}).</p>` +
    table(
      ['traffic', 'requests/month', 'avg req/s', 'traditional', 'serverless', 'cheaper'],
      report.cost.levels.map((l) => [l.label, requests(l.requestsPerMonth), String(l.averageRps), money(l.traditional), money(l.serverless), l.cheaper]),
    ) +
    `<p><strong>Break-even:</strong> ${esc(breakEvenText(report))}. ASG sized at ${esc(String(report.cost.capacityModel.value))} req/s per instance (${esc(report.cost.capacityModel.basis)}: ${esc(report.cost.capacityModel.source)}).</p>` +
    MODELS.map(
      (m) =>
        `<details><summary>Top cost components · ${m} (${esc(money(report.cost[m].totalMonthly))}/month, ${report.cost[m].costPerMillionRequests ? esc(money(report.cost[m].costPerMillionRequests!)) : '–'} per 1M requests)</summary>` +
        table(['resource', 'component', 'quantity', 'unit price', 'monthly', 'price entry'], report.cost[m].topComponents.map((c) => [{ html: code(c.resource) }, c.component, `${c.monthlyQuantity} ${c.unit}`, `$${c.unitPrice}`, money(c.monthlyCost), c.price])) +
        '</details>',
    ).join('') +
    (report.cost.notes.length ? `<p class="muted">${report.cost.notes.map(esc).join('<br>')}</p>` : '');
  const latency =
    table(
      ['phase', 'target rate', 'traditional p50 / p95 / p99 (ms)', 'serverless p50 / p95 / p99 (ms)'],
      [
        ...report.latency.phases.map((p) => [p.highlighted ? { html: `<strong>${esc(p.name)}</strong> (spike)` } : p.name, p.targetRate, triple(p.traditional), triple(p.serverless)]),
        ['all measured phases', '', triple(report.latency.overall.traditional), triple(report.latency.overall.serverless)],
        ...((row) => (row ? [[row[0]!, '', row[1]!, row[2]!]] : []))(serverLatencyRow(report)),
      ],
    ) + `<p class="muted">${esc(report.latency.source)}</p>`;
  const gates = report.gates
    ? `<h3>${esc(gatesTitle(report.gates))}</h3>` +
      table(
        ['fails when', 'set by', 'traditional', 'serverless'],
        gateRows(report).map((g) => [{ html: code(g.expression) }, g.source, ...MODELS.map((m) => ({ html: gateCell(g.checks[m]) }))]),
      )
    : '';
  const cs = report.coldStarts;
  const coldStarts =
    table(
      ['', 'traditional', 'serverless'],
      coldStartRows(report),
    ) + `<p class="muted">${esc(cs.source)}</p>`;
  const s = report.scaling;
  const scaling =
    table(
      ['', 'traditional', 'serverless'],
      scalingRows(report),
    ) + `<p class="muted">${MODELS.map((m) => esc(s[m].timelineSource)).join('<br>')}</p>`;
  const effort =
    `<p class="muted">Modelled: weights ${code(report.effort.weightsSource)}, ${report.effort.hoursPerPoint} h per point, $${report.effort.engineerHourlyRateUsd}/h.</p>` +
    MODELS.map(
      (m) =>
        `<p><strong>${m}</strong>: score ${report.effort[m].score}, ${report.effort[m].hoursPerMonth} hours/month (${esc(money(report.effort[m].monthlyCost))}), from ${code(report.effort[m].stackSource)}</p>` +
        table(['item', 'count', 'points', 'hours/month', 'evidence'], report.effort[m].items.map((i) => [i.label, String(i.count), String(i.points), String(i.hoursPerMonth), { html: i.evidence.map(code).join(' ') }])),
    ).join('');
  const p = report.provenance;
  const provenance =
    '<ul>' +
    [
      esc(p.label),
      `Measured: ${MODELS.map((m) => `${code(p.results[m])} (run ${esc(p.runIds[m])}, ${p.measuredWindowS[m]} s measured)`).join(', ')}`,
      `Priced: ${code(report.cost.pricing.snapshot)} (prices as of ${esc(report.cost.pricing.pricesAsOf)}, ${report.cost.pricing.ageDays} days old) × ${esc(pricedUsageText(report))}`,
      ...p.modelledParameters.map((x) => `Modelled: ${code(x.id)} = ${esc(x.value)}: ${esc(x.description)} (${esc(x.source)})`),
      ...MODELS.flatMap((m) => report.cost[m].modelledUsage.map((u) => `Modelled usage (${m}): ${esc(u)}`)),
      ...p.warnings.map((w) => `<span class="warn">⚠ ${esc(w)}</span>`),
    ]
      .map((li) => `<li>${li}</li>`)
      .join('') +
    '</ul>';
  const pr = report.projection ? projectionRows(report.projection) : undefined;
  const projection = pr
    ? `<h3>${esc(pr.title)}</h3>` + table(pr.header, pr.rows) + '<ul>' + [...pr.bottlenecks.map((b) => `${b.binding ? '<strong>' : ''}${esc(b.model)}${b.binding ? ' (binding)</strong>' : ''}: ${esc(b.text)}`), ...pr.notes.map(esc)].map((li) => `<li>${li}</li>`).join('') + '</ul>'
    : '';
  return { header, verdict, cost, latency, gates, coldStarts, scaling, effort, provenance, projection };
}
