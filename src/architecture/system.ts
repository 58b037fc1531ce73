/**
 * The system both architectures run, described once: the shop's domains, the data they keep, the
 * orders queue, and which Lambda function (serverless) or process (traditional) serves which routes,
 * consumes which queue or runs on which schedule, and touches which tables. The stacks and their IAM policies, the Lambda runtime, the build, the
 * local topology and the cost model read this; nothing else lists functions, routes or tables.
 * Pure data and pure helpers: no I/O, no cdktf.
 */

// ---------------------------------------------------------------- data

/** The DynamoDB tables of the serverless model (the server keeps the same data in PostgreSQL). */
export const TABLES = ['users', 'products', 'carts', 'orders', 'payments'] as const;
export type TableName = (typeof TABLES)[number];

/** The environment variable that carries a table's physical name to a Lambda function. */
export type TableVariable = `TABLE_${Uppercase<TableName>}`;
export const tableVariable = (table: TableName): TableVariable => `TABLE_${table.toUpperCase()}` as TableVariable;
export const TABLE_VARIABLES: readonly TableVariable[] = TABLES.map(tableVariable);

/** SQS queues of the serverless model; each has a dead-letter queue beside it. */
export const QUEUES = ['orders'] as const;
export type QueueName = (typeof QUEUES)[number];
/** `send`: the function's code sends messages; `receive`: the queue's event source mapping invokes the function. */
export type QueueAccess = 'send' | 'receive';

/**
 * Secrets Manager secrets the serverless model keeps: `jwt` is the token signing key, which the
 * functions that issue or verify tokens read at init (JWT_SECRET_ARN).
 */
export const SECRETS = ['jwt'] as const;
export type SecretName = (typeof SECRETS)[number];

/** The API's domains: one Lambda function each on serverless, all in one process on the server. */
export const DOMAINS = ['users', 'catalog', 'cart', 'orders', 'payments'] as const;
export type Domain = (typeof DOMAINS)[number];

/** An API Gateway HTTP API route key: `GET /products/{id}`, `ANY /users/{proxy+}`. */
export type RouteKey = `${'ANY' | 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} /${string}`;

export type LambdaFunctionId = Domain | 'orders-consumer' | 'shipment-sweeper';

/**
 * How often a scheduled function runs: an EventBridge rate expression's value and unit. EventBridge
 * schedules to the minute at best ("the minimum precision for schedules is 1 minute"):
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 */
export interface ScheduleRate {
  every: number;
  unit: 'minute' | 'hour' | 'day';
}

interface FunctionAccess {
  /** The tables the function's code reads or writes: its IAM role names exactly these. */
  tables: readonly TableName[];
  queues: Readonly<Partial<Record<QueueName, QueueAccess>>>;
  /** The secrets the function's code reads: its role may read exactly these, its environment names only these. */
  secrets: readonly SecretName[];
  /** Repository-relative module whose `handler` export the function's zip bundles. */
  entry: string;
}
export interface HttpFunctionDescription extends FunctionAccess {
  kind: 'http';
  id: Domain;
  /** The API Gateway routes integrated with this function. */
  routes: readonly RouteKey[];
}
export interface QueueConsumerDescription extends FunctionAccess {
  kind: 'queue-consumer';
  id: 'orders-consumer';
  /** The queue whose event source mapping invokes it. */
  source: QueueName;
}
export interface ScheduledFunctionDescription extends FunctionAccess {
  kind: 'scheduled';
  id: 'shipment-sweeper';
  /** The EventBridge scheduled rule that invokes it. */
  rate: ScheduleRate;
}
export type LambdaFunctionDescription = HttpFunctionDescription | QueueConsumerDescription | ScheduledFunctionDescription;

const lambdaEntry = (id: LambdaFunctionId) => `src/app/runtimes/lambda/${id}.ts`;

