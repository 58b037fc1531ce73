import http from 'node:http';
import type { Socket } from 'node:net';
import { Pool, type Dispatcher } from 'undici';
import type { MetricsRecorder, MetricUnit } from './metrics.js';
import { nextHealth, pickLeastOutstanding, type HealthState } from './policies.js';
import { closeServer } from './processes.js';
import type { HealthCheckSpec } from './topology.js';

/**
 * The load balancer of the local traditional model, ALB-like: least-outstanding-requests routing over
 * healthy targets, health checks with the target group's thresholds, deregistration with connection
 * draining, 502 when a target fails mid-request, 503 when there is no healthy target, 504 past the idle
 * timeout. undici Pools give keep-alive connection pooling to every target (its lowest-overhead client).
 * Each target has vCPU slots (the instance capacity model): requests beyond them wait here in order.
 */

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
const CLIENT_CLOSED = 'ECLIENTCLOSED';
const RETRYABLE = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);

export interface Target {
  id: string;
  port: number;
  slots: number;
  outstanding: number;
  health: { state: HealthState; passes: number; fails: number };
  registeredAt: number;
  pool: Pool;
  busySlotMs: number;
  busySince: number;
  healthTimer?: NodeJS.Timeout;
  drained?: () => void;
}

interface Waiting {
  dispatch: (t: Target | undefined) => void;
  /** Targets that refused this request's connection (a retry goes elsewhere). */
  exclude: ReadonlySet<string> | undefined;
}

export interface LoadBalancerOptions {
  port: number;
  name: string;
  healthCheck: HealthCheckSpec;
  /** Real milliseconds (already time-scaled). */
  healthIntervalMs: number;
  healthTimeoutMs: number;
  deregistrationDelayMs: number;
  idleTimeoutMs: number;
  metrics: MetricsRecorder;
}

export class LoadBalancer {
  private server?: http.Server;
  private targets = new Map<string, Target>();
  private waiting: Waiting[] = [];
  private cursor = 0;
  readonly dimension: string;
  private readonly m: Record<string, (v: number) => void>;

  constructor(private readonly opts: LoadBalancerOptions) {
    this.dimension = `app/${opts.name}/local`;
    const lb = { LoadBalancer: this.dimension };
    const h = (name: string, unit: MetricUnit = 'Count', pct = false, ns = 'AWS/ApplicationELB') => opts.metrics.handle(ns, name, lb, unit, pct);
    this.m = {
      RequestCount: h('RequestCount'),
      TargetResponseTime: h('TargetResponseTime', 'Seconds', true),
      ELB5XX: h('HTTPCode_ELB_5XX_Count'),
      ELB502: h('HTTPCode_ELB_502_Count'),
      ELB503: h('HTTPCode_ELB_503_Count'),
      ELB504: h('HTTPCode_ELB_504_Count'),
      T2XX: h('HTTPCode_Target_2XX_Count'),
      T3XX: h('HTTPCode_Target_3XX_Count'),
      T4XX: h('HTTPCode_Target_4XX_Count'),
      T5XX: h('HTTPCode_Target_5XX_Count'),
      Latency: h('LoadBalancerLatency', 'Milliseconds', true, 'archcompare/Local'),
      // The LCU dimensions ALB pricing is computed from.
      NewConnectionCount: h('NewConnectionCount'),
      ProcessedBytes: h('ProcessedBytes', 'Bytes'),
    };
  }

