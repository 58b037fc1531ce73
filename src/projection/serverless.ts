import { seededRandom } from '../seeded-random.js';
import { DOMAINS, TABLES, type Domain, type TableName } from '../architecture/system.js';
import { beyond, fmtInt, fmtPct, markBinding, type Bottleneck } from './bottleneck.js';
import type { LoadSchedule } from './load-schedule.js';
import { DOMAIN_TABLES, type ProjectionParameters } from './parameters.js';
import { forPhase } from './route-mix.js';
import type { ProjectionRecorder } from './recorder.js';
import { StratifiedSampler } from './sampling.js';
import { compileQuantile, meanMs } from './service-time.js';
import type { ModelProjection } from './traditional.js';

/**
 * The serverless model at scale, per step (the Lambda scaling window's 10 s by default):
 * - API Gateway: two token buckets, the stage's default route throttle then the account's per-Region
 *   throttle (rate refills the bucket, burst is its size); what finds no token is a 429.
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
 * - Lambda, per function: the concurrency it needs is arrival rate × duration (Little's law) plus the
 *   Init time of the environments it adds; it gets at most its warm environments plus the scaling rate
 *   (1,000 new environments per function per 10 s), at most its reserved concurrency, and the functions
 *   without reserved concurrency share the account quota. What it cannot run is throttled, which API
 *   Gateway answers with a 500, not a 429 (only its own throttles are 429s):
 *   https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html. Each
 *   new environment's first request is a cold start (Init drawn from the measured distribution plus the
 *   modelled provisioning delay); idle environments are reclaimed after the idle window, and a share of
 *   invocations restart an environment even at steady load.
 *   https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html, .../lambda-concurrency.html
 * - DynamoDB on demand, per table: serves at once up to double the previous peak reached 30 minutes ago
 *   (at least a new table's initial throughput), at most the table-level quota; a request whose table
 *   throttles fails after the SDK's retries (500).
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html
 */
class TokenBucket {
  private tokens: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  /** Requests let through out of `requests` arriving evenly over `dtS`. */
  take(requests: number, dtS: number): number {
    const available = this.tokens + this.rate * dtS;
    const allowed = Math.min(requests, available);
    this.tokens = Math.min(this.burst, available - allowed);
    return allowed;
  }
}

/** The maximum of the values pushed in the last `windowS` seconds (a monotonic deque: O(1) amortised). */
class SlidingMax {
  private readonly values: number[] = [];
  private readonly times: number[] = [];
  private head = 0;
  constructor(private readonly windowS: number) {}
  /** The maximum of the values pushed after `nowS − windowS`. */
  maxAt(nowS: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= nowS - this.windowS) this.head++;
    if (this.head > 1024) {
      this.values.splice(0, this.head);
      this.times.splice(0, this.head);
      this.head = 0;
    }
    return this.values.length > this.head ? this.values[this.head]! : 0;
  }
  push(tS: number, v: number): void {
    while (this.values.length > this.head && this.values[this.values.length - 1]! <= v) {
      this.values.pop();
      this.times.pop();
    }
    this.values.push(v);
    this.times.push(tS);
  }
}

/** Running maximum of a rate, readable as it was `lagS` seconds ago. */
class PeakHistory {
  private readonly times: number[] = [];
  private readonly maxima: number[] = [];
  private max = 0;
  private cursor = -1;
  constructor(private readonly lagS: number) {}
  push(tS: number, v: number): void {
    this.max = Math.max(this.max, v);
    this.times.push(tS);
    this.maxima.push(this.max);
  }
  /** The running maximum as of `nowS − lagS` (times only move forward). */
  laggedAt(nowS: number): number {
    while (this.cursor + 1 < this.times.length && this.times[this.cursor + 1]! <= nowS - this.lagS) this.cursor++;
    return this.cursor >= 0 ? this.maxima[this.cursor]! : 0;
  }
}

