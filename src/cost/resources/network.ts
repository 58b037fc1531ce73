import { priceFilters } from '../price-filters.js';
import { blocks, bool, str } from '../../architecture/terraform-document.js';
import { HOURS_PER_MONTH } from '../units.js';
import { defineHandler, usageNumber, type CostComponentSpec } from './types.js';

/**
 * ALB capacity units: an LCU-hour is billed on the largest of four dimensions, each divided by
 * what one LCU provides (https://aws.amazon.com/elasticloadbalancing/pricing/): 25 new connections
 * per second, 3,000 active connections per minute, 1 GB processed per hour (EC2 targets), 1,000 rule
 * evaluations per second (after the first 10 rules, which are free).
 */
export const LCU_CAPACITY = { newConnectionsPerSecond: 25, activeConnectionsPerMinute: 3000, processedGbPerHour: 1, ruleEvaluationsPerSecond: 1000 } as const;

interface LoadBalancer {
  internetFacing: boolean;
  publicIpv4Addresses: number;
}

export const loadBalancer = defineHandler<LoadBalancer>({
  type: 'aws_lb',
  usageKeys: {
    // Infracost's keys and meanings; the LCU divisors are AWS's for ALBs (Infracost divides new connections by 100).
    new_connections: { description: 'Average new connections per second', scaling: 'per-request' },
    active_connections: { description: 'Average active connections per minute', scaling: 'per-request' },
    processed_bytes_gb: { description: 'Average GB processed per hour (requests and responses)', scaling: 'per-request' },
    rule_evaluations: { description: 'Average rule evaluations per second beyond the 10 free rules', scaling: 'per-request' },
  },
  read(resource) {
    const type = str(resource.values, 'load_balancer_type') ?? 'application';
    if (type !== 'application') return { unsupported: `load_balancer_type "${type}" is not priced (only Application Load Balancers)` };
    const internetFacing = bool(resource.values, 'internal') !== true;
    const subnets = Array.isArray(resource.values.subnets) ? resource.values.subnets.length : blocks(resource.values, 'subnet_mapping').length;
    return { internetFacing, publicIpv4Addresses: internetFacing ? Math.max(subnets, 1) : 0 };
  },
  components(lb, usage) {
    const dims: Array<[string, number]> = [
      ['new connections', usageNumber(usage, 'new_connections') / LCU_CAPACITY.newConnectionsPerSecond],
      ['active connections', usageNumber(usage, 'active_connections') / LCU_CAPACITY.activeConnectionsPerMinute],
      ['processed bytes', usageNumber(usage, 'processed_bytes_gb') / LCU_CAPACITY.processedGbPerHour],
      ['rule evaluations', usageNumber(usage, 'rule_evaluations') / LCU_CAPACITY.ruleEvaluationsPerSecond],
    ];
    const [dominant, lcus] = dims.reduce((a, b) => (b[1] > a[1] ? b : a));
    const out: CostComponentSpec[] = [
      { name: 'Application load balancer', unit: 'hours', quantity: HOURS_PER_MONTH, filter: priceFilters.albHours() },
      { name: `Capacity units (LCU, by ${lcus === 0 ? 'no traffic' : dominant})`, unit: 'LCU-hours', quantity: lcus * HOURS_PER_MONTH, filter: priceFilters.albLcu(), usageBased: true },
    ];
    if (lb.publicIpv4Addresses > 0)
      out.push({ name: `Public IPv4 addresses (${lb.publicIpv4Addresses}, one per subnet)`, unit: 'hours', quantity: lb.publicIpv4Addresses * HOURS_PER_MONTH, filter: priceFilters.publicIpv4() });
    return out;
  },
});

export const albAlias = { ...loadBalancer, type: 'aws_alb' };

export const natGateway = defineHandler<{ public: boolean }>({
  type: 'aws_nat_gateway',
  usageKeys: { monthly_data_processed_gb: { description: 'GB processed by the gateway per month', scaling: 'fixed' } },
  read: (resource) => ({ public: str(resource.values, 'connectivity_type') !== 'private' }),
  components: (_nat, usage) => [
    { name: 'NAT gateway', unit: 'hours', quantity: HOURS_PER_MONTH, filter: priceFilters.natHours() },
    { name: 'Data processed', unit: 'GB', quantity: usageNumber(usage, 'monthly_data_processed_gb'), filter: priceFilters.natBytes(), usageBased: true },
  ],
});

/** Every public IPv4 address is billed by the hour since 2024-02-01, attached or idle. */
export const elasticIp = defineHandler<Record<string, never>>({
  type: 'aws_eip',
  usageKeys: {},
  read: () => ({}),
  components: () => [{ name: 'Public IPv4 address', unit: 'hours', quantity: HOURS_PER_MONTH, filter: priceFilters.publicIpv4() }],
});

/** Usage-only resource (Infracost's aws_data_transfer): priced from usage, present in no Terraform file. */
export const dataTransfer = defineHandler<Record<string, never>>({
  type: 'aws_data_transfer',
  usageKeys: {
    monthly_outbound_internet_gb: { description: 'GB sent from the region to the internet per month', scaling: 'per-request' },
    region: { description: "Infracost key: the region the data leaves from", scaling: 'fixed', kind: 'string', ignored: "the estimate's region (--region, or the plan's provider) prices it" },
    monthly_intra_region_gb: { description: 'Infracost key: cross-AZ transfer', scaling: 'per-request', ignored: 'transfer between Availability Zones is not priced' },
    monthly_outbound_us_east_to_us_east_gb: { description: 'Infracost key: us-east to us-east transfer', scaling: 'per-request', ignored: 'inter-region transfer is not priced' },
    monthly_outbound_other_regions_gb: { description: 'Infracost key: inter-region transfer', scaling: 'per-request', ignored: 'inter-region transfer is not priced' },
  },
  read: () => ({}),
  components: (_r, usage) => [
    { name: 'Outbound data transfer to the internet', unit: 'GB', quantity: usageNumber(usage, 'monthly_outbound_internet_gb'), filter: priceFilters.dataTransferOut(), freeTier: 'data-transfer-out-gb', usageBased: true },
  ],
});
