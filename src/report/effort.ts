import { z } from 'zod';
import { Decimal } from '../pricing/money.js';
import { bool, block, num, type TerraformDocument, type TerraformResource } from '../architecture/terraform-document.js';
import type { EffortItem, EffortModel } from './model.js';

/**
 * The operational-effort rubric: what the team must own in a synthesized stack, counted from its
 * Terraform resources, each item with the addresses behind it. Weights come from
 * effort-weights.yml (modelled parameters, overridable). Pure: the document and weights are given.
 */
export const EFFORT_ITEM_IDS = ['osPatching', 'managedRuntime', 'capacity', 'database', 'databaseMultiAz', 'managedTables', 'network', 'natGateway', 'alarms', 'deploymentSteps', 'iacSize'] as const;
export type EffortItemId = (typeof EFFORT_ITEM_IDS)[number];

const ItemWeightSchema = z.strictObject({ label: z.string().min(1), pointsPerUnit: z.number().nonnegative('must be ≥ 0') });

export const EffortWeightsSchema = z.strictObject({
  hoursPerPoint: z.number().positive('must be > 0'),
  engineerHourlyRateUsd: z.number().nonnegative('must be ≥ 0'),
  items: z.strictObject(Object.fromEntries(EFFORT_ITEM_IDS.map((id) => [id, ItemWeightSchema])) as Record<EffortItemId, typeof ItemWeightSchema>),
});
export type EffortWeights = z.infer<typeof EffortWeightsSchema>;

/** An override file: any subset of the keys, items partially too. */
export const EffortWeightsOverrideSchema = z.strictObject({
  hoursPerPoint: z.number().positive('must be > 0').optional(),
  engineerHourlyRateUsd: z.number().nonnegative('must be ≥ 0').optional(),
  items: z
    .strictObject(Object.fromEntries(EFFORT_ITEM_IDS.map((id) => [id, ItemWeightSchema.partial().optional()])) as Record<EffortItemId, z.ZodOptional<ReturnType<typeof ItemWeightSchema.partial>>>)
    .optional(),
});
export type EffortWeightsOverride = z.infer<typeof EffortWeightsOverrideSchema>;

export function mergeEffortWeights(base: EffortWeights, override: EffortWeightsOverride): EffortWeights {
  const items = { ...base.items };
  for (const id of EFFORT_ITEM_IDS) {
    const o = override.items?.[id];
    if (o) items[id] = { ...items[id], ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) };
  }
  return { hoursPerPoint: override.hoursPerPoint ?? base.hoursPerPoint, engineerHourlyRateUsd: override.engineerHourlyRateUsd ?? base.engineerHourlyRateUsd, items };
}

const NETWORK_TYPES = new Set([
  'aws_vpc',
  'aws_subnet',
  'aws_route_table',
  'aws_route',
  'aws_route_table_association',
  'aws_internet_gateway',
  'aws_eip',
  'aws_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
  'aws_db_subnet_group',
  'aws_lb',
  'aws_lb_listener',
  'aws_vpc_endpoint',
]);

/** Which resources each item counts (one unit per matching resource). */
const MATCHERS: Record<EffortItemId, (r: TerraformResource) => boolean> = {
  osPatching: (r) => r.type === 'aws_launch_template' || r.type === 'aws_instance' || r.type === 'aws_launch_configuration',
  managedRuntime: (r) => r.type === 'aws_lambda_function',
  capacity: (r) =>
    r.type === 'aws_autoscaling_group' ||
    r.type === 'aws_autoscaling_policy' ||
    r.type === 'aws_lb_target_group' ||
    r.type === 'aws_lambda_provisioned_concurrency_config' ||
    (r.type === 'aws_lambda_function' && (num(r.values, 'reserved_concurrent_executions') ?? -1) >= 0) ||
    (r.type === 'aws_apigatewayv2_stage' && num(block(r.values, 'default_route_settings'), 'throttling_rate_limit') !== undefined),
  database: (r) => r.type === 'aws_db_instance' || r.type === 'aws_rds_cluster',
  databaseMultiAz: (r) => r.type === 'aws_db_instance' && bool(r.values, 'multi_az') === true,
  managedTables: (r) => r.type === 'aws_dynamodb_table' || r.type === 'aws_sqs_queue',
  network: (r) => NETWORK_TYPES.has(r.type),
  natGateway: (r) => r.type === 'aws_nat_gateway',
  alarms: (r) => r.type === 'aws_cloudwatch_metric_alarm',
  // Per release: each function's code, each uploaded bundle, each launch template version and
  // instance refresh, each database's schema migration.
  deploymentSteps: (r) => ['aws_lambda_function', 'aws_s3_object', 'aws_launch_template', 'aws_autoscaling_group', 'aws_db_instance', 'aws_rds_cluster'].includes(r.type),
  iacSize: () => true,
};

const round2 = (x: number) => Math.round(x * 100) / 100;

export function assessEffort(doc: TerraformDocument, weights: EffortWeights, stackSource: string): EffortModel {
  const resources = [...doc.resources].sort((a, b) => a.address.localeCompare(b.address));
  const items: EffortItem[] = [];
  for (const id of EFFORT_ITEM_IDS) {
    const matched = resources.filter(MATCHERS[id]);
    if (matched.length === 0) continue;
    const w = weights.items[id];
    const points = round2(matched.length * w.pointsPerUnit);
    items.push({
      id,
      label: w.label,
      count: matched.length,
      points,
      hoursPerMonth: round2(points * weights.hoursPerPoint),
      // The IaC item counts every resource: its evidence is the count, not 80 addresses.
      evidence: id === 'iacSize' ? [`${matched.length} resources in ${stackSource}`] : matched.map((r) => r.address),
    });
  }
  const score = round2(items.reduce((s, i) => s + i.points, 0));
  const hoursPerMonth = round2(score * weights.hoursPerPoint);
  return {
    score,
    hoursPerMonth,
    monthlyCost: new Decimal(hoursPerMonth).mul(weights.engineerHourlyRateUsd).toFixed(2),
    resources: resources.length,
    items,
    stackSource,
  };
}
