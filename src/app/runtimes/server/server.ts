import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import pg from 'pg';
import { SERVER_RUNTIME } from '../../../architecture/system.js';
import { JwtTokenService } from '../../adapters/jwt-tokens.js';
import { resolveJwtSecret } from '../../adapters/jwt-secret.js';
import { LocalPaymentProvider } from '../../adapters/local-payment-provider.js';
import { InProcessFulfilment } from '../../adapters/order-events.js';
import { migrate } from '../../adapters/postgres/migrations.js';
import { SecretPasswordPool } from '../../adapters/postgres/pool.js';
import { SecretPassword } from '../../adapters/postgres/secret-password.js';
import { secretsManagerSource, type SecretSource } from '../../adapters/secrets-manager.js';
import { createPgStore, type PgStore } from '../../adapters/postgres/store.js';
import { ScryptPasswordHasher } from '../../adapters/scrypt-hasher.js';
import { composeServices } from '../../compose.js';
import type { ServerEnv } from '../../config/env.js';
import { FulfilmentService } from '../../core/orders.js';
import { systemClock } from '../../core/ports.js';
import { createApp } from '../../http/app.js';
import { RuntimeEnvironment } from '../../http/runtime-environment.js';

export interface RunningServer {
  url: string;
  port: number;
  store: PgStore;
  pool: pg.Pool;
  environment: RuntimeEnvironment;
  provider: LocalPaymentProvider;
  migrationsApplied: number[];
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then closes the pool. */
  shutdown(): Promise<void>;
}

export function poolConfig(env: ServerEnv): pg.PoolConfig {
  const common = { max: env.PG_POOL_MAX, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000, maxLifetimeSeconds: env.PG_CONNECTION_MAX_LIFETIME_SECONDS };
  if (env.DATABASE_URL) return { ...common, connectionString: env.DATABASE_URL };
  return { ...common, host: env.PGHOST, port: env.PGPORT, user: env.PGUSER, password: env.PGPASSWORD, database: env.PGDATABASE };
}

/** PGPASSWORD / DATABASE_URL locally; on AWS the RDS-managed secret, read at connect time. */
async function createPool(env: ServerEnv, secrets: () => Promise<SecretSource>, log: (line: string) => void): Promise<pg.Pool> {
  if (!env.DB_SECRET_ARN) return new pg.Pool(poolConfig(env));
  return new SecretPasswordPool(poolConfig(env), new SecretPassword(env.DB_SECRET_ARN, await secrets()), log);
}

/** The traditional runtime: one Node HTTP server process over a PostgreSQL pool. */
export async function startServer(env: ServerEnv, options: { environment?: RuntimeEnvironment; log?: (line: string) => void } = {}): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const environment = options.environment ?? new RuntimeEnvironment('server', 'server');
  // One Secrets Manager client for both secrets, created only if one is read from there.
  let secretSource: Promise<SecretSource> | undefined;
  const secrets = () => (secretSource ??= secretsManagerSource(env.AWS_REGION));
  const closeSecrets = async () => (secretSource ? (await secretSource).close() : undefined);
  let jwtSecret: string;
  try {
    // Before the database: the deploy may write this secret after the instance boots, so wait for it here rather than exit.
    jwtSecret = await resolveJwtSecret(env, { maxWaitMs: env.SECRET_WAIT_SECONDS * 1000, log }, env.JWT_SECRET ? undefined : await secrets());
  } catch (err) {
    await closeSecrets();
    throw err;
  }
  const pool = await createPool(env, secrets, log);
  // An idle client losing its connection (database restart) must not kill the process.
  pool.on('error', (err) => log(`postgres pool: ${err.message}`));
  let migrationsApplied: number[];
  try {
    migrationsApplied = await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    await closeSecrets();
    throw err;
  }
  const store = createPgStore(pool);
  const provider = new LocalPaymentProvider(env.PAYMENT_DECLINE_RATE, env.PAYMENT_LATENCY_MS);
  const fulfilment = new InProcessFulfilment(new FulfilmentService(store.orders, systemClock), env.FULFILMENT_RETRY_MS, env.FULFILMENT_MAX_ATTEMPTS, (err) => log(`fulfilment: ${String(err)}`), {
    orders: store.orders,
    clock: systemClock,
  });
  fulfilment.start();
  const services = composeServices(store, {
    tokens: new JwtTokenService(jwtSecret, env.JWT_TTL_SECONDS),
    hasher: new ScryptPasswordHasher(env.PASSWORD_SCRYPT_LOG2N),
    provider,
    events: fulfilment,
    loginLimit: { attempts: env.LOGIN_RATE_LIMIT, windowSeconds: env.LOGIN_RATE_WINDOW_SECONDS },
  });
  const app = createApp({ services, domains: SERVER_RUNTIME.domains, environment, logError: (err) => log(`request failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`) });

  let inFlight = 0;
  let drained: (() => void) | undefined;
  const server = await new Promise<Server>((resolve) => {
    const s = serve(
      {
        fetch: async (req, envArg) => {
          inFlight += 1;
          try {
            return await app.fetch(req, envArg);
          } finally {
            inFlight -= 1;
            if (inFlight === 0) drained?.();
          }
        },
        port: env.PORT,
        hostname: env.HOST,
      },
      () => resolve(s as Server),
    ) as Server;
  });
  environment.markReady();
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const shutdown = () =>
    (closing ??= (async () => {
      const fulfilmentStopped = fulfilment.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const allDone = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
      const grace = new Promise<void>((resolve) => setTimeout(resolve, env.SHUTDOWN_GRACE_MS).unref());
      await Promise.race([allDone, grace]);
      server.closeIdleConnections();
      await Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]);
      clearInterval(idle);
      server.closeAllConnections();
      await fulfilmentStopped;
      await pool.end();
      await closeSecrets();
    })());

  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  return { url: `http://${host}:${port}`, port, store, pool, environment, provider, migrationsApplied, shutdown };
}
