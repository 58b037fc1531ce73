import { describe, expect, it } from 'vitest';
import { HANDLERS } from '../../src/cost/resources/registry.js';
import { parseUsageFile } from '../../src/cost/usage.js';

/**
 * Infracost's own usage-file example (infracost/infracost, infracost-usage-example.yml), the entries for
 * every resource type archcompare prices, copied as Infracost documents them. A team's existing file must
 * parse unchanged: every key is either priced with Infracost's meaning or accepted with a warning that
 * says why it is ignored. Never an error.
 */
const INFRACOST_EXAMPLE = `
version: 0.1
resource_type_default_usage:
  aws_lambda_function:
    monthly_requests: 100000
    request_duration_ms: 500
resource_usage:
  aws_api_gateway_rest_api.my_rest_api:
    monthly_requests:  100000000
  aws_apigatewayv2_api.my_v2_api:
    monthly_requests: 100000000
    request_size_kb: 512
    monthly_messages: 1500000000
    message_size_kb: 32
    monthly_connection_mins: 10000000
  aws_autoscaling_group.my_asg:
    instances: 15
    operating_system: linux
    reserved_instance_type: standard
    reserved_instance_term: 1_year
    reserved_instance_payment_option: no_upfront
    monthly_cpu_credit_hrs: 350
    vcpu_count: 2
  aws_cloudwatch_log_group.my_log_group:
    storage_gb: 1000
    monthly_data_ingested_gb: 1000
    monthly_data_scanned_gb: 200
  aws_data_transfer.my_region:
    region: us-east-1
    monthly_intra_region_gb: 1000
    monthly_outbound_us_east_to_us_east_gb: 500
    monthly_outbound_other_regions_gb: 750
    monthly_outbound_internet_gb: 5000
  aws_db_instance.my_db:
    additional_backup_storage_gb: 1000
    monthly_standard_io_requests: 10000
    monthly_additional_performance_insights_requests: 10000
    reserved_instance_term: 1_year
    reserved_instance_payment_option: partial_upfront
  aws_dynamodb_table.my_table:
    monthly_write_request_units: 3000000
    monthly_read_request_units: 8000000
    storage_gb: 230
    pitr_backup_storage_gb: 2300
    on_demand_backup_storage_gb: 460
    monthly_data_restored_gb: 230
    monthly_streams_read_request_units: 2
  aws_ebs_volume.my_standard_volume:
    monthly_standard_io_requests: 10000000
  aws_instance.my_instance:
    operating_system: linux
    reserved_instance_type: standard
    reserved_instance_term: 1_year
    reserved_instance_payment_option: all_upfront
    monthly_cpu_credit_hrs: 350
    vcpu_count: 2
    monthly_hrs: 450
  aws_lambda_function.my_function:
    monthly_requests: 100000
    request_duration_ms: 500
  aws_alb.my_alb:
    new_connections: 10000
    active_connections: 10000
    processed_bytes_gb: 1000
    rule_evaluations: 10000
  aws_lb.my_lb:
    new_connections: 10000
    active_connections: 10000
    processed_bytes_gb: 1000
    rule_evaluations: 10000
  aws_nat_gateway.my_nat_gateway:
    monthly_data_processed_gb: 10
  aws_s3_bucket.my_bucket:
    object_tags: 10000000
    standard:
      storage_gb: 10000
      monthly_tier_1_requests: 1000000
      monthly_tier_2_requests: 100000
      monthly_select_data_scanned_gb: 10000
      monthly_select_data_returned_gb: 1000
  aws_secretsmanager_secret.my_secret:
    monthly_requests: 1000000
  aws_sns_topic.my_sns_topic:
    monthly_requests: 1000000
    request_size_kb: 64
    http_subscriptions: 100
    email_subscriptions: 100
    kinesis_subscriptions: 0
    mobile_push_subscriptions: 0
    macos_subscriptions: 0
    sms_subscriptions: 1
    sms_notification_price: 0.008
  aws_sns_topic_subscription.my_topic_subscription:
    monthly_requests: 1000000
    request_size_kb: 64
  aws_sqs_queue.my_queue:
    monthly_requests: 1000000
    request_size_kb: 64
`;

describe("Infracost's usage-file example, unchanged", () => {
  const { usage, warnings } = parseUsageFile(INFRACOST_EXAMPLE, 'infracost-usage.yml');

  it('parses without an error and keeps every priced key with its value', () => {
    expect(usage.byAddress.get('aws_instance.my_instance')).toMatchObject({ operating_system: 'linux', monthly_cpu_credit_hrs: 350, vcpu_count: 2, monthly_hrs: 450 });
    expect(usage.byAddress.get('aws_autoscaling_group.my_asg')).toMatchObject({ instances: 15, monthly_cpu_credit_hrs: 350, vcpu_count: 2 });
    expect(usage.byAddress.get('aws_sns_topic.my_sns_topic')).toMatchObject({ monthly_requests: 1_000_000, request_size_kb: 64, http_subscriptions: 100, email_subscriptions: 100 });
    expect(usage.byAddress.get('aws_s3_bucket.my_bucket')).toMatchObject({ 'standard.storage_gb': 10_000 });
    expect(usage.byType.get('aws_lambda_function')).toEqual({ monthly_requests: 100_000, request_duration_ms: 500 });
  });

  it('says, key by key, what it ignores and why', () => {
    const ignored = (address: string, key: string) => warnings.find((w) => w.includes(`${address}.${key}:`));
    expect(ignored('aws_instance.my_instance', 'reserved_instance_type')).toMatch(/archcompare prices on-demand only\); ignored/);
    expect(ignored('aws_db_instance.my_db', 'monthly_standard_io_requests')).toMatch(/magnetic storage/);
    expect(ignored('aws_apigatewayv2_api.my_v2_api', 'monthly_messages')).toMatch(/WebSocket APIs are not priced/);
    expect(ignored('aws_sns_topic.my_sns_topic', 'sms_subscriptions')).toMatch(/SMS/);
    expect(ignored('aws_data_transfer.my_region', 'region')).toMatch(/estimate's region/);
    // Every warning names a key archcompare documents as ignored: none is an "unknown key".
    expect(warnings.filter((w) => !/does not price/.test(w))).toEqual([]);
    expect(warnings).toHaveLength(29); // 3 + 3 + 1 + 4 + 4 + 3 + 3 + 3 + 5, one per ignored key above
  });

  it('every priced resource type with Infracost usage keys appears in the example above', () => {
    const inExample = new Set([...usage.byAddress.keys()].map((a) => a.split('.')[0]));
    const documented = [...HANDLERS.values()].filter((h) => Object.keys(h.usageKeys).length > 0 && !['aws_cognito_user_pool', 'aws_cloudwatch_custom_metrics'].includes(h.type)).map((h) => h.type);
    for (const type of documented) expect(inExample.has(type) || usage.byType.has(type), type).toBe(true);
  });
});
