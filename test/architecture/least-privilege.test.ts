import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStore } from '../../src/app/adapters/dynamodb/store.js';
import { ROUTES } from '../../src/app/http/routes.js';
import { createHttpFunction, createOrdersConsumer, createShipmentSweeper } from '../../src/app/runtimes/lambda/runtime.js';
import { scheduledEvent } from '../../src/local/schedules.js';
import { seedCatalog } from '../../src/app/seed.js';
import { startDynalite, type TestDynamo } from '../app/harness/dynamo.js';
import { startLocalSecretsManager, type LocalSecretsManager } from '../app/harness/secrets-manager.js';
import { apiGatewayV2Event, TEST_APP_ENV } from '../app/harness/runtimes.js';
import { resource, synthJson, type TerraformJson } from '../support/synth.js';
import { listen, readBody, recordingProxy } from '../support/http-server.js';

/**
 * Least privilege, observed: every Lambda function of the synthesized serverless stack runs its real
 * handler against dynalite, behind a recording endpoint that notes each table its requests name, with
 * its queue URL pointing at a recording SQS endpoint and each secret ARN of its environment served by
 * a local Secrets Manager that counts the reads. The routes that reach each function are the stack's
 * own (route -> integration -> function), the function's environment is the stack's own, and every
 * route of the app is driven. What the functions touched must equal what their IAM policies grant: a
 * table or secret granted but never used, or used but not granted, fails here.
 */

const RUN_ID = 'ac-iamtest';
/** The one signing key every function's secret ARN holds: users issues tokens the others verify. */
const SIGNING_KEY = `least-privilege-signing-key-${randomUUID()}`;
const TOKEN = /^\$\{([a-z0-9_]+)\.([a-z0-9_]+)\.([a-z_]+)\}$/;

type PolicyStatement = { Sid: string; Action: string[]; Resource: string[] };

/** DynamoDB JSON requests name their tables in one of three places. */
function tablesNamedBy(body: Record<string, unknown>): string[] {
  const named: string[] = [];
  if (typeof body.TableName === 'string') named.push(body.TableName);
  if (body.RequestItems && typeof body.RequestItems === 'object') named.push(...Object.keys(body.RequestItems));
  for (const item of (body.TransactItems as Array<Record<string, { TableName?: string }>> | undefined) ?? [])
    for (const op of Object.values(item)) if (op.TableName) named.push(op.TableName);
  return named;
}


/** A DynamoDB endpoint that forwards to dynalite and records the physical table names each request names. */
function recordingDynamo(target: string, touched: Set<string>): Promise<{ url: string; server: http.Server }> {
  return recordingProxy(target, (_req, body) => {
    for (const name of tablesNamedBy(JSON.parse(body.toString() || '{}') as Record<string, unknown>)) touched.add(name);
  });
}

/** An SQS endpoint (AWS JSON protocol) that accepts SendMessage and records the queue URL it was sent to. */
async function recordingSqs(sent: string[]): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(async (req, res) => {
    const body = JSON.parse((await readBody(req)).toString() || '{}') as { QueueUrl?: string; MessageBody?: string };
    const action = String(req.headers['x-amz-target'] ?? '');
    res.setHeader('content-type', 'application/x-amz-json-1.0');
    if (action !== 'AmazonSQS.SendMessage') {
      res.writeHead(400).end(JSON.stringify({ __type: 'com.amazonaws.sqs#UnsupportedOperation', message: action }));
      return;
    }
    sent.push(body.QueueUrl ?? '');
    const md5 = createHash('md5').update(body.MessageBody ?? '', 'utf8').digest('hex');
    res.writeHead(200).end(JSON.stringify({ MessageId: randomUUID(), MD5OfMessageBody: md5 }));
  });
  return { url: await listen(server), server };
}

/** The deployed routing, read from the stack: route key -> integration -> Terraform name of the function. */
function apiRoutes(tf: TerraformJson): Array<{ method: string; path: string; fn: string }> {
  return Object.values(tf.resource.aws_apigatewayv2_route ?? {}).map((route) => {
    const integration = /aws_apigatewayv2_integration\.([a-z0-9_]+)\./.exec(String(route.target))![1]!;
    const fn = TOKEN.exec(String(resource(tf, 'aws_apigatewayv2_integration', integration).integration_uri))![2]!;
    const [method, path] = String(route.route_key).split(' ') as [string, string];
    return { method, path, fn };
  });
}