  get url(): string {
    return `http://127.0.0.1:${this.opts.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket: Socket) => {
      this.m.NewConnectionCount!(1);
      socket.once('close', () => this.countBytes(socket));
    });
    this.server.keepAliveTimeout = this.opts.idleTimeoutMs;
    this.server.headersTimeout = this.opts.idleTimeoutMs + 1000;
    await new Promise<void>((resolve) => this.server!.listen(this.opts.port, '127.0.0.1', resolve));
  }

  private counted = new WeakMap<Socket, number>();

  /** Bytes in both directions since the last count (a keep-alive connection spans many periods). */
  private countBytes(socket: Socket): void {
    const total = socket.bytesRead + socket.bytesWritten;
    const before = this.counted.get(socket) ?? 0;
    if (total > before) this.m.ProcessedBytes!(total - before);
    this.counted.set(socket, total);
  }

  register(id: string, port: number, slots: number): Target {
    const t: Target = {
      id,
      port,
      slots,
      outstanding: 0,
      health: { state: 'initial', passes: 0, fails: 0 },
      registeredAt: Date.now(),
      pool: new Pool(`http://127.0.0.1:${port}`, { connections: Math.max(8, slots * 4), keepAliveTimeout: 60_000, headersTimeout: this.opts.idleTimeoutMs, bodyTimeout: this.opts.idleTimeoutMs }),
      busySlotMs: 0,
      busySince: performance.now(),
    };
    this.targets.set(id, t);
    const check = () => void this.healthCheck(t);
    setTimeout(check, 0);
    t.healthTimer = setInterval(check, this.opts.healthIntervalMs);
    return t;
  }

  target(id: string): Target | undefined {
    return this.targets.get(id);
  }

  /** Stops new requests to the target; resolves once its in-flight requests finish or the deregistration delay passes. */
  async deregister(id: string): Promise<void> {
    const t = this.targets.get(id);
    if (!t) return;
    t.health = { ...t.health, state: 'draining' };
    if (t.outstanding > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.opts.deregistrationDelayMs);
        t.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.remove(id);
  }

  remove(id: string): void {
    const t = this.targets.get(id);
    if (!t) return;
    clearInterval(t.healthTimer);
    this.targets.delete(id);
    void t.pool.destroy().catch(() => undefined);
    this.flushWaiting();
  }

  private async healthCheck(t: Target): Promise<void> {
    if (!this.targets.has(t.id) || t.health.state === 'draining') return;
    let ok = false;
    try {
      const r = await t.pool.request({
        method: 'GET',
        path: this.opts.healthCheck.path,
        // The ALB health checker's own User-Agent, so the app can tell checks from traffic as on AWS.
        headers: { 'user-agent': 'ELB-HealthChecker/2.0' },
        headersTimeout: this.opts.healthTimeoutMs,
        bodyTimeout: this.opts.healthTimeoutMs,
      });
      await r.body.dump();
      ok = r.statusCode === 200;
    } catch {
      ok = false;
    }
    // Deregistration may have started while the check was in flight.
    if (!this.targets.has(t.id) || (t.health.state as HealthState) === 'draining') return;
    const before = t.health.state;
    t.health = nextHealth(t.health, ok, this.opts.healthCheck.healthyThreshold, this.opts.healthCheck.unhealthyThreshold);
    if (before !== 'healthy' && t.health.state === 'healthy') this.flushWaiting();
    if (before === 'healthy' && t.health.state !== 'healthy') this.flushWaiting();
  }

  healthy(): Target[] {
    return [...this.targets.values()].filter((t) => t.health.state === 'healthy');
  }

  all(): Target[] {
    return [...this.targets.values()];
  }

  private account(t: Target, delta: number): void {
    const now = performance.now();
    t.busySlotMs += Math.min(t.outstanding, t.slots) * (now - t.busySince);
    t.busySince = now;
    t.outstanding += delta;
  }

  /** Slot occupancy since the last call, in percent: the instance's modelled CPUUtilization. */
  takeCpuUtilization(id: string, periodMs: number): number | undefined {
    const t = this.targets.get(id);
    if (!t) return undefined;
    this.account(t, 0);
    const pct = Math.min(100, (100 * t.busySlotMs) / (t.slots * periodMs));
    t.busySlotMs = 0;
    return pct;
  }

  /** Reused by choose(), which runs for every request: no arrays built per request. */
  private readonly free: Target[] = [];

  private choose(exclude: ReadonlySet<string> | undefined): Target | undefined | 'busy' {
    const free = this.free;
    free.length = 0;
    let anyHealthy = false;
    for (const t of this.targets.values()) {
      if (t.health.state !== 'healthy' || exclude?.has(t.id)) continue;
      anyHealthy = true;
      if (t.outstanding < t.slots) free.push(t);
    }
    if (!anyHealthy) return undefined;
    if (free.length === 0) return 'busy';
    this.cursor = (this.cursor + 1) % 1_000_000;
    const chosen = pickLeastOutstanding(free, this.cursor % free.length);
    free.length = 0;
    return chosen;
  }

  private acquire(exclude: ReadonlySet<string> | undefined): Promise<Target | undefined> {
    const c = this.choose(exclude);
    if (c !== 'busy') {
      if (c) this.account(c, +1);
      return Promise.resolve(c);
    }
    return new Promise((dispatch) => this.waiting.push({ dispatch, exclude }));
  }

  private release(t: Target): void {
    this.account(t, -1);
    if (t.outstanding === 0) t.drained?.();
    this.flushWaiting();
  }

  private flushWaiting(): void {
    while (this.waiting.length > 0) {
      const w = this.waiting[0]!;
      const c = this.choose(w.exclude);
      if (c === 'busy') return;
      this.waiting.shift();
      if (c) this.account(c, +1);
      w.dispatch(c);
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const m = this.m;
    m.RequestCount!(1);
    const elbError = (status: 502 | 503 | 504) => {
      if (!res.headersSent) {
        const body = `<html><body><h1>${status} ${http.STATUS_CODES[status]}</h1></body></html>`;
        res.writeHead(status, { 'content-type': 'text/html', 'content-length': String(Buffer.byteLength(body)), server: 'awselb/2.0' });
        res.end(body);
      } else res.destroy();
      m.ELB5XX!(1);
      m[`ELB${status}`]!(1);
    };
    // Buffered, so a request refused by a dead target can be sent to another one untouched.
    let body: Buffer | undefined;
    if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) {
      const chunks: Buffer[] = [];
      try {
        for await (const c of req) chunks.push(c as Buffer);
      } catch {
        return;
      }
      body = Buffer.concat(chunks);
    }
    const headers = forwardedHeaders(req.rawHeaders, req.socket.remoteAddress ?? '127.0.0.1', this.opts.port);
    let exclude: Set<string> | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const t = await this.acquire(exclude);
      if (!t) return elbError(503);
      const targetStart = performance.now();
      try {
        const status = await forward(t.pool, { method: (req.method ?? 'GET') as Dispatcher.HttpMethod, path: req.url ?? '/', headers, body }, res);
        this.release(t);
        this.countBytes(req.socket);
        m.TargetResponseTime!((performance.now() - targetStart) / 1000);
        m[`T${Math.floor(status / 100)}XX`]?.(1);
        m.Latency!(performance.now() - started);
        return;
      } catch (err) {
        this.release(t);
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (code === CLIENT_CLOSED) return; // ALB logs these as 460, not as a 5XX of its own
        if (RETRYABLE.has(code) && !res.headersSent) {
          (exclude ??= new Set()).add(t.id);
          continue;
        }
        return elbError(code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 504 : 502);
      }
    }
    elbError(502);
  }

  async stop(): Promise<void> {
    for (const w of this.waiting.splice(0)) w.dispatch(undefined);
    for (const id of [...this.targets.keys()]) this.remove(id);
    await closeServer(this.server);
  }
}

