import { priceFilters } from '../price-filters.js';
import { blocks, num, str } from '../../architecture/terraform-document.js';
import { defineHandler, usageNumber } from './types.js';

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

export const secret = defineHandler<Record<string, never>>({
  type: 'aws_secretsmanager_secret',
  usageKeys: {},
  read: () => ({}),
  components: () => [{ name: 'Secret', unit: 'months', quantity: 1, filter: priceFilters.secret() }],
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

export const logGroup = defineHandler<Record<string, never>>({
  type: 'aws_cloudwatch_log_group',
  usageKeys: {
    monthly_data_ingested_gb: { description: 'Log data ingested per month, GB', scaling: 'per-request' },
    storage_gb: { description: 'Archived (stored) log data, GB (compressed)', scaling: 'per-request' },
  },
  read: () => ({}),
  components: (_g, usage) => [
    { name: 'Data ingested', unit: 'GB', quantity: usageNumber(usage, 'monthly_data_ingested_gb'), filter: priceFilters.cloudwatchLogsIngestion(), freeTier: 'cloudwatch-logs-gb', usageBased: true },
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
