import { metricKind, type MetricNamespace } from '../../src/architecture/metrics.js';
import { MONITORED_RESOURCES_OUTPUT, type MonitoredResources, type ServerlessMonitoredResources } from '../../src/architecture/monitored-resources.js';
import { LAMBDA_FUNCTIONS, QUEUES, TABLES } from '../../src/architecture/system.js';
import type { Model } from '../../src/config/stack-config.js';
import type { DeploymentRecord } from '../../src/state/registry.js';
import { metricSeriesOf } from '../../src/targets/cloudwatch/metric-queries.js';
import type { ReplayReport, ReplaySeries } from './cloudwatch-replay.js';

/** Monitored resources as a deployment's terraform output would hold them (names as the stacks make them). */
export function monitoredResources(model: Model, prefix = 'acshop-ac-test'): MonitoredResources {
  if (model === 'traditional')
    return { model, LoadBalancer: `app/${prefix}-alb/50dc6c495c0c9188`, TargetGroup: `targetgroup/${prefix}-tg/73e2d6bc24d8a067`, AutoScalingGroupName: `${prefix}-asg`, DBInstanceIdentifier: `${prefix}-db` };
  return {
    model,
    ApiId: 'a1b2c3d4e5',
    functions: Object.fromEntries(LAMBDA_FUNCTIONS.map((f) => [f.id, { FunctionName: `${prefix}-${f.id}`, LogGroup: `/aws/lambda/${prefix}-${f.id}` }])) as ServerlessMonitoredResources['functions'],
    tables: Object.fromEntries(TABLES.map((t) => [t, `${prefix}-${t}`])) as ServerlessMonitoredResources['tables'],
    queues: Object.fromEntries(QUEUES.map((q) => [q, { QueueName: `${prefix}-${q}`, DeadLetterQueueName: `${prefix}-${q}-dlq` }])) as ServerlessMonitoredResources['queues'],
  };
}

export function awsRecord(model: Model, endpointUrl: string, resources = monitoredResources(model)): DeploymentRecord {
  return {
    model,
    target: 'aws',
    runId: `ac-${model}`,
    status: 'deployed',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    region: 'us-east-1',
    endpointUrl,
    outputs: { url: 'https://example.invalid', [MONITORED_RESOURCES_OUTPUT]: JSON.stringify(resources) },
    stateDir: '/nonexistent',
  };
}

/** Samples per minute of a timing metric: 1..20 (ms, or the same in seconds for the ALB), so p50 = 10, p95 = 19, p99 = 20 in any span. */
export const TIMING_SAMPLES_PER_MINUTE = 20;
/** REPORT lines per function and minute, 10 ms invoked each; the first minute's first two are cold starts (init 150 and 250 ms). */
export const REPORTS_PER_MINUTE = 10;
export const COLD_INIT_MS = [150, 250];

/**
 * Raw samples for every series CloudWatch would publish for these deployments over `minutes`
 * minutes from `start`: a timing metric 1..20 per minute, any other metric one sample of
 * (minute index + 1); and REPORT lines for every function.
 */
export function replayData(resources: MonitoredResources[], start: number, minutes: number): { series: ReplaySeries[]; reports: ReplayReport[] } {
  const series: ReplaySeries[] = resources.flatMap((r) =>
    metricSeriesOf(r).map((s) => {
      const timing = metricKind(s.namespace as MetricNamespace, s.metric) === 'timing';
      const scale = s.unit === 'Seconds' ? 0.001 : 1;
      const samples = Array.from({ length: minutes }, (_, m) =>
        timing
          ? Array.from({ length: TIMING_SAMPLES_PER_MINUTE }, (_, k) => ({ t: start + m * 60_000 + k * 1000, value: (k + 1) * scale }))
          : [{ t: start + m * 60_000 + 30_000, value: m + 1 }],
      ).flat();
      return { namespace: s.namespace, metric: s.metric, dimensions: Object.fromEntries(s.dimensions.map((d) => [d.Name, d.Value])), samples };
    }),
  );
  const reports: ReplayReport[] = resources.flatMap((r) =>
    r.model !== 'serverless'
      ? []
      : Object.values(r.functions).flatMap((f) =>
          Array.from({ length: minutes * REPORTS_PER_MINUTE }, (_, i) => ({
            logGroup: f.LogGroup,
            t: start + Math.floor(i / REPORTS_PER_MINUTE) * 60_000 + (i % REPORTS_PER_MINUTE) * 5000,
            // 10 ms invoked; a cold line's billed duration includes its INIT, as Lambda bills it since 2025-08-01.
            billedMs: 10 + (i < COLD_INIT_MS.length ? COLD_INIT_MS[i]! : 0),
            maxMemoryMb: 80,
            ...(i < COLD_INIT_MS.length ? { initMs: COLD_INIT_MS[i] } : {}),
          })),
        ),
  );
  return { series, reports };
}
