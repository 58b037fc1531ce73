import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { build } from 'esbuild';
import * as tar from 'tar';
import yazl from 'yazl';
import { LAMBDA_FUNCTIONS, SERVER_RUNTIME } from '../architecture/system.js';
import { NODE_MAJOR } from '../config/stack-config.js';
import { ARTIFACTS_DIR, PACKAGE_ROOT, artifactPaths } from './artifacts.js';
import { writeOpenApi } from './openapi.js';

/**
 * The one build step for what the stacks deploy: each Lambda bundled to a zip (index.mjs + map),
 * the app server bundled into a tarball the instance user data unpacks. esbuild because it bundles
 * TypeScript + node_modules into one minified ESM file in milliseconds, so zips stay small.
 */

export interface ArtifactInfo {
  name: string;
  path: string;
  bytes: number;
  sha256: string;
}

const SERVER_ENTRY = path.join(PACKAGE_ROOT, SERVER_RUNTIME.entry);

// Bundled ESM still meets CommonJS deps that call require(); give them one.
const ESM_REQUIRE_SHIM = "import { createRequire as __acCreateRequire } from 'node:module'; const require = __acCreateRequire(import.meta.url);";

async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    sourcemap: 'external',
    // Maps name files and lines without embedding every dependency's source: keeps each zip well under 1 MB.
    sourcesContent: false,
    platform: 'node',
    // The major both models run in AWS (Lambda runtime and instance package); the local target's Node 20 runs this syntax too.
    target: `node${NODE_MAJOR}`,
    format: 'esm',
    banner: { js: ESM_REQUIRE_SHIM },
    // The Lambda Node.js runtime ships the AWS SDK v3, but pinning our own keeps behaviour identical locally.
    external: [],
    legalComments: 'none',
    logLevel: 'warning',
  });
}

async function zipFiles(files: Array<{ from: string; as: string }>, out: string): Promise<void> {
  const zip = new yazl.ZipFile();
  // A fixed mtime keeps the zip (and so source_code_hash) identical across identical builds.
  const mtime = new Date('2020-01-01T00:00:00Z');
  for (const f of files) zip.addFile(f.from, f.as, { mtime, mode: 0o100644 });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(out));
}

async function describe(name: string, file: string): Promise<ArtifactInfo> {
  const bytes = (await stat(file)).size;
  const sha256 = createHash('sha256').update(await readFile(file)).digest('hex');
  return { name, path: path.relative(PACKAGE_ROOT, file), bytes, sha256 };
}

export async function buildArtifacts(): Promise<ArtifactInfo[]> {
  const work = path.join(ARTIFACTS_DIR, '.work');
  await rm(work, { recursive: true, force: true });
  await mkdir(path.join(ARTIFACTS_DIR, 'lambda'), { recursive: true });
  const infos: ArtifactInfo[] = [];

  for (const fn of LAMBDA_FUNCTIONS) {
    const dir = path.join(work, 'lambda', fn.id);
    await bundle(path.join(PACKAGE_ROOT, fn.entry), path.join(dir, 'index.mjs'));
    const out = artifactPaths.lambdaZip(fn.id);
    await zipFiles(
      [
        { from: path.join(dir, 'index.mjs'), as: 'index.mjs' },
        { from: path.join(dir, 'index.mjs.map'), as: 'index.mjs.map' },
      ],
      out,
    );
    infos.push(await describe(`lambda/${fn.id}`, out));
  }

  const serverDir = path.join(work, 'server-root');
  await bundle(SERVER_ENTRY, path.join(serverDir, 'server', 'index.mjs'));
  await writeFile(path.join(serverDir, 'package.json'), JSON.stringify({ name: 'archcompare-server', private: true, type: 'module' }, null, 2));
  await tar.create({ gzip: true, cwd: serverDir, file: artifactPaths.serverTarball(), portable: true, mtime: new Date('2020-01-01T00:00:00Z') }, ['package.json', 'server']);
  infos.push(await describe('server', artifactPaths.serverTarball()));

  // The API's OpenAPI document, generated from the same zod schemas the app validates with.
  const openApiFile = path.join(ARTIFACTS_DIR, 'openapi.json');
  await writeOpenApi(openApiFile);
  infos.push(await describe('openapi', openApiFile));

  await rm(work, { recursive: true, force: true });
  await writeFile(artifactPaths.manifest(), JSON.stringify({ builtAt: new Date().toISOString(), artifacts: infos }, null, 2));
  return infos;
}

export function formatArtifactSizes(infos: ArtifactInfo[]): string {
  return infos.map((a) => `${a.name.padEnd(24)} ${(a.bytes / 1024).toFixed(1).padStart(9)} KiB  ${a.path}`).join('\n');
}

// `node dist/src/build/build-artifacts.js` (the npm build script) builds and prints the sizes.
if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  const infos = await buildArtifacts();
  process.stdout.write(`archcompare artifacts:\n${formatArtifactSizes(infos)}\n`);
}
