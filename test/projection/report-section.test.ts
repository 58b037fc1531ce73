import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.js';
import { loadProjected } from '../../src/report/inputs.js';
import { ReportSchema } from '../../src/report/model.js';
import { renderReport } from '../../src/report/render/index.js';
import { project } from '../../src/projection/project-service.js';
import { fixtureInputs } from '../report/support/inputs.js';

describe('report: projected columns beside measured ones', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'archcompare-report-projection-'));
  await project({ profile: 'black-friday', cost: false, projectionsDir: path.join(root, 'projections'), resultsDir: path.join(root, 'results') });
  const projected = await loadProjected(root);
  const inputs = { ...fixtureInputs(), projected: projected! };
  const report = buildReport(inputs);

  it('loads the newest saved projection and builds a valid report section', () => {
    expect(projected).toBeDefined();
    expect(ReportSchema.safeParse(report).success).toBe(true);
    const p = report.projection!;
    expect(p.peakRps).toBe(50_000);
    // Measured figures are the bench run's own; projected ones the projection's busiest phase.
    expect(p.traditional.measuredP95Ms).toBe(inputs.results.traditional.result.totals.latencyMs.p95);
    expect(p.serverless.peakPhase).toBe('black-friday');
    expect(p.serverless.bottlenecks.find((b) => b.binding)!.resource).toBe('API Gateway stage throttle');
    expect(p.calibration).toMatch(/^modelled defaults/);
  });

  it('renders it in every format, and leaves reports without a projection as they were', () => {
    for (const format of ['text', 'md', 'html'] as const) {
      const out = renderReport(report, format);
      expect(out, format).toMatch(/Projected at scale: black-friday \(as configured\)/i);
      expect(out, format).toMatch(/API Gateway stage throttle/);
    }
    const without = buildReport(fixtureInputs());
    expect(without.projection).toBeUndefined();
    expect(renderReport(without, 'md')).not.toMatch(/Projected at scale/);
  });
});
