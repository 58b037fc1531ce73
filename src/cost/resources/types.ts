import type { PriceFilter } from '../../pricing/price-book.js';
import type { TerraformResource } from '../../architecture/terraform-document.js';

/**
 * The always-free allowances AWS gives every account each month (not the 12-month trial
 * offers for new accounts, which AWS replaced with credits in July 2025). They are account-wide,
 * so the engine shares each pool across the stack's resources in address order.
 * Source: https://aws.amazon.com/free/ (Always Free offers) and each service's pricing page.
 */
export const FREE_TIER_POOLS = {
  'lambda-requests': { amount: 1_000_000, description: 'Lambda: 1M requests/month (x86 and Arm together)' },
  'lambda-gb-seconds': { amount: 400_000, description: 'Lambda: 400,000 GB-seconds/month (x86 and Arm together)' },
  'sqs-requests': { amount: 1_000_000, description: 'SQS: 1M requests/month' },
  'cloudwatch-alarms': { amount: 10, description: 'CloudWatch: 10 standard-resolution alarm metrics' },
  'cloudwatch-metrics': { amount: 10, description: 'CloudWatch: 10 custom metrics (detailed monitoring included)' },
  'cloudwatch-logs-gb': { amount: 5, description: 'CloudWatch Logs: 5 GB (ingestion and archival storage together)' },
  'dynamodb-storage-gb': { amount: 25, description: 'DynamoDB: 25 GB of table storage' },
  'cognito-mau': { amount: 10_000, description: 'Cognito Lite/Essentials: 10,000 MAU' },
  'data-transfer-out-gb': { amount: 100, description: 'Data transfer out to the internet: 100 GB/month across services' },
} as const;
export type FreeTierPool = keyof typeof FREE_TIER_POOLS;

/** A cost component before pricing (layer 2 output): a quantity in the Price List unit and a filter. */
export interface CostComponentSpec {
  name: string;
  /** What the quantity column shows: "hours", "GB", "1M requests" … */
  unit: string;
  /** Price List units per displayed unit (1,000,000 for "1M requests"); 1 when absent. */
  unitScale?: number;
  /** Monthly quantity in the Price List's unit (hours, GB-months, requests, GB-seconds …), as measured or computed. */
  quantity: number;
  filter: PriceFilter;
  freeTier?: FreeTierPool;
  /** Derived from usage (a usage file or measurements) rather than from the resource's settings alone. */
  usageBased?: boolean;
}

export type ResourceUsage = Readonly<Record<string, number | string>>;

export interface UsageKeySpec {
  description: string;
  /** How the value moves with traffic on the cost curve. */
  scaling: 'per-request' | 'fixed';
  kind?: 'number' | 'string';
  allowed?: readonly string[];
  /** An Infracost key archcompare accepts but does not price: why, said as a warning when a usage file sets it. */
  ignored?: string;
}

/** Lookups a handler may need across the stack (launch templates, provisioned concurrency configs). */
export interface StackIndex {
  get(address: string): TerraformResource | undefined;
  ofType(type: string): TerraformResource[];
}

export interface Unsupported {
  unsupported: string;
}

export interface ResourceHandler<T = unknown> {
  type: string;
  usageKeys: Readonly<Record<string, UsageKeySpec>>;
  /** Layer 1 → 2: Terraform values to a typed resource (or why it cannot be priced). */
  read(resource: TerraformResource, stack: StackIndex): T | Unsupported;
  /** Layer 2 → cost components: typed resource plus monthly usage to quantities and price filters. */
  components(resource: T, usage: ResourceUsage): CostComponentSpec[];
}

export function defineHandler<T>(handler: ResourceHandler<T>): ResourceHandler<unknown> {
  return handler as ResourceHandler<unknown>;
}

export function isUnsupported(v: unknown): v is Unsupported {
  return typeof v === 'object' && v !== null && 'unsupported' in v;
}

export function usageNumber(usage: ResourceUsage, key: string, fallback = 0): number {
  const v = usage[key];
  return typeof v === 'number' ? v : fallback;
}
