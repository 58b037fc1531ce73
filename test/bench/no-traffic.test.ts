import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench, noTrafficReason, type BenchTarget } from '../../src/bench/harness.js';
import { readProfileFile } from '../../src/bench/profiles.js';
import type { BenchResult } from '../../src/bench/result-schema.js';
import { thresholdOf } from '../../src/gates/thresholds.js';
import { buildReport } from '../../src/report/build.js';
import { applyGates } from '../../src/report/gates.js';
import { renderReport } from '../../src/report/render/index.js';
import { awsTargetWith, DEFAULT_CLOUDWATCH_TIMING } from '../../src/targets/aws.js';
import { awsRecord, monitoredResources, replayData } from '../support/cloudwatch-fixtures.js';
import { startCloudWatchReplay, type ReplayServer } from '../support/cloudwatch-replay.js';
import { EXAMPLES_DIR } from '../support/workflows.js';
import { fixtureInputs } from '../report/support/inputs.js';

/**
 * A bench of a deployment on an AWS emulator whose front door does not answer (moto serves the AWS
 * APIs, not the app): no traffic, one loud line, the window's CloudWatch metrics still read through
 * the aws target (here from a server replaying CloudWatch), and a report that claims no latency.
 */
const MODELS = ['traditional', 'serverless'] as const;
let replay: ReplayServer;
/** A loopback port nothing listens on: the front door that does not answer. */
let silent: string;

beforeAll(async () => {
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  replay = await startCloudWatchReplay(replayData(MODELS.map((m) => monitoredResources(m)), now - 2 * 60_000, 4));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  silent = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(async () => replay?.stop());

async function benchOnEmulator(model: (typeof MODELS)[number], emulator: string | undefined, notes: string[], url = silent): Promise<BenchResult> {
  const record = awsRecord(model, replay.url);
  const aws = awsTargetWith({ ...DEFAULT_CLOUDWATCH_TIMING, publicationMaxWaitMs: 2000, publicationPollMs: 50, insightsPollMs: 20, insightsMaxWaitMs: 2000 });
  const target: BenchTarget = { model, kind: 'aws', url, region: 'us-east-1', deploymentRunId: record.runId, ...(emulator ? { emulator } : {}), metrics: (w, o) => aws.metrics(record, w, o) };
  return runBench({ target, profile: await readProfileFile(`${EXAMPLES_DIR}/pr-check.yaml`), profileFile: 'pr-check.yaml', timeScale: 20, runId: '20261204T000000Z-notr', onProgress: (p) => p.note && notes.push(`${p.stage}: ${p.note}`) });
}

describe('bench on an emulator that does not serve the app', () => {
  it('sends nothing, says so once, reads CloudWatch for the window, and is partial for that reason', async () => {
    const notes: string[] = [];
    const started = Date.now();
    const result = await benchOnEmulator('traditional', replay.url, notes);
    expect(Date.now() - started).toBeLessThan(15_000);
    const reason = noTrafficReason({ model: 'traditional', url: silent, emulator: replay.url }, 'x').split(' (')[0]!;
    expect(notes.filter((n) => n.startsWith('setup: NO TRAFFIC SENT'))).toHaveLength(1);
    expect(notes[0]).toContain(reason);
    expect(result).toMatchObject({ partial: true, phases: [], totals: { requests: 0 } });
    expect(result.partialReason).toMatch(/^NO TRAFFIC SENT to traditional: its front door http:\/\/127\.0\.0\.1:\d+ does not answer \(.+\); it was deployed on the AWS emulator at http:\/\/127\.0\.0\.1:\d+, which does not serve the app\. No latency, errors or cold starts were measured; CloudWatch is still read for the window$/);
    expect(result.warnings.filter((w) => w.includes('NO TRAFFIC'))).toEqual([]);
    expect(result.invariants.every((i) => i.status === 'skipped')).toBe(true);
    expect(result.scalingTimeline.source).toBe('cloudwatch');
    expect(result.scalingTimeline.datapoints.filter((d) => d.metric === 'GroupInServiceInstances').length).toBeGreaterThan(0);
  }, 60_000);

  it('on an emulator, a front door answering anything but the app (a real AWS host refusing a made-up API id) is no front door', async () => {
    const refusing = createHttpServer((_, res) => res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"Forbidden"}'));
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(refusing.address() as { port: number }).port}`;
      const result = await benchOnEmulator('serverless', replay.url, [], url);
      expect(result.partialReason).toContain(`NO TRAFFIC SENT to serverless: its front door ${url} does not answer (GET /health answered 403)`);
      expect(result.totals.requests).toBe(0);
    } finally {
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  }, 60_000);

  it('off an emulator, a silent front door is still an error', async () => {
    await expect(benchOnEmulator('traditional', undefined, [])).rejects.toThrow(/traditional: the target at http:\/\/127\.0\.0\.1:\d+ does not answer/);
  }, 60_000);

  it('the report of such runs claims no measured latency and its latency gates fail for want of a figure', async () => {
    const results = { traditional: await benchOnEmulator('traditional', replay.url, []), serverless: await benchOnEmulator('serverless', replay.url, []) };
    const inputs = fixtureInputs();
    const report = applyGates(
      buildReport({ ...inputs, results: { traditional: { ...inputs.results.traditional, result: results.traditional }, serverless: { ...inputs.results.serverless, result: results.serverless } } }),
      [],
      [thresholdOf('p95>300ms')],
    );
    for (const m of MODELS) expect(report.latency.overall[m].requests).toBe(0);
    for (const id of ['latency', 'reliability']) expect(report.verdict.criteria.find((c) => c.id === id)).toMatchObject({ traditional: { value: null }, serverless: { value: null }, winner: 'tie' });
    expect(report.gates?.checks.map((c) => [c.model, c.actual, c.failed])).toEqual([
      ['traditional', null, true],
      ['serverless', null, true],
    ]);
    expect(report.provenance.label).toMatch(/^AWS \(us-east-1\): NO TRAFFIC SENT \(the front doors did not answer on the AWS emulator\): no latency, errors or cold starts measured client-side; capacity, server-side latency and Lambda's REPORT lines read from CloudWatch/);
    const md = renderReport(report, 'md');
    expect(md).toContain('NO TRAFFIC SENT to traditional');
    expect(md).toContain('❌ fails no figure');
    const text = renderReport(report, 'text');
    expect(text).toMatch(/all measured phases\s+–\s+–/);
  }, 60_000);
});
