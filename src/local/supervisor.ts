import { mkdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { ApiGatewayFront } from './apigw.js';
import { AutoScalingGroup } from './auto-scaling.js';
import { unpackLambda, unpackServer } from './code.js';
import { LOCAL_CREDENTIALS, LocalDynamo } from './dynamo.js';
import { realMs } from './fidelity.js';
import { LambdaRuntime, type LocalFunction } from './lambda-runtime.js';
import { LoadBalancer } from './load-balancer.js';
import { sampleMachineCpu } from './machine-cpu.js';
import { MetricsRecorder } from './metrics.js';
import { PostgresServer } from './postgres.js';
import { sampleProcessTrees, type WatchedTree } from './process-cpu.js';
import { dbClassVcpus } from '../architecture/instance-sizes.js';
import { closeServer, freePort } from './processes.js';
import { seedDynamo, seedPostgres } from './seed.js';
import { LocalSchedules } from './schedules.js';
import { LocalQueue } from './sqs.js';
import { TIME_SCALED_VARIABLES } from '../app/config/env.js';
import { localNodeRuntime } from '../build/node-runtime.js';
import { SPEC_FILE, writeSupervisorState, type SupervisorSpec, type SupervisorState } from './state-file.js';
import type { FunctionSpec, ServerlessTopology, TraditionalTopology } from './topology.js';

/**
 * The detached supervisor of one local deployment: starts the model's processes, keeps a heartbeat and
 * a live snapshot in supervisor.json, serves a small control endpoint (status, fault injection) on
 * 127.0.0.1, and on SIGTERM stops every child and removes the runtime directory.
 * Usage: node supervisor.js <stateDir>
 */

const stateDir = process.argv[2];
if (!stateDir) {
  process.stderr.write('usage: supervisor <stateDir>\n');
  process.exit(2);
}

const spec = JSON.parse(await readFile(path.join(stateDir, SPEC_FILE), 'utf8')) as SupervisorSpec;
const state: SupervisorState = {
  pid: process.pid,
  pgid: process.pid,
  model: spec.model,
  status: 'starting',
  startedAt: new Date().toISOString(),
  heartbeatAt: new Date().toISOString(),
  ports: {},
  tempDirs: [],
  progress: [],
  timeScale: spec.timeScale,
};
const metrics = new MetricsRecorder(spec.metricsDir, spec.fidelity.metricPeriodSeconds, spec.timeScale);
const stops: Array<() => Promise<void>> = [];
/** Data stores stop after everything that talks to them. */
const lateStops: Array<() => Promise<void>> = [];
let snapshot: () => Record<string, unknown> = () => ({});
const faults: Record<string, () => Promise<unknown>> = {};
/** Instances and Lambda workers run the Node.js major AWS runs when its binary is installed. */
const node = localNodeRuntime();

function progress(line: string): void {
  state.progress.push(line);
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  void save();
}

let saving: Promise<void> = Promise.resolve();
function save(): Promise<void> {
  state.heartbeatAt = new Date().toISOString();
  if (state.status === 'ready' || state.status === 'stopping') state.snapshot = snapshot();
  saving = saving.then(() => writeSupervisorState(stateDir!, state)).catch(() => undefined);
  return saving;
}

async function port(name: string): Promise<number> {
  const p = await freePort();
  state.ports[name] = p;
  return p;
}

async function startTraditional(t: TraditionalTopology): Promise<string> {
  const f = spec.fidelity;
  const db = new PostgresServer({
    source: spec.db,
    runtimeDir: spec.runtimeDir,
    port: await port('postgres'),
    maxConnections: t.db.maxConnections,
    user: t.db.username,
    password: spec.secrets.dbPassword,
    database: t.db.database,
    logFile: path.join(spec.logsDir, 'postgres.log'),
  });
  progress(`initialising PostgreSQL (${spec.db} binaries, max_connections ${t.db.maxConnections} from ${t.db.instanceClass})`);
  await db.init();
  if (!db.dataDir.startsWith(spec.runtimeDir)) state.tempDirs.push(path.dirname(db.dataDir));
  lateStops.push(async () => {
    await db.stop(f.instanceStopGraceSeconds * 1000);
    await db.remove();
  });
  await db.start();
  await db.ensureDatabase();
  state.ports.postgres = db.connection.port;
  progress(`PostgreSQL ready on 127.0.0.1:${db.connection.port} (pid ${db.pid})`);
  faults['db-restart'] = async () => {
    await db.restart();
    return { pid: db.pid };
  };

  const serverEntry = await unpackServer(spec.artifactsDir, path.join(spec.runtimeDir, 'code', 'server'));
  const lb = new LoadBalancer({
    port: await port('loadBalancer'),
    name: t.name,
    healthCheck: t.healthCheck,
    healthIntervalMs: realMs(t.healthCheck.intervalSeconds, spec.timeScale),
    healthTimeoutMs: Math.max(200, realMs(t.healthCheck.timeoutSeconds, spec.timeScale)),
    deregistrationDelayMs: realMs(t.deregistrationDelaySeconds, spec.timeScale),
    idleTimeoutMs: f.albIdleTimeoutSeconds * 1000,
    metrics,
  });
  await lb.start();
  stops.push(() => lb.stop());
  const conn = db.connection;
  const asg = new AutoScalingGroup(t, lb, {
    fidelity: f,
    timeScale: spec.timeScale,
    metrics,
    serverEntry,
    nodeExecPath: node.execPath,
    logsDir: spec.logsDir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_ENV: 'production',
      PGHOST: conn.host,
      PGPORT: String(conn.port),
      PGUSER: conn.user,
      PGPASSWORD: conn.password,
      PGDATABASE: conn.database,
      DATABASE_URL: `postgres://${encodeURIComponent(conn.user)}:${encodeURIComponent(conn.password)}@${conn.host}:${conn.port}/${conn.database}`,
      JWT_SECRET: spec.secrets.jwtSecret,
      AWS_REGION: spec.region,
      ...spec.appEnv,
    },
  });
  stops.unshift(() => asg.stop()); // instances stop before the database
  asg.start();
  progress(`load balancer on ${lb.url}; launching ${t.desiredCapacity} × ${t.instanceType} (${t.vcpus} vCPU) instances`);
  await waitUntil(() => lb.healthy().length > 0, 120_000, 'no instance passed its health checks within 120 s (see logs/instance-*.log)');
  progress(`${lb.healthy().length} healthy target(s)`);
  if (spec.seedProducts > 0) {
    // The instances applied the schema migrations before passing health checks.
    const n = await seedPostgres({ ...conn }, spec.seedProducts);
    progress(`seeded ${n} products`);
  }

  const dbProbe = new pg.Pool({ ...conn, max: 1 });
  dbProbe.on('error', () => undefined); // a restarting database drops the idle probe connection
  stops.push(() => dbProbe.end());
  setInterval(() => {
    dbProbe
      .query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend'")
      .then((r) => metrics.record('AWS/RDS', 'DatabaseConnections', { DBInstanceIdentifier: t.dbInstanceIdentifier }, Math.max(0, (r.rows[0] as { n: number }).n - 1), 'Count'))
      .catch(() => undefined);
  }, Math.max(100, realMs(f.metricPeriodSeconds, spec.timeScale) / 4)).unref();

  // One sampler of real process CPU: the PostgreSQL server's tree as RDS CPUUtilization (share of the
  // DB class's vCPUs), each instance's server process as ProcessCPUUtilization (share of its type's vCPUs).
  const dbVcpus = dbClassVcpus(t.db.instanceClass);
  if (dbVcpus === undefined) progress(`no RDS CPUUtilization: the vCPUs of ${t.db.instanceClass} are unknown here`);
  const dbDimensions = { DBInstanceIdentifier: t.dbInstanceIdentifier };
  const recordDbCpu = metrics.handle('AWS/RDS', 'CPUUtilization', dbDimensions, 'Percent');
  const stopCpuSampler = sampleProcessTrees(() => [
    ...(dbVcpus === undefined ? [] : [{ key: 'db', pid: db.pid, vcpus: dbVcpus, record: recordDbCpu }]),
    ...asg.snapshot().map((i): WatchedTree => ({
      key: i.id,
      pid: i.pid,
      vcpus: t.vcpus,
      record: (percent) => metrics.record('archcompare/Local', 'ProcessCPUUtilization', { InstanceId: i.id }, percent, 'Percent'),
    })),
  ]);
  stops.unshift(async () => stopCpuSampler());

  snapshot = () => ({
    model: 'traditional',
    node: node.notice,
    desiredCapacity: asg.desiredCapacity,
    minSize: t.minSize,
    maxSize: t.maxSize,
    instances: asg.snapshot(),
    activities: asg.activities.slice(-20),
    db: { pid: db.pid, port: conn.port, source: spec.db, maxConnections: t.db.maxConnections, restarts: db.startedAt.length - 1 },
  });
  return lb.url;
}