export function projectServerless(p: ProjectionParameters, schedule: LoadSchedule, recorder: ProjectionRecorder, seed: number, samplesPerStep: number, namePrefix: string): ModelProjection {
  const random = seededRandom(seed);
  const stage = new TokenBucket(p.apiStageRateLimit.value, p.apiStageBurstLimit.value);
  const account = new TokenBucket(p.apiAccountRateLimit.value, p.apiAccountBurstLimit.value);
  const reserved = p.reservedConcurrency.value;
  const pool = reserved === null ? p.accountConcurrencyLimit.value : Math.max(0, p.accountConcurrencyLimit.value - reserved * DOMAINS.length);
  const coldMs = meanMs(p.coldStartInit.value) + p.coldStartProvisioningMs.value;
  // Concurrency used per function over the idle-reclaim window: an environment used in it is still warm.
  const usage = Object.fromEntries(DOMAINS.map((d) => [d, new SlidingMax(p.environmentIdleReclaimSeconds.value)])) as Record<Domain, SlidingMax>;
  const readPeak = Object.fromEntries(TABLES.map((t) => [t, new PeakHistory(p.dynamoDbPeakDoublingSeconds.value)])) as Record<TableName, PeakHistory>;
  const writePeak = Object.fromEntries(TABLES.map((t) => [t, new PeakHistory(p.dynamoDbPeakDoublingSeconds.value)])) as Record<TableName, PeakHistory>;
  const fnName = (d: string) => `${namePrefix}-${d}`;
  const tableName = (t: string) => `${namePrefix}-${t}`;
  const perFunctionSamples = Math.max(4, Math.floor(samplesPerStep / 2));
  const sampler = new StratifiedSampler(perFunctionSamples, 3, random);
  // Per phase: a replayed run's phase has its own request mix (route-mix.ts); a profile's phases share one.
  const functionTimes = (q: ProjectionParameters) => ({
    mix: q.requestMix.value,
    durationQuantile: Object.fromEntries(DOMAINS.map((d) => [d, compileQuantile(q.lambdaDuration.value[d])])) as Record<Domain, (u: number) => number>,
    meanDuration: Object.fromEntries(DOMAINS.map((d) => [d, meanMs(q.lambdaDuration.value[d])])) as Record<Domain, number>,
  });
  const shared = functionTimes(p);
  const byPhase = schedule.phases.map((ph) => (ph.routeRequests ? functionTimes(forPhase(p, ph)) : shared));
  const initQuantile = compileQuantile(p.coldStartInit.value);
  const meanInit = meanMs(p.coldStartInit.value);
  const fnSeries = Object.fromEntries(
    DOMAINS.map((d) => {
      const fn = { FunctionName: fnName(d) };
      return [
        d,
        {
          invocations: recorder.metricSeries('AWS/Lambda', 'Invocations', fn, 'Count'),
          throttles: recorder.metricSeries('AWS/Lambda', 'Throttles', fn, 'Count'),
          errors: recorder.metricSeries('AWS/Lambda', 'Errors', fn, 'Count'),
          concurrent: recorder.metricSeries('AWS/Lambda', 'ConcurrentExecutions', fn, 'Count'),
          duration: recorder.metricSeries('AWS/Lambda', 'Duration', fn, 'Milliseconds'),
          init: recorder.metricSeries('LambdaInsights', 'init_duration', { function_name: fnName(d) }, 'Milliseconds'),
        },
      ];
    }),
  ) as Record<Domain, Record<'invocations' | 'throttles' | 'errors' | 'concurrent' | 'duration' | 'init', (t: number, v: number) => void>>;
  const tableSeries = Object.fromEntries(
    TABLES.map((table) => [
      table,
      {
        read: recorder.metricSeries('AWS/DynamoDB', 'ConsumedReadCapacityUnits', { TableName: tableName(table) }, 'Count'),
        write: recorder.metricSeries('AWS/DynamoDB', 'ConsumedWriteCapacityUnits', { TableName: tableName(table) }, 'Count'),
      },
    ]),
  ) as Record<TableName, { read: (t: number, v: number) => void; write: (t: number, v: number) => void }>;
  // The account-level series (no dimension) as CloudWatch publishes it beside the per-function ones.
  const accountConcurrency = recorder.metricSeries('AWS/Lambda', 'ConcurrentExecutions', {}, 'Count');
  const api = {
    count: recorder.metricSeries('AWS/ApiGateway', 'Count', {}, 'Count'),
    client: recorder.metricSeries('AWS/ApiGateway', '4xx', {}, 'Count'),
    server: recorder.metricSeries('AWS/ApiGateway', '5xx', {}, 'Count'),
  };
  let peakConcurrencyNeeded = 0;

  for (const step of schedule.steps) {
    const { mix, durationQuantile, meanDuration } = byPhase[step.phase] ?? shared;
    const t = step.startS;
    const dt = step.dtS;
    const arrivals = step.rps * dt;
    const allowed = account.take(stage.take(arrivals, dt), dt);
    const apiThrottled = arrivals - allowed;
    // Lambda: what each function needs and what it can get this step.
    const need = {} as Record<Domain, number>;
    const warm = {} as Record<Domain, number>;
    const grant = {} as Record<Domain, number>;
    let demand = 0;
    for (const d of DOMAINS) {
      const duration = meanDuration[d];
      demand += (step.rps * mix[d] * duration) / 1000;
      const rate = (allowed * mix[d]) / dt;
      warm[d] = usage[d].maxAt(t);
      const steady = (rate * duration) / 1000;
      need[d] = steady + (Math.max(0, steady - warm[d]) * coldMs) / 1000 / dt;
      const scalable = warm[d] + (p.scalingRateEnvironments.value * dt) / p.scalingRateWindowSeconds.value;
      grant[d] = Math.min(need[d], scalable, reserved ?? Number.POSITIVE_INFINITY);
    }
    // What the arrivals would need without any throttle upstream (for the quota to raise).
    peakConcurrencyNeeded = Math.max(peakConcurrencyNeeded, demand);
    if (reserved === null) {
      const total = DOMAINS.reduce((s, d) => s + grant[d], 0);
      if (total > pool) for (const d of DOMAINS) grant[d] *= pool / total;
    }
    // DynamoDB: each table's demand from the requests Lambda runs.
    const served = {} as Record<Domain, number>;
    for (const d of DOMAINS) served[d] = need[d] > 0 ? (allowed * mix[d] * grant[d]) / need[d] : 0;
    const readThrottle = {} as Record<TableName, number>;
    const writeThrottle = {} as Record<TableName, number>;
    for (const table of TABLES) {
      let read = 0;
      let write = 0;
      for (const d of DOMAINS) {
        const u = p.dynamoDbUnitsPerRequest.value[d]?.[table];
        if (u) {
          read += (served[d] * u.read) / dt;
          write += (served[d] * u.write) / dt;
        }
      }
      const readCap = Math.min(p.dynamoDbTableMaxReadUnits.value, Math.max(p.dynamoDbNewTableReadUnits.value, 2 * readPeak[table].laggedAt(t)));
      const writeCap = Math.min(p.dynamoDbTableMaxWriteUnits.value, Math.max(p.dynamoDbNewTableWriteUnits.value, 2 * writePeak[table].laggedAt(t)));
      readThrottle[table] = read > readCap ? 1 - readCap / read : 0;
      writeThrottle[table] = write > writeCap ? 1 - writeCap / write : 0;
      readPeak[table].push(t, Math.min(read, readCap));
      writePeak[table].push(t, Math.min(write, writeCap));
      if (read > 0) tableSeries[table].read(t, Math.min(read, readCap) * dt);
      if (write > 0) tableSeries[table].write(t, Math.min(write, writeCap) * dt);
    }
    let ok = 0;
    let lambdaThrottled = 0;
    let dynamoFailed = 0;
    let coldStarts = 0;
    let concurrency = 0;
    const outcomes: Array<{ d: Domain; ok: number; coldShare: number }> = [];
    for (const d of DOMAINS) {
      const requested = allowed * mix[d];
      const throttled = requested - served[d];
      const fail = 1 - DOMAIN_TABLES[d].reduce((keep, table) => keep * (1 - Math.max(readThrottle[table], writeThrottle[table])), 1);
      const failed = served[d] * fail;
      const newEnvironments = Math.max(0, grant[d] - warm[d]);
      const cold = Math.min(served[d], newEnvironments + served[d] * p.coldStartsPerInvocation.value);
      usage[d].push(t, grant[d]);
      ok += served[d] - failed;
      lambdaThrottled += throttled;
      dynamoFailed += failed;
      coldStarts += cold;
      concurrency += grant[d];
      outcomes.push({ d, ok: served[d] - failed, coldShare: served[d] > 0 ? cold / served[d] : 0 });
      const m = fnSeries[d];
      m.invocations(t, served[d]);
      m.throttles(t, throttled);
      m.errors(t, failed);
      m.concurrent(t, grant[d]);
      m.duration(t, served[d] * meanDuration[d]);
      if (cold > 0) m.init(t, cold * meanInit);
    }
    recorder.step(step, { arrivals, ok, throttled: apiThrottled, serverErrors: dynamoFailed + lambdaThrottled, timeouts: 0, coldStarts }, { serverError: '500' }, 0);
    api.count(t, arrivals);
    api.client(t, apiThrottled);
    api.server(t, dynamoFailed + lambdaThrottled);
    recorder.concurrency(step, concurrency);
    accountConcurrency(t, concurrency);
    // Latencies: per function, stratified draws of duration, with the cold share paying Init + provisioning.
    for (const o of outcomes) {
      if (o.ok <= 0) continue;
      const draws = sampler.draw();
      const weight = o.ok / perFunctionSamples;
      for (let j = 0; j < perFunctionSamples; j++) {
        let ms = durationQuantile[o.d](draws.u[0]![j]!);
        if (draws.u[1]![j]! < o.coldShare) {
          const init = initQuantile(draws.u[2]![j]!);
          ms += init + p.coldStartProvisioningMs.value;
          recorder.initDuration(step, init, weight);
        }
        recorder.latency(step, ms, weight);
      }
    }
  }
  return { bottlenecks: serverlessLimits(p, schedule.peakRps, peakConcurrencyNeeded, recorder), peak: { rps: schedule.peakRps, capacity: peakConcurrencyNeeded, capacityUnit: 'concurrent executions needed' } };
}

