import { priceFilters } from '../price-filters.js';
import { block, blocks, num, referencedAddress, str, type TerraformResource } from '../../architecture/terraform-document.js';
import { defineHandler, usageNumber, type CostComponentSpec, type StackIndex, type UsageKeySpec } from './types.js';

type CognitoTier = 'LITE' | 'ESSENTIALS' | 'PLUS';

/** New user pools default to the Essentials feature plan (since 2024-11-22); the first 10,000 MAU of Lite and Essentials are free. */
export const cognitoUserPool = defineHandler<{ tier: CognitoTier }>({
  type: 'aws_cognito_user_pool',
  usageKeys: { monthly_active_users: { description: 'Users who signed in or refreshed a token this month', scaling: 'per-request' } },
  read(resource) {
    const tier = (str(resource.values, 'user_pool_tier') ?? 'ESSENTIALS').toUpperCase();
    return tier === 'LITE' || tier === 'ESSENTIALS' || tier === 'PLUS' ? { tier } : { unsupported: `user_pool_tier ${tier} is not priced` };
  },
  components: (pool, usage) => [
    {
      name: `Monthly active users (${pool.tier.toLowerCase()} tier)`,
      unit: 'MAU',
      quantity: usageNumber(usage, 'monthly_active_users'),
      filter: priceFilters.cognitoMau(pool.tier),
      ...(pool.tier === 'PLUS' ? {} : { freeTier: 'cognito-mau' as const }),
      usageBased: true,
    },
  ],
});

export const kmsKey = defineHandler<Record<string, never>>({
  type: 'aws_kms_key',
  usageKeys: {},
  read: () => ({}),
  components: () => [{ name: 'Customer managed key', unit: 'months', quantity: 1, filter: priceFilters.kmsKey() }],
});

/** $0.40 per secret-month and $0.05 per 10,000 API calls (https://aws.amazon.com/secrets-manager/pricing/). */
export const secret = defineHandler<Record<string, never>>({
  type: 'aws_secretsmanager_secret',
  usageKeys: { monthly_requests: { description: 'API requests to Secrets Manager per month (GetSecretValue and others)', scaling: 'per-request' } },
  read: () => ({}),
  components: (_s, usage) => [
    { name: 'Secret', unit: 'months', quantity: 1, filter: priceFilters.secret() },
    { name: 'API requests', unit: '10k requests', unitScale: 10_000, quantity: usageNumber(usage, 'monthly_requests'), filter: priceFilters.secretsManagerApiRequests(), usageBased: true },
  ],
});

/** SNS bills each 64 KB chunk of a published message as one request (https://aws.amazon.com/sns/pricing/). */
const snsChunks = (usage: Readonly<Record<string, number | string>>) => Math.max(1, Math.ceil(usageNumber(usage, 'request_size_kb', 64) / 64));
const SNS_UNPRICED = (why: string): UsageKeySpec => ({ description: `Infracost key: ${why}`, scaling: 'fixed', ignored: why });

/**
 * An SNS topic (https://aws.amazon.com/sns/pricing/): publish requests, the first 1M a month free (a zero-priced
 * first tier in the Price List), and, with Infracost's *_subscriptions counts, each delivery: HTTP/HTTPS after the
 * first 100,000 free, email after the first 1,000. Deliveries to SQS and Lambda are free.
 */
export const snsTopic = defineHandler<Record<string, never>>({
  type: 'aws_sns_topic',
  usageKeys: {
    monthly_requests: { description: 'Messages published per month', scaling: 'per-request' },
    request_size_kb: { description: 'Average message size, KB (billed in 64 KB chunks; default 64)', scaling: 'fixed' },
    http_subscriptions: { description: 'HTTP/HTTPS subscriptions: each message is one delivery to each', scaling: 'fixed' },
    email_subscriptions: { description: 'Email/Email-JSON subscriptions: each message is one delivery to each', scaling: 'fixed' },
    kinesis_subscriptions: SNS_UNPRICED('Kinesis Data Firehose deliveries are not priced'),
    mobile_push_subscriptions: SNS_UNPRICED('mobile push deliveries are not priced'),
    macos_subscriptions: SNS_UNPRICED('macOS deliveries are not priced'),
    sms_subscriptions: SNS_UNPRICED('SMS deliveries are priced per destination country, which archcompare does not model'),
    sms_notification_price: SNS_UNPRICED('SMS deliveries are not priced'),
  },
  read: () => ({}),
  components(_t, usage) {
    const messages = usageNumber(usage, 'monthly_requests') * snsChunks(usage);
    const out: CostComponentSpec[] = [{ name: 'Publish requests', unit: '1M requests', unitScale: 1e6, quantity: messages, filter: priceFilters.snsRequests(), usageBased: true }];
    const http = usageNumber(usage, 'http_subscriptions');
    const email = usageNumber(usage, 'email_subscriptions');
    if (http > 0) out.push({ name: `HTTP/HTTPS notifications (${http} subscriptions)`, unit: '1M notifications', unitScale: 1e6, quantity: messages * http, filter: priceFilters.snsDeliveries('HTTP'), usageBased: true });
    if (email > 0) out.push({ name: `Email notifications (${email} subscriptions)`, unit: '100k notifications', unitScale: 1e5, quantity: messages * email, filter: priceFilters.snsDeliveries('SMTP'), usageBased: true });
    return out;
  },
});

type SnsEndpoint = 'HTTP' | 'SMTP' | 'free';
const SNS_PROTOCOLS: Readonly<Record<string, SnsEndpoint>> = { http: 'HTTP', https: 'HTTP', email: 'SMTP', 'email-json': 'SMTP', sqs: 'free', lambda: 'free', firehose: 'free' };

