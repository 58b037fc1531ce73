import http from 'node:http';
import type { Socket } from 'node:net';
import { Pool } from 'undici';
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
  exclude: Set<string>;
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

  private choose(exclude: Set<string>): Target | undefined | 'busy' {
    const healthy = this.healthy().filter((t) => !exclude.has(t.id));
    if (healthy.length === 0) return undefined;
    const free = healthy.filter((t) => t.outstanding < t.slots);
    if (free.length === 0) return 'busy';
    this.cursor = (this.cursor + 1) % 1_000_000;
    return pickLeastOutstanding(free, this.cursor % free.length);
  }

  private acquire(exclude: Set<string>): Promise<Target | undefined> {
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
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const remote = req.socket.remoteAddress ?? '127.0.0.1';
    headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${remote}` : remote;
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-port'] = String(this.opts.port);
    const exclude = new Set<string>();
    for (let attempt = 0; attempt < 3; attempt++) {
      const t = await this.acquire(exclude);
      if (!t) return elbError(503);
      const targetStart = performance.now();
      let status = 0;
      try {
        // undici's stream(): the response body is written straight into our response, no Readable in between.
        await t.pool.stream({ method: (req.method ?? 'GET') as 'GET', path: req.url ?? '/', headers, body }, ({ statusCode, headers: upHeaders }) => {
          status = statusCode;
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(upHeaders)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
          res.writeHead(statusCode, out);
          return res;
        });
        this.release(t);
        this.countBytes(req.socket);
        m.TargetResponseTime!((performance.now() - targetStart) / 1000);
        m[`T${Math.floor(status / 100)}XX`]?.(1);
        m.Latency!(performance.now() - started);
        return;
      } catch (err) {
        this.release(t);
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (RETRYABLE.has(code) && !res.headersSent) {
          exclude.add(t.id);
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
