import type { EstimateJson } from '../report.js';

/**
 * The Infracost-style breakdown: one block per stack (resource, its cost components, quantities,
 * unit prices, monthly cost), totals and cost per million requests; with two stacks, the
 * comparison, the break-even traffic and a sample of the cost curve. Presentational only.
 */
const COLUMNS = { qty: 14, unit: 15, price: 15, cost: 13 } as const;
const NUMBERS_WIDTH = COLUMNS.qty + COLUMNS.unit + COLUMNS.price + COLUMNS.cost;
/** The name column takes what the terminal leaves, between 30 and 66 characters. */
export const FULL_WIDTH = 66 + NUMBERS_WIDTH;

const NUM = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });
const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatQuantity(value: string): string {
  const n = Number(value);
  return n !== 0 && Math.abs(n) < 0.0001 ? n.toExponential(2) : NUM.format(n);
}
export function formatUnitPrice(value: string): string {
  const [whole, frac = ''] = value.split('.');
  const digits = frac.replace(/0+$/, '');
  return `$${Number(whole).toLocaleString('en-US')}${digits.length ? `.${digits.length < 2 ? digits.padEnd(2, '0') : digits}` : '.00'}`;
}
export const formatMoney = (value: string) => USD.format(Number(value));

function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const clipped = text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text;
  return align === 'right' ? clipped.padStart(width) : clipped.padEnd(width);
}

export type LineStyle = 'plain' | 'bold' | 'dim' | 'heading' | 'warning' | 'highlight';
export interface Line {
  text: string;
  style: LineStyle;
}

function rowOf(nameWidth: number) {
  return (name: string, qty = '', unit = '', price = '', cost = ''): string =>
    `${fit(name, nameWidth)}${fit(qty, COLUMNS.qty, 'right')}${fit(` ${unit}`, COLUMNS.unit)}${fit(price, COLUMNS.price, 'right')}${fit(cost, COLUMNS.cost, 'right')}`;
}

export const unpricedPhrase = (n: number) => `${n} unpriced resource${n === 1 ? '' : 's'}`;

const perMillion = (v: string) => `$${Number(v).toFixed(4)}`;

/**
 * The breakdown as styled lines: one layout for both sinks, Ink (a terminal) and plain text
 * (pipes, files, CI), so what a terminal shows and what a log keeps are the same table.
 */
export function estimateLines(json: EstimateJson, width: number = FULL_WIDTH): Line[] {
  const row = rowOf(Math.max(30, Math.min(66, width - NUMBERS_WIDTH - 1)));
  const out: Line[] = [];
  const push = (text: string, style: LineStyle = 'plain') => out.push({ text, style });
  push(`Prices: ${json.pricing.snapshot} (${json.pricing.source}, as of ${json.pricing.pricesAsOf}) · region ${json.region} · free tier ${json.freeTier ? 'on (always-free allowances)' : 'off'} · USD/month`, 'dim');
  push('');
  for (const stack of json.stacks) {
    push(`${stack.name}  (${stack.source})`, 'heading');
    push(`usage: ${stack.usage.kind} — ${stack.usage.source}`, 'dim');
    push(row(' Name', 'Monthly Qty', 'Unit', 'Unit price', 'Monthly Cost'), 'bold');
    for (const r of stack.resources) {
      push(row(` ${r.address}`), 'bold');
      r.components.forEach((c, i) => {
        const text = row(` ${i === r.components.length - 1 ? '└─' : '├─'} ${c.name}`, formatQuantity(c.monthlyQuantity), c.unit, formatUnitPrice(c.unitPrice), formatMoney(c.monthlyCost));
        push(text, c.usageBased && Number(c.monthlyQuantity) === 0 ? 'dim' : 'plain');
      });
    }
    push(row(` TOTAL (${stack.name})${stack.excludedFromTotal > 0 ? `, excluding ${unpricedPhrase(stack.excludedFromTotal)}` : ''}`, '', '', '', formatMoney(stack.totalMonthlyCost)), 'bold');
    if (stack.costPerMillionRequests !== null && json.requestsPerMonth !== null)
      push(` Cost per 1M requests: ${perMillion(stack.costPerMillionRequests)} at ${NUM.format(json.requestsPerMonth)} requests/month`);
    push(` ${stack.resources.length} priced, ${stack.freeResources} free, ${stack.unsupportedResources.length} not supported, ${stack.unpricedResources.length} missing a price`, 'dim');
    for (const u of stack.unsupportedResources) push(`  not priced: ${u.address}: ${u.reason}`, 'warning');
    for (const u of stack.unpricedResources) push(`  unpriced: ${u.address}: ${u.reason} (looked for ${u.lookup})`, 'warning');
    push('');
  }
  if (json.stacks.length > 1) {
    for (const s of json.stacks)
      push(
        `${s.name.padEnd(12)} ${formatMoney(s.totalMonthlyCost).padStart(12)}/month${s.costPerMillionRequests !== null ? `   ${perMillion(s.costPerMillionRequests)} per 1M requests` : ''}${s.excludedFromTotal > 0 ? `   (excluding ${unpricedPhrase(s.excludedFromTotal)})` : ''}`,
        'bold',
      );
    push('');
  }
  const curve = json.costCurve;
  if (curve) {
    if (json.breakEven !== null) {
      if (json.breakEven.length === 0)
        push(`Break-even: none between ${NUM.format(curve.requestsPerMonth[0]!)} and ${NUM.format(curve.requestsPerMonth.at(-1)!)} requests/month (the two never cross)`, 'bold');
      for (const b of json.breakEven)
        push(
          `Break-even: ${NUM.format(b.requestsPerMonth)} requests/month (${NUM.format(b.averageRequestsPerSecond)} req/s average): ${b.cheaperAbove} is cheaper above it — traditional ${formatMoney(b.traditionalMonthlyCost)} vs serverless ${formatMoney(b.serverlessMonthlyCost)}${b.atInstanceStep ? ' (where the ASG adds an instance)' : ''}`,
          'highlight',
        );
    }
    const every = Math.max(1, Math.floor(curve.points / 10));
    const names = json.stacks.map((s) => s.name);
    push(`Cost vs traffic (${curve.points} points, every ${every}th shown; all in --format json):`, 'dim');
    push(fit('requests/month', 22, 'right') + names.map((n) => fit(n, 16, 'right')).join(''), 'bold');
    curve.requestsPerMonth.forEach((r, i) => {
      if (i % every === 0 || i === curve.points - 1) push(fit(NUM.format(r), 22, 'right') + names.map((n) => fit(formatMoney(curve.monthlyCost[n]![i]!), 16, 'right')).join(''));
    });
    push('');
  }
  for (const n of json.notes) push(`note: ${n}`, 'dim');
  return out;
}

export function estimateText(json: EstimateJson): string {
  return `${estimateLines(json).map((l) => l.text.trimEnd()).join('\n')}\n`;
}

