import type { SecretSource } from '../secrets-manager.js';

/**
 * The database password from an RDS-managed master secret ({"username", "password"}), read when a
 * connection needs it and cached; `forget()` after the server refuses it makes the next connection
 * read the rotated value. Never held from boot: RDS rotates this secret every 7 days.
 */
export class SecretPassword {
  private cached: Promise<string> | undefined;

  constructor(
    private readonly secretId: string,
    private readonly secrets: SecretSource,
  ) {}

  /** The pool's `password` option: called for every new connection. */
  readonly current = (): Promise<string> => (this.cached ??= this.load());

  forget(): void {
    this.cached = undefined;
  }

  private async load(): Promise<string> {
    try {
      const value = await this.secrets.read(this.secretId);
      if (!value) throw new Error(`the database secret ${this.secretId} has no value`);
      const { password } = JSON.parse(value) as { password?: unknown };
      if (typeof password !== 'string') throw new Error(`the database secret ${this.secretId} has no "password" field`);
      return password;
    } catch (err) {
      this.cached = undefined; // a failed read is not cached: the next connection tries again
      throw err;
    }
  }
}
