import { render } from 'ink-testing-library';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.js';
import { ReportSchema } from '../../src/report/model.js';
import { renderReport } from '../../src/report/render/index.js';
import { ReportView } from '../../src/report/ui/ReportView.js';
import { bar, sparkline } from '../../src/report/ui/charts.js';
import { fixtureInputs } from './support/inputs.js';

const report = buildReport(fixtureInputs());
const ANSI = /\u001b\[/;

function lines(frame: string): string[] {
  return frame.split('\n');
}

describe('Ink report', () => {
  for (const columns of [80, 100]) {
    it(`fits ${columns} columns and shows every section`, () => {
      const { lastFrame, unmount } = render(<ReportView report={report} width={columns} />);
      const frame = lastFrame()!;
      unmount();
      const widths = lines(frame).map((l) => stringWidth(l));
      expect(Math.max(...widths)).toBeLessThanOrEqual(columns);
      // It uses the room it has: the 100-column layout is wider than 80.
      if (columns === 100) expect(Math.max(...widths)).toBeGreaterThan(80);
      for (const heading of ['VERDICT', 'COST', 'LATENCY', 'COLD STARTS', 'SCALING AND ERRORS', 'OPERATIONAL EFFORT', 'DATA PROVENANCE']) expect(frame).toContain(heading);
      expect(frame).toContain("serverless wins for 'spike-short': better on 3 of 4 criteria");
      expect(frame).toMatch(/Monthly AWS cost\s+\$193\.66\/mo\s+\$897\.21\/mo\s+traditional \(−78%\)/);
      expect(frame).toMatch(/▶peak \(250 req\/s\)\s+65\.7 \/ 242 \/ 362\s+33\.4 \/ 66\.5 \/ 97\.6/);
      expect(frame).toMatch(/Break-even: 43M requests\/month/);
      // Bars and sparklines are drawn.
      expect(frame).toMatch(/\$897\.21 █+/);
      expect(frame).toMatch(/p95 per second, scale 0–348 ms.*\n\s+traditional\s+[▁▂▃▄▅▆▇█ ]{20,}\n\s+serverless\s+[▁▂▃▄▅▆▇█ ]{20,}/);
      expect(frame).toContain('Local target');
      expect(frame).not.toMatch(ANSI);
    });
  }

  it('the text format is the same layout without ANSI, even when colours are asked for', () => {
    const text = renderReport(report, 'text', { columns: 80, color: true });
    expect(text).not.toMatch(ANSI);
    expect(Math.max(...lines(text).map((l) => stringWidth(l)))).toBeLessThanOrEqual(80);
    // Narrower than 80 degrades to the 80-column layout; wider stops at 100.
    expect(renderReport(report, 'text', { columns: 60 })).toBe(text);
    expect(Math.max(...lines(renderReport(report, 'text', { columns: 200 })).map((l) => stringWidth(l)))).toBeLessThanOrEqual(100);
  });
});

describe('terminal charts', () => {
  it('bars scale to the maximum in eighths of a cell', () => {
    expect(bar(50, 100, 10)).toBe('█████');
    expect(bar(100, 100, 4)).toBe('████');
    expect(bar(1, 100, 4)).toBe('▏');
    expect(bar(0, 100, 4)).toBe('');
  });
  it('sparklines keep a spike when bucketing and leave gaps blank', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([1, 1, 1, 8, 1, 1, 1, 1], 4)).toBe('▂█▂▂');
    expect(sparkline([1, null, 2], 3)).toBe('▅ █');
  });
});

describe('JSON and Markdown', () => {
  it('JSON validates against the report schema', () => {
    const parsed = ReportSchema.safeParse(JSON.parse(renderReport(report, 'json')));
    expect(parsed.success).toBe(true);
  });

  it('Markdown matches its snapshot', async () => {
    const md = renderReport(report, 'md');
    expect(md).toContain('| Monthly AWS cost at the measured rate | $193.66/mo | $897.21/mo | traditional (−78%) | priced |');
    await expect(md).toMatchFileSnapshot('./__snapshots__/report.md');
  });
});
