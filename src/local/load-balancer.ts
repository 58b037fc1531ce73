import http from 'node:http';
import type { Socket } from 'node:net';
import { Pool, type Dispatcher } from 'undici';
import type { MetricName, MetricUnit } from '../architecture/metrics.js';
import type { MetricsRecorder } from './metrics.js';
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
const MAX_ATTEMPTS = 3;

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
  /** Requests waiting for a free vCPU slot, in arrival order. */
  private waiting: Exchange[] = [];
  private cursor = 0;
  readonly dimension: string;
  private readonly m: Record<string, (v: number) => void>;

  constructor(private readonly opts: LoadBalancerOptions) {
    this.dimension = `app/${opts.name}/local`;
    const lb = { LoadBalancer: this.dimension };
    const h = (name: MetricName<'AWS/ApplicationELB'>, unit: MetricUnit = 'Count', pct = false) => opts.metrics.handle('AWS/ApplicationELB', name, lb, unit, pct);
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
      Latency: opts.metrics.handle('archcompare/Local', 'LoadBalancerLatency', lb, 'Milliseconds', true),
      // The LCU dimensions ALB pricing is computed from.
      NewConnectionCount: h('NewConnectionCount'),
      ProcessedBytes: h('ProcessedBytes', 'Bytes'),
    };
  }

  get url(): string {
    return `http://127.0.0.1:${this.opts.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
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

  private release(t: Target): void {
    this.account(t, -1);
    if (t.outstanding === 0) t.drained?.();
    this.flushWaiting();
  }

  private flushWaiting(): void {
    while (this.waiting.length > 0) {
      const x = this.waiting[0]!;
      const c = this.choose(x.exclude);
      if (c === 'busy') return;
      this.waiting.shift();
      this.send(x, c);
    }
  }

  /**
   * The request path runs for every request and its cost caps throughput on a small machine, so it
   * stays synchronous: no promises, one Exchange object as undici's dispatch handler.
   */
  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const started = performance.now();
    this.m.RequestCount!(1);
    const forwarded = forwardedHeaders(req.rawHeaders, req.socket.remoteAddress ?? '127.0.0.1', this.opts.port);
    if (!forwarded.hasBody) return this.route(new Exchange(this, req, res, forwarded.headers, null, started));
    // Buffered, so a request refused by a dead target can be sent to another one untouched.
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => this.route(new Exchange(this, req, res, forwarded.headers, Buffer.concat(chunks), started)));
    req.once('error', () => undefined); // the client went away mid-body: nothing to forward
  }

  private route(x: Exchange): void {
    const c = this.choose(x.exclude);
    if (c === 'busy') this.waiting.push(x);
    else this.send(x, c);
  }

  private send(x: Exchange, t: Target | undefined): void {
    if (!t) return this.elbError(x.res, 503);
    this.account(t, +1);
    x.target = t;
    x.targetStart = performance.now();
    x.attempts += 1;
    t.pool.dispatch(x.request(), x);
  }

  /** @internal The target answered in full. */
  completed(x: Exchange): void {
    const t = x.target!;
    this.release(t);
    this.countBytes(x.req.socket);
    const now = performance.now();
    this.m.TargetResponseTime!((now - x.targetStart) / 1000);
    this.m[`T${Math.floor(x.status / 100)}XX`]?.(1);
    this.m.Latency!(now - x.started);
  }

  /** @internal The exchange with the target failed: retried elsewhere when nothing reached the client yet. */
  failed(x: Exchange, err: Error): void {
    const t = x.target!;
    this.release(t);
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === CLIENT_CLOSED) return; // ALB logs these as 460, not as a 5XX of its own
    if (RETRYABLE.has(code) && !x.res.headersSent) {
      if (x.attempts >= MAX_ATTEMPTS) return this.elbError(x.res, 502);
      (x.exclude ??= new Set()).add(t.id);
      return this.route(x);
    }
    this.elbError(x.res, code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 504 : 502);
  }

  private elbError(res: http.ServerResponse, status: 502 | 503 | 504): void {
    if (!res.headersSent) {
      const body = `<html><body><h1>${status} ${http.STATUS_CODES[status]}</h1></body></html>`;
      res.writeHead(status, { 'content-type': 'text/html', 'content-length': String(Buffer.byteLength(body)), server: 'awselb/2.0' });
      res.end(body);
    } else res.destroy();
    this.m.ELB5XX!(1);
    this.m[`ELB${status}`]!(1);
  }

  async stop(): Promise<void> {
    for (const x of this.waiting.splice(0)) this.elbError(x.res, 503);
    for (const id of [...this.targets.keys()]) this.remove(id);
    await closeServer(this.server);
  }
}

/**
 * The request's headers for the target, as undici's flat [name, value, …] array: hop-by-hop headers
 * dropped and the X-Forwarded-* headers ALB adds (X-Forwarded-For appended to any the client sent).
 * Read from the raw array: `req.headers` would build an object per request.
 */
function forwardedHeaders(raw: string[], remote: string, port: number): { headers: string[]; hasBody: boolean } {
  const out: string[] = [];
  let forwardedFor: string | undefined;
  let hasBody = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === 'content-length' || name === 'transfer-encoding') hasBody = true;
    if (HOP_BY_HOP.has(name) || name === 'x-forwarded-proto' || name === 'x-forwarded-port') continue;
    if (name === 'x-forwarded-for') forwardedFor = forwardedFor ? `${forwardedFor}, ${raw[i + 1]}` : raw[i + 1];
    else out.push(raw[i]!, raw[i + 1]!);
  }
  out.push('x-forwarded-for', forwardedFor ? `${forwardedFor}, ${remote}` : remote, 'x-forwarded-proto', 'http', 'x-forwarded-port', String(port));
  return { headers: out, hasBody };
}

/**
 * One client request on its way through a target: undici's dispatch handler for it. The response's raw
 * headers go to the client as they came (repeated ones such as Set-Cookie included), its body chunks
 * straight after, with backpressure both ways; nothing builds header objects or streams.
 */
class Exchange implements Dispatcher.DispatchHandler {
  target: Target | undefined;
  targetStart = 0;
  attempts = 0;
  status = 0;
  /** Targets that refused this request's connection (a retry goes elsewhere). */
  exclude: Set<string> | undefined;
  private abortRequest: ((err: Error) => void) | undefined;
  private resumeReading: (() => void) | undefined;
  private done = false;
  private readonly onClientClose = () => {
    // The client going away mid-response frees the target connection instead of reading on for nobody.
    if (!this.done) this.abortRequest?.(Object.assign(new Error('client closed the connection'), { code: CLIENT_CLOSED }));
  };
  private readonly onDrain = () => this.resumeReading?.();

  constructor(
    private readonly lb: LoadBalancer,
    readonly req: http.IncomingMessage,
    readonly res: http.ServerResponse,
    private readonly headers: string[],
    private readonly body: Buffer | null,
    readonly started: number,
  ) {}

  request(): Dispatcher.DispatchOptions {
    this.done = false;
    this.res.once('close', this.onClientClose);
    return { method: (this.req.method ?? 'GET') as Dispatcher.HttpMethod, path: this.req.url ?? '/', headers: this.headers, body: this.body };
  }

  onConnect(abort: (err: Error) => void): void {
    this.abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    this.status = statusCode;
    this.resumeReading = resume;
    const out: string[] = [];
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toString('latin1');
      if (!HOP_BY_HOP.has(name.toLowerCase())) out.push(name, rawHeaders[i + 1]!.toString('latin1'));
    }
    this.res.writeHead(statusCode, out);
    return true;
  }

  onData(chunk: Buffer): boolean {
    const more = this.res.write(chunk);
    if (!more) this.res.once('drain', this.onDrain);
    return more;
  }

  onComplete(): void {
    this.done = true;
    this.res.off('close', this.onClientClose);
    this.res.end();
    this.lb.completed(this);
  }

  onError(err: Error): void {
    this.done = true;
    this.res.off('close', this.onClientClose);
    this.lb.failed(this, err);
  }
}