/** `/products/{id}` and `/users/{proxy+}` as regular expressions. */
const routePattern = (path: string) => new RegExp(`^${path.replace(/\{[a-z]+\+\}/g, '.+').replace(/\{[a-z]+\}/g, '[^/]+')}$`);
/** Hono's `/products/:id` as a regular expression. */
const appPattern = (path: string) => new RegExp(`^${path.replace(/:[a-zA-Z]+/g, '[^/]+')}$`);

function policyOf(tf: TerraformJson, fn: string): PolicyStatement[] {
  return (JSON.parse(String(resource(tf, 'aws_iam_role_policy', `${fn}_access`).policy)) as { Statement: PolicyStatement[] }).Statement;
}
const grantedTables = (statements: PolicyStatement[]) =>
  [...new Set(statements.filter((s) => s.Action.some((a) => a.startsWith('dynamodb:'))).flatMap((s) => s.Resource).map((r) => TOKEN.exec(r.replace(/\/index\/\*$/, ''))?.[2]))].sort();
const grantedSecrets = (statements: PolicyStatement[]) =>
  [...new Set(statements.filter((s) => s.Action.includes('secretsmanager:GetSecretValue')).flatMap((s) => s.Resource).map((r) => TOKEN.exec(r)?.[2] ?? `not a secret of the stack: ${r}`))].sort();
const grantsOnQueue = (statements: PolicyStatement[], action: string) => statements.some((s) => s.Action.includes(action) && s.Resource.some((r) => r.includes('aws_sqs_queue.')));

