import pg from 'pg';
import type { SecretPassword } from './secret-password.js';

/** SQLSTATE of a refused password (invalid_password). */
export const INVALID_PASSWORD = '28P01';

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * A pool whose new connections take the password from the secret at connect time. When the server
 * refuses it (the secret rotated since it was cached), the secret is read again and the connection
 * tried once more, so only a connection made while the database and the secret disagree fails.
 */
export class SecretPasswordPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly secretPassword: SecretPassword,
    private readonly log: (line: string) => void,
  ) {
    super({ ...config, password: secretPassword.current });
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const connecting = this.connectWithCurrentPassword();
    if (!callback) return connecting;
    // pool.query() uses the callback form.
    connecting.then(
      (client) => callback(undefined, client, (release) => client.release(release as Error | boolean | undefined)),
      (err: Error) => callback(err, undefined, () => undefined),
    );
  }

  private async connectWithCurrentPassword(): Promise<pg.PoolClient> {
    try {
      return await super.connect();
    } catch (err) {
      if ((err as { code?: string }).code !== INVALID_PASSWORD) throw err;
      this.log('postgres: password refused (28P01), reading the database secret again');
      this.secretPassword.forget();
      return super.connect();
    }
  }
}
