import { awsClientConfig, type AwsConnection } from '../deploy/aws-connection.js';
import { classifySdkError, withAwsErrors } from '../deploy/aws-errors.js';
import { MODELS, type Model } from '../config/stack-config.js';
import { UserError } from '../errors.js';
import { DeploymentRecordSchema, type DeploymentRecord } from './registry.js';

/**
 * Remote state for the aws target (`--state s3://bucket/prefix`), so a CI job's deployment outlives
 * its runner: terraform keeps its state in S3 (the S3 backend with `use_lockfile = true`, S3 native
 * locking by conditional writes, Terraform ≥ 1.10:
 * https://developer.hashicorp.com/terraform/language/backend/s3), and the deployment record sits
 * beside it, so `destroy --state …` on another machine finds what to destroy.
 * Layout: `<prefix>/<model>/terraform.tfstate` and `<prefix>/<model>/deployment.json`.
 */

export interface RemoteState {
  bucket: string;
  /** Without leading or trailing slashes; may be empty. */
  prefix: string;
}

/** S3 bucket naming rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html */
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseStateUrl(url: string): RemoteState {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url.trim());
  if (!m) throw new UserError(`--state ${url}: not an s3:// URL`, 'pass --state s3://BUCKET/PREFIX, e.g. s3://my-ci-state/archcompare');
  const [, bucket, rest] = m;
  if (!BUCKET_PATTERN.test(bucket!)) throw new UserError(`--state ${url}: "${bucket}" is not an S3 bucket name`, 'use the name of an existing bucket (3–63 lowercase letters, digits, dots, dashes)');
  return { bucket: bucket!, prefix: rest!.replace(/^\/+|\/+$/g, '') };
}

export const stateUrl = (state: RemoteState) => `s3://${state.bucket}${state.prefix ? `/${state.prefix}` : ''}`;
const keyOf = (state: RemoteState, model: Model, file: string) => [state.prefix, model, file].filter(Boolean).join('/');
export const stateKey = (state: RemoteState, model: Model) => keyOf(state, model, 'terraform.tfstate');
export const recordKey = (state: RemoteState, model: Model) => keyOf(state, model, 'deployment.json');

export const BACKEND_OVERRIDE_FILE = 'archcompare_backend_override.tf.json';

/**
 * The Terraform override that swaps the stack's local backend for S3 (a `backend` block in an override
 * file replaces the original's). Against an emulator the backend gets its endpoint and skips the
 * account and credential checks the emulator cannot answer.
 */
export function backendOverride(state: RemoteState, model: Model, conn: AwsConnection & { region: string }): Record<string, unknown> {
  return {
    terraform: {
      backend: {
        s3: {
          bucket: state.bucket,
          key: stateKey(state, model),
          region: conn.region,
          encrypt: true,
          use_lockfile: true,
          ...(conn.profile ? { profile: conn.profile } : {}),
          ...(conn.endpointUrl
            ? { endpoints: { s3: conn.endpointUrl, sts: conn.endpointUrl }, use_path_style: true, skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true }
            : {}),
        },
      },
    },
  };
}

async function s3(conn: AwsConnection) {
  const m = await import('@aws-sdk/client-s3');
  return { m, client: new m.S3Client(awsClientConfig(conn)) };
}

export async function putRemoteRecord(state: RemoteState, record: DeploymentRecord, conn: AwsConnection): Promise<void> {
  const { m, client } = await s3(conn);
  await withAwsErrors(conn, () => client.send(new m.PutObjectCommand({ Bucket: state.bucket, Key: recordKey(state, record.model), Body: JSON.stringify(record, null, 2), ContentType: 'application/json' })));
}

/** The deployment records kept in the remote state (one per model at most). */
export async function readRemoteRecords(state: RemoteState, conn: AwsConnection): Promise<DeploymentRecord[]> {
  const { m, client } = await s3(conn);
  const records: DeploymentRecord[] = [];
  for (const model of MODELS) {
    let body: string | undefined;
    try {
      const r = await client.send(new m.GetObjectCommand({ Bucket: state.bucket, Key: recordKey(state, model) }));
      body = await r.Body?.transformToString();
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') continue;
      if ((err as { name?: string }).name === 'NoSuchBucket') throw new UserError(`--state ${stateUrl(state)}: the bucket does not exist`, 'create it first (versioning on, as Terraform recommends) or correct --state');
      throw classifySdkError(err, conn) ?? err;
    }
    let json: unknown;
    try {
      json = JSON.parse(body ?? 'null');
    } catch {
      json = undefined;
    }
    const parsed = DeploymentRecordSchema.safeParse(json);
    if (!parsed.success) throw new UserError(`${stateUrl(state)}/${recordKey(state, model)} is not a deployment record`, 'remove it after checking nothing of that run is deployed (`archcompare destroy --stale`)');
    records.push(parsed.data);
  }
  return records;
}

/** After a destroy: the record and the (now empty) state of the model go. */
export async function deleteRemoteDeployment(state: RemoteState, model: Model, conn: AwsConnection): Promise<void> {
  const { m, client } = await s3(conn);
  await withAwsErrors(conn, () => client.send(new m.DeleteObjectsCommand({ Bucket: state.bucket, Delete: { Objects: [{ Key: recordKey(state, model) }, { Key: stateKey(state, model) }], Quiet: true } })));
}
