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