function serverlessLimits(p: ProjectionParameters, peakRps: number, peakConcurrency: number, recorder: ProjectionRecorder): Bottleneck[] {
  const peakIndex = recorder.schedule.phases.reduce((best, ph, i) => {
    const rate = recorder.phases[i]!.arrivals / Math.max(1, ph.durationS);
    return rate > best.rate ? { rate, i } : best;
  }, { rate: -1, i: 0 }).i;
  const ph = recorder.phases[peakIndex]!;
  const name = recorder.schedule.phases[peakIndex]!.name;
  const observed = `in this projection ${fmtPct(ph.arrivals > 0 ? ph.throttled / ph.arrivals : 0)} of ${name} requests got 429 and ${fmtPct(ph.arrivals > 0 ? ph.serverErrors / ph.arrivals : 0)} failed (Lambda throttles and DynamoDB throttling answer 500)`;
  const meanDuration = DOMAINS.reduce((s, d) => s + p.requestMix.value[d] * meanMs(p.lambdaDuration.value[d]), 0);
  const limits: Bottleneck[] = [
    {
      resource: 'API Gateway stage throttle',
      limit: `${fmtInt(p.apiStageRateLimit.value)} req/s, burst ${fmtInt(p.apiStageBurstLimit.value)}`,
      saturatesAtRps: p.apiStageRateLimit.value,
      effect: `${fmtPct(beyond(p.apiStageRateLimit.value, peakRps))} of peak requests get 429`,
      fix: `apiThrottleRateLimit ≥ ${fmtInt(peakRps * 1.1)}`,
      parameter: 'apiStageRateLimit',
      binding: false,
      raise: { apiStageRateLimit: Math.ceil(peakRps * 1.1), apiStageBurstLimit: Math.max(p.apiStageBurstLimit.value, Math.ceil(peakRps * 1.1)) },
    },
    {
      resource: 'API Gateway account throttle (per Region)',
      limit: `${fmtInt(p.apiAccountRateLimit.value)} req/s, burst ${fmtInt(p.apiAccountBurstLimit.value)}`,
      saturatesAtRps: p.apiAccountRateLimit.value,
      effect: `${fmtPct(beyond(p.apiAccountRateLimit.value, peakRps))} of peak requests get 429`,
      fix: `request a quota increase to ≥ ${fmtInt(peakRps * 1.1)} req/s`,
      parameter: 'apiAccountRateLimit',
      binding: false,
      raise: { apiAccountRateLimit: Math.ceil(peakRps * 1.1), apiAccountBurstLimit: Math.max(p.apiAccountBurstLimit.value, Math.ceil(peakRps * 0.5)) },
    },
  ];
  const perFunction = p.reservedConcurrency.value !== null;
  const concurrencyLimit = p.reservedConcurrency.value ?? p.accountConcurrencyLimit.value;
  // With reserved concurrency the busiest function (largest share × duration) saturates first.
  const busiest = Math.max(...DOMAINS.map((d) => p.requestMix.value[d] * meanMs(p.lambdaDuration.value[d])));
  const lambdaSaturates = perFunction ? (concurrencyLimit * 1000) / busiest : (concurrencyLimit * 1000) / meanDuration;
  const concurrencyFix = Math.ceil((peakConcurrency * (perFunction ? busiest / meanDuration : 1) * 1.1) / 100) * 100;
  limits.push({
    resource: perFunction ? 'Lambda reserved concurrency (per function)' : 'Lambda concurrency quota (account)',
    limit: `${fmtInt(concurrencyLimit)} concurrent executions`,
    saturatesAtRps: lambdaSaturates,
    effect: `${fmtInt(peakConcurrency)} concurrent executions needed at ${fmtInt(peakRps)} req/s: ${fmtPct(beyond(lambdaSaturates, peakRps))} of peak requests throttled by Lambda, which API Gateway answers with 500`,
    fix: `raise to ≥ ${fmtInt(concurrencyFix)}`,
    parameter: perFunction ? 'reservedConcurrency' : 'accountConcurrencyLimit',
    binding: false,
    raise: perFunction ? { reservedConcurrency: concurrencyFix, accountConcurrencyLimit: Math.max(p.accountConcurrencyLimit.value, concurrencyFix * DOMAINS.length + 100) } : { accountConcurrencyLimit: concurrencyFix },
  });
  for (const table of TABLES) {
    for (const kind of ['read', 'write'] as const) {
      const unitsPerRequest = DOMAINS.reduce((s, d) => s + p.requestMix.value[d] * (p.dynamoDbUnitsPerRequest.value[d]?.[table]?.[kind] ?? 0), 0);
      if (unitsPerRequest <= 0) continue;
      const unit = kind === 'read' ? 'RRU' : 'WRU';
      const quota = kind === 'read' ? p.dynamoDbTableMaxReadUnits.value : p.dynamoDbTableMaxWriteUnits.value;
      const initial = kind === 'read' ? p.dynamoDbNewTableReadUnits.value : p.dynamoDbNewTableWriteUnits.value;
      const demand = peakRps * unitsPerRequest;
      const users = DOMAINS.filter((d) => (p.dynamoDbUnitsPerRequest.value[d]?.[table]?.[kind] ?? 0) > 0).join(', ');
      if (demand > quota * 1.001)
        limits.push({
          resource: `DynamoDB ${table} table ${kind} throughput quota`,
          limit: `${fmtInt(quota)} ${unit}/s`,
          saturatesAtRps: quota / unitsPerRequest,
          effect: `${fmtInt(demand)} ${unit}/s needed at the peak: ${fmtPct(1 - quota / demand)} of the ${users} requests fail on throttling`,
          fix: `raise the table-level ${kind} throughput quota to ≥ ${fmtInt(demand * 1.1)} ${unit}/s and pre-warm the table to it before the surge`,
          parameter: kind === 'read' ? 'dynamoDbTableMaxReadUnits' : 'dynamoDbTableMaxWriteUnits',
          binding: false,
          raise:
            kind === 'read'
              ? { dynamoDbTableMaxReadUnits: Math.ceil(demand * 1.1), dynamoDbNewTableReadUnits: Math.ceil(demand * 1.1) }
              : { dynamoDbTableMaxWriteUnits: Math.ceil(demand * 1.1), dynamoDbNewTableWriteUnits: Math.ceil(demand * 1.1) },
        });
      else if (demand > initial * 1.001)
        limits.push({
          resource: `DynamoDB ${table} table on-demand ramp (${kind})`,
          limit: `serves double its previous peak within ${Math.round(p.dynamoDbPeakDoublingSeconds.value / 60)} min, from ${fmtInt(initial)} ${unit}/s new`,
          saturatesAtRps: initial / unitsPerRequest,
          effect: `a surge past double the previous peak throttles the ${users} requests until the table has scaled`,
          fix: `pre-warm the table to ≥ ${fmtInt(demand)} ${unit}/s before the surge (warm throughput)`,
          parameter: kind === 'read' ? 'dynamoDbNewTableReadUnits' : 'dynamoDbNewTableWriteUnits',
          binding: false,
          raise: { [kind === 'read' ? 'dynamoDbNewTableReadUnits' : 'dynamoDbNewTableWriteUnits']: Math.ceil(demand * 1.1) },
        });
    }
  }
  return markBinding(limits, peakRps, observed);
}
