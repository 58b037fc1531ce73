import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { QUEUE_CONSUMERS } from '../architecture/system.js';
import type { LambdaRuntime } from './lambda-runtime.js';
import type { MetricsRecorder } from './metrics.js';
import { closeServer } from './processes.js';


/** The function the orders queue's event source mapping invokes, from the system description. */
const ORDERS_CONSUMER = QUEUE_CONSUMERS.find((c) => c.source === 'orders')!.id;
/**
 * The orders queue of the local serverless model: an in-memory SQS queue speaking the AWS JSON
 * protocol the SDK v3 uses (SendMessage, SendMessageBatch, GetQueueUrl, GetQueueAttributes), and
 * the Lambda event source mapping that polls it: batches to the consumer function, partial batch
 * failures (ReportBatchItemFailures) stay in flight until the visibility timeout, and a message
 * received more than maxReceiveCount times moves to the dead-letter queue.
 */

interface Message {
  id: string;
  body: string;
  md5: string;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
  receipt?: string;
}

export interface QueueSpec {
  name: string;
  dlqName: string;
  maxReceiveCount: number;
  batchSize: number;
  /** Real milliseconds (time-scaled). */
  visibilityTimeoutMs: number;
  pollIntervalMs: number;
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

export class LocalQueue {
  private server?: http.Server;
  private queues = new Map<string, Message[]>();
  private poller?: NodeJS.Timeout;
  private polling = false;
  /** Fault injection: while set, every SendMessage fails as an unavailable service does (HTTP 503). */
  refusingSends = false;
  readonly accountId = '000000000000';

  constructor(
    private readonly spec: QueueSpec,
    private readonly opts: { port: number; region: string; metrics: MetricsRecorder; readonly runtime?: LambdaRuntime },
  ) {
    this.queues.set(spec.name, []);
    this.queues.set(spec.dlqName, []);
  }

  url(name = this.spec.name): string {
    return `http://127.0.0.1:${this.opts.port}/${this.accountId}/${name}`;
  }
  get endpoint(): string {
    return `http://127.0.0.1:${this.opts.port}`;
  }

  depth(name = this.spec.name): { visible: number; inFlight: number } {
    const now = Date.now();
    const q = this.queues.get(name) ?? [];
    const visible = q.filter((m) => m.visibleAt <= now).length;
    return { visible, inFlight: q.length - visible };
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(this.opts.port, '127.0.0.1', r));
    this.poller = setInterval(() => void this.poll(), this.spec.pollIntervalMs);
    this.poller.unref();
  }

  private queueName(url: unknown): string | undefined {
    if (typeof url !== 'string') return undefined;
    const name = url.split('/').pop();
    return name && this.queues.has(name) ? name : undefined;
  }

  send(name: string, body: string): Message {
    const m: Message = { id: randomUUID(), body, md5: md5(body), sentAt: Date.now(), receiveCount: 0, visibleAt: Date.now() };
    this.queues.get(name)!.push(m);
    this.opts.metrics.record('AWS/SQS', 'NumberOfMessagesSent', { QueueName: name }, 1, 'Count');
    return m;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    };
    const fault = (type: string, message: string) => reply(400, { __type: `com.amazonaws.sqs#${type}`, message });
    const op = String(req.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return fault('InvalidParameterValue', 'request body is not JSON');
    }
    if (op === 'GetQueueUrl') {
      const name = String(input.QueueName ?? '');
      return this.queues.has(name) ? reply(200, { QueueUrl: this.url(name) }) : fault('QueueDoesNotExist', `queue ${name} does not exist`);
    }
    const name = this.queueName(input.QueueUrl);
    if (!name) return fault('QueueDoesNotExist', 'The specified queue does not exist.');
    if ((op === 'SendMessage' || op === 'SendMessageBatch') && this.refusingSends) {
      return reply(503, { __type: 'com.amazonaws.sqs#ServiceUnavailable', message: 'injected fault: the orders queue refuses sends' });
    }
    if (op === 'SendMessage') {
      const m = this.send(name, String(input.MessageBody ?? ''));
      return reply(200, { MessageId: m.id, MD5OfMessageBody: m.md5 });
    }
    if (op === 'SendMessageBatch') {
      const entries = (input.Entries ?? []) as Array<{ Id: string; MessageBody: string }>;
      return reply(200, { Successful: entries.map((e) => { const m = this.send(name, e.MessageBody); return { Id: e.Id, MessageId: m.id, MD5OfMessageBody: m.md5 }; }), Failed: [] });
    }
    if (op === 'GetQueueAttributes') {
      const d = this.depth(name);
      return reply(200, { Attributes: { ApproximateNumberOfMessages: String(d.visible), ApproximateNumberOfMessagesNotVisible: String(d.inFlight) } });
    }
    fault('UnsupportedOperation', `${op} is not supported by the local queue`);
  }

  /** One event-source-mapping poll: a batch of visible messages to the consumer function. */
  private async poll(): Promise<void> {
    if (this.polling || !this.opts.runtime) return;
    this.polling = true;
    try {
      const q = this.queues.get(this.spec.name)!;
      const now = Date.now();
      // Past maxReceiveCount: off to the dead-letter queue instead of another delivery.
      for (const m of q.filter((x) => x.visibleAt <= now && x.receiveCount >= this.spec.maxReceiveCount)) {
        q.splice(q.indexOf(m), 1);
        this.queues.get(this.spec.dlqName)!.push({ ...m, visibleAt: now });
        this.opts.metrics.record('AWS/SQS', 'NumberOfMessagesSent', { QueueName: this.spec.dlqName }, 1, 'Count');
      }
      const batch = q.filter((x) => x.visibleAt <= now).slice(0, this.spec.batchSize);
      if (batch.length === 0) return;
      for (const m of batch) {
        m.receiveCount += 1;
        m.receipt = randomUUID();
        m.visibleAt = now + this.spec.visibilityTimeoutMs;
      }
      this.opts.metrics.record('AWS/SQS', 'NumberOfMessagesReceived', { QueueName: this.spec.name }, batch.length, 'Count');
      const event = {
        Records: batch.map((m) => ({
          messageId: m.id,
          receiptHandle: m.receipt,
          body: m.body,
          attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAt), ApproximateFirstReceiveTimestamp: String(now), SenderId: this.accountId },
          messageAttributes: {},
          md5OfBody: m.md5,
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:${this.opts.region}:${this.accountId}:${this.spec.name}`,
          awsRegion: this.opts.region,
        })),
      };
      const outcome = await this.opts.runtime.invoke(ORDERS_CONSUMER, event);
      if (outcome.kind !== 'ok') return; // the whole batch becomes visible again after the timeout
      const failed = new Set(((outcome.result as { batchItemFailures?: Array<{ itemIdentifier: string }> })?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      for (const m of batch) {
        if (failed.has(m.id)) continue;
        const i = q.indexOf(m);
        if (i >= 0) q.splice(i, 1);
        this.opts.metrics.record('AWS/SQS', 'NumberOfMessagesDeleted', { QueueName: this.spec.name }, 1, 'Count');
      }
    } finally {
      this.polling = false;
    }
  }

  async stop(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    await closeServer(this.server);
  }
}