function functionEnv(fn: FunctionSpec, t: ServerlessTopology, dynamoEndpoint: string, queue: LocalQueue): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(fn.environment)) {
    if (typeof v === 'string') env[k] = v;
    else {
      const [type, name, attr] = v.ref.split('.');
      if (type === 'aws_dynamodb_table' && attr === 'name') {
        const table = t.tables.find((x) => x.logicalId === name);
        if (table) env[k] = table.name;
      } else if (type === 'aws_sqs_queue' && attr === 'url') {
        env[k] = queue.url(name === 'orders_dlq' ? t.queues.ordersDlq : t.queues.orders);
      }
      // Secrets Manager references become the local secret itself (below); other references are unknown locally.
    }
  }
  // An AWS delay the app waits out (the queue's redelivery interval) keeps pace with the scaled schedules.
  for (const k of TIME_SCALED_VARIABLES) if (env[k] !== undefined) env[k] = String(Math.max(10, Math.round(Number(env[k]) / spec.timeScale)));
  return {
    ...env,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: queue.endpoint,
    JWT_SECRET: spec.secrets.jwtSecret,
    ...spec.appEnv,
  };
}

async function startServerless(t: ServerlessTopology): Promise<string> {
  const f = spec.fidelity;
  const dynamo = new LocalDynamo({ dynalitePort: await port('dynalite'), proxyPort: await port('dynamodb'), region: spec.region, logFile: path.join(spec.logsDir, 'dynalite.log'), metrics, deploymentDir: spec.stateDir });
  lateStops.push(() => dynamo.stop(f.instanceStopGraceSeconds * 1000));
  await dynamo.start();
  await dynamo.createTables(t.tables);
  progress(`DynamoDB (dynalite) on ${dynamo.endpoint} with ${t.tables.length} tables`);
  if (spec.seedProducts > 0) progress(`seeded ${await seedDynamo(dynamo.directEndpoint, spec.region, t.tables, spec.seedProducts)} products`);

  const functions: LocalFunction[] = [];
  const queueSpec = {
    name: t.queues.orders,
    dlqName: t.queues.ordersDlq,
    maxReceiveCount: t.queues.maxReceiveCount,
    batchSize: t.queues.consumerBatchSize,
    visibilityTimeoutMs: realMs(t.queues.visibilityTimeoutSeconds, spec.timeScale),
    pollIntervalMs: 100,
  };
  const queuePort = await port('sqs');
  // The runtime needs the queue URL in its environment and the queue needs the runtime to deliver to.
  let runtime: LambdaRuntime | undefined;
  const queue = new LocalQueue(queueSpec, {
    port: queuePort,
    region: spec.region,
    metrics,
    get runtime() {
      return runtime;
    },
  });
  for (const fn of t.functions) {
    const bundle = await unpackLambda(spec.artifactsDir, fn.id, path.join(spec.runtimeDir, 'code', fn.id));
    functions.push({ ...fn, bundle, env: functionEnv(fn, t, dynamo.endpoint, queue) });
  }
  runtime = new LambdaRuntime(functions, { fidelity: f, timeScale: spec.timeScale, metrics, logsDir: spec.logsDir, node });
  runtime.start();
  const rt = runtime;
  stops.unshift(() => rt.stop(f.instanceStopGraceSeconds * 1000));
  const provisioned = await rt.prewarm();
  if (provisioned > 0) progress(`${provisioned} provisioned environment(s) initialised`);
  await queue.start();
  stops.unshift(() => queue.stop());
  progress(`orders queue on ${queue.url()} (consumer batch ${queueSpec.batchSize}, DLQ after ${queueSpec.maxReceiveCount} receives)`);
  faults['orders-queue-outage'] = async () => {
    queue.refusingSends = true;
    return { refusingSends: true };
  };
  faults['orders-queue-restored'] = async () => {
    queue.refusingSends = false;
    return { refusingSends: false };
  };
  const schedules = new LocalSchedules(t.schedules, { runtime: rt, timeScale: spec.timeScale, region: spec.region });
  schedules.start();
  stops.unshift(() => schedules.stop());
  for (const s of t.schedules) progress(`scheduled rule ${s.ruleName}: ${s.fn} ${s.expression} (every ${realMs(s.everySeconds, spec.timeScale)} ms here)`);
  const api = new ApiGatewayFront(t, rt, { port: await port('apiGateway'), fidelity: f, metrics });
  await api.start();
  stops.unshift(() => api.stop());
  progress(`API gateway on ${api.url}: ${t.routes.length} routes, throttle ${t.throttle.rateLimit}/s burst ${t.throttle.burstLimit}; ${functions.length} functions`);
  snapshot = () => ({
    model: 'serverless',
    node: node.notice,
    apiId: api.apiId,
    environments: rt.snapshot(),
    coldStarts: Object.fromEntries(rt.coldStarts),
    functions: functions.map((x) => ({ id: x.id, functionName: x.functionName, memoryMb: x.memoryMb, timeoutSeconds: x.timeoutSeconds, reservedConcurrency: x.reservedConcurrency })),
    dynamodb: { endpoint: dynamo.endpoint, pid: dynamo.pid },
    queues: { [t.queues.orders]: queue.depth(), [t.queues.ordersDlq]: queue.depth(t.queues.ordersDlq) },
    schedules: schedules.snapshot(),
  });
  return api.url;
}

