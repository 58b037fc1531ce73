import { UserError } from '../../errors.js';

/**
 * The JWT signing secret: JWT_SECRET as is (local), or the value of the Secrets Manager secret named by
 * JWT_SECRET_ARN (AWS; the deploy step generates it, so it never appears in the synthesized stack).
 * A JSON secret value may carry it as {"jwtSecret": "..."}.
 */
export async function resolveJwtSecret(env: { JWT_SECRET?: string | undefined; JWT_SECRET_ARN?: string | undefined; AWS_REGION?: string | undefined }): Promise<string> {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  if (!env.JWT_SECRET_ARN) throw new UserError('JWT_SECRET is not set', 'set JWT_SECRET (32+ characters) or JWT_SECRET_ARN');
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(env.AWS_REGION ? { region: env.AWS_REGION } : {});
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: env.JWT_SECRET_ARN }));
  client.destroy();
  let secret = SecretString ?? '';
  try {
    const parsed = JSON.parse(secret) as { jwtSecret?: unknown };
    if (parsed && typeof parsed.jwtSecret === 'string') secret = parsed.jwtSecret;
  } catch {
    // a plain string secret
  }
  if (secret.length < 32) throw new UserError(`the secret ${env.JWT_SECRET_ARN} is shorter than 32 characters`, 'store a random value of 32+ characters in it');
  return secret;
}
