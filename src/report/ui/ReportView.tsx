import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { breakEvenText, count, figure, money, ms, pct, requests, scalingText, triple, winnerText } from '../format.js';
import type { Report, ReportModel } from '../model.js';
import { bar, sparkline } from './charts.js';

/**
 * The report in a terminal: presentational only (renders the model it is given). Lays out for
 * `width` columns, clamped to 80–100; colours only when `color` (a TTY without NO_COLOR).
 */
export interface ReportViewProps {
  report: Report;
  width?: number;
  color?: boolean;
}

const MODELS: readonly ReportModel[] = ['traditional', 'serverless'];

/** A cell of `width` columns, the last one always a gap (clipped text ends in …). */
function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const room = width - 1;
  const clipped = text.length > room ? `${text.slice(0, Math.max(0, room - 1))}…` : text;
  return `${align === 'right' ? clipped.padStart(room) : clipped.padEnd(room)} `;
}

/** Per-minute capacity datapoints as a step function over the run's seconds, to line up with demand. */
function onSeconds(points: ReadonlyArray<{ t: number; value: number }>, seconds: readonly number[]): Array<number | null> {
  let i = -1;
  return seconds.map((t) => {
    while (i + 1 < points.length && points[i + 1]!.t <= t) i++;
    return i >= 0 ? points[i]!.value : null;
  });
}

const SHORT_LABEL: Record<string, string> = { cost: 'Monthly AWS cost', latency: 'p95 latency', reliability: 'Failed requests', effort: 'Ops effort' };

interface Layout {
  width: number;
  label: number;
  value: number;
  extra: number;
}

function layout(width: number): Layout {
  const w = Math.max(80, Math.min(100, Math.floor(width)));
  const label = w >= 100 ? 26 : 20;
  const extra = w >= 100 ? 22 : 18;
  return { width: w, label, extra, value: Math.floor((w - 2 - label - extra) / 2) };
}

