import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ROUTES, type RouteDef } from '../../src/app/http/routes.js';
import { embeddedPostgresUnavailable } from './harness/postgres.js';
import { seed, startLambdaRuntime, startServerRuntime, type AppUnderTest, type RequestOptions } from './harness/runtimes.js';
import { seededRandom } from '../../src/seeded-random.js';

/**
 * Every route with malformed JSON, wrong types, huge bodies, odd path/query values and unicode, on both
 * runtimes: never a 5xx, always a JSON error body, and the runtime keeps serving afterwards.
 */

const UNICODE = ['☃', '𝕏𝕐', '\u202Eevil', 'Zalgơ̴̡̹', '\u0000nul', '\ud800', 'Ω≈ç√∫', '🙂'.repeat(50), 'ﷺ', '\t\n\r'];
const PATH_VALUES = ['prod-000001', '0190c8a4-7b1e-7cc0-8a5e-3f1f0e2d9c11', '%E2%98%83', '%F0%9F%92%A9', '%00', '%E0%A4%A', '..%2F..%2Fetc', 'a'.repeat(3000), '%', "'; DROP TABLE products;--", '-1', 'null'];
const MALFORMED_BODIES = ['{', '[1,2', '{"a":}', 'null', '"just a string"', '123', 'true', '[]', '\u0000\u0001', '{"email": "a@b.c",}', '['.repeat(5000), '{"__proto__": {"admin": true}}', '\ufeff{}'];
const WRONG_VALUES: unknown[] = [null, 0, -1, 1e308, 1.5, '', ' ', 'x'.repeat(10_000), [], [1, 2], {}, { nested: { deep: true } }, true, ...UNICODE];
const QUERY_VALUES = ['', '0', '-5', '1e309', 'NaN', '0x10', '9'.repeat(40), '%00', '%E0%A4%A', encodeURIComponent('☃'), 'a'.repeat(500), '1&page=2', '[]'];

// A lone surrogate cannot be URI-encoded; send the raw bytes a client would (CESU-style).
const encode = (v: string) => {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
};


function fieldsOf(schema: z.ZodType | undefined): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function fuzzCases(route: RouteDef, token: string, rand: () => number): Array<{ path: string; options: RequestOptions; what: string }> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const fill = (p: string) => p.replace(/:(\w+)/g, () => pick(PATH_VALUES));
  const baseHeaders = (): Record<string, string> => ({ 'content-type': 'application/json', ...(route.header ? { [route.header.name]: pick(['k', 'x'.repeat(300), 'key with space', '']) } : {}) });
  const withAuth = (o: RequestOptions): RequestOptions => (route.auth && rand() < 0.8 ? { ...o, token } : o);
  const cases: Array<{ path: string; options: RequestOptions; what: string }> = [];
  for (const body of MALFORMED_BODIES) cases.push({ path: fill(route.path), options: withAuth({ body, headers: baseHeaders() }), what: `malformed body ${JSON.stringify(body.slice(0, 20))}` });
  for (const field of fieldsOf(route.body)) {
    for (const value of WRONG_VALUES) cases.push({ path: fill(route.path), options: withAuth({ json: { productId: 'prod-000001', quantity: 1, email: 'a@b.co', password: 'longenough', name: 'n', orderId: '0190c8a4-7b1e-7cc0-8a5e-3f1f0e2d9c11', [field]: value }, headers: baseHeaders() }), what: `${field}=${JSON.stringify(value)?.slice(0, 30)}` });
  }
  for (const field of fieldsOf((route.query as unknown as { _zod?: { def?: { in?: z.ZodType } } })?._zod?.def?.in ?? route.query)) {
    for (const value of QUERY_VALUES) cases.push({ path: `${fill(route.path)}?${field}=${value}`, options: withAuth({}), what: `query ${field}=${value.slice(0, 30)}` });
  }
  for (const value of UNICODE) cases.push({ path: `${fill(route.path)}?q=${encode(value)}&${encode(value)}=1`, options: withAuth({ json: { name: value, email: `${value}@example.com`, password: value.repeat(3), productId: value, quantity: 1, orderId: value }, headers: baseHeaders() }), what: `unicode ${JSON.stringify(value).slice(0, 20)}` });
  cases.push({ path: fill(route.path), options: withAuth({ body: JSON.stringify({ blob: 'x'.repeat(1024 * 1024) }), headers: baseHeaders() }), what: 'huge body (1 MiB)' });
  cases.push({ path: fill(route.path), options: { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', headers: baseHeaders() }, what: 'alg=none token' });
  cases.push({ path: fill(route.path), options: { headers: { ...baseHeaders(), authorization: `Bearer ${'A'.repeat(8000)}` } }, what: 'huge token' });
  return cases;
}

function fuzzSuite(label: string, start: () => Promise<AppUnderTest>): void {
  describe(`fuzz: ${label}`, () => {
    let app: AppUnderTest;
    let token = '';
    beforeAll(async () => {
      app = await start();
      await seed(app, 50);
      const reg = await app.request('POST', '/users/register', { json: { email: 'fuzzer@example.com', password: 'fuzzing-password', name: 'Fuzz' } });
      token = reg.body.token;
    });
    afterAll(async () => app?.stop());

    for (const route of ROUTES) {
      it(`${route.method.toUpperCase()} ${route.path}: no 5xx, JSON errors, keeps serving`, async () => {
        const rand = seededRandom([...route.path].reduce((h, c) => h * 31 + c.charCodeAt(0), 7) >>> 0);
        const cases = fuzzCases(route, token, rand);
        for (const c of cases) {
          const res = await app.request(route.method.toUpperCase(), c.path, c.options);
          expect(res.status, `${c.what} -> ${res.status} ${res.text.slice(0, 200)}`).toBeLessThan(500);
          expect(res.body, `${c.what}: JSON body`).toBeTypeOf('object');
        }
        expect(await app.alive()).toBe(true);
        expect((await app.request('GET', '/health')).status).toBe(200);
      });
    }
  });
}

fuzzSuite('lambda runtime', () => startLambdaRuntime());
const pgUnavailable = await embeddedPostgresUnavailable();
if (pgUnavailable && process.env.CI !== 'true') {
  console.warn(`SKIPPING the server-runtime fuzz suite: ${pgUnavailable}`);
} else {
  fuzzSuite('server runtime', () => startServerRuntime());
}
