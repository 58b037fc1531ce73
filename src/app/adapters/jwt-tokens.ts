import { SignJWT, jwtVerify } from 'jose';
import type { Caller, TokenService } from '../core/ports.js';

const ISSUER = 'archcompare-shop';

/** HS256 JWTs verified statelessly: any server instance or Lambda environment with the secret can check one. */
export class JwtTokenService implements TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds = 3600,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  issue(caller: Caller): Promise<string> {
    return new SignJWT({ email: caller.email })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(caller.id)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<Caller | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.email !== 'string') return undefined;
      return { id: payload.sub, email: payload.email };
    } catch {
      return undefined;
    }
  }
}

/**
 * A function that takes no tokens (its description names no signing key): it issues none and accepts
 * none, so it never reads the secret. Only routes without auth reach it.
 */
export const noTokens: TokenService = {
  issue: () => Promise.reject(new Error('this function holds no signing key (its system description names no jwt secret)')),
  verify: async () => undefined,
};
