import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from '../core/ports.js';

const scryptAsync = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

/**
 * scrypt (memory-hard, in node:crypto, so no native dependency in the Lambda zip). The cost is stored
 * in each hash ("scrypt$<log2N>$<r>$<p>$<salt>$<key>"), so raising it later keeps old hashes valid.
 * Default N=2^15, r=8: 32 MiB and tens of ms per hash, within a 512 MB Lambda's means.
 */
export class ScryptPasswordHasher implements PasswordHasher {
  constructor(
    private readonly log2N = 15,
    private readonly r = 8,
    private readonly p = 1,
  ) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await scryptAsync(password, salt, 32, this.options(this.log2N, this.r, this.p));
    return ['scrypt', this.log2N, this.r, this.p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [kind, n, r, p, salt, key] = stored.split('$');
    if (kind !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64url');
    const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, this.options(Number(n), Number(r), Number(p)));
    return timingSafeEqual(actual, expected);
  }

  private options(log2N: number, r: number, p: number): ScryptOptions {
    const N = 2 ** log2N;
    return { N, r, p, maxmem: 128 * N * r * p + 1024 * 1024 };
  }
}
