import { UserError } from '../../errors.js';
import { secretsManagerSource, type SecretSource } from './secrets-manager.js';

const MIN_LENGTH = 32;

/** How long to wait for a secret that has no usable value yet, or cannot be read for a while (throttling, a network blip at boot). */
export interface SecretWait {
  /** Give up (and exit) once this much time has passed; 0 = one read, no retry. */
  maxWaitMs: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  log?: (line: string) => void;
}

/** The signing key inside a secret value (a plain string, or {"jwtSecret": "..."}), or why it is not usable. */
function signingKeyIn(value: string | undefined): { key: string } | { problem: string } {
  if (!value) return { problem: 'it has no value yet' };
  let key = value;
  try {
    const parsed = JSON.parse(value) as { jwtSecret?: unknown };
    if (parsed && typeof parsed.jwtSecret === 'string') key = parsed.jwtSecret;
  } catch {
    // a plain string secret
  }
  return key.length < MIN_LENGTH ? { problem: `its value is shorter than ${MIN_LENGTH} characters` } : { key };
}

/**
 * The JWT signing secret: JWT_SECRET as is (local), or the value of the Secrets Manager secret named by
 * JWT_SECRET_ARN (AWS; terraform writes a generated value before any instance or function exists,
 * through a write-only argument, so it is neither in the synthesized stack nor in the state).
 * With `wait`, a secret without a usable value yet (or a failed read) is read again with exponential
 * backoff, one log line per retry, until it has one or `maxWaitMs` has passed.
 */
export async function resolveJwtSecret(
  env: { JWT_SECRET?: string | undefined; JWT_SECRET_ARN?: string | undefined; AWS_REGION?: string | undefined },
  wait: SecretWait = { maxWaitMs: 0 },
  source?: SecretSource,
): Promise<string> {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  const arn = env.JWT_SECRET_ARN;
  if (!arn) throw new UserError('JWT_SECRET is not set', 'set JWT_SECRET (32+ characters) or JWT_SECRET_ARN');
  const secrets = source ?? (await secretsManagerSource(env.AWS_REGION));
  const started = Date.now();
  let delay = wait.firstDelayMs ?? 500;
  try {
    for (let attempt = 1; ; attempt += 1) {
      let problem: string;
      try {
        const found = signingKeyIn(await secrets.read(arn));
        if ('key' in found) return found.key;
        problem = found.problem;
      } catch (err) {
        problem = `reading it failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
      }
      const waited = Date.now() - started;
      if (waited + delay > wait.maxWaitMs)
        throw new UserError(`the JWT secret ${arn} is not usable after ${(waited / 1000).toFixed(0)} s: ${problem}`, `store a random value of ${MIN_LENGTH}+ characters in it (terraform apply writes one) and let the instance role read it`);
      wait.log?.(`JWT secret ${arn}: ${problem}; retry ${attempt} in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, wait.maxDelayMs ?? 15_000);
    }
  } finally {
    if (!source) secrets.close();
  }
}
