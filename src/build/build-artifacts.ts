import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { build } from 'esbuild';
import * as tar from 'tar';
import yazl from 'yazl';
import { LAMBDA_FUNCTIONS, SERVER_RUNTIME } from '../architecture/system.js';
import { instanceArchitecture, NODE_MAJOR, StackConfigSchema } from '../config/stack-config.js';
import { ARTIFACTS_DIR, PACKAGE_ROOT, SERVER_TARBALL_LAYOUT, artifactPaths, type InstanceArchitecture } from './artifacts.js';
import { hostArchitecture, installNodeRuntime, NODE_RUNTIME } from './node-runtime.js';
import { writeOpenApi } from './openapi.js';
import { RDS_CA_BUNDLE_PEM, RDS_CA_BUNDLE_SOURCE } from './rds-ca-bundle.js';

/**
 * The one build step for what the stacks deploy: each Lambda bundled to a zip (index.mjs + map), the
 * app server bundled into a tarball, and per instance architecture the tarball an instance boots from
 * (app + Node.js + RDS CA bundle). esbuild because it bundles TypeScript + node_modules into one
 * minified ESM file in milliseconds, so zips stay small.
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

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function describe(name: string, file: string): Promise<ArtifactInfo> {
  return { name, path: path.relative(PACKAGE_ROOT, file), bytes: (await stat(file)).size, sha256: await sha256Of(file) };
}

// A fixed mtime keeps identical inputs giving identical tarballs (and so an unchanged S3 object).
const TAR_MTIME = new Date('2020-01-01T00:00:00Z');

/** A gzipped tarball of `entries` under `cwd`, renamed into place whole: a concurrent synth never uploads half of one. */
async function packTarball(cwd: string, entries: string[], out: string): Promise<void> {
  const staged = `${out}.${process.pid}.tmp`;
  await tar.create({ gzip: true, cwd, file: staged, portable: true, mtime: TAR_MTIME }, entries);
  await rename(staged, out);
}

interface ServerTarballStamp {
  inputs: { app: string; node: string; rdsCaBundle: string };
  artifact: ArtifactInfo;
}

/**
 * The tarball an instance of `arch` boots from: the app, the Node.js binary for that CPU (so no boot
 * runs `dnf install`) and the RDS CA bundle (so none fetches it). Rebuilt only when one of the three
 * changed: packing Node.js takes seconds.
 */
export async function ensureServerTarball(arch: InstanceArchitecture, progress: (line: string) => void = () => undefined): Promise<ArtifactInfo> {
  const out = artifactPaths.serverTarball(arch);
  const stampFile = artifactPaths.serverTarballStamp(arch);
  const inputs: ServerTarballStamp['inputs'] = {
    app: await sha256Of(artifactPaths.serverAppTarball()),
    node: `${NODE_RUNTIME.packages[arch].name}@${NODE_RUNTIME.version} ${NODE_RUNTIME.packages[arch].integrity}`,
    rdsCaBundle: `${RDS_CA_BUNDLE_SOURCE} sha256:${createHash('sha256').update(RDS_CA_BUNDLE_PEM).digest('hex')}`,
  };
  try {
    const stamp = JSON.parse(await readFile(stampFile, 'utf8')) as ServerTarballStamp;
    if (JSON.stringify(stamp.inputs) === JSON.stringify(inputs) && (await stat(out)).size === stamp.artifact.bytes) return stamp.artifact;
  } catch {
    // no stamp or no tarball yet: build it
  }
  const node = await installNodeRuntime(arch, progress);
  const root = await mkdtemp(path.join(ARTIFACTS_DIR, `.server-${arch}-`));
  try {
    await tar.extract({ file: artifactPaths.serverAppTarball(), cwd: root });
    await mkdir(path.join(root, path.dirname(SERVER_TARBALL_LAYOUT.node)), { recursive: true });
    await copyFile(node.binary, path.join(root, SERVER_TARBALL_LAYOUT.node));
    await chmod(path.join(root, SERVER_TARBALL_LAYOUT.node), 0o755);
    await copyFile(node.license, path.join(root, SERVER_TARBALL_LAYOUT.nodeLicense));
    await writeFile(path.join(root, SERVER_TARBALL_LAYOUT.rdsCaBundle), RDS_CA_BUNDLE_PEM);
    progress(`packing ${path.basename(out)} (Node.js ${NODE_RUNTIME.version} for ${arch}, RDS CA bundle from ${RDS_CA_BUNDLE_SOURCE})`);
    await packTarball(root, ['package.json', 'server', 'node', SERVER_TARBALL_LAYOUT.rdsCaBundle], out);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const artifact = await describe(`server-${arch}`, out);
  await writeFile(stampFile, JSON.stringify({ inputs, artifact } satisfies ServerTarballStamp, null, 2));
  return artifact;
}

export interface BuildOptions {
  /** Instance architectures to build a server tarball for; the stacks' synth builds others on demand. */
  architectures?: readonly InstanceArchitecture[];
  progress?: (line: string) => void;
}

export async function buildArtifacts(opts: BuildOptions = {}): Promise<ArtifactInfo[]> {
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
  await packTarball(serverDir, ['package.json', 'server'], artifactPaths.serverAppTarball());
  infos.push(await describe('server-app', artifactPaths.serverAppTarball()));
  for (const arch of opts.architectures ?? []) infos.push(await ensureServerTarball(arch, opts.progress));

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

// `node dist/src/build/build-artifacts.js` (the npm build script) builds and prints the sizes: the server
// tarball of the default instance type's CPU, and this machine's Node.js for the local target.
if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const defaultArchitecture = instanceArchitecture(StackConfigSchema.parse({}).traditional.instanceType);
  const infos = await buildArtifacts({ architectures: [defaultArchitecture], progress });
  const host = hostArchitecture();
  if (host) await installNodeRuntime(host, progress);
  process.stdout.write(`archcompare artifacts:\n${formatArtifactSizes(infos)}\n`);
}