export function ReportView({ report, width = 100, color = false }: ReportViewProps) {
  const L = layout(width);
  const c = (col: string | undefined) => (color ? col : undefined);
  const Heading = ({ children }: { children: ReactNode }) => (
    <Box marginTop={1}>
      <Text bold={color} color={c('cyan')}>
        {children}
      </Text>
    </Box>
  );
  const Prose = ({ children, tone }: { children: ReactNode; tone?: string }) => (
    <Box paddingLeft={2}>
      <Text color={c(tone)}>{children}</Text>
    </Box>
  );
  const Line = ({ children, tone, dim }: { children: string; tone?: string; dim?: boolean }) => (
    <Text color={c(tone)} dimColor={color && dim}>
      {children}
    </Text>
  );
  const cells = (label: string, a: string, b: string) => `  ${fit(label, L.label)}${fit(a, L.value)}${fit(b, L.value)}`;
  const row = (label: string, a: string, b: string, extra = '') => `  ${fit(label, L.label)}${fit(a, L.value)}${fit(b, L.value)}${fit(extra, L.extra)}`.trimEnd();
  const v = report.verdict;
  const toneOf = (m: ReportModel | 'tie') => (m === 'tie' ? undefined : m === 'traditional' ? 'blue' : 'magenta');
  const sparkWidth = L.width - 2 - L.label - 16;

  const costMax = (level: Report['cost']['levels'][number]) => Math.max(Number(level.traditional), Number(level.serverless));
  const moneyBar = (value: string, max: number) => {
    const text = money(value);
    return `${text} ${bar(Number(value), max, Math.max(1, L.value - text.length - 2))}`;
  };

  const p95Max = Math.max(0, ...MODELS.flatMap((m) => report.latency.p95Series[m].filter((x): x is number => x !== null)));
  const coldMax = Math.max(0, ...MODELS.flatMap((m) => report.coldStarts.series[m].filter((x): x is number => x !== null)));

  return (
    <Box flexDirection="column" width={L.width}>
      <Text bold={color}>
        archcompare report · profile {report.profile.name} · {report.provenance.target} target · time scale {report.provenance.timeScale}
      </Text>
      <Line dim>{report.profile.description}</Line>

      <Heading>VERDICT</Heading>
      <Text bold={color} color={c(toneOf(v.winner))}>
        {v.headline}
      </Text>
      <Line dim>{row('criterion', 'traditional', 'serverless', 'better')}</Line>
      {v.criteria.map((cr) => (
        <Text key={cr.id}>
          {cells(SHORT_LABEL[cr.id] ?? cr.label, figure(cr.traditional.value, cr.traditional.unit), figure(cr.serverless.value, cr.serverless.unit))}
          <Text color={c(toneOf(cr.winner))}>{winnerText(cr.winner, cr.marginPct)}</Text>
        </Text>
      ))}
      <Prose>Flip: {v.flip}</Prose>
      {v.reasons.slice(4).map((r, i) => (
        <Prose key={i}>• {r}</Prose>
      ))}

      <Heading>
        COST · USD/month · {report.cost.region} · prices as of {report.cost.pricing.pricesAsOf}
        {report.cost.freeTier ? ' · free tier applied' : ''}
      </Heading>
      <Line dim>{row('traffic (requests/month)', 'traditional', 'serverless', 'cheaper')}</Line>
      {report.cost.levels.map((level) => (
        <Text key={level.label}>
          {row(`${level.label} ${requests(level.requestsPerMonth)} (${level.averageRps} r/s)`, moneyBar(level.traditional, costMax(level)), moneyBar(level.serverless, costMax(level)), level.cheaper)}
        </Text>
      ))}
      <Prose>Break-even: {breakEvenText(report)}</Prose>
      <Prose>{`Per 1M requests: traditional ${report.cost.traditional.costPerMillionRequests ? money(report.cost.traditional.costPerMillionRequests) : '–'}, serverless ${report.cost.serverless.costPerMillionRequests ? money(report.cost.serverless.costPerMillionRequests) : '–'}; ASG sized at ${report.cost.capacityModel.value} req/s per instance (${report.cost.capacityModel.basis})`}</Prose>
      {MODELS.map((m) => (
        <Box key={m} flexDirection="column">
          <Text color={c(toneOf(m))}>  Top components · {m}</Text>
          {report.cost[m].topComponents.slice(0, 4).map((comp, i) => (
            <Text key={i}>{`    ${fit(`${comp.resource} · ${comp.component}`, L.width - 16)}${fit(money(comp.monthlyCost), 12, 'right')}`}</Text>
          ))}
        </Box>
      ))}

      <Heading>LATENCY · ms p50 / p95 / p99 · ▶ = spike</Heading>
      <Line dim>{row('phase (target rate)', 'traditional', 'serverless')}</Line>
      {report.latency.phases.map((p) => (
        <Text key={p.name} color={c(p.highlighted ? 'yellow' : undefined)}>
          {row(`${p.highlighted ? '▶' : ' '}${p.name} (${p.targetRate})`, triple(p.traditional), triple(p.serverless))}
        </Text>
      ))}
      <Text>{row(' all measured phases', triple(report.latency.overall.traditional), triple(report.latency.overall.serverless))}</Text>
      <Line dim>{`  p95 per second, scale 0–${ms(p95Max)}, ${report.latency.p95Series.t.length} s (wall)`}</Line>
      {MODELS.map((m) => (
        <Text key={m}>
          {`  ${fit(m, L.label)}`}
          <Text color={c(toneOf(m))}>{sparkline(report.latency.p95Series[m], sparkWidth, p95Max)}</Text>
        </Text>
      ))}

      <Heading>COLD STARTS</Heading>
      <Line dim>{row('', 'traditional', 'serverless')}</Line>
      <Text>{row('count (share)', `${count(report.coldStarts.traditional.count)} (${pct(report.coldStarts.traditional.sharePct, 3)})`, `${count(report.coldStarts.serverless.count)} (${pct(report.coldStarts.serverless.sharePct, 3)})`)}</Text>
      <Text>{row('init p50 / p95', `${ms(report.coldStarts.traditional.initP50Ms)} / ${ms(report.coldStarts.traditional.initP95Ms)}`, `${ms(report.coldStarts.serverless.initP50Ms)} / ${ms(report.coldStarts.serverless.initP95Ms)}`)}</Text>
      <Text>{row('effect on p95 per second', report.coldStarts.traditional.p95EffectMs === null ? '–' : `+${ms(report.coldStarts.traditional.p95EffectMs)}`, report.coldStarts.serverless.p95EffectMs === null ? '–' : `+${ms(report.coldStarts.serverless.p95EffectMs)}`)}</Text>
      <Text>{row('in warm-up (excluded)', count(report.coldStarts.traditional.warmupCount), count(report.coldStarts.serverless.warmupCount))}</Text>
      <Line dim>{`  cold starts per second, scale 0–${coldMax}`}</Line>
      {MODELS.map((m) => (
        <Text key={m}>
          {`  ${fit(m, L.label)}`}
          <Text color={c(toneOf(m))}>{sparkline(report.coldStarts.series[m], sparkWidth, coldMax)}</Text>
        </Text>
      ))}

      <Heading>SCALING AND ERRORS</Heading>
      <Line dim>{`  demand (target req/s) and capacity (${report.scaling.traditional.capacityUnit} / ${report.scaling.serverless.capacityUnit}) over time`}</Line>
      <Text>
        {`  ${fit('demand', L.label)}`}
        {sparkline(report.scaling.demand.rps, sparkWidth)}
      </Text>
      {MODELS.map((m) => (
        <Text key={m}>
          {`  ${fit(m, L.label)}`}
          <Text color={c(toneOf(m))}>{sparkline(onSeconds(report.scaling[m].capacity, report.scaling.demand.t), sparkWidth)}</Text>
        </Text>
      ))}
      {MODELS.map((m) => (
        <Prose key={m}>{`${m}: ${scalingText(report, m)}`}</Prose>
      ))}
      <Text>{row('429 / 5xx / conn+timeouts', `${count(report.scaling.traditional.throttled)} / ${count(report.scaling.traditional.serverErrors)} / ${count(report.scaling.traditional.connectionErrors)}`, `${count(report.scaling.serverless.throttled)} / ${count(report.scaling.serverless.serverErrors)} / ${count(report.scaling.serverless.connectionErrors)}`)}</Text>
      <Text>{row('failed requests', pct(report.scaling.traditional.errorRatePct), pct(report.scaling.serverless.errorRatePct))}</Text>

      <Heading>OPERATIONAL EFFORT · modelled, weights {report.effort.weightsSource}</Heading>
      <Line dim>{row('item (points)', 'traditional', 'serverless')}</Line>
      {[...new Set(MODELS.flatMap((m) => report.effort[m].items.map((i) => i.id)))].map((id) => {
        const item = (m: ReportModel) => report.effort[m].items.find((i) => i.id === id);
        const label = (item('traditional') ?? item('serverless'))!.label;
        const cell = (m: ReportModel) => {
          const i = item(m);
          return i ? `${i.count} → ${i.hoursPerMonth} h` : '–';
        };
        return <Text key={id}>{row(label.split(' (')[0]!, cell('traditional'), cell('serverless'))}</Text>;
      })}
      <Text bold={color}>{row('total hours/month (score)', `${report.effort.traditional.hoursPerMonth} h (${report.effort.traditional.score})`, `${report.effort.serverless.hoursPerMonth} h (${report.effort.serverless.score})`)}</Text>
      <Prose>{`evidence: resource addresses per item in --format json|md|html; ${report.effort.hoursPerPoint} h per point`}</Prose>

      <Heading>DATA PROVENANCE</Heading>
      <Prose>{report.provenance.label}</Prose>
      <Prose>measured: latency, cold starts, errors, scaling: {report.provenance.results.traditional}, {report.provenance.results.serverless}</Prose>
      <Prose>priced: costs = {report.cost.pricing.snapshot} × measured usage (top lines name their Price List entry)</Prose>
      <Prose>modelled: {report.provenance.modelledParameters.map((p) => `${p.name} = ${p.value}`).join('; ')}</Prose>
      {report.provenance.warnings.map((w, i) => (
        <Prose key={i} tone="yellow">
          warning: {w}
        </Prose>
      ))}
    </Box>
  );
}
