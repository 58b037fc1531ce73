import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { thresholdOf } from '../../src/gates/thresholds.js';
import { buildReport } from '../../src/report/build.js';
import { applyGates } from '../../src/report/gates.js';
import { renderReport } from '../../src/report/render/index.js';
import { ReportView } from '../../src/report/ui/ReportView.js';
import { fixtureInputs } from './support/inputs.js';

/**
 * The gates section in every report format: a failed and a passed check appear with the model's
 * figure, and a report without thresholds has no gates section. The fixture's p95 latencies are
 * 242 ms and 66.5 ms in the peak phase; its error shares are far below 50 %.
 */
const plain = buildReport(fixtureInputs());
const gated = applyGates(plain, [thresholdOf('errors>50%')], [thresholdOf('p95>100ms')]);
const p95 = (m: 'traditional' | 'serverless') => gated.gates!.checks.find((c) => c.model === m && c.metric === 'p95')!;

describe('gates in every report format', () => {
  it('the fixture fails p95>100ms on traditional only (the test can tell a failed gate from a passed one)', () => {
    expect(p95('traditional')).toMatchObject({ failed: true });
    expect(p95('serverless')).toMatchObject({ failed: false });
    expect(gated.gates!.failed).toBe(true);
  });

  it('Ink (ReportView) lists each threshold with both models’ outcomes and who set it', () => {
    const { lastFrame, unmount } = render(<ReportView report={gated} width={100} />);
    const frame = lastFrame()!;
    unmount();
    expect(frame).toContain('GATES: FAILED');
    expect(frame).toMatch(new RegExp(`p95>100ms\\s+✗ ${p95('traditional').actual} ms\\s+✓ ${p95('serverless').actual} ms\\s+--fail-if`));
    expect(frame).toMatch(/errors>50%\s+✓ [\d.]+%\s+✓ [\d.]+%\s+profile/);
    const { lastFrame: plainFrame, unmount: unmountPlain } = render(<ReportView report={plain} width={100} />);
    expect(plainFrame()).not.toMatch(/GATES/);
    unmountPlain();
  });

  for (const columns of [80, 100]) {
    it(`text at ${columns} columns: the same section, none without thresholds`, () => {
      const text = renderReport(gated, 'text', { columns });
      expect(text).toMatch(/^GATES: FAILED$/m);
      expect(text).toMatch(/^ {2}p95>100ms\s+✗ [\d.]+ ms\s+✓ [\d.]+ ms\s+--fail-if$/m);
      expect(renderReport(plain, 'text', { columns })).not.toMatch(/GATES/);
    });
  }

  it('a passing run says so', () => {
    const passing = applyGates(plain, [], [thresholdOf('p95>10s')]);
    expect(renderReport(passing, 'text')).toMatch(/^GATES: PASSED$/m);
    expect(renderReport(passing, 'md')).toMatch(/^### Gates: passed$/m);
    expect(renderReport(passing, 'html')).toContain('<h3>Gates: passed</h3>');
  });

  it('HTML: a table of the checks, coloured by outcome, and none without thresholds', () => {
    const html = renderReport(gated, 'html');
    expect(html).toContain('<h3>Gates: failed</h3>');
    expect(html).toContain(`<td><code>p95&gt;100ms</code></td><td class="num">--fail-if</td><td class="num"><span class="gate-failed">✗ fails ${p95('traditional').actual} ms</span></td><td class="num"><span class="gate-passed">✓ passes ${p95('serverless').actual} ms</span></td>`);
    expect(html).toMatch(/<td><code>errors&gt;50%<\/code><\/td><td class="num">profile<\/td><td class="num"><span class="gate-passed">✓ passes [\d.]+%<\/span>/);
    expect(renderReport(plain, 'html')).not.toMatch(/Gates:|gate-(failed|passed)"/);
  });

  it('Markdown and JSON carry the same checks', () => {
    expect(renderReport(gated, 'md')).toMatch(new RegExp(`\\| \`p95>100ms\` \\| --fail-if \\| ❌ fails ${p95('traditional').actual} ms \\| ✅ passes ${p95('serverless').actual} ms \\|`));
    expect(renderReport(plain, 'md')).not.toMatch(/Gates/);
    expect(JSON.parse(renderReport(gated, 'json')).gates.checks).toHaveLength(4);
    expect(JSON.parse(renderReport(plain, 'json')).gates).toBeUndefined();
  });
});
