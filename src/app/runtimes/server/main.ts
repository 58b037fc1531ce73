import { UserError } from '../../../errors.js';
import { parseServerEnv } from '../../config/env.js';
import { startServer } from './server.js';

/** The app server process the instance user data starts (`node server/index.mjs`). */
async function main(): Promise<void> {
  const env = parseServerEnv();
  const server = await startServer(env);
  process.stderr.write(`archcompare app server listening on ${server.url} (pid ${process.pid}, init ${server.environment.initMs().toFixed(0)} ms, migrations applied: ${server.migrationsApplied.join(',') || 'none'})\n`);
  const stop = (signal: string) => {
    process.stderr.write(`${signal}: draining in-flight requests\n`);
    server.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof UserError) process.stderr.write(`Error: ${err.oneLine}\n`);
  else process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof UserError ? err.exitCode : 1);
});
