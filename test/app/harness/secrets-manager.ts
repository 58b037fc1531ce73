import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 answering the one Secrets Manager call the app makes
 * (GetSecretValue, AWS JSON 1.1 protocol), so the app's SDK client runs unchanged against it
 * through AWS_ENDPOINT_URL_SECRETS_MANAGER. A secret set to undefined has no value yet: the answer
 * AWS gives for a secret created without one (ResourceNotFoundException for AWSCURRENT).
 */
export interface LocalSecretsManager {
  env: Record<string, string>;
  set(secretId: string, value: string | undefined): void;
  /** GetSecretValue calls received for this secret so far. */
  reads(secretId: string): number;
  stop(): Promise<void>;
}

export async function startLocalSecretsManager(): Promise<LocalSecretsManager> {
  const values = new Map<string, string | undefined>();
  const readCounts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: unknown, errorType?: string) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
        res.end(JSON.stringify(body));
      };
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue')
        return answer(400, { __type: 'UnknownOperationException', message: `not served here: ${String(req.headers['x-amz-target'])}` }, 'UnknownOperationException');
      const { SecretId } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { SecretId?: string };
      const id = SecretId ?? '';
      readCounts.set(id, (readCounts.get(id) ?? 0) + 1);
      const value = values.get(id);
      if (!values.has(id)) return answer(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }, 'ResourceNotFoundException');
      if (value === undefined)
        return answer(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT" }, 'ResourceNotFoundException');
      return answer(200, { ARN: id, Name: id.split(':').pop(), SecretString: value, VersionId: randomUUID(), VersionStages: ['AWSCURRENT'], CreatedDate: Date.now() / 1000 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
    set: (id, value) => void values.set(id, value),
    reads: (id) => readCounts.get(id) ?? 0,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
