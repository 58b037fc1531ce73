import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type * as z from 'zod';
import { DomainError } from '../core/errors.js';
import type { Caller } from '../core/ports.js';
import type { RuntimeEnvironment } from './runtime-environment.js';
import { ROUTES, type Domain, type RouteDef } from './routes.js';
import type { AppServices } from './services.js';

export const MAX_BODY_BYTES = 64 * 1024;

export interface AppOptions {
  services: AppServices;
  /** Which domains' routes this app serves (all on the server, one per Lambda function). */
  domains: readonly Domain[];
  environment: RuntimeEnvironment;
  /** Where unexpected errors go (stderr by default); never to the client. */
  logError?: (err: unknown, c: Context) => void;
}

function validationError(error: z.ZodError, fieldPrefix = ''): DomainError {
  const issue = error.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  const field = [fieldPrefix, path].filter(Boolean).join('.') || fieldPrefix || '(body)';
  return new DomainError('VALIDATION_FAILED', `${field}: ${issue?.message ?? 'invalid value'}`, field);
}

function parse<T extends z.ZodType>(schema: T, value: unknown, fieldPrefix = ''): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, fieldPrefix);
  return result.data;
}

async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DomainError('MALFORMED_JSON', 'body: is not valid JSON', '(body)');
  }
}

async function authenticate(c: Context, services: AppServices): Promise<Caller> {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match?.[1]) throw new DomainError('UNAUTHENTICATED', 'Authorization: a Bearer token is required', 'Authorization');
  const caller = await services.tokens.verify(match[1]);
  if (!caller) throw new DomainError('UNAUTHENTICATED', 'Authorization: the token is invalid or expired', 'Authorization');
  return caller;
}

function register(app: Hono, route: RouteDef, services: AppServices): void {
  app.on(route.method.toUpperCase(), route.path, async (c) => {
    const caller = route.auth ? await authenticate(c, services) : undefined;
    const params = route.params ? parse(route.params, c.req.param()) : undefined;
    const query = route.query ? parse(route.query, c.req.query()) : undefined;
    const headers: Record<string, string | undefined> = {};
    if (route.header) headers[route.header.name.toLowerCase()] = parse(route.header.schema, c.req.header(route.header.name), route.header.name);
    const body = route.body ? parse(route.body, await readJson(c)) : undefined;
    const result = await route.handle(services, { body, query, params, headers, caller });
    return c.json(result.body as object, result.status);
  });
}

/** The one HTTP app of both runtimes: same routes, validation, errors and cold-start headers. */
export function createApp(options: AppOptions): Hono {
  const { services, environment } = options;
  const app = new Hono();
  const logError = options.logError ?? ((err: unknown) => console.error(err));

  app.use('*', async (c, next) => {
    const coldStart = environment.takeColdStart();
    await next();
    c.res.headers.set('x-archcompare-cold-start', String(coldStart));
    c.res.headers.set('x-archcompare-init-ms', environment.initMs().toFixed(1));
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      // The rest of the upload is not read, so the connection cannot be reused: say so.
      onError: (c) => c.json(new DomainError('PAYLOAD_TOO_LARGE', `body: larger than ${MAX_BODY_BYTES} bytes`, '(body)').toBody(), 413, { connection: 'close' }),
    }),
  );

  app.get('/health', (c) => c.json({ status: 'ok', runtime: environment.runtime, component: environment.component, uptimeMs: Math.round(environment.uptimeMs()) }));
  for (const route of ROUTES) if (options.domains.includes(route.domain)) register(app, route, services);

  app.notFound((c) => c.json(new DomainError('NOT_FOUND', `route ${c.req.method} ${c.req.path} not found`).toBody(), 404));
  app.onError((err, c) => {
    if (err instanceof DomainError) {
      if (err.retryAfterSeconds !== undefined) c.header('retry-after', String(err.retryAfterSeconds));
      return c.json(err.toBody(), err.status as 400);
    }
    logError(err, c);
    return c.json({ error: { code: 'INTERNAL', message: 'internal error' } }, 500);
  });
  return app;
}
