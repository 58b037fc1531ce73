import { DomainError } from './errors.js';
import { uuidv4 } from './ids.js';
import type { Caller, Clock, LoginThrottle, PasswordHasher, TokenService, UserRecord, UserRepository } from './ports.js';
import type { User } from './schemas.js';

export interface LoginLimit {
  /** Attempts allowed per user per window, successful or not. */
  attempts: number;
  windowSeconds: number;
}

const toUser = (u: UserRecord): User => ({ id: u.id, email: u.email, name: u.name, createdAt: u.createdAt });

export class UserService {
  // Verifying against a dummy hash when the email is unknown keeps both answers equally slow.
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UserRepository,
    private readonly throttle: LoginThrottle,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly loginLimit: LoginLimit,
  ) {}

  async register(input: { email: string; password: string; name: string }): Promise<{ user: User; token: string }> {
    const record: UserRecord = {
      id: uuidv4(),
      email: input.email,
      name: input.name,
      passwordHash: await this.hasher.hash(input.password),
      createdAt: new Date(this.clock.nowMs()).toISOString(),
    };
    if ((await this.users.create(record)) === 'email-taken') throw new DomainError('EMAIL_TAKEN', 'email is already registered', 'email');
    return { user: toUser(record), token: await this.tokens.issue({ id: record.id, email: record.email }) };
  }

  async login(input: { email: string; password: string }): Promise<{ user: User; token: string }> {
    const allowed = await this.throttle.consumeAttempt(input.email, this.clock.nowMs(), this.loginLimit.windowSeconds, this.loginLimit.attempts);
    if (!allowed) {
      const windowMs = this.loginLimit.windowSeconds * 1000;
      const retryAfter = Math.ceil((windowMs - (this.clock.nowMs() % windowMs)) / 1000);
      throw new DomainError('RATE_LIMITED', `too many login attempts for this user; retry in ${retryAfter}s`, 'email', retryAfter);
    }
    const user = await this.users.findByEmail(input.email);
    if (!user) {
      this.dummyHash ??= this.hasher.hash('not-a-real-password');
      await this.hasher.verify(input.password, await this.dummyHash);
      throw new DomainError('INVALID_CREDENTIALS', 'email or password is wrong');
    }
    if (!(await this.hasher.verify(input.password, user.passwordHash))) throw new DomainError('INVALID_CREDENTIALS', 'email or password is wrong');
    return { user: toUser(user), token: await this.tokens.issue({ id: user.id, email: user.email }) };
  }

  async me(caller: Caller): Promise<User> {
    const user = await this.users.find(caller);
    // A valid token for a user that no longer exists.
    if (!user) throw new DomainError('UNAUTHENTICATED', 'the user of this token does not exist');
    return toUser(user);
  }

  async updateProfile(caller: Caller, patch: { name?: string | undefined }): Promise<User> {
    if (patch.name === undefined) return this.me(caller);
    const user = await this.users.updateName(caller, patch.name);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'the user of this token does not exist');
    return toUser(user);
  }
}
