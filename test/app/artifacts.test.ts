import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPaths, SERVER_START_COMMAND, SERVER_TARBALL_LAYOUT } from '../../src/build/artifacts.js';
import { buildArtifacts, ensureServerTarball } from '../../src/build/build-artifacts.js';
import { hostArchitecture } from '../../src/build/node-runtime.js';
import { NODE_MAJOR } from '../../src/config/stack-config.js';
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
    infos = await buildArtifacts({ architectures: ['x86_64'] });
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

  it('packs the x86_64 instance tarball with the app, Node.js for that CPU and the RDS CA bundle, and nothing else', async () => {
    const tarball = infos.find((a) => a.name === 'server-x86_64')!;
    expect(tarball.path).toBe(path.relative(process.cwd(), artifactPaths.serverTarball('x86_64')));
    const listed = execFileSync('tar', ['-tzf', path.resolve(tarball.path)]).toString().trim().split('\n').filter((p) => !p.endsWith('/')).sort();
    expect(listed).toEqual(['node/LICENSE', 'node/bin/node', 'package.json', 'rds-ca.pem', 'server/index.mjs', 'server/index.mjs.map']);
    // Node.js is most of it; a stray headers folder or a second binary would show here.
    expect(tarball.bytes).toBeGreaterThan(30 * 2 ** 20);
    expect(tarball.bytes).toBeLessThan(60 * 2 ** 20);
  });

  it('repacks the instance tarball only when its inputs change (packing Node.js takes seconds)', async () => {
    const before = await stat(artifactPaths.serverTarball('x86_64'));
    const again = await ensureServerTarball('x86_64');
    const after = await stat(artifactPaths.serverTarball('x86_64'));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(again).toEqual(infos.find((a) => a.name === 'server-x86_64'));
  });

  it('ships a Node.js binary for x86-64 that prints the major AWS runs', async () => {
    const dir = path.join(work, 'server-x86_64');
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('tar', ['-xzf', artifactPaths.serverTarball('x86_64'), '-C', dir]);
    const binary = path.join(dir, SERVER_TARBALL_LAYOUT.node);
    // ELF header: e_machine at byte 18 is 0x3E for x86-64 (0xB7 for AArch64).
    expect((await readFile(binary)).readUInt16LE(18)).toBe(0x3e);
    if (hostArchitecture() !== 'x86_64') return;
    expect(execFileSync(binary, ['--version']).toString().trim()).toMatch(new RegExp(`^v${NODE_MAJOR}\\.\\d+\\.\\d+$`));
  });

  it('ships an RDS CA bundle holding the RDS root CAs of the default region', async () => {
    const dir = path.join(work, 'server-x86_64-ca');
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('tar', ['-xzf', artifactPaths.serverTarball('x86_64'), '-C', dir, SERVER_TARBALL_LAYOUT.rdsCaBundle]);
    const pem = await readFile(path.join(dir, SERVER_TARBALL_LAYOUT.rdsCaBundle), 'utf8');
    const certificates = (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block));
    expect(certificates.length).toBeGreaterThan(50);
    const selfSigned = certificates.filter((c) => c.subject === c.issuer && c.verify(c.publicKey));
    const commonNames = selfSigned.map((c) => c.subject.split('\n').find((l) => l.startsWith('CN=')));
    // RDS's default CA (rds-ca-rsa2048-g1) and the two stronger ones, valid for decades yet.
    for (const kind of ['RSA2048', 'RSA4096', 'ECC384']) expect(commonNames).toContain(`CN=Amazon RDS us-east-1 Root CA ${kind} G1`);
    const root = selfSigned[commonNames.indexOf('CN=Amazon RDS us-east-1 Root CA RSA2048 G1')]!;
    expect(new Date(root.validTo).getTime()).toBeGreaterThan(Date.now());
    expect(root.ca).toBe(true);
  });

  it.skipIf((pgUnavailable !== undefined && process.env.CI !== 'true') || hostArchitecture() !== 'x86_64')('the instance tarball unpacks and serves with its own Node.js (the unit\'s ExecStart), then stops on SIGTERM', async () => {
    const dir = path.join(work, 'server');
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('tar', ['-xzf', artifactPaths.serverTarball('x86_64'), '-C', dir]);
    expect((await stat(path.join(dir, SERVER_TARBALL_LAYOUT.entry))).isFile()).toBe(true);
    const [command, ...args] = SERVER_START_COMMAND.split(' ');
    const db = await startTestPostgres();
    try {
      const child = spawn(path.join(dir, command!), args, { cwd: dir, env: { PATH: process.env.PATH, ...TEST_APP_ENV, ...db.env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
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