// Tables: what src/app/compose.ts builds for each domain from src/app/adapters/dynamodb/store.ts's
// repositories (orders places from carts and products; payments moves orders; nothing else reads payments).
// Secrets: users issues tokens, cart, orders and payments verify them; the catalog's routes and the
// orders consumer take no token, so they never read the signing key.
export const LAMBDA_FUNCTIONS: readonly LambdaFunctionDescription[] = [
  { kind: 'http', id: 'users', routes: ['ANY /users/{proxy+}'], tables: ['users'], queues: {}, secrets: ['jwt'], entry: lambdaEntry('users') },
  { kind: 'http', id: 'catalog', routes: ['GET /products', 'GET /products/{id}', 'GET /categories', 'GET /health'], tables: ['products'], queues: {}, secrets: [], entry: lambdaEntry('catalog') },
  { kind: 'http', id: 'cart', routes: ['ANY /cart', 'ANY /cart/{proxy+}'], tables: ['carts', 'products'], queues: {}, secrets: ['jwt'], entry: lambdaEntry('cart') },
  { kind: 'http', id: 'orders', routes: ['ANY /orders', 'ANY /orders/{proxy+}'], tables: ['orders', 'carts', 'products'], queues: { orders: 'send' }, secrets: ['jwt'], entry: lambdaEntry('orders') },
  { kind: 'http', id: 'payments', routes: ['ANY /payments', 'ANY /payments/{proxy+}'], tables: ['payments', 'orders'], queues: {}, secrets: ['jwt'], entry: lambdaEntry('payments') },
  { kind: 'queue-consumer', id: 'orders-consumer', source: 'orders', tables: ['orders'], queues: { orders: 'receive' }, secrets: [], entry: lambdaEntry('orders-consumer') },
  // The outbox: ships paid orders whose queue message was lost (a failed send, a payment after the last
  // redelivery), read from the orders table's sparse awaiting-shipment index. Every minute, the schedule's
  // finest grain, as often as the queue redelivers (its visibility timeout is at least 30 s).
  { kind: 'scheduled', id: 'shipment-sweeper', rate: { every: 1, unit: 'minute' }, tables: ['orders'], queues: {}, secrets: [], entry: lambdaEntry('shipment-sweeper') },
];

/** The traditional model: one process serves every domain over PostgreSQL and fulfils orders in-process. */
export const SERVER_RUNTIME = {
  id: 'server',
  domains: DOMAINS,
  database: 'postgresql',
  orderFulfilment: 'in-process',
  entry: 'src/app/runtimes/server/main.ts',
} as const;

// ---------------------------------------------------------------- derived views

export const HTTP_FUNCTIONS: readonly HttpFunctionDescription[] = LAMBDA_FUNCTIONS.filter((f): f is HttpFunctionDescription => f.kind === 'http');
export const QUEUE_CONSUMERS: readonly QueueConsumerDescription[] = LAMBDA_FUNCTIONS.filter((f): f is QueueConsumerDescription => f.kind === 'queue-consumer');
export const SCHEDULED_FUNCTIONS: readonly ScheduledFunctionDescription[] = LAMBDA_FUNCTIONS.filter((f): f is ScheduledFunctionDescription => f.kind === 'scheduled');
export const LAMBDA_FUNCTION_IDS: readonly LambdaFunctionId[] = LAMBDA_FUNCTIONS.map((f) => f.id);

export function lambdaFunction(id: 'orders-consumer'): QueueConsumerDescription;
export function lambdaFunction(id: 'shipment-sweeper'): ScheduledFunctionDescription;
export function lambdaFunction(id: Domain): HttpFunctionDescription;
export function lambdaFunction(id: LambdaFunctionId): LambdaFunctionDescription;
export function lambdaFunction(id: LambdaFunctionId): LambdaFunctionDescription {
  const fn = LAMBDA_FUNCTIONS.find((f) => f.id === id);
  if (!fn) throw new Error(`no Lambda function ${id} in the system description`);
  return fn;
}

/** Every API route key with the function it is integrated with. */
export const API_ROUTES: ReadonlyArray<{ routeKey: RouteKey; fn: Domain }> = HTTP_FUNCTIONS.flatMap((f) => f.routes.map((routeKey) => ({ routeKey, fn: f.id })));

/** `orders-consumer` -> `orders_consumer`. */
export type TerraformName<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}_${TerraformName<Tail>}` : S;
export type LambdaTerraformName = TerraformName<LambdaFunctionId>;

/** The Terraform-safe name of a function (resource addresses, construct ids, usage keys): dashes become underscores. */
export const terraformName = <S extends string>(id: S): TerraformName<S> => id.replace(/-/g, '_') as TerraformName<S>;

/** The function behind a Terraform name (`orders_consumer` -> `orders-consumer`), or undefined for any other name. */
export function lambdaFunctionIdOf(name: string): LambdaFunctionId | undefined {
  return LAMBDA_FUNCTION_IDS.find((id) => terraformName(id) === name || id === name);
}
