import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import { Aspects, LocalBackend, TerraformStack, type IAspect, type TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { TAG_CREATED_AT, TAG_MODEL, TAG_RUN_ID } from '../src/architecture/tags.js';
import type { Model, ResolvedStackConfig } from '../src/config/stack-config.js';

/** Tag keys every deployed resource carries (src/architecture/tags.ts); destroy's sweep and cost attribution key on them. */
export { TAG_CREATED_AT, TAG_MODEL, TAG_RUN_ID } from '../src/architecture/tags.js';

export function stackTags(model: Model, config: ResolvedStackConfig): Record<string, string> {
  return {
    [TAG_RUN_ID]: config.runId,
    [TAG_MODEL]: model,
    'archcompare:app': config.appName,
    'managed-by': 'archcompare',
    ...(config.createdAt ? { [TAG_CREATED_AT]: config.createdAt } : {}),
  };
}

/** `acshop-ac-1a2b3c4d`: short enough for the 32-character ALB and target group names. */
export function namePrefix(config: ResolvedStackConfig): string {
  return `${config.appName}-${config.runId}`;
}

interface Taggable {
  tags?: Record<string, string>;
  tagsInput?: Record<string, string>;
}

/**
 * Puts the tags on every resource that has a `tags` argument, in the synthesized JSON itself,
 * rather than relying only on provider default_tags: the JSON then shows (and tests can check)
 * that nothing is untagged, and the cost engine can attribute any resource to its run.
 */
class TagEverything implements IAspect {
  constructor(private readonly tags: Record<string, string>) {}
  visit(node: IConstruct): void {
    const candidate = node as unknown as Taggable;
    if ('tagsInput' in candidate) {
      candidate.tags = { ...this.tags, ...(candidate.tagsInput ?? {}) };
    }
  }
}

/**
 * Makes every CloudWatch alarm of the stack notify the alarm topic when it fires and when it recovers,
 * keeping any action an alarm names itself: an alarm added later cannot be forgotten.
 */
class NotifyOnEveryAlarm implements IAspect {
  constructor(private readonly topicArn: string) {}
  visit(node: IConstruct): void {
    if (!(node instanceof CloudwatchMetricAlarm)) return;
    node.alarmActions = [...new Set([...(node.alarmActionsInput ?? []), this.topicArn])];
    node.okActions = [...new Set([...(node.okActionsInput ?? []), this.topicArn])];
  }
}

/**
 * The topic every alarm of the stack notifies (aws_sns_topic.alarms), with an email subscription when
 * the config names `alarmEmail` (AWS emails a confirmation link first; until it is followed, nothing
 * is delivered). Not encrypted with KMS: CloudWatch alarms cannot publish to a topic encrypted with the
 * AWS managed key (alias/aws/sns), whose key policy cannot grant cloudwatch.amazonaws.com its use; a
 * customer managed key would work but bills $1/month plus requests for notifications that carry only
 * alarm names and metric values (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
function addAlarmTopic(stack: TerraformStack, config: ResolvedStackConfig): SnsTopic {
  const topic = atAddress(new SnsTopic(stack, 'alarm_topic', { name: `${namePrefix(config)}-alarms` }), 'alarms');
  if (config.alarmEmail) {
    atAddress(new SnsTopicSubscription(stack, 'alarm_email', { topicArn: topic.arn, protocol: 'email', endpoint: config.alarmEmail }), 'alarms_email');
  }
  Aspects.of(stack).add(new NotifyOnEveryAlarm(topic.arn));
  return topic;
}

/** The provider, a local backend inside the deployment's own directory, the tagging aspect, and the alarm topic. */
export function configureStack(stack: TerraformStack, model: Model, config: ResolvedStackConfig): { alarmTopic: SnsTopic } {
  const tags = stackTags(model, config);
  new AwsProvider(stack, 'aws', { region: config.region, defaultTags: [{ tags }] });
  // Relative: terraform resolves it inside the working directory the deploy step runs in.
  new LocalBackend(stack, { path: 'terraform.tfstate' });
  Aspects.of(stack).add(new TagEverything(tags));
  return { alarmTopic: addAlarmTopic(stack, config) };
}

/** An IAM policy document as JSON; terraform interpolates the "${…}" references inside the string. */
export function policyJson(statements: Array<{ Sid?: string; Effect?: 'Allow' | 'Deny'; Action: string[]; Resource: string[] }>): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements.map((s) => ({ Effect: 'Allow', ...s })) });
}

