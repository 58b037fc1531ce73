import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import * as tar from 'tar';
import { artifactPaths, SERVER_TARBALL_LAYOUT } from '../build/artifacts.js';

/**
 * Unpacks the build's artifacts (what the stacks deploy) into a deployment's runtime dir, as the
 * instance user data and the Lambda service do: the server tarball once (one "AMI" for every
 * instance), each function's zip into its own code directory. fflate reads the zips (small, no deps).
 */

/** The app without the instance's Node.js and CA bundle: local instances run on localNodeRuntime() and plain TCP. */
export async function unpackServer(artifactsDir: string, dest: string): Promise<string> {
  await mkdir(dest, { recursive: true });
  await tar.extract({ file: path.join(artifactsDir, path.basename(artifactPaths.serverAppTarball())), cwd: dest });
  return path.join(dest, SERVER_TARBALL_LAYOUT.entry);
}

export async function unpackLambda(artifactsDir: string, fn: string, dest: string): Promise<string> {
  const files = unzipSync(new Uint8Array(await readFile(path.join(artifactsDir, 'lambda', `${fn}.zip`))));
  await mkdir(dest, { recursive: true });
  for (const [name, data] of Object.entries(files)) {
    if (name.includes('..') || name.endsWith('/')) continue;
    await mkdir(path.dirname(path.join(dest, name)), { recursive: true });
    await writeFile(path.join(dest, name), data);
  }
  // Lambda resolves index.mjs as ESM by its extension; a package.json makes plain .js bundles ESM too.
  await writeFile(path.join(dest, 'package.json'), '{"type":"module"}\n');
  return path.join(dest, 'index.mjs');
}
