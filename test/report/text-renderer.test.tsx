import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import chalk from 'chalk';
import { renderToString } from 'ink';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.js';
import { ReportSchema, type Report } from '../../src/report/model.js';
import { renderReport } from '../../src/report/render/index.js';
import { renderText } from '../../src/report/render/text.js';
import { thresholdOf } from '../../src/gates/thresholds.js';
import { applyGates } from '../../src/report/gates.js';
import { ReportView } from '../../src/report/ui/ReportView.js';
import { fixtureInputs } from './support/inputs.js';

/**
 * The plain-string terminal renderer (render/text.ts) against the reference, Ink's renderToString
 * of ReportView: the same string, character for character and colour code for colour code.
 */
const ANSI = /\u001b\[/;
const fixture = buildReport(fixtureInputs());

function variant(edit: (r: Report) => void): Report {
  const r = structuredClone(fixture);
  edit(r);
  return ReportSchema.parse(r);
}

const VARIANTS: Record<string, Report> = {
  fixture,
  // Sections with nothing in them: no description, warnings, break-even, components, cold starts,
  // capacity datapoints, phases or per-second data; a tie; effort items on one side only.
  'missing sections': variant((r) => {
    r.profile.description = '';
    r.verdict.winner = 'tie';
    r.verdict.criteria = r.verdict.criteria.map((c) => ({ ...c, winner: 'tie', marginPct: null }));
    r.verdict.reasons = r.verdict.reasons.slice(0, 4);
    r.cost.breakEven = [];
    r.cost.freeTier = true;
    r.cost.serverless.topComponents = [];
    r.cost.traditional.costPerMillionRequests = null;
    r.latency.phases = r.latency.phases.map((p) => ({ ...p, serverless: null }));
    r.latency.p95Series = { t: [], traditional: [], serverless: [] };
    r.coldStarts.traditional = { count: 0, sharePct: 0, initP50Ms: null, initP95Ms: null, p95EffectMs: null, warmupCount: 0, platform: null };
    r.coldStarts.series = { ...r.coldStarts.series, traditional: r.coldStarts.series.traditional.map(() => null) };
    r.scaling.serverless = { ...r.scaling.serverless, capacity: [], start: null, peak: null, reactionModelledS: null };
    r.effort.serverless.items = [];
    r.provenance.warnings = [];
  }),
  // An AWS run read from CloudWatch: server-side latency beside the client's, the platform's cold starts, one side partial.
  'read from CloudWatch': variant((r) => {
    const side = (metric: string, p95: number, partial: boolean) => ({ metric, requests: 1200, p50: 12.5, p95, p99: 240, partial, source: 'cw' });
    r.latency.serverSide = { traditional: side('AWS/ApplicationELB TargetResponseTime', 41, false), serverless: side('AWS/ApiGateway Latency', 180, true) };
    r.coldStarts.serverless.platform = { count: 14, headerCount: 12, initP50Ms: 212.5, initP95Ms: 480, source: 'cw' };
  }),
  // Gates, coloured by outcome: a threshold one model fails and the other passes, one both pass.
  gated: applyGates(fixture, [thresholdOf('p95>100ms')], [thresholdOf('errors>50%')]),
  // Long prose that wraps (a word longer than a row, a row filled to the last column, wide
  // characters, emoji Ink's two width measures disagree on) and a criterion row too wide for 80.
  'wrapping and wide characters': variant((r) => {
    r.profile.name = 'spike-東京';
    r.verdict.criteria[0]!.marginPct = 100;
    r.verdict.flip = `${'x'.repeat(76)} ${'y'.repeat(150)} end`;
    r.verdict.reasons.push('▶ '.repeat(30) + 'a reason with 東京 and 😀 and ▶ inside that keeps going past the edge of the terminal');
    r.provenance.warnings = ['prices are 400 days old: refresh them with `archcompare pricing refresh --region us-east-1` before trusting any figure', 'second line\nwith a break'];
  }),
};

/** Ink's rendering, as renderReport produced it before render/text.ts. */
function ink(report: Report, width: number, color: boolean): string {
  const columns = Math.max(80, Math.min(100, width));
  return `${renderToString(<ReportView report={report} width={columns} color={color} />, { columns })}\n`;
}

describe('plain terminal renderer', () => {
  for (const [name, report] of Object.entries(VARIANTS)) {
    for (const columns of [80, 100]) {
      it(`${name}: the same text as Ink at ${columns} columns, every line within them`, () => {
        const text = renderText(report, { columns });
        expect(text).toBe(ink(report, columns, false));
        expect(text).not.toMatch(ANSI);
        for (const line of text.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(columns);
      });
    }
  }

  it('clamps the width to 80–100 columns as Ink does', () => {
    expect(renderText(fixture, { columns: 60 })).toBe(ink(fixture, 60, false));
    expect(renderText(fixture, { columns: 60 })).toBe(renderText(fixture, { columns: 80 }));
    expect(renderText(fixture, { columns: 93 })).toBe(ink(fixture, 93, false));
    expect(renderText(fixture, { columns: 200 })).toBe(renderText(fixture, { columns: 100 }));
  });

  describe('with colours', () => {
    // Ink colours through chalk, which colours nothing when stdout is not a terminal (as here).
    let level: typeof chalk.level;
    beforeAll(() => {
      level = chalk.level;
      chalk.level = 1;
    });
    afterAll(() => {
      chalk.level = level;
    });

    for (const [name, report] of Object.entries(VARIANTS)) {
      for (const columns of [80, 100]) {
        it(`${name}: the same SGR codes as Ink at ${columns} columns`, () => {
          const expected = ink(report, columns, true);
          expect(expected).toMatch(ANSI);
          expect(renderText(report, { columns, color: true })).toBe(expected);
        });
      }
    }

    it('the ink format is coloured, the text format never', () => {
      expect(renderReport(fixture, 'ink', { columns: 100, color: true })).toBe(ink(fixture, 100, true));
      expect(renderReport(fixture, 'text', { columns: 100, color: true })).toBe(ink(fixture, 100, false));
      expect(renderReport(fixture, 'ink', { columns: 100, color: false })).not.toMatch(ANSI);
    });
  });
});

describe('the report command loads no Ink', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const HEAVY = /^(ink|react|react-dom|yoga-layout|ink-[\w-]+)(\/|$)/;

  /** Every package a module pulls in through its static imports, following the project's own files. */
  function packages(file: string, seen = new Set<string>(), out = new Set<string>()): Set<string> {
    if (seen.has(file)) return out;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    // Static imports and re-exports only: `import type` is erased, dynamic import() is lazy.
    for (const m of source.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) {
        out.add(spec);
        continue;
      }
      const base = path.resolve(path.dirname(file), spec).replace(/\.js$/, '');
      const next = ['.ts', '.tsx'].map((ext) => base + ext).find((f) => {
        try {
          readFileSync(f);
          return true;
        } catch {
          return false;
        }
      });
      if (next) packages(next, seen, out);
    }
    return out;
  }

  it('the modules `archcompare report` imports for text, json, md and html', () => {
    const command = readFileSync(path.join(root, 'commands/report.ts'), 'utf8');
    const lazy = [...command.matchAll(/import\('(\.\.\/src\/[^']+)'\)/g)].map((m) => path.join(root, 'commands', m[1]!.replace(/\.js$/, '.ts')));
    expect(lazy.map((f) => path.relative(root, f))).toEqual(expect.arrayContaining(['src/report/render/text.ts', 'src/report/render/markdown.ts', 'src/report/render/html.ts']));
    for (const file of [path.join(root, 'commands/report.ts'), ...lazy]) {
      const heavy = [...packages(file)].filter((p) => HEAVY.test(p));
      expect(heavy, path.relative(root, file)).toEqual([]);
    }
    // The check itself sees Ink where it is.
    expect([...packages(path.join(root, 'src/report/ui/ReportView.tsx'))]).toContain('ink');
  });
});
