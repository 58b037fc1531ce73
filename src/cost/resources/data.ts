import { priceFilters } from '../price-filters.js';
import { block, bool, str } from '../../architecture/terraform-document.js';
import { defineHandler, usageNumber, type CostComponentSpec } from './types.js';

/**
 * DynamoDB on-demand (https://aws.amazon.com/dynamodb/pricing/on-demand/): request units as
 * consumed — a write of up to 1 KB is 1 WRU, a strongly consistent read of up to 4 KB 1 RRU
 * (eventually consistent ½, transactional 2); writes to a GSI consume WRUs too, so measured
 * consumed capacity (ReturnConsumedCapacity: TOTAL) already includes them. Storage per GB-month,
 * PITR per GB-month of table size.
 */
export const dynamodbTable = defineHandler<{ pitr: boolean }>({
  type: 'aws_dynamodb_table',
  usageKeys: {
    monthly_write_request_units: { description: 'Write request units per month (GSI writes included)', scaling: 'per-request' },
    monthly_read_request_units: { description: 'Read request units per month', scaling: 'per-request' },
    storage_gb: { description: 'Table storage, GB (items and indexes)', scaling: 'fixed' },
    pitr_backup_storage_gb: { description: 'Point-in-time recovery storage, GB (default: storage_gb)', scaling: 'fixed' },
    on_demand_backup_storage_gb: { description: 'Infracost key: on-demand backups', scaling: 'fixed', ignored: 'on-demand backups are not priced' },
    monthly_data_restored_gb: { description: 'Infracost key: restores', scaling: 'fixed', ignored: 'restores are not priced' },
    monthly_streams_read_request_units: { description: 'Infracost key: DynamoDB Streams reads', scaling: 'per-request', ignored: 'DynamoDB Streams reads are not priced' },
  },
  read(resource) {
    const billing = str(resource.values, 'billing_mode') ?? 'PROVISIONED';
    if (billing !== 'PAY_PER_REQUEST') return { unsupported: `billing_mode ${billing} is not priced (on-demand PAY_PER_REQUEST is)` };
    const tableClass = str(resource.values, 'table_class') ?? 'STANDARD';
    if (tableClass !== 'STANDARD') return { unsupported: `table_class ${tableClass} is not priced (STANDARD is)` };
    return { pitr: bool(block(resource.values, 'point_in_time_recovery'), 'enabled') === true };
  },
  components(table, usage) {
    const storage = usageNumber(usage, 'storage_gb');
    const out: CostComponentSpec[] = [
      { name: 'Write request units (WRU)', unit: '1M WRUs', unitScale: 1e6, quantity: usageNumber(usage, 'monthly_write_request_units'), filter: priceFilters.dynamoWrites(), usageBased: true },
      { name: 'Read request units (RRU)', unit: '1M RRUs', unitScale: 1e6, quantity: usageNumber(usage, 'monthly_read_request_units'), filter: priceFilters.dynamoReads(), usageBased: true },
      { name: 'Data storage', unit: 'GB', quantity: storage, filter: priceFilters.dynamoStorage(), freeTier: 'dynamodb-storage-gb', usageBased: true },
    ];
    if (table.pitr)
      out.push({ name: 'Point-in-time recovery (PITR) backup storage', unit: 'GB', quantity: usageNumber(usage, 'pitr_backup_storage_gb', storage), filter: priceFilters.dynamoPitr(), usageBased: true });
    return out;
  },
});

export const s3Bucket = defineHandler<Record<string, never>>({
  type: 'aws_s3_bucket',
  usageKeys: {
    'standard.storage_gb': { description: 'S3 Standard storage, GB', scaling: 'fixed' },
    'standard.monthly_tier_1_requests': { description: 'PUT, COPY, POST, LIST requests per month', scaling: 'per-request' },
    'standard.monthly_tier_2_requests': { description: 'GET, SELECT and other requests per month', scaling: 'per-request' },
    'standard.monthly_select_data_scanned_gb': { description: 'Infracost key: S3 Select scanned', scaling: 'per-request', ignored: 'S3 Select is not priced' },
    'standard.monthly_select_data_returned_gb': { description: 'Infracost key: S3 Select returned', scaling: 'per-request', ignored: 'S3 Select is not priced' },
    object_tags: { description: 'Infracost key: object tags', scaling: 'fixed', ignored: 'object tagging is not priced' },
  },
  read: () => ({}),
  components: (_b, usage) => [
    { name: 'Standard storage', unit: 'GB', quantity: usageNumber(usage, 'standard.storage_gb'), filter: priceFilters.s3StandardStorage(), usageBased: true },
    { name: 'PUT, COPY, POST, LIST requests', unit: '1k requests', unitScale: 1000, quantity: usageNumber(usage, 'standard.monthly_tier_1_requests'), filter: priceFilters.s3Tier1Requests(), usageBased: true },
    { name: 'GET, SELECT, and all other requests', unit: '1k requests', unitScale: 1000, quantity: usageNumber(usage, 'standard.monthly_tier_2_requests'), filter: priceFilters.s3Tier2Requests(), usageBased: true },
  ],
});

/** SQS bills each 64 KB chunk of a request as one request. */
export const sqsQueue = defineHandler<{ fifo: boolean }>({
  type: 'aws_sqs_queue',
  usageKeys: {
    monthly_requests: { description: 'API requests per month (send, receive, delete, including empty long polls)', scaling: 'per-request' },
    request_size_kb: { description: 'Average request payload, KB (billed in 64 KB chunks)', scaling: 'fixed' },
  },
  read: (resource) => ({ fifo: bool(resource.values, 'fifo_queue') === true }),
  components(q, usage) {
    const chunks = Math.max(1, Math.ceil(usageNumber(usage, 'request_size_kb') / 64));
    return [{ name: `Requests (${q.fifo ? 'FIFO' : 'standard'} queue${chunks > 1 ? `, ${chunks} x 64 KB chunks each` : ''})`, unit: '1M requests', unitScale: 1e6, quantity: usageNumber(usage, 'monthly_requests') * chunks, filter: priceFilters.sqsRequests(q.fifo), freeTier: 'sqs-requests', usageBased: true }];
  },
});
