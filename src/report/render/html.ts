import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { htmlSections } from './html-sections.js';
import type { Report } from '../model.js';

/**
 * A self-contained HTML page: the report's tables plus four uPlot charts (cost vs traffic with the
 * break-even point, p95 per second with the phases as bands, cold starts per second, capacity over
 * time against demand). uPlot's minified bundle (~50 KB, MIT) and CSS are inlined, so the file
 * opens offline and can be attached to a CI run.
 */
let bundle: { js: string; css: string } | undefined;

function uplotBundle(): { js: string; css: string } {
  if (!bundle) {
    const require = createRequire(import.meta.url);
    bundle = {
      js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return bundle;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** JSON inside <script>: no "</script>" or "<!--" can close it early. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** The chart data only: the page's tables are rendered server-side. */
function chartData(report: Report) {
  return {
    cost: {
      x: report.cost.curve.requestsPerMonth,
      traditional: report.cost.curve.traditional.map(Number),
      serverless: report.cost.curve.serverless.map(Number),
      breakEven: report.cost.breakEven.map((b) => ({ x: b.requestsPerMonth, y: Number(b.traditionalMonthly) })),
      measured: report.cost.measuredRequestsPerMonth.value,
    },
    p95: report.latency.p95Series,
    phases: report.latency.phases.map((p) => ({ name: p.name, from: p.fromS, to: p.toS, highlighted: p.highlighted })),
    cold: report.coldStarts.series,
    capacity: {
      traditional: report.scaling.traditional.capacity,
      serverless: report.scaling.serverless.capacity,
      traditionalUnit: report.scaling.traditional.capacityUnit,
      serverlessUnit: report.scaling.serverless.capacityUnit,
      demand: report.scaling.demand,
    },
  };
}

const CHART_SCRIPT = `
(function () {
  var D = JSON.parse(document.getElementById('chart-data').textContent);
  var T = '#2563eb', S = '#c026d3', B = '#16a34a';
  function width(el) { return Math.max(320, Math.min(960, el.clientWidth || 900)); }
  function bands(u) {
    var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
    ctx.save();
    D.phases.forEach(function (p, i) {
      var x0 = u.valToPos(p.from, 'x', true), x1 = u.valToPos(p.to, 'x', true);
      ctx.fillStyle = p.highlighted ? 'rgba(250, 204, 21, 0.22)' : (i % 2 ? 'rgba(148, 163, 184, 0.10)' : 'rgba(148, 163, 184, 0.04)');
      ctx.fillRect(x0, top, x1 - x0, h);
      ctx.fillStyle = '#475569';
      ctx.font = (10 * devicePixelRatio) + 'px sans-serif';
      ctx.fillText(p.name, x0 + 4, top + 12 * devicePixelRatio);
    });
    ctx.restore();
  }
  function merge(xs, series) {
    // Align {t,value} series on one x axis (uPlot wants one x array); gaps are null.
    var all = {};
    xs.forEach(function (x) { all[x] = true; });
    series.forEach(function (s) { s.forEach(function (p) { all[p.t] = true; }); });
    var x = Object.keys(all).map(Number).sort(function (a, b) { return a - b; });
    return { x: x, cols: series.map(function (s) { var m = {}; s.forEach(function (p) { m[p.t] = p.value; }); return x.map(function (t) { return t in m ? m[t] : null; }); }) };
  }
  var money = function (u, v) { return v == null ? '–' : '$' + v.toLocaleString('en-US', { maximumFractionDigits: 0 }); };

  // 1. Cost vs traffic (log-log) with the break-even crossing(s).
  (function () {
    var el = document.getElementById('chart-cost');
    var xs = D.cost.x.slice(), be = {};
    D.cost.breakEven.forEach(function (b) { be[b.x] = b.y; if (xs.indexOf(b.x) < 0) xs.push(b.x); });
    xs.sort(function (a, b) { return a - b; });
    var idx = {}; D.cost.x.forEach(function (x, i) { idx[x] = i; });
    var data = [xs,
      xs.map(function (x) { return x in idx ? D.cost.traditional[idx[x]] : null; }),
      xs.map(function (x) { return x in idx ? D.cost.serverless[idx[x]] : null; }),
      xs.map(function (x) { return x in be ? be[x] : null; })];
    new uPlot({
      width: width(el), height: 320, title: 'Monthly cost vs traffic (USD, log-log)',
      scales: { x: { time: false, distr: 3 }, y: { distr: 3 } },
      axes: [{ label: 'requests / month', values: function (u, v) { return v.map(function (x) { return x >= 1e9 ? x / 1e9 + 'B' : x >= 1e6 ? x / 1e6 + 'M' : x >= 1e3 ? x / 1e3 + 'K' : x; }); } }, { label: 'USD / month', values: function (u, v) { return v.map(function (y) { return money(u, y); }); }, size: 70 }],
      series: [{ label: 'requests/month' },
        { label: 'traditional', stroke: T, width: 2, spanGaps: true, value: money },
        { label: 'serverless', stroke: S, width: 2, spanGaps: true, value: money },
        { label: 'break-even', stroke: B, width: 0, points: { show: true, size: 12, fill: B, stroke: B }, paths: function () { return null; }, value: money }],
      hooks: { draw: [function (u) {
        if (!D.cost.measured) return;
        var x = u.valToPos(D.cost.measured, 'x', true), ctx = u.ctx;
        ctx.save(); ctx.strokeStyle = '#64748b'; ctx.setLineDash([4, 4]); ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
        ctx.fillStyle = '#475569'; ctx.font = (10 * devicePixelRatio) + 'px sans-serif'; ctx.fillText('measured rate', x + 4, u.bbox.top + 12 * devicePixelRatio); ctx.restore();
      }] }
    }, data, el);
  })();

  // 2. p95 per second with the phases as bands (the spike highlighted).
  (function () {
    var el = document.getElementById('chart-p95');
    new uPlot({
      width: width(el), height: 300, title: 'p95 latency per second (ms), phases as bands',
      scales: { x: { time: false } },
      axes: [{ label: 'seconds since start (wall)' }, { label: 'ms' }],
      series: [{ label: 's' }, { label: 'traditional', stroke: T, width: 1.5 }, { label: 'serverless', stroke: S, width: 1.5 }],
      hooks: { drawClear: [bands] }
    }, [D.p95.t, D.p95.traditional, D.p95.serverless], el);
  })();

  // 3. Cold starts per second.
  (function () {
    var el = document.getElementById('chart-cold');
    var bars = uPlot.paths.bars({ size: [0.45, 8], align: 0 });
    new uPlot({
      width: width(el), height: 240, title: 'Cold starts per second',
      scales: { x: { time: false } },
      axes: [{ label: 'seconds since start (wall)' }, { label: 'cold starts' }],
      series: [{ label: 's' }, { label: 'traditional', stroke: T, fill: 'rgba(37, 99, 235, 0.5)', paths: bars }, { label: 'serverless', stroke: S, fill: 'rgba(192, 38, 211, 0.5)', paths: bars }],
      hooks: { drawClear: [bands] }
    }, [D.cold.t, D.cold.traditional, D.cold.serverless], el);
  })();

  // 4. Capacity (instances / concurrent environments) against demand.
  (function () {
    var el = document.getElementById('chart-capacity');
    var demand = D.capacity.demand.t.map(function (t, i) { return { t: t, value: D.capacity.demand.rps[i] }; });
    var m = merge([], [D.capacity.traditional, D.capacity.serverless, demand]);
    var step = uPlot.paths.stepped({ align: 1 });
    new uPlot({
      width: width(el), height: 260, title: 'Capacity over time: ' + D.capacity.traditionalUnit + ' (traditional), ' + D.capacity.serverlessUnit + ' (serverless)',
      scales: { x: { time: false }, rps: {} },
      axes: [{ label: 'seconds since start (wall)' }, { label: 'capacity' }, { side: 1, scale: 'rps', label: 'target req/s', grid: { show: false } }],
      series: [{ label: 's' },
        { label: 'traditional ' + D.capacity.traditionalUnit, stroke: T, width: 2, paths: step, spanGaps: true, points: { show: true } },
        { label: 'serverless ' + D.capacity.serverlessUnit, stroke: S, width: 2, paths: step, spanGaps: true, points: { show: true } },
        { label: 'demand (target req/s)', stroke: '#94a3b8', width: 1, dash: [4, 4], scale: 'rps', spanGaps: true }],
      hooks: { drawClear: [bands] }
    }, [m.x].concat(m.cols), el);
  })();
  document.body.setAttribute('data-charts', 'ready');
})();
`;

const PAGE_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #0f172a; margin: 0 auto; max-width: 1000px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 0 0 8px; } h3 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid #e2e8f0; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 13px; } th, td { border: 1px solid #e2e8f0; padding: 4px 8px; vertical-align: top; } th { background: #f8fafc; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } code { font-size: 12px; background: #f1f5f9; padding: 0 3px; border-radius: 3px; }
.chart { margin: 12px 0 20px; } .muted { color: #64748b; font-size: 12px; } .warn { color: #b45309; } .gate-failed { color: #b91c1c; font-weight: 600; } .gate-passed { color: #15803d; }
details { margin: 6px 0; } summary { cursor: pointer; }
`;

export function renderHtml(report: Report): string {
  const { js, css } = uplotBundle();
  const body = htmlSections(report);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>archcompare report · ${escapeHtml(report.profile.name)}</title>
<style>${css}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
${body.header}
${body.verdict}
<h3>Cost</h3>
<div class="chart" id="chart-cost"></div>
${body.cost}
<h3>Latency</h3>
<div class="chart" id="chart-p95"></div>
${body.latency}
${body.gates}
<h3>Cold starts</h3>
<div class="chart" id="chart-cold"></div>
${body.coldStarts}
<h3>Scaling and errors</h3>
<div class="chart" id="chart-capacity"></div>
${body.scaling}
<h3>Operational effort</h3>
${body.effort}
<h3>Data provenance</h3>
${body.provenance}
${body.projection}
<script type="application/json" id="chart-data">${scriptJson(chartData(report))}</script>
<script type="application/json" id="report-data">${scriptJson(report)}</script>
<script>${js}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
