import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { fromResultV2, toEventV2 } from './apigw-events.js';
import type { FidelityValues } from './fidelity.js';
import type { LambdaRuntime } from './lambda-runtime.js';
import type { MetricsRecorder } from './metrics.js';
import { createTokenBucket, selectRoute, takeToken, type TokenBucket } from './policies.js';
import { closeServer } from './processes.js';
import type { ServerlessTopology } from './topology.js';

/**
 * The API-gateway front of the local serverless model: the stack's routes (HTTP API selection rules),
 * the stage's throttling (token bucket: rate + burst -> 429), payload v2 events to the Lambda runtime
 * and its results back, with the HTTP API's own error answers and CloudWatch metrics.
 */

const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024; // HTTP API payload quota

export class ApiGatewayFront {
  private server?: http.Server;
  private bucket: TokenBucket;
  readonly apiId = randomBytes(5).toString('hex');

  constructor(
    private readonly topology: ServerlessTopology,
    private readonly runtime: LambdaRuntime,
    private readonly opts: { port: number; fidelity: FidelityValues; metrics: MetricsRecorder },
  ) {
    this.bucket = createTokenBucket(topology.throttle.rateLimit, topology.throttle.burstLimit, Date.now());
  }

  get url(): string {
    return `http://127.0.0.1:${this.opts.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
    await new Promise<void>((resolve) => this.server!.listen(this.opts.port, '127.0.0.1', resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = `${randomBytes(6).toString('base64url')}=`;
    const dims = { ApiId: this.apiId, Stage: this.topology.stageName };
    const m = this.opts.metrics;
    const send = (status: number, headers: Record<string, string | string[]>, body: Buffer | string) => {
      const buf = typeof body === 'string' ? Buffer.from(body) : body;
      res.writeHead(status, { ...headers, 'apigw-requestid': requestId, 'content-length': String(buf.length) });
      res.end(buf);
      m.record('AWS/ApiGateway', 'Count', dims, 1, 'Count');
      m.record('AWS/ApiGateway', 'Latency', dims, performance.now() - started, 'Milliseconds', true);
      m.record('AWS/ApiGateway', '4xx', dims, status >= 400 && status < 500 ? 1 : 0, 'Count');
      m.record('AWS/ApiGateway', '5xx', dims, status >= 500 ? 1 : 0, 'Count');
    };
    const message = (status: number, text: string) => send(status, { 'content-type': 'application/json' }, JSON.stringify({ message: text }));

    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > MAX_PAYLOAD_BYTES) return message(413, 'Request Entity Too Large');
        chunks.push(c as Buffer);
      }
    } catch {
      return; // client went away
    }
    if (!takeToken(this.bucket, Date.now())) return message(429, 'Too Many Requests');
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const match = selectRoute(this.topology.routes, req.method ?? 'GET', path);
    if (!match) return message(404, 'Not Found');
    const event = toEventV2(
      { method: req.method ?? 'GET', url, headers: req.headers, body: Buffer.concat(chunks), sourceIp: req.socket.remoteAddress ?? '127.0.0.1', httpVersion: req.httpVersion },
      { routeKey: match.route.routeKey, pathParameters: match.pathParameters },
      { apiId: this.apiId, stage: this.topology.stageName, requestId, now: new Date() },
    );
    const timeoutMs = Math.min(match.route.integrationTimeoutMs ?? 30_000, this.opts.fidelity.apiGatewayIntegrationTimeoutSeconds * 1000);
    const integrationStart = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      this.runtime.invoke(match.route.fn, event),
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs))),
    ]);
    clearTimeout(timer);
    m.record('AWS/ApiGateway', 'IntegrationLatency', dims, performance.now() - integrationStart, 'Milliseconds', true);
    if (outcome === 'timeout') return message(503, 'Service Unavailable');
    // Lambda refusing the invocation (throttled) is an internal error to API Gateway, not a 429: "If the Lambda
    // API rejects the invocation request, API Gateway returns a 500 error code" — only API Gateway's own
    // throttles answer 429. https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html
    if (outcome.kind === 'throttled') return message(500, 'Internal Server Error');
    if (outcome.kind === 'error') return message(500, 'Internal Server Error');
    let response;
    try {
      response = fromResultV2(outcome.result);
    } catch {
      return message(500, 'Internal Server Error');
    }
    send(response.statusCode, response.headers, response.body);
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}
