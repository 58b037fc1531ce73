import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LambdaFunctionId } from '../architecture/system.js';

/** Instance CPU architectures, in the vocabulary of EC2 and of the AL2023 AMI names. */
export type InstanceArchitecture = 'x86_64' | 'arm64';

/** The package root, whether running from src/ (tsx, vitest) or dist/src/ (compiled). */
export const PACKAGE_ROOT = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const parts = here.split(path.sep);
  const distAt = parts.lastIndexOf('dist');
  const srcAt = parts.lastIndexOf('src');
  const cut = distAt >= 0 ? distAt : srcAt;
  return parts.slice(0, cut).join(path.sep) || path.sep;
})();

export const ARTIFACTS_DIR = path.join(PACKAGE_ROOT, 'dist', 'artifacts');

/** Where the stacks pick up what the build step produced. */
export const artifactPaths = {
  lambdaZip: (fn: LambdaFunctionId) => path.join(ARTIFACTS_DIR, 'lambda', `${fn}.zip`),
  /** The app alone (bundle + package.json): what every instance artifact holds, and what the local target unpacks. */
  serverAppTarball: () => path.join(ARTIFACTS_DIR, 'server-app.tar.gz'),
  /** What an instance of `arch` boots from: the app, Node.js for that CPU and the RDS CA bundle. */
  serverTarball: (arch: InstanceArchitecture) => path.join(ARTIFACTS_DIR, `server-${arch}.tar.gz`),
  /** The inputs a server tarball was built from (to skip rebuilding an unchanged one) and its size. */
  serverTarballStamp: (arch: InstanceArchitecture) => path.join(ARTIFACTS_DIR, `server-${arch}.json`),
  manifest: () => path.join(ARTIFACTS_DIR, 'manifest.json'),
};

/** Lambda handler string inside every zip (index.mjs exporting `handler`). */
export const LAMBDA_HANDLER = 'index.handler';
/** Where things sit inside the unpacked server tarball (the instance's working directory). */
export const SERVER_TARBALL_LAYOUT = {
  entry: 'server/index.mjs',
  node: 'node/bin/node',
  nodeLicense: 'node/LICENSE',
  rdsCaBundle: 'rds-ca.pem',
} as const;

/** Command the instance runs inside the unpacked tarball: the Node.js shipped with it, never the AMI's. */
export const SERVER_START_COMMAND = `${SERVER_TARBALL_LAYOUT.node} ${SERVER_TARBALL_LAYOUT.entry}`;