/**
 * The request's headers for the target, as undici's flat [name, value, …] array: hop-by-hop headers
 * dropped and the X-Forwarded-* headers ALB adds (X-Forwarded-For appended to any the client sent).
 */
function forwardedHeaders(raw: string[], remote: string, port: number): string[] {
  const out: string[] = [];
  let forwardedFor: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || name === 'x-forwarded-proto' || name === 'x-forwarded-port') continue;
    if (name === 'x-forwarded-for') forwardedFor = forwardedFor ? `${forwardedFor}, ${raw[i + 1]}` : raw[i + 1];
    else out.push(raw[i]!, raw[i + 1]!);
  }
  out.push('x-forwarded-for', forwardedFor ? `${forwardedFor}, ${remote}` : remote, 'x-forwarded-proto', 'http', 'x-forwarded-port', String(port));
  return out;
}

/**
 * One request through a target's pool with undici's dispatch API: the response's raw headers go to our
 * response as they came (repeated ones such as Set-Cookie included), its body chunks straight after,
 * with backpressure both ways. The per-request proxy cost is what caps throughput on a small machine,
 * so nothing here builds header objects or streams. Resolves with the status once the response ended.
 */
function forward(pool: Pool, request: { method: Dispatcher.HttpMethod; path: string; headers: string[]; body: Buffer | undefined }, res: http.ServerResponse): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let status = 0;
    let resume: (() => void) | undefined;
    let abort: ((err: Error) => void) | undefined;
    let done = false;
    // The client going away mid-response frees the target connection instead of reading on for nobody.
    const onClose = () => {
      if (!done) abort?.(Object.assign(new Error('client closed the connection'), { code: CLIENT_CLOSED }));
    };
    const onDrain = () => resume?.();
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abortRequest) {
        abort = abortRequest;
      },
      onHeaders(statusCode, rawHeaders, resumeReading) {
        status = statusCode;
        resume = resumeReading;
        const out: string[] = [];
        for (let i = 0; i < rawHeaders.length; i += 2) {
          const name = rawHeaders[i]!.toString('latin1');
          if (!HOP_BY_HOP.has(name.toLowerCase())) out.push(name, rawHeaders[i + 1]!.toString('latin1'));
        }
        res.writeHead(statusCode, out);
        return true;
      },
      onData(chunk) {
        const more = res.write(chunk);
        if (!more) res.once('drain', onDrain);
        return more;
      },
      onComplete() {
        done = true;
        res.off('close', onClose);
        res.end();
        resolve(status);
      },
      onError(err) {
        done = true;
        res.off('close', onClose);
        reject(err);
      },
    };
    res.once('close', onClose);
    pool.dispatch({ ...request, body: request.body ?? null }, handler);
  });
}
