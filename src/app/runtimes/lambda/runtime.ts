import { SQSClient } from '@aws-sdk/client-sqs';
import { handle } from 'hono/aws-lambda';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import * as z from 'zod';
import { lambdaFunction, tableVariable, type Domain, type LambdaFunctionId } from '../../../architecture/system.js';
import { createDocumentClient, createDynamoStore, type DynamoStore } from '../../adapters/dynamodb/store.js';
import { JwtTokenService, noTokens } from '../../adapters/jwt-tokens.js';
import { resolveJwtSecret } from '../../adapters/jwt-secret.js';
import { LocalPaymentProvider } from '../../adapters/local-payment-provider.js';
import { noOrderEvents, SqsOrderEvents } from '../../adapters/order-events.js';
import { ScryptPasswordHasher } from '../../adapters/scrypt-hasher.js';
import { composeServices } from '../../compose.js';
import { parseLambdaEnv, type LambdaEnv } from '../../config/env.js';
import { FulfilmentService, shipBacklog } from '../../core/orders.js';
import { systemClock } from '../../core/ports.js';
import { createApp } from '../../http/app.js';
import { RuntimeEnvironment } from '../../http/runtime-environment.js';

type Env = Record<string, string | undefined>;

/** AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL point the same handler at a local DynamoDB-compatible server. */
function dynamoStoreFor(fn: LambdaFunctionId, env: LambdaEnv, rawEnv: Env): DynamoStore {
  const endpoint = rawEnv.AWS_ENDPOINT_URL_DYNAMODB ?? rawEnv.AWS_ENDPOINT_URL;
  const doc = createDocumentClient({ ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}), ...(endpoint ? { endpoint } : {}) });
  // Only the tables the function's role allows: a repository for any other would fail at its first call.
  const tables = Object.fromEntries(lambdaFunction(fn).tables.map((t) => [t, env[tableVariable(t)]]));
  return createDynamoStore(doc, tables, env.DYNAMODB_TRANSACTIONS, { searchSnapshotSeconds: env.SEARCH_SNAPSHOT_SECONDS });
}

const tableVariablesOf = (fn: LambdaFunctionId) => lambdaFunction(fn).tables.map(tableVariable);
/** Only a function whose description names the signing key reads it (its role may read nothing else). */
const readsJwtSecret = (fn: LambdaFunctionId) => lambdaFunction(fn).secrets.includes('jwt');

export interface LambdaRuntime<H> {
  handler: H;
  environment: RuntimeEnvironment;
  /** Resolves once init is done (env, secret, clients); rejects with the init error. */
  ready: Promise<{ store: DynamoStore; provider: LocalPaymentProvider }>;
}

type HttpHandler = (event: LambdaEvent, context?: LambdaContext) => Promise<unknown>;

/** An init failure is reported by each invoke that awaits it, never as an unhandled rejection. */
function quietly<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** A GET/HEAD body means nothing, and a fetch Request refuses one: drop it rather than fail the request. */
function withoutBodyOnGet(event: LambdaEvent): LambdaEvent {
  const method = 'requestContext' in event && event.requestContext && 'http' in event.requestContext ? event.requestContext.http.method : (event as { httpMethod?: string }).httpMethod;
  if ((method === 'GET' || method === 'HEAD') && (event as { body?: unknown }).body != null) return { ...event, body: undefined } as unknown as LambdaEvent;
  return event;
}

/**
 * One Lambda execution environment of one domain function: init starts at module load (so it overlaps
 * the runtime's own init), the first invoke waits for it. `startedAt` = 0 measures from process start.
 */
export function createHttpFunction(fn: Domain, rawEnv: Env = process.env, startedAt = 0): LambdaRuntime<HttpHandler> {
  const environment = new RuntimeEnvironment('lambda', fn, startedAt);
  const init = quietly((async () => {
    const env = parseLambdaEnv(tableVariablesOf(fn), rawEnv, { jwtSecret: readsJwtSecret(fn) });
    const store = dynamoStoreFor(fn, env, rawEnv);
    const provider = new LocalPaymentProvider(env.PAYMENT_DECLINE_RATE, env.PAYMENT_LATENCY_MS);
    // Only a function allowed to send builds an SQS client (it costs its init a few milliseconds).
    const events = lambdaFunction(fn).queues.orders === 'send' && env.ORDERS_QUEUE_URL ? new SqsOrderEvents(new SQSClient(env.AWS_REGION ? { region: env.AWS_REGION } : {}), env.ORDERS_QUEUE_URL) : noOrderEvents;
    const services = composeServices(store, {
      tokens: readsJwtSecret(fn) ? new JwtTokenService(await resolveJwtSecret(env), env.JWT_TTL_SECONDS) : noTokens,
      hasher: new ScryptPasswordHasher(env.PASSWORD_SCRYPT_LOG2N),
      provider,
      events,
      loginLimit: { attempts: env.LOGIN_RATE_LIMIT, windowSeconds: env.LOGIN_RATE_WINDOW_SECONDS },
    });
    const app = createApp({ services, domains: [fn], environment });
    environment.markReady();
    return { handle: handle(app) as HttpHandler, store, provider };
  })());
  return {
    environment,
    ready: quietly(init.then(({ store, provider }) => ({ store, provider }))),
    handler: async (event, context) => (await init).handle(withoutBodyOnGet(event), context),
  };
}