export function assumeRolePolicy(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
}

/**
 * Construct ids must be unique per stack whatever the resource type; Terraform addresses only per
 * type. This keeps the short, readable address (aws_lb.main, aws_lambda_function.users) that usage
 * files and the cost engine key on, while the construct id stays unique.
 */
export function atAddress<T extends TerraformResource>(resource: T, name: string): T {
  resource.overrideLogicalId(name);
  return resource;
}

/**
 * A bucket nobody outside the account can read: every public access path blocked, SSE on, and
 * emptied on destroy (a benchmark deployment leaves nothing behind). Resources at `<name>`,
 * `<name>_private`, `<name>_encryption`.
 */
export function addPrivateBucket(stack: TerraformStack, name: string, bucketName: string): S3Bucket {
  const bucket = new S3Bucket(stack, name, { bucket: bucketName, forceDestroy: true });
  new S3BucketPublicAccessBlock(stack, `${name}_private`, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketServerSideEncryptionConfigurationA(stack, `${name}_encryption`, {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
  });
  return bucket;
}

/** A secret and the version that holds its generated value. */
export interface GeneratedSecret {
  secret: SecretsmanagerSecret;
  /** Everything that may start the server (the ASG, the functions) depends on it: no boot finds the secret empty. */
  value: SecretsmanagerSecretVersion;
}

/** Terraform address of the ephemeral password the JWT secret's value comes from. */
export const JWT_PASSWORD_EPHEMERAL = { type: 'aws_secretsmanager_random_password', name: 'jwt' } as const;

/** Long enough for HS256 (at least the 256-bit hash size), and over the app's 32-character minimum. */
const JWT_SECRET_LENGTH = 64;

/**
 * The JWT signing key, with its value written during `terraform apply`, before anything that reads it
 * is created, and never stored in the plan or state: Secrets Manager generates the value
 * (GetRandomPassword) in an ephemeral resource, and the secret version receives it through the
 * write-only `secret_string_wo` (Terraform >= 1.11;
 * https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments,
 * https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/ephemeral-resources/secretsmanager_random_password,
 * https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/secretsmanager_secret_version).
 * cdktf 0.21 has no ephemeral block: it is added to the stack's JSON by override. Raising
 * `secret_string_wo_version` makes terraform write a fresh value (a rotation).
 */
export function addJwtSecret(stack: TerraformStack, config: ResolvedStackConfig): GeneratedSecret {
  const secret = new SecretsmanagerSecret(stack, 'jwt', {
    name: `${namePrefix(config)}-jwt`,
    description: 'JWT signing key of the shop API (value generated by Secrets Manager during terraform apply)',
    // Deleted at once on destroy: a recovery window would keep the name (and the run) alive for days.
    recoveryWindowInDays: 0,
  });
  // Ephemeral resources came in 1.10, write-only arguments in 1.11: an older terraform says so at init.
  stack.addOverride('terraform.required_version', '>= 1.11.0');
  stack.addOverride(`ephemeral.${JWT_PASSWORD_EPHEMERAL.type}.${JWT_PASSWORD_EPHEMERAL.name}`, {
    password_length: JWT_SECRET_LENGTH,
    // Letters and digits only: the key stays readable in logs of a misconfiguration and safe in any shell or JSON.
    exclude_punctuation: true,
  });
  const value = atAddress(new SecretsmanagerSecretVersion(stack, 'jwt_value', {
    secretId: secret.id,
    secretStringWo: `\${ephemeral.${JWT_PASSWORD_EPHEMERAL.type}.${JWT_PASSWORD_EPHEMERAL.name}.random_password}`,
    secretStringWoVersion: 1,
  }), 'jwt');
  return { secret, value };
}
