import { UserError } from '../errors.js';

/** Where AWS calls go: the standard credential chain, optionally a named profile, region, emulator endpoint. */
export interface AwsConnection {
  region?: string;
  profile?: string;
  /** An AWS API emulator (moto_server, LocalStack) answering every service on one URL. */
  endpointUrl?: string;
}

export function awsClientConfig(conn: AwsConnection) {
  const emulated = Boolean(conn.endpointUrl);
  return {
    region: conn.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(conn.profile ? { profile: conn.profile } : {}),
    ...(emulated
      ? {
          endpoint: conn.endpointUrl,
          forcePathStyle: true,
          // Emulators accept any key; do not make a user create one to run tests.
          ...(conn.profile || process.env.AWS_ACCESS_KEY_ID ? {} : { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
        }
      : {}),
    maxAttempts: emulated ? 2 : 3,
  };
}

/** Fails fast, in one line, when --endpoint-url names something that does not answer HTTP. */
export async function checkEndpointAnswers(endpointUrl: string, timeoutMs = 3000): Promise<void> {
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    throw new UserError(`--endpoint-url ${endpointUrl} is not a URL`, 'pass e.g. http://127.0.0.1:5000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UserError(`--endpoint-url ${endpointUrl} must be http:// or https://`, 'pass e.g. http://127.0.0.1:5000');
  try {
    await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    throw new UserError(
      `the AWS endpoint ${endpointUrl} does not answer`,
      'start the emulator first (e.g. `moto_server -p 5000`, or LocalStack) or correct --endpoint-url',
    );
  }
}

/**
 * A named profile exists in the shared config or credentials file (AWS_CONFIG_FILE,
 * AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/config and ~/.aws/credentials). Checked before any AWS
 * call: the SDK reports a missing profile only as "could not load credentials".
 */
export async function checkProfileExists(profile: string, env = process.env): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const home = os.homedir();
  const files = [env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config'), env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials')];
  const escaped = profile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // config: [profile NAME] (or [default]); credentials: [NAME].
  const section = new RegExp(`^\\s*\\[\\s*(?:profile\\s+)?${escaped}\\s*\\]\\s*$`, 'm');
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (section.test(text)) return;
  }
  throw new UserError(`AWS profile "${profile}" is not in ${files.join(' or ')}`, `list the profiles with \`aws configure list-profiles\` and pass one with --aws-profile, or create it with \`aws configure --profile ${profile}\``);
}
