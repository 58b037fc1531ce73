import * as z from 'zod';
import { TABLE_VARIABLES, type TableVariable } from '../../architecture/system.js';
import { zodUserError } from '../../errors.js';

/**
 * Environment variables of both runtimes, validated once at start. A missing or bad one stops the
 * runtime with one line naming the variable and the fix.
 */

type Env = Record<string, string | undefined>;

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);
// Only a type failure says "must be a number"; range failures keep zod's own "too big/small" message.
const notANumber = { error: (issue: { code: string }) => (issue.code === 'invalid_type' ? 'must be a number' : undefined) };
const int = (min: number, max: number) => z.preprocess(emptyAsUndefined, z.coerce.number(notANumber).int({ message: 'must be an integer' }).min(min).max(max));
const num = (min: number, max: number) => z.preprocess(emptyAsUndefined, z.coerce.number(notANumber).min(min).max(max));
const optionalString = z.preprocess(emptyAsUndefined, z.string().min(1).optional());

const CommonEnvSchema = z.object({
  JWT_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, { message: 'must be at least 32 characters' }).optional()),
  JWT_SECRET_ARN: z.preprocess(emptyAsUndefined, z.string().startsWith('arn:', { message: 'must be a Secrets Manager ARN (arn:aws:secretsmanager:…)' }).optional()),
  JWT_TTL_SECONDS: int(60, 7 * 24 * 3600).default(3600),
  PAYMENT_DECLINE_RATE: num(0, 1).default(0),
  PAYMENT_LATENCY_MS: int(0, 60_000).default(0),
  LOGIN_RATE_LIMIT: int(1, 1_000_000).default(10),
  LOGIN_RATE_WINDOW_SECONDS: int(1, 86_400).default(60),
  /** scrypt cost exponent (N = 2^value); lower only for tests and benchmarks. */
  PASSWORD_SCRYPT_LOG2N: int(10, 20).default(15),
  AWS_REGION: optionalString,
});

const withSecret = <T extends z.ZodObject>(schema: T) =>
  schema.superRefine((env: Record<string, unknown>, ctx) => {
    if (!env.JWT_SECRET && !env.JWT_SECRET_ARN)
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required (or JWT_SECRET_ARN on AWS)' });
  });

export const ServerEnvSchema = withSecret(
  CommonEnvSchema.extend({
    PORT: int(0, 65535).default(8080),
    HOST: z.preprocess(emptyAsUndefined, z.string().min(1).default('0.0.0.0')),
    DATABASE_URL: z.preprocess(emptyAsUndefined, z.string().regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' }).optional()),
    PGHOST: optionalString,
    PGPORT: int(1, 65535).optional(),
    PGUSER: optionalString,
    PGPASSWORD: z.string().optional(),
    PGDATABASE: optionalString,
    /** RDS-managed master secret (AWS): the password is read from it at connect time, never from a file. */
    DB_SECRET_ARN: z.preprocess(emptyAsUndefined, z.string().startsWith('arn:', { message: 'must be a Secrets Manager ARN (arn:aws:secretsmanager:…)' }).optional()),
    /** How long the server keeps retrying JWT_SECRET_ARN (unreadable, or without a usable value) before exiting. */
    SECRET_WAIT_SECONDS: int(0, 3600).default(600),
    PG_POOL_MAX: int(1, 1000).default(10),
    /** Seconds after which an idle pooled connection is closed and replaced (0: never), so a rotated password is used by new connections. */
    PG_CONNECTION_MAX_LIFETIME_SECONDS: int(0, 86_400).default(0),
    /** How long SIGTERM waits for in-flight requests before closing anyway. */
    SHUTDOWN_GRACE_MS: int(0, 300_000).default(10_000),
    /** Delay between fulfilment retries of a placed-but-unpaid order (the SQS visibility timeout's role). */
    FULFILMENT_RETRY_MS: int(10, 3_600_000).default(30_000),
    FULFILMENT_MAX_ATTEMPTS: int(1, 1000).default(5),
  }),
).superRefine((env, ctx) => {
  if (!env.DATABASE_URL && !env.PGHOST)
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required (or PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE)' });
  // A URL's own password would win over the secret's: with DB_SECRET_ARN the connection comes from PG* only.
  if (env.DB_SECRET_ARN && env.DATABASE_URL)
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'must not be set with DB_SECRET_ARN (set PGHOST/PGPORT/PGUSER/PGDATABASE)' });
  if (env.DB_SECRET_ARN && !env.PGUSER)
    ctx.addIssue({ code: 'custom', path: ['PGUSER'], message: 'is required with DB_SECRET_ARN (the secret supplies only the password)' });
});
export type ServerEnv = z.output<typeof ServerEnvSchema>;

const tableName = z.preprocess(emptyAsUndefined, z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { message: 'must be a DynamoDB table name' }).optional());

/** Lambda functions differ in what they need: the signing key only where the description names it (parseLambdaEnv checks). */
export const LambdaEnvSchema = CommonEnvSchema.extend({
    ...(Object.fromEntries(TABLE_VARIABLES.map((v) => [v, tableName])) as Record<TableVariable, typeof tableName>),
    ORDERS_QUEUE_URL: z.preprocess(emptyAsUndefined, z.url({ message: 'must be an SQS queue URL' }).optional()),
    /**
     * How order placement reserves stock: `on` = TransactWriteItems (all-or-nothing, AWS), `off` =
     * per-item conditional updates with compensation (for local servers without transactions, e.g.
     * dynalite), `auto` = transactions, falling back to `off` if the server does not know them.
     */
    DYNAMODB_TRANSACTIONS: z.preprocess(emptyAsUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
    /** Seconds an execution environment reuses its catalog read for text search (0: read on every search). */
    SEARCH_SNAPSHOT_SECONDS: int(0, 3600).default(60),
    /**
     * The orders queue's redelivery interval (its visibility timeout; the stack sets it): the shipment
     * sweeper ships paid orders unchanged for longer, whose message is lost or gave up before the payment.
     */
    FULFILMENT_RETRY_MS: int(10, 12 * 3_600_000).default(60_000),
});

/**
 * Variables holding an AWS delay in milliseconds (a queue's redelivery interval): the local target
 * divides them by --time-scale, as it does its own modelled delays, so the app keeps pace with them.
 */
export const TIME_SCALED_VARIABLES = ['FULFILMENT_RETRY_MS'] as const;
export type LambdaEnv = z.output<typeof LambdaEnvSchema>;

function parse<T extends z.ZodType>(schema: T, env: Env, runtime: string): z.output<T> {
  const result = schema.safeParse(env);
  if (!result.success) throw zodUserError(result.error, `${runtime} environment`, 'set the variable named (see the README, "Application configuration")');
  return result.data;
}

export const parseServerEnv = (env: Env = process.env): ServerEnv => parse(ServerEnvSchema, env, 'server');

/**
 * The Lambda environment, requiring the table variables of exactly the tables this function touches,
 * and the signing key (JWT_SECRET or JWT_SECRET_ARN) only for a function that issues or verifies tokens.
 */
export function parseLambdaEnv(tables: readonly TableVariable[], env: Env, needs: { jwtSecret: boolean }): LambdaEnv {
  const parsed = parse(needs.jwtSecret ? withSecret(LambdaEnvSchema) : LambdaEnvSchema, env, 'lambda');
  const missing = tables.find((t) => !parsed[t]);
  if (missing) throw zodUserError(new z.ZodError([{ code: 'custom', path: [missing], message: 'is required for this function', input: undefined }]), 'lambda environment', `set ${missing} to the name of its DynamoDB table`);
  return parsed;
}