// ---------------------------------------------------------------- orders queue consumer
export interface SqsRecord {
  messageId: string;
  body: string;
}
export interface SqsEvent {
  Records: SqsRecord[];
}
export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

const OrderPlacedMessageSchema = z.object({ type: z.literal('order-placed'), orderId: z.string().min(1), userId: z.string().min(1), totalCents: z.number() });

/**
 * Ships paid orders. A message whose order is not paid yet is reported as a batch item failure, so SQS
 * redelivers it after the visibility timeout (and moves it to the DLQ after maxReceiveCount).
 */
export function createOrdersConsumer(rawEnv: Env = process.env, startedAt = 0): LambdaRuntime<(event: SqsEvent) => Promise<SqsBatchResponse>> {
  const environment = new RuntimeEnvironment('lambda', 'orders-consumer', startedAt);
  const init = quietly((async () => {
    const env = parseLambdaEnv(tableVariablesOf('orders-consumer'), rawEnv, { jwtSecret: readsJwtSecret('orders-consumer') });
    const store = dynamoStoreFor('orders-consumer', env, rawEnv);
    environment.markReady();
    return { store, fulfilment: new FulfilmentService(store.orders!, systemClock), provider: new LocalPaymentProvider(0, 0) };
  })());
  const handler = async (event: SqsEvent): Promise<SqsBatchResponse> => {
    const { fulfilment } = await init;
    environment.takeColdStart();
    const failures: SqsBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records ?? []) {
      let message: z.infer<typeof OrderPlacedMessageSchema>;
      try {
        message = OrderPlacedMessageSchema.parse(JSON.parse(record.body));
      } catch {
        console.error(`orders-consumer: dropping malformed message ${record.messageId}`);
        continue;
      }
      try {
        const outcome = await fulfilment.fulfil(message.userId, message.orderId);
        if (outcome === 'awaiting-payment') failures.push({ itemIdentifier: record.messageId });
        if (outcome === 'unknown-order') console.error(`orders-consumer: unknown order ${message.orderId}`);
      } catch (err) {
        console.error(err);
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
  return { environment, handler, ready: quietly(init.then(({ store, provider }) => ({ store, provider }))) };
}

// ---------------------------------------------------------------- shipment sweeper (scheduled)
/** The event an EventBridge scheduled rule sends (only `time` and `resources` are read, for the log). */
export interface ScheduledEvent {
  'detail-type'?: string;
  source?: string;
  time?: string;
  resources?: string[];
}

/**
 * The serverless outbox: on each scheduled run, ships the paid orders unchanged for longer than the
 * queue's redelivery interval (FULFILMENT_RETRY_MS), found in the orders table's sparse index.
 * A throw fails the invocation, and the next scheduled run sweeps again: nothing is lost by it.
 */
export function createShipmentSweeper(rawEnv: Env = process.env, startedAt = 0): LambdaRuntime<(event?: ScheduledEvent) => Promise<{ shipped: string[] }>> {
  const environment = new RuntimeEnvironment('lambda', 'shipment-sweeper', startedAt);
  const init = quietly((async () => {
    const env = parseLambdaEnv(tableVariablesOf('shipment-sweeper'), rawEnv, { jwtSecret: readsJwtSecret('shipment-sweeper') });
    const store = dynamoStoreFor('shipment-sweeper', env, rawEnv);
    const orders = store.orders!;
    environment.markReady();
    return { store, orders, fulfilment: new FulfilmentService(orders, systemClock), retryMs: env.FULFILMENT_RETRY_MS, provider: new LocalPaymentProvider(0, 0) };
  })());
  const handler = async (event?: ScheduledEvent): Promise<{ shipped: string[] }> => {
    const { orders, fulfilment, retryMs } = await init;
    environment.takeColdStart();
    const shipped = await shipBacklog(orders, fulfilment, systemClock, retryMs);
    if (shipped.length > 0) console.log(`shipment-sweeper: shipped ${shipped.length} order(s) whose message was lost (run of ${event?.time ?? 'now'}): ${shipped.join(' ')}`);
    return { shipped };
  };
  return { environment, handler, ready: quietly(init.then(({ store, provider }) => ({ store, provider }))) };
}
