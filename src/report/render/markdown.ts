import { breakEvenText, coldStartRows, serverLatencyRow, figure, money, pricedUsageText, requests, scalingRows, triple, winnerText } from '../format.js';
import { gatesMarkdownRows, gatesTitle } from '../gates.js';
import { projectionRows } from '../projection.js';
import type { Report, ReportModel } from '../model.js';

/** The report as GitHub-flavoured Markdown (a PR comment): tables, no HTML, no colours. */
const MODELS: readonly ReportModel[] = ['traditional', 'serverless'];

const esc = (s: string) => s.replace(/\|/g, '\\|');
function table(head: string[], rows: string[][]): string {
  return [`| ${head.map(esc).join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function renderMarkdown(report: Report): string {
  const v = report.verdict;
  const out: string[] = [];
  out.push(`## archcompare: ${v.headline}`);
  out.push(`Profile **${report.profile.name}** — ${report.profile.description}. ${report.provenance.label}.`);
  out.push('### Verdict');
  out.push(
    table(
      ['criterion', 'traditional', 'serverless', 'better', 'basis'],
      v.criteria.map((c) => [c.label, figure(c.traditional.value, c.traditional.unit), figure(c.serverless.value, c.serverless.unit), winnerText(c.winner, c.marginPct), c.traditional.basis]),
    ),
  );
  out.push(`**Flip:** ${v.flip}`);
  out.push(v.reasons.map((r) => `- ${r}`).join('\n'));
  out.push(`<sub>${v.rule}</sub>`);

  out.push(`### Cost (USD/month, ${report.cost.region}, prices as of ${report.cost.pricing.pricesAsOf}${report.cost.freeTier ? ', free tier applied' : ''})`);
  out.push(
    table(
      ['traffic', 'requests/month', 'avg req/s', 'traditional', 'serverless', 'cheaper'],
      report.cost.levels.map((l) => [l.label, requests(l.requestsPerMonth), String(l.averageRps), money(l.traditional), money(l.serverless), l.cheaper]),
    ),
  );
  out.push(`**Break-even:** ${breakEvenText(report)}.`);
  out.push(
    `Cost per 1M requests: traditional ${report.cost.traditional.costPerMillionRequests ? money(report.cost.traditional.costPerMillionRequests) : '–'}, serverless ${report.cost.serverless.costPerMillionRequests ? money(report.cost.serverless.costPerMillionRequests) : '–'}. ` +
      `ASG sized at ${report.cost.capacityModel.value} req/s per instance (${report.cost.capacityModel.basis}: ${report.cost.capacityModel.source}).`,
  );
  for (const m of MODELS) {
    out.push(`<details><summary>Top cost components · ${m} (${money(report.cost[m].totalMonthly)}/month)</summary>\n`);
    out.push(table(['resource', 'component', 'quantity', 'unit price', 'monthly', 'price entry'], report.cost[m].topComponents.map((c) => [`\`${c.resource}\``, c.component, `${c.monthlyQuantity} ${c.unit}`, `$${c.unitPrice}`, money(c.monthlyCost), c.price])));
    out.push('\n</details>');
  }

  out.push('### Latency (ms, p50 / p95 / p99)');
  const serverRow = serverLatencyRow(report);
  out.push(
    table(
      ['phase', 'target rate', 'traditional', 'serverless'],
      [
        ...report.latency.phases.map((p) => [p.highlighted ? `**${p.name}** (spike)` : p.name, p.targetRate, triple(p.traditional), triple(p.serverless)]),
        ['all measured phases', '', triple(report.latency.overall.traditional), triple(report.latency.overall.serverless)],
        ...(serverRow ? [[serverRow[0]!, '', serverRow[1]!, serverRow[2]!]] : []),
      ],
    ),
  );
  if (MODELS.some((m) => report.latency.overall[m].corrected)) out.push('\\* coordinated-omission corrected: the generator fell behind its schedule.');

  if (report.gates) {
    out.push(`### ${gatesTitle(report.gates)}`);
    out.push(table(['fails when', 'set by', 'traditional', 'serverless'], gatesMarkdownRows(report)));
  }

  out.push('### Cold starts');
  out.push(
    table(
      ['', 'traditional', 'serverless'],
      coldStartRows(report),
    ),
  );

  out.push('### Scaling and errors');
  out.push(
    table(
      ['', 'traditional', 'serverless'],
      scalingRows(report),
    ),
  );

  out.push(`### Operational effort (modelled: ${report.effort.weightsSource}, ${report.effort.hoursPerPoint} h per point)`);
  for (const m of MODELS) {
    const e = report.effort[m];
    out.push(`**${m}**: score ${e.score}, ${e.hoursPerMonth} hours/month (${money(e.monthlyCost)} at $${report.effort.engineerHourlyRateUsd}/h)`);
    out.push(table(['item', 'count', 'points', 'hours/month', 'evidence'], e.items.map((i) => [i.label, String(i.count), String(i.points), String(i.hoursPerMonth), i.evidence.map((a) => `\`${a}\``).join(', ')])));
  }

  out.push('### Data provenance');
  out.push(
    [
      `- ${report.provenance.label}.`,
      `- Measured: ${MODELS.map((m) => `\`${report.provenance.results[m]}\` (run ${report.provenance.runIds[m]}, ${report.provenance.measuredWindowS[m]} s measured)`).join(', ')}.`,
      `- Priced: \`${report.cost.pricing.snapshot}\` (prices as of ${report.cost.pricing.pricesAsOf}, ${report.cost.pricing.ageDays} days old) × ${pricedUsageText(report)}.`,
      '- Modelled:',
      ...report.provenance.modelledParameters.map((p) => `  - \`${p.id}\` = ${p.value}: ${p.description} (${p.source})`),
      ...MODELS.flatMap((m) => report.cost[m].modelledUsage.map((u) => `- Modelled usage (${m}): ${u}.`)),
      ...report.cost.notes.map((n) => `- Note: ${n}.`),
      ...report.provenance.warnings.map((w) => `- ⚠ ${w}`),
    ].join('\n'),
  );
  if (report.projection) {
    const pr = projectionRows(report.projection);
    out.push(`### ${pr.title}`);
    out.push(table(pr.header, pr.rows));
    out.push([...pr.bottlenecks.map((b) => `- ${b.binding ? '**' : ''}${b.model}${b.binding ? ' (binding)**' : ''}: ${b.text}`), ...pr.notes.map((n) => `- ${n}`)].join('\n'));
  }
  return `${out.join('\n\n')}\n`;
}
