import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * A sibling script of `moduleUrl` (same extension) and the node flags to run it: from TypeScript
 * sources (tests, tsx) child processes need the tsx loader, resolved absolutely (their cwd differs).
 * Shared by the bench's generator workers and the local target's supervisor and Lambda workers.
 */
export function siblingScript(moduleUrl: string, name: string): { script: string; execArgv: string[] } {
  const here = fileURLToPath(moduleUrl);
  const ext = path.extname(here);
  const execArgv = ext === '.ts' ? ['--import', pathToFileURL(createRequire(moduleUrl).resolve('tsx')).href] : [];
  return { script: path.join(path.dirname(here), `${name}${ext}`), execArgv };
}
