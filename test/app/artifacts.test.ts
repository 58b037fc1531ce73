import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArtifacts } from '../../src/build/build-artifacts.js';
import { COMMITTED_OPENAPI, openApiText } from '../../src/build/openapi.js';
import { embeddedPostgresUnavailable, startTestPostgres } from './harness/postgres.js';
import { apiGatewayV2Event, stopProcess, TEST_APP_ENV } from './harness/runtimes.js';

const pgUnavailable = await embeddedPostgresUnavailable();
if (pgUnavailable && process.env.CI !== 'true') console.warn(`SKIPPING the server tarball run: ${pgUnavailable}`);

/** The deployable artifacts themselves: sizes, and that the bundled server and handlers really run. */
describe('build artifacts', () => {
  let infos: Awaited<ReturnType<typeof buildArtifacts>>;
  let work: string;
  beforeAll(async () => {
    infos = await buildArtifacts();
    work = await mkdtemp(path.join(os.tmpdir(), 'archcompare-artifacts-'));
  }, 120_000);
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('keeps every Lambda zip under 1 MB, with a source map inside', async () => {
    const zips = infos.filter((a) => a.name.startsWith('lambda/'));
    expect(zips.map((z) => z.name).sort()).toEqual(['lambda/cart', 'lambda/catalog', 'lambda/orders', 'lambda/orders-consumer', 'lambda/payments', 'lambda/shipment-sweeper', 'lambda/users']);
    for (const z of zips) {
      expect(z.bytes, z.name).toBeLessThan(1_000_000);
      expect(execFileSync('unzip', ['-Z1', path.resolve(z.path)]).toString().trim().split('\n').sort()).toEqual(['index.mjs', 'index.mjs.map']);
    }
  });

  it('writes the OpenAPI document, and the committed docs/openapi.json is current', async () => {
    const built = JSON.parse(await readFile(path.resolve(infos.find((a) => a.name === 'openapi')!.path), 'utf8'));
    expect(built.openapi).toBe('3.1.0');
    expect(Object.keys(built.paths)).toContain('/payments');
    expect(await readFile(COMMITTED_OPENAPI, 'utf8'), 'docs/openapi.json is stale: run `npx tsx src/build/openapi.ts`').toBe(openApiText());
  });

  it('a bundled Lambda handler answers an API Gateway v2 event on its own (no node_modules)', async () => {
    const dir = path.join(work, 'catalog');
    execFileSync('unzip', ['-q', path.resolve('dist/artifacts/lambda/catalog.zip'), '-d', dir]);
    // Run in a child so the module's init is a real cold start, from a folder with no node_modules.
    const script = `
      const t0 = performance.now();
      const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'index.mjs')).href)});
      const res = await handler(${JSON.stringify(apiGatewayV2Event('GET', '/health', '', {}))});
      process.stdout.write(JSON.stringify({ res, ms: performance.now() - t0 }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      env: { PATH: process.env.PATH, JWT_SECRET: TEST_APP_ENV.JWT_SECRET, TABLE_PRODUCTS: 'products', AWS_REGION: 'us-east-1' },
    }).toString();
    const { res } = JSON.parse(out);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ok', runtime: 'lambda', component: 'catalog' });
    expect(res.headers['x-archcompare-cold-start']).toBe('true');
  });

  it('a bundled Lambda handler with a missing variable fails init with one line naming it', async () => {
    const dir = path.join(work, 'users');
    execFileSync('unzip', ['-q', path.resolve('dist/artifacts/lambda/users.zip'), '-d', dir]);
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'index.mjs')).href)});
      try { await handler(${JSON.stringify(apiGatewayV2Event('GET', '/health', '', {}))}); } catch (e) { process.stdout.write(e.message + ' | ' + e.fix); }`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env: { PATH: process.env.PATH, JWT_SECRET: TEST_APP_ENV.JWT_SECRET } }).toString();
    expect(out).toMatch(/^lambda environment: TABLE_USERS: is required for this function \| set TABLE_USERS/);
  });

  it.skipIf(pgUnavailable !== undefined && process.env.CI !== 'true')('the server tarball unpacks and serves with `node server/index.mjs`, then stops on SIGTERM', async () => {
    const dir = path.join(work, 'server');
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('tar', ['-xzf', path.resolve('dist/artifacts/server.tar.gz'), '-C', dir]);
    expect((await stat(path.join(dir, 'server/index.mjs'))).isFile()).toBe(true);
    const db = await startTestPostgres();
    try {
      const child = spawn(process.execPath, ['server/index.mjs'], { cwd: dir, env: { PATH: process.env.PATH, ...TEST_APP_ENV, ...db.env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (c: Buffer) => {
          log += c.toString();
          const m = /listening on (http:\/\/\S+)/.exec(log);
          if (m?.[1]) resolve(m[1]);
        });
        child.once('exit', () => reject(new Error(log)));
      });
      const res = await fetch(`${url}/products?pageSize=1`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-archcompare-cold-start')).toBe('true');
      expect(log).toMatch(/migrations applied: 1/);
      expect(await stopProcess(child)).toBe(0);
    } finally {
      await db.stop();
    }
  });
});