/**
 * One subscription's deliveries: its protocol's price for each message of the topic. Its own monthly_requests
 * (Infracost's deprecated key on the subscription) counts the messages; each free allowance is per account, so
 * it is applied here per subscription only as the Price List's zero-priced first tier.
 */
export const snsTopicSubscription = defineHandler<{ endpoint: SnsEndpoint; protocol: string; topic: string | undefined }>({
  type: 'aws_sns_topic_subscription',
  usageKeys: {
    monthly_requests: { description: 'Messages delivered to this subscription per month (Infracost: deprecated in favour of aws_sns_topic.monthly_requests; archcompare uses it here)', scaling: 'per-request' },
    request_size_kb: { description: 'Average message size, KB (billed in 64 KB chunks; default 64)', scaling: 'fixed' },
  },
  read(resource) {
    const protocol = str(resource.values, 'protocol') ?? 'unknown';
    const endpoint = SNS_PROTOCOLS[protocol];
    if (!endpoint) return { unsupported: `protocol "${protocol}" is not priced (${Object.keys(SNS_PROTOCOLS).join(', ')} are)` };
    return { endpoint, protocol, topic: referencedAddress(resource.values.topic_arn) };
  },
  components(sub, usage) {
    if (sub.endpoint === 'free') return [];
    const deliveries = usageNumber(usage, 'monthly_requests') * snsChunks(usage);
    return sub.endpoint === 'SMTP'
      ? [{ name: `Email notifications (${sub.protocol})`, unit: '100k notifications', unitScale: 1e5, quantity: deliveries, filter: priceFilters.snsDeliveries('SMTP'), usageBased: true }]
      : [{ name: `HTTP/HTTPS notifications (${sub.protocol})`, unit: '1M notifications', unitScale: 1e6, quantity: deliveries, filter: priceFilters.snsDeliveries('HTTP'), usageBased: true }];
  },
});

/** An alarm is billed per metric it evaluates; periods under 60 s make it high-resolution. */
export const metricAlarm = defineHandler<{ metrics: number; highResolution: boolean }>({
  type: 'aws_cloudwatch_metric_alarm',
  usageKeys: {},
  read(resource) {
    const queries = blocks(resource.values, 'metric_query');
    const withMetric = queries.filter((q) => blocks(q, 'metric').length > 0);
    const periods = [num(resource.values, 'period'), ...withMetric.map((q) => num(blocks(q, 'metric')[0], 'period'))].filter((p): p is number => p !== undefined);
    return { metrics: Math.max(1, withMetric.length), highResolution: periods.some((p) => p < 60) };
  },
  components: (alarm) => [
    {
      name: `${alarm.highResolution ? 'High' : 'Standard'}-resolution alarm${alarm.metrics > 1 ? ` (${alarm.metrics} metrics)` : ''}`,
      unit: 'alarm metrics',
      quantity: alarm.metrics,
      filter: priceFilters.cloudwatchAlarm(alarm.highResolution),
      ...(alarm.highResolution ? {} : { freeTier: 'cloudwatch-alarms' as const }),
    },
  ],
});

/** A Lambda function's log group: /aws/lambda/<name>, or the group its logging_config names (by reference or by name). */
function receivesLambdaLogs(group: TerraformResource, stack: StackIndex): boolean {
  const name = str(group.values, 'name');
  if (name?.startsWith('/aws/lambda/')) return true;
  return stack.ofType('aws_lambda_function').some((fn) => {
    const configured = block(fn.values, 'logging_config')?.log_group;
    return referencedAddress(configured) === group.address || (name !== undefined && configured === name);
  });
}

/** Lambda's log groups are billed at the vended-log tiers (since 2025-05-01); every other group at the flat Standard ingestion rate. */
export const logGroup = defineHandler<{ lambda: boolean }>({
  type: 'aws_cloudwatch_log_group',
  usageKeys: {
    monthly_data_ingested_gb: { description: 'Log data ingested per month, GB', scaling: 'per-request' },
    storage_gb: { description: 'Archived (stored) log data, GB (compressed)', scaling: 'per-request' },
    monthly_data_scanned_gb: { description: 'Infracost key: Logs Insights data scanned', scaling: 'per-request', ignored: 'Logs Insights queries are not priced' },
  },
  read: (resource, stack) => ({ lambda: receivesLambdaLogs(resource, stack) }),
  components: (group, usage) => [
    group.lambda
      ? { name: 'Data ingested (Lambda logs)', unit: 'GB', quantity: usageNumber(usage, 'monthly_data_ingested_gb'), filter: priceFilters.lambdaLogsIngestion(), freeTier: 'cloudwatch-logs-gb', usageBased: true }
      : { name: 'Data ingested', unit: 'GB', quantity: usageNumber(usage, 'monthly_data_ingested_gb'), filter: priceFilters.cloudwatchLogsIngestion(), freeTier: 'cloudwatch-logs-gb', usageBased: true },
    { name: 'Archival storage', unit: 'GB', quantity: usageNumber(usage, 'storage_gb'), filter: priceFilters.cloudwatchLogsStorage(), freeTier: 'cloudwatch-logs-gb', usageBased: true },
  ],
});

/** Usage-only resource: custom metrics an application publishes (archcompare's; Infracost has none). */
export const customMetrics = defineHandler<Record<string, never>>({
  type: 'aws_cloudwatch_custom_metrics',
  usageKeys: { monthly_custom_metrics: { description: 'Distinct custom metrics stored this month', scaling: 'fixed' } },
  read: () => ({}),
  components: (_m, usage) => [
    { name: 'Custom metrics', unit: 'metrics', quantity: usageNumber(usage, 'monthly_custom_metrics'), filter: priceFilters.cloudwatchMetrics(), freeTier: 'cloudwatch-metrics', usageBased: true },
  ],
});