describe('IAM policies against what each function really touches', () => {
  let tf: TerraformJson;
  let dynamo: TestDynamo;
  let sqs: { url: string; server: http.Server };
  let secretsManager: LocalSecretsManager;
  const endpointBefore = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  /** A secret ARN of one function's environment -> the function and the secret (Terraform names). */
  const secretArns = new Map<string, { fn: string; secret: string }>();
  const servers: http.Server[] = [];
  const sent: string[] = [];
  /** Terraform name of each function -> the tables (Terraform names) its requests named. */
  const touched = new Map<string, Set<string>>();
  const invoked = new Set<string>();
  const driven = new Set<string>();
  let tableAddress: Map<string, string>;
  let envOf: (fn: string) => Promise<Record<string, string>>;

  beforeAll(async () => {
    ({ json: tf } = await synthJson('serverless', {}, RUN_ID));
    tableAddress = new Map(Object.entries(tf.resource.aws_dynamodb_table ?? {}).map(([name, t]) => [String(t.name), name]));
    dynamo = await startDynalite(`acshop-${RUN_ID}`);
    expect([...tableAddress.keys()].sort()).toEqual(Object.values(dynamo.tables).sort());
    await seedCatalog(createDynamoStore(dynamo.doc, { products: dynamo.tables.TABLE_PRODUCTS }), 40);
    sqs = await recordingSqs(sent);
    servers.push(sqs.server);
    // The SDK reads this endpoint from the process environment, as it would on Lambda.
    secretsManager = await startLocalSecretsManager();
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secretsManager.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;

    // Each function gets the environment the stack gives it, its own recording DynamoDB endpoint and its own queue URL.
    envOf = async (fn) => {
      const physical = new Set<string>();
      const proxy = await recordingDynamo(dynamo.endpoint, physical);
      servers.push(proxy.server);
      touched.set(fn, physical);
      const variables = resource(tf, 'aws_lambda_function', fn).environment.variables as Record<string, string>;
      const resolved: Record<string, string> = {};
      for (const [key, value] of Object.entries(variables)) {
        const ref = TOKEN.exec(value);
        if (!ref) continue;
        if (ref[1] === 'aws_dynamodb_table') resolved[key] = String(resource(tf, ref[1], ref[2]!).name);
        if (ref[1] === 'aws_sqs_queue' && ref[3] === 'url') resolved[key] = `${sqs.url}/000000000000/${fn}`;
        // One ARN per function and secret, so a read names both.
        if (ref[1] === 'aws_secretsmanager_secret' && ref[3] === 'arn') {
          const arn = `arn:aws:secretsmanager:us-east-1:000000000000:secret:${ref[2]}-for-${fn}`;
          secretsManager.set(arn, SIGNING_KEY);
          secretArns.set(arn, { fn, secret: ref[2]! });
          resolved[key] = arn;
        }
      }
      // No JWT_SECRET: a function that needs the signing key must read it from its secret, as on AWS.
      const { JWT_SECRET: _plainKey, ...appEnv } = TEST_APP_ENV;
      return { ...appEnv, AWS_REGION: 'us-east-1', ...resolved, AWS_ENDPOINT_URL_DYNAMODB: proxy.url };
    };
  }, 120_000);

  afterAll(async () => {
    for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
    await dynamo?.stop();
    await secretsManager?.stop();
    if (endpointBefore === undefined) delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    else process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = endpointBefore;
  });

  it('grants each function exactly the tables, queue access and secrets its code uses', async () => {
    const routes = apiRoutes(tf);
    const handlers = new Map<string, ReturnType<typeof createHttpFunction>['handler']>();
    const handlerFor = async (fn: string) => {
      if (!handlers.has(fn)) handlers.set(fn, createHttpFunction(fn.replace(/_/g, '-') as Parameters<typeof createHttpFunction>[0], await envOf(fn)).handler);
      return handlers.get(fn)!;
    };

    /** One request through the stack's routing to the function behind it; the answer must be the expected status. */
    const call = async (method: string, target: string, status: number, o: { token?: string; json?: unknown; headers?: Record<string, string> } = {}) => {
      const [path = '/', query = ''] = target.split('?');
      const matches = routes.filter((r) => (r.method === 'ANY' || r.method === method) && routePattern(r.path).test(path));
      expect(matches.map((m) => m.fn), `${method} ${path} is routed to one function`).toHaveLength(1);
      const fn = matches[0]!.fn;
      invoked.add(fn);
      const def = ROUTES.find((r) => r.method.toUpperCase() === method && appPattern(r.path).test(path));
      if (def) driven.add(`${def.method} ${def.path}`);
      const headers: Record<string, string> = { ...(o.headers ?? {}), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.json !== undefined ? { 'content-type': 'application/json' } : {}) };
      const body = o.json !== undefined ? JSON.stringify(o.json) : undefined;
      const result = (await (await handlerFor(fn))(apiGatewayV2Event(method, path, query, headers, body) as never)) as { statusCode: number; body?: string };
      expect(result.statusCode, `${method} ${target} via ${fn}: ${result.body}`).toBe(status);
      return result.body ? JSON.parse(result.body) : undefined;
    };

    // users
    const credentials = { email: `iam-${randomUUID()}@example.com`, password: 'least-privilege-1' };
    const { user } = await call('POST', '/users/register', 201, { json: { ...credentials, name: 'Ada' } });
    const { token } = await call('POST', '/users/login', 200, { json: credentials });
    await call('GET', '/users/me', 200, { token });
    await call('PATCH', '/users/me', 200, { token, json: { name: 'Ada L.' } });
    // catalog
    await call('GET', '/health', 200);
    const page = await call('GET', '/products?pageSize=5', 200);
    const [a, b] = page.items as Array<{ id: string; category: string; name: string }>;
    await call('GET', `/products?category=${encodeURIComponent(a!.category)}&minPrice=0&maxPrice=100000000`, 200);
    await call('GET', `/products?q=${encodeURIComponent(a!.name.split(' ')[0]!)}`, 200);
    await call('GET', `/products/${a!.id}`, 200);
    await call('GET', '/categories', 200);
    // cart
    await call('GET', '/cart', 200, { token });
    await call('POST', '/cart/items', 200, { token, json: { productId: a!.id, quantity: 1 } });
    await call('POST', '/cart/items', 200, { token, json: { productId: b!.id, quantity: 1 } });
    await call('PATCH', `/cart/items/${a!.id}`, 200, { token, json: { quantity: 2 } });
    await call('DELETE', `/cart/items/${b!.id}`, 200, { token });
    // orders
    const { order } = await call('POST', '/orders', 201, { token });
    await call('GET', '/orders', 200, { token });
    await call('GET', `/orders/${order.id}`, 200, { token });
    // payments
    await call('POST', '/payments', 201, { token, json: { orderId: order.id }, headers: { 'Idempotency-Key': `iam-${order.id}` } });
    await call('POST', '/payments', 200, { token, json: { orderId: order.id }, headers: { 'Idempotency-Key': `iam-${order.id}` } });

    // The orders queue's consumer, invoked as its event source mapping does.
    const esm = Object.values(tf.resource.aws_lambda_event_source_mapping ?? {});
    expect(esm).toHaveLength(1);
    const consumerFn = TOKEN.exec(String(esm[0]!.function_name))![2]!;
    const consumer = createOrdersConsumer(await envOf(consumerFn));
    invoked.add(consumerFn);
    const message = { type: 'order-placed', orderId: order.id, userId: user.id, totalCents: order.totalCents };
    expect(await consumer.handler({ Records: [{ messageId: 'm-1', body: JSON.stringify(message) }] })).toEqual({ batchItemFailures: [] });
    expect((await call('GET', `/orders/${order.id}`, 200, { token })).order.status).toBe('shipped');

    // Each scheduled rule's target, invoked with the event the rule sends: the shipment sweeper reads
    // its backlog (empty now: the consumer shipped the order).
    const targets = Object.values(tf.resource.aws_cloudwatch_event_target ?? {});
    expect(targets).toHaveLength(1);
    for (const target of targets) {
      const fn = TOKEN.exec(String(target.arn))![2]!;
      const rule = resource(tf, 'aws_cloudwatch_event_rule', TOKEN.exec(String(target.rule))![2]!);
      invoked.add(fn);
      expect(await createShipmentSweeper(await envOf(fn)).handler(scheduledEvent(String(rule.name), 'us-east-1', new Date()))).toEqual({ shipped: [] });
    }

    // Every route of the app was driven, and every function of the stack ran.
    expect([...driven].sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    const functions = Object.keys(tf.resource.aws_lambda_function ?? {}).sort();
    expect([...invoked].sort()).toEqual(functions);

    // Placing an order must reach the queue (or orders never ship), and only that function sends.
    const orderPlacer = routes.find((r) => routePattern(r.path).test('/orders') && (r.method === 'ANY' || r.method === 'POST'))!.fn;
    const senders = [...new Set(sent.map((url) => url.split('/').pop()!))].sort();
    expect(senders).toEqual([orderPlacer]);

    /** The secrets (Terraform names) a function really read. */
    const secretsRead = (fn: string) => [...secretArns].filter(([arn, of]) => of.fn === fn && secretsManager.reads(arn) > 0).map(([, of]) => of.secret).sort();
    expect(functions.filter((fn) => secretsRead(fn).length > 0).length, 'some function reads a secret').toBeGreaterThan(0);

    for (const fn of functions) {
      const policy = policyOf(tf, fn);
      expect(grantedSecrets(policy), `secrets granted to ${fn} vs secrets its code read`).toEqual(secretsRead(fn));
      const used = [...touched.get(fn)!].map((physical) => tableAddress.get(physical) ?? `unknown table ${physical}`).sort();
      expect(used.length, `${fn} touched no table`).toBeGreaterThan(0);
      expect(grantedTables(policy), `tables granted to ${fn} vs tables its code touched`).toEqual(used);
      expect(grantsOnQueue(policy, 'sqs:SendMessage'), `${fn} may send to the queue`).toBe(senders.includes(fn));
      expect(grantsOnQueue(policy, 'sqs:ReceiveMessage'), `${fn} may receive from the queue`).toBe(fn === consumerFn);
    }
    expect(grantsOnQueue(policyOf(tf, consumerFn), 'sqs:DeleteMessage')).toBe(true);
  }, 120_000);
});
