import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ROUTES, LAMBDA_FUNCTION_IDS, LAMBDA_FUNCTIONS, lambdaFunction, lambdaFunctionIdOf, SERVER_RUNTIME, terraformName } from '../../src/architecture/system.js';
import { PACKAGE_ROOT } from '../../src/build/artifacts.js';
import { ROUTES } from '../../src/app/http/routes.js';

/** API Gateway's `{id}` / `{proxy+}` against Hono's `:id`: does the route key cover the app path? */
function covers(routeKey: string, method: string, honoPath: string): boolean {
  const [keyMethod, keyPath = ''] = routeKey.split(' ');
  if (keyMethod !== 'ANY' && keyMethod !== method.toUpperCase()) return false;
  const sample = honoPath.replace(/:[a-zA-Z]+/g, 'x');
  return new RegExp(`^${keyPath.replace(/\{[a-z]+\+\}/g, '.+').replace(/\{[a-z]+\}/g, '[^/]+')}$`).test(sample);
}

describe('the system description', () => {
  it("sends every route of the app to exactly one function, the one of the route's domain", () => {
    for (const route of ROUTES) {
      const owners = API_ROUTES.filter((r) => covers(r.routeKey, route.method, route.path)).map((r) => r.fn);
      expect(owners, `${route.method} ${route.path}`).toEqual([route.domain]);
    }
  });

  it('names each function once, with a Terraform name that maps back to it', () => {
    expect(new Set(LAMBDA_FUNCTION_IDS).size).toBe(LAMBDA_FUNCTIONS.length);
    for (const id of LAMBDA_FUNCTION_IDS) {
      expect(terraformName(id)).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(lambdaFunctionIdOf(terraformName(id))).toBe(id);
      expect(lambdaFunction(id).id).toBe(id);
    }
    expect(terraformName('orders-consumer')).toBe('orders_consumer');
    expect(lambdaFunctionIdOf('orders_dlq')).toBeUndefined();
  });

  it('points every runtime at an entry module that exists', () => {
    for (const entry of [...LAMBDA_FUNCTIONS.map((f) => f.entry), SERVER_RUNTIME.entry]) expect(existsSync(path.join(PACKAGE_ROOT, entry)), entry).toBe(true);
  });
});
