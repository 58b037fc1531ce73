import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileSchema } from '../../src/bench/profile-schema.js';
import { EXIT_CODES } from '../../src/errors.js';
import { evaluateGates, parseThreshold, type Threshold } from '../../src/gates/thresholds.js';
import { buildReport } from '../../src/report/build.js';
import { applyGates } from '../../src/report/gates.js';
import { renderMarkdown } from '../../src/report/render/markdown.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';
import { FIXTURES, fixtureInputs } from '../report/support/inputs.js';

const t = (text: string) => parseThreshold(text) as Threshold;

describe('thresholds, k6-style', () => {
  it('reads latency, error share and cost in their units', () => {
    expect(t('p95>300ms')).toEqual({ expression: 'p95>300ms', metric: 'p95', operator: '>', limit: '300' });
    expect(t('p99 >= 1.5s')).toMatchObject({ metric: 'p99', operator: '>=', limit: '1500' });
    expect(t('errors>0.1%')).toMatchObject({ metric: 'errors', limit: '0.1' });
    expect(t('cost>$500/mo')).toMatchObject({ metric: 'cost', limit: '500' });
    expect(t('cost>500/month')).toMatchObject({ metric: 'cost', limit: '500' });
  });

  it('says what is wrong with a bad one', () => {
    expect(parseThreshold('latency>3')).toEqual({ error: expect.stringMatching(/^"latency>3" is not a threshold: .*metric one of p50, p95, p99, errors, cost/) });
    expect(parseThreshold('errors>3ms')).toEqual({ error: '"errors>3ms": errors is in %, not ms' });
    expect(parseThreshold('cost>5s')).toEqual({ error: '"cost>5s": cost is in USD/month, not s' });
  });

  it('fails a model whose figure meets the condition, and a model without a figure', () => {
    const figures = { traditional: { p50: 20, p95: 120, p99: 400, errors: 0, cost: '181.20' }, serverless: { p50: 30, p95: 301, p99: null, errors: 0.2, cost: '12.40' } };
    const checks = evaluateGates([{ threshold: t('p95>300ms'), source: '--fail-if' }, { threshold: t('cost>=181.2/mo'), source: 'profile' }, { threshold: t('p99>1s'), source: 'profile' }], figures);
    const failed = checks.filter((c) => c.failed).map((c) => `${c.model} ${c.expression}`);
    expect(failed).toEqual(['serverless p95>300ms', 'traditional cost>=181.2/mo', 'serverless p99>1s']);
    expect(checks.find((c) => c.model === 'serverless' && c.metric === 'p99')?.actual).toBeNull();
  });

  it('one schema for the profile file and the flag', () => {
    const base = { name: 'gated', description: 'with gates', mix: { browse: 1 }, phases: [{ name: 'p', duration: '10s', rate: 5 }] };
    expect(ProfileSchema.parse({ ...base, thresholds: ['p95>300ms'] }).thresholds).toEqual(['p95>300ms']);
    // Stored in every bench result and read back through the same schema: parsing must round-trip.
    const once = ProfileSchema.parse({ ...base, thresholds: ['p95>300ms'] });
    expect(ProfileSchema.parse(JSON.parse(JSON.stringify(once)))).toEqual(once);
    const bad = ProfileSchema.safeParse({ ...base, thresholds: ['p95>300%'] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['thresholds', 0], message: '"p95>300%": p95 is in ms, not %' });
  });
});

describe('gates in the report', () => {
  const report = buildReport(fixtureInputs());

  it('are listed per model in the Markdown report, and absent when none is set', () => {
    expect(applyGates(report, [], [])).toBe(report);
    const gated = applyGates(report, [t('errors>50%')], [t('p95>0.001ms')]);
    expect(gated.gates?.failed).toBe(true);
    const md = renderMarkdown(gated);
    expect(md).toMatch(/### Gates: failed/);
    expect(md).toMatch(/\| `p95>0\.001ms` \| --fail-if \| ❌ fails \d+(\.\d+)? ms \| ❌ fails \d+(\.\d+)? ms \|/);
    expect(md).toMatch(/\| `errors>50%` \| profile \| ✅ passes \d+(\.\d+)?% \| ✅ passes/);
  });

  it('report --fail-if exits with the documented threshold code, distinct from errors, and still writes the report', async () => {
    const cwd = tempDir('archcompare-gates-');
    const run = path.join(cwd, '.archcompare', 'results', '20251120T100000Z-a1b2');
    mkdirSync(run, { recursive: true });
    for (const m of ['traditional', 'serverless']) writeFileSync(path.join(run, `${m}.json`), readFileSync(path.join(FIXTURES, `${m}.json`)));
    const failed = await runCli(['report', '--format', 'md', '--output', 'report.md', '--fail-if', 'p95>0.001ms', '--fail-if', 'cost>1000000/mo'], { cwd });
    expect(failed.code, failed.stderr).toBe(EXIT_CODES.thresholdFailed);
    expect(failed.stderr).toMatch(/^FAIL traditional: p95>0\.001ms \(.* ms, from --fail-if\)$/m);
    expect(failed.stderr).toMatch(/^pass serverless: cost>1000000\/mo \(\$[\d.]+\/mo, from --fail-if\)$/m);
    expect(readFileSync(path.join(cwd, 'report.md'), 'utf8')).toMatch(/### Gates: failed/);
    const passed = await runCli(['report', '--format', 'json', '--fail-if', 'errors>99%'], { cwd });
    expect(passed.code, passed.stderr).toBe(0);
    expect(JSON.parse(passed.stdout).gates.failed).toBe(false);
    const bad = await runCli(['report', '--fail-if', 'p95>300%'], { cwd });
    expect(bad.code).toBe(EXIT_CODES.badInput);
    expect(bad.stderr).toMatch(/^Error: --fail-if "p95>300%": p95 is in ms, not %\. Fix: pass e.g\./m);
  }, 120_000);
});
