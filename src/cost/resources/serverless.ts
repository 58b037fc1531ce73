import { priceFilters, type Architecture } from '../price-filters.js';
import { block, num, referencedAddress, str, type TerraformResource } from '../../architecture/terraform-document.js';
import { SECONDS_PER_MONTH } from '../units.js';
import { defineHandler, usageNumber, type CostComponentSpec, type StackIndex } from './types.js';

interface LambdaFunction {
  memoryMb: number;
  architecture: Architecture;
  ephemeralStorageMb: number;
  /** Sum of the aws_lambda_provisioned_concurrency_config resources that point at this function. */
  provisionedConcurrency: number;
}

function provisionedConcurrencyFor(fn: TerraformResource, stack: StackIndex): number {
  const name = str(fn.values, 'function_name');
  return stack
    .ofType('aws_lambda_provisioned_concurrency_config')
    .filter((pc) => referencedAddress(pc.values.function_name) === fn.address || (name !== undefined && str(pc.values, 'function_name') === name))
    .reduce((sum, pc) => sum + (num(pc.values, 'provisioned_concurrent_executions') ?? 0), 0);
}

/**
 * Lambda (https://aws.amazon.com/lambda/pricing/): requests at $0.20/M; duration in GB-seconds
 * (memory GB x billed seconds, 1 ms granularity) in tiers per architecture (x86 at 6B and 15B GB-s a month, Arm
 * at 7.5B and 18.75B: the tiers live in the snapshot);
 * ephemeral storage above 512 MB per GB-second; provisioned concurrency per GB-second allocated,
 * with invocations on those environments at the lower provisioned duration price. Since
 * 2025-08-01 the INIT phase of on-demand functions is billed as duration too, so cold starts
 * (monthly_cold_starts x init_duration_ms) add GB-seconds.
 */
export const lambdaFunction = defineHandler<LambdaFunction>({
  type: 'aws_lambda_function',
  usageKeys: {
    monthly_requests: { description: 'Invocations per month', scaling: 'per-request' },
    request_duration_ms: { description: 'Average billed duration per invocation, ms', scaling: 'fixed' },
    monthly_cold_starts: { description: 'Invocations that started a new execution environment (archcompare extension)', scaling: 'per-request' },
    init_duration_ms: { description: 'Average INIT duration of a cold start, ms (archcompare extension)', scaling: 'fixed' },
  },
  read(resource, stack) {
    const archs = resource.values.architectures;
    return {
      memoryMb: num(resource.values, 'memory_size') ?? 128,
      architecture: Array.isArray(archs) && archs[0] === 'arm64' ? 'arm64' : 'x86_64',
      ephemeralStorageMb: num(block(resource.values, 'ephemeral_storage'), 'size') ?? 512,
      provisionedConcurrency: provisionedConcurrencyFor(resource, stack),
    };
  },
  components(fn, usage) {
    const requests = usageNumber(usage, 'monthly_requests');
    const memoryGb = fn.memoryMb / 1024;
    const invokeSeconds = (requests * usageNumber(usage, 'request_duration_ms')) / 1000;
    const initSeconds = (usageNumber(usage, 'monthly_cold_starts') * usageNumber(usage, 'init_duration_ms')) / 1000;
    // Share of invocation time served by provisioned environments, for steady traffic: all of it
    // when the provisioned concurrency covers the average concurrency, else that fraction.
    const averageConcurrency = invokeSeconds / SECONDS_PER_MONTH;
    const provisionedShare = fn.provisionedConcurrency === 0 ? 0 : averageConcurrency === 0 ? 1 : Math.min(1, fn.provisionedConcurrency / averageConcurrency);
    const a = fn.architecture;
    const out: CostComponentSpec[] = [
      { name: 'Requests', unit: '1M requests', unitScale: 1e6, quantity: requests, filter: priceFilters.lambdaRequests(a), freeTier: 'lambda-requests', usageBased: true },
      {
        name: `Duration (${fn.memoryMb} MB, ${a})`,
        unit: 'GB-seconds',
        quantity: (invokeSeconds * (1 - provisionedShare) + initSeconds) * memoryGb,
        filter: priceFilters.lambdaDuration(a),
        freeTier: 'lambda-gb-seconds',
        usageBased: true,
      },
    ];
    if (fn.ephemeralStorageMb > 512)
      out.push({ name: `Ephemeral storage above 512 MB (${fn.ephemeralStorageMb} MB)`, unit: 'GB-seconds', quantity: ((fn.ephemeralStorageMb - 512) / 1024) * (invokeSeconds + initSeconds), filter: priceFilters.lambdaEphemeralStorage(a), usageBased: true });
    if (fn.provisionedConcurrency > 0) {
      out.push(
        { name: `Provisioned concurrency (${fn.provisionedConcurrency} environments)`, unit: 'GB-seconds', quantity: fn.provisionedConcurrency * memoryGb * SECONDS_PER_MONTH, filter: priceFilters.lambdaProvisionedConcurrency(a) },
        { name: 'Duration on provisioned concurrency', unit: 'GB-seconds', quantity: invokeSeconds * provisionedShare * memoryGb, filter: priceFilters.lambdaProvisionedDuration(a), usageBased: true },
      );
    }
    return out;
  },
});

/** Provisioned concurrency is priced on the function it configures (it needs that function's memory and usage). */
export const PRICED_WITH_ANOTHER_RESOURCE: Readonly<Record<string, string>> = {
  aws_lambda_provisioned_concurrency_config: 'priced with the aws_lambda_function it configures',
  aws_launch_template: 'priced through the aws_autoscaling_group that launches it',
  aws_launch_configuration: 'priced through the aws_autoscaling_group that launches it',
};

/** HTTP APIs are metered in 512 KB increments: a 600 KB request counts twice. */
export const httpApi = defineHandler<{ protocol: string }>({
  type: 'aws_apigatewayv2_api',
  usageKeys: {
    monthly_requests: { description: 'API requests per month', scaling: 'per-request' },
    request_size_kb: { description: 'Average request size in KB (billed in 512 KB increments)', scaling: 'fixed' },
    monthly_messages: { description: 'Infracost key: WebSocket messages', scaling: 'per-request', ignored: 'WebSocket APIs are not priced' },
    message_size_kb: { description: 'Infracost key: WebSocket message size', scaling: 'fixed', ignored: 'WebSocket APIs are not priced' },
    monthly_connection_mins: { description: 'Infracost key: WebSocket connection minutes', scaling: 'per-request', ignored: 'WebSocket APIs are not priced' },
  },
  read(resource) {
    const protocol = str(resource.values, 'protocol_type') ?? 'HTTP';
    return protocol === 'HTTP' ? { protocol } : { unsupported: `protocol_type "${protocol}" is not priced (HTTP APIs are)` };
  },
  components(_api, usage) {
    const increments = Math.max(1, Math.ceil(usageNumber(usage, 'request_size_kb') / 512));
    return [{ name: increments > 1 ? `Requests (${increments} x 512 KB increments each)` : 'Requests', unit: '1M requests', unitScale: 1e6, quantity: usageNumber(usage, 'monthly_requests') * increments, filter: priceFilters.httpApiRequests(), usageBased: true }];
  },
});

export const restApi = defineHandler<Record<string, never>>({
  type: 'aws_api_gateway_rest_api',
  usageKeys: { monthly_requests: { description: 'API requests per month', scaling: 'per-request' } },
  read: () => ({}),
  components: (_api, usage) => [{ name: 'Requests', unit: '1M requests', unitScale: 1e6, quantity: usageNumber(usage, 'monthly_requests'), filter: priceFilters.restApiRequests(), usageBased: true }],
});