async function waitUntil(check: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(message);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let control: http.Server | undefined;
async function startControl(): Promise<void> {
  control = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers['x-archcompare-control'] !== spec.secrets.controlToken) return reply(403, { error: 'bad control token' });
    if (req.method === 'GET' && req.url === '/status') return reply(200, { ...state, snapshot: snapshot() });
    const fault = req.method === 'POST' && req.url?.startsWith('/faults/') ? faults[req.url.slice('/faults/'.length)] : undefined;
    if (fault) {
      fault().then((r) => reply(200, r ?? {}), (err: Error) => reply(500, { error: err.message }));
      return;
    }
    reply(404, { error: 'unknown control route' });
  });
  await new Promise<void>((r) => control!.listen(0, '127.0.0.1', r));
  const p = (control.address() as { port: number }).port;
  state.ports.control = p;
  state.controlUrl = `http://127.0.0.1:${p}`;
  state.controlToken = spec.secrets.controlToken;
}

let shuttingDown = false;
async function shutdown(code: number): Promise<never> {
  if (shuttingDown) return new Promise<never>(() => undefined);
  shuttingDown = true;
  if (state.status !== 'failed') state.status = 'stopping';
  await save();
  for (const stop of [...stops, ...lateStops]) await stop().catch((err: Error) => process.stderr.write(`stop: ${err.message}\n`));
  await metrics.stop();
  await closeServer(control);
  for (const d of state.tempDirs) await rm(d, { recursive: true, force: true });
  await rm(spec.runtimeDir, { recursive: true, force: true });
  if (state.status !== 'failed') state.status = 'stopped';
  await save();
  process.exit(code);
}

process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
process.on('uncaughtException', (err) => {
  process.stderr.write(`supervisor: uncaught ${err.stack ?? err.message}\n`);
});

await mkdir(spec.runtimeDir, { recursive: true });
await mkdir(spec.logsDir, { recursive: true });
await metrics.start();
sampleMachineCpu(metrics);
await save();
const heartbeat = setInterval(() => void save(), 1000);
heartbeat.unref();
try {
  await startControl();
  progress(node.notice);
  state.url = spec.topology.model === 'traditional' ? await startTraditional(spec.topology) : await startServerless(spec.topology);
  state.status = 'ready';
  progress(`ready: ${state.url}`);
  // keep the process alive (timers above are unref'd)
  setInterval(() => undefined, 1 << 30);
} catch (err) {
  state.status = 'failed';
  state.error = (err as Error).message;
  process.stderr.write(`supervisor: start failed: ${(err as Error).stack}\n`);
  await shutdown(1);
}
