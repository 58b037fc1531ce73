import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { Pool } from 'undici';
import type { MetricsRecorder } from './metrics.js';
import { closeServer, portIsListening, stopChild, waitFor } from './processes.js';
import type { TableSpec } from './topology.js';

/**
 * DynamoDB for the serverless model: dynalite (a DynamoDB-compatible server that runs with npm alone)
 * in its own process, behind a metering pass-through that asks every data-plane call for
 * ReturnConsumedCapacity and records what DynamoDB would have billed (AWS/DynamoDB
 * ConsumedRead/WriteCapacityUnits per table). Responses pass through byte-for-byte (the SDK checks
 * their CRC32). dynalite does not verify SigV4 signatures, so adding the field to the body is safe.
 */

const READ_OPS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITE_OPS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface ConsumedCapacity {
  TableName?: string;
  CapacityUnits?: number;
}

export class LocalDynamo {
  private child?: ChildProcess;
  private proxy?: http.Server;
  private pool?: Pool;

  constructor(
    private readonly opts: { dynalitePort: number; proxyPort: number; region: string; logFile: string; metrics: MetricsRecorder; deploymentDir?: string },
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.opts.proxyPort}`;
  }
  /** dynalite itself, bypassing the meter (set-up traffic is not the workload's). */
  get directEndpoint(): string {
    return `http://127.0.0.1:${this.opts.dynalitePort}`;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const cli = createRequire(import.meta.url).resolve('dynalite/cli.js');
    const log = createWriteStream(this.opts.logFile, { flags: 'a' });
    this.child = spawn(process.execPath, [cli, '--host', '127.0.0.1', '--port', String(this.opts.dynalitePort), '--createTableMs', '0', '--deleteTableMs', '0', '--updateTableMs', '0',
      // not read by dynalite: names the deployment on the command line, so cleanup can tell this process is ours
      ...(this.opts.deploymentDir ? ['--archcompare-deployment', this.opts.deploymentDir] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.pipe(log);
    this.child.stderr!.pipe(log);
    await waitFor(() => portIsListening(this.opts.dynalitePort), 20_000, 'dynalite did not start listening within 20 s');
    this.pool = new Pool(`http://127.0.0.1:${this.opts.dynalitePort}`, { connections: 64, keepAliveTimeout: 30_000 });
    this.proxy = http.createServer((req, res) => void this.forward(req, res));
    this.proxy.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.proxy!.listen(this.opts.proxyPort, '127.0.0.1', resolve));
  }

  private async forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body = Buffer.concat(chunks);
    const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const metered = READ_OPS.has(op) || WRITE_OPS.has(op);
    if (metered) {
      try {
        const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        if (!json.ReturnConsumedCapacity || json.ReturnConsumedCapacity === 'NONE') {
          json.ReturnConsumedCapacity = 'TOTAL';
          body = Buffer.from(JSON.stringify(json));
        }
      } catch {
        // not JSON: let dynalite answer with its own validation error
      }
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && k !== 'content-length' && k !== 'connection') headers[k] = Array.isArray(v) ? v.join(', ') : v;
    headers['content-length'] = String(body.length);
    try {
      const upstream = await this.pool!.request({ method: (req.method ?? 'POST') as 'POST', path: req.url ?? '/', headers, body });
      const out = Buffer.from(await upstream.body.arrayBuffer());
      const resHeaders: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(upstream.headers)) if (v !== undefined && k !== 'connection' && k !== 'keep-alive' && k !== 'transfer-encoding') resHeaders[k] = v;
      resHeaders['content-length'] = String(out.length);
      res.writeHead(upstream.statusCode, resHeaders);
      res.end(out);
      if (metered && upstream.statusCode === 200) this.meter(op, out);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: (err as Error).message }));
    }
  }

  private meter(op: string, out: Buffer): void {
    const consumed = consumedCapacityOf(out);
    const metric = READ_OPS.has(op) ? 'ConsumedReadCapacityUnits' : 'ConsumedWriteCapacityUnits';
    for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
      if (c.TableName && typeof c.CapacityUnits === 'number') this.opts.metrics.record('AWS/DynamoDB', metric, { TableName: c.TableName }, c.CapacityUnits, 'Count');
    }
  }

  client(): DynamoDBClient {
    return new DynamoDBClient({ endpoint: `http://127.0.0.1:${this.opts.dynalitePort}`, region: this.opts.region, credentials: LOCAL_CREDENTIALS });
  }

  /** Creates the stack's tables (on-demand, keys and GSIs as synthesized). dynalite has no TTL sweeper: TTL is not modelled locally. */
  async createTables(tables: readonly TableSpec[]): Promise<void> {
    const client = this.client();
    try {
      for (const t of tables) {
        const input: CreateTableCommandInput = {
          TableName: t.name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: t.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
          KeySchema: [{ AttributeName: t.hashKey, KeyType: 'HASH' }, ...(t.rangeKey ? [{ AttributeName: t.rangeKey, KeyType: 'RANGE' as const }] : [])],
          GlobalSecondaryIndexes: t.globalSecondaryIndexes.length
            ? t.globalSecondaryIndexes.map((g) => ({
                IndexName: g.name,
                KeySchema: [{ AttributeName: g.hashKey, KeyType: 'HASH' as const }, ...(g.rangeKey ? [{ AttributeName: g.rangeKey, KeyType: 'RANGE' as const }] : [])],
                Projection: { ProjectionType: g.projectionType as 'ALL' },
              }))
            : undefined,
        };
        await client.send(new CreateTableCommand(input));
      }
    } finally {
      client.destroy();
    }
  }

  async stop(graceMs: number): Promise<void> {
    await closeServer(this.proxy);
    await this.pool?.close().catch(() => undefined);
    if (this.child) await stopChild(this.child, graceMs);
  }
}

const CONSUMED_KEY = Buffer.from('"ConsumedCapacity":');

/**
 * The ConsumedCapacity member of a DynamoDB JSON response, without parsing the items around it: a
 * Query page is up to 1 MB, and parsing each one only to read this member cost the supervisor more
 * CPU than proxying it. The member holds no strings with brackets (table and index names cannot).
 */
export function consumedCapacityOf(body: Buffer): ConsumedCapacity | ConsumedCapacity[] | undefined {
  const key = body.lastIndexOf(CONSUMED_KEY);
  if (key < 0) return undefined;
  let start = key + CONSUMED_KEY.length;
  while (body[start] === 0x20) start += 1;
  const open = body[start];
  if (open !== 0x7b && open !== 0x5b) return undefined; // { or [
  let depth = 0;
  for (let i = start; i < body.length; i++) {
    const c = body[i];
    if (c === 0x7b || c === 0x5b) depth += 1;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) {
      try {
        return JSON.parse(body.subarray(start, i + 1).toString('utf8')) as ConsumedCapacity | ConsumedCapacity[];
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
