import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LambdaFunctionId } from '../architecture/system.js';

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
  serverTarball: () => path.join(ARTIFACTS_DIR, 'server.tar.gz'),
  manifest: () => path.join(ARTIFACTS_DIR, 'manifest.json'),
};

/** Lambda handler string inside every zip (index.mjs exporting `handler`). */
export const LAMBDA_HANDLER = 'index.handler';
/** Command the instance user data runs inside the unpacked tarball. */
export const SERVER_START_COMMAND = 'node server/index.mjs';
