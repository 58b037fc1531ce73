import { autoscalingGroup, ebsVolume, ec2Instance } from './compute.js';
import { dbInstance } from './database.js';
import { dynamodbTable, s3Bucket, sqsQueue } from './data.js';
import { albAlias, dataTransfer, elasticIp, loadBalancer, natGateway } from './network.js';
import { cognitoUserPool, customMetrics, kmsKey, logGroup, metricAlarm, secret, snsTopic, snsTopicSubscription } from './platform.js';
import { PRICED_WITH_ANOTHER_RESOURCE, httpApi, lambdaFunction, restApi } from './serverless.js';
import type { ResourceHandler } from './types.js';

/** Adding a priced resource = one handler here + one golden folder under test/cost/golden/. */
export const HANDLERS: ReadonlyMap<string, ResourceHandler> = new Map(
  [
    autoscalingGroup, ec2Instance, ebsVolume,
    loadBalancer, albAlias, natGateway, elasticIp, dataTransfer,
    dbInstance,
    lambdaFunction, httpApi, restApi,
    dynamodbTable, s3Bucket, sqsQueue,
    cognitoUserPool, kmsKey, secret, metricAlarm, logGroup, customMetrics, snsTopic, snsTopicSubscription,
  ].map((h) => [h.type, h]),
);

/** Resources that exist only in usage (Infracost's aws_data_transfer), never in Terraform. */
export const USAGE_ONLY_TYPES: ReadonlySet<string> = new Set(['aws_data_transfer', 'aws_cloudwatch_custom_metrics']);

const FREE_TYPES = new Set([
  'aws_vpc', 'aws_subnet', 'aws_route', 'aws_route_table', 'aws_route_table_association', 'aws_main_route_table_association',
  'aws_internet_gateway', 'aws_egress_only_internet_gateway', 'aws_security_group', 'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule', 'aws_network_acl', 'aws_network_acl_rule',
  'aws_lb_target_group', 'aws_lb_listener', 'aws_lb_listener_rule', 'aws_lb_target_group_attachment',
  'aws_alb_target_group', 'aws_alb_listener', 'aws_alb_listener_rule', 'aws_alb_target_group_attachment',
  'aws_autoscaling_policy', 'aws_autoscaling_attachment', 'aws_autoscaling_lifecycle_hook', 'aws_autoscaling_schedule',
  'aws_lambda_permission', 'aws_lambda_event_source_mapping', 'aws_lambda_alias', 'aws_lambda_function_url',
  'aws_apigatewayv2_stage', 'aws_apigatewayv2_route', 'aws_apigatewayv2_integration', 'aws_apigatewayv2_authorizer', 'aws_apigatewayv2_deployment',
  'aws_api_gateway_resource', 'aws_api_gateway_method', 'aws_api_gateway_integration', 'aws_api_gateway_deployment', 'aws_api_gateway_method_response', 'aws_api_gateway_integration_response',
  'aws_db_subnet_group', 'aws_db_parameter_group', 'aws_db_option_group',
  'aws_s3_object', 'aws_sqs_queue_policy', 'aws_sqs_queue_redrive_policy', 'aws_sqs_queue_redrive_allow_policy',
  'aws_cognito_user_pool_client', 'aws_cognito_user_pool_domain', 'aws_cognito_user_group',
  'aws_cloudwatch_log_resource_policy', 'aws_cloudwatch_log_stream', 'aws_kms_alias', 'aws_secretsmanager_secret_version', 'aws_secretsmanager_secret_policy',
  'aws_ssm_parameter', 'aws_key_pair', 'aws_sns_topic_policy', 'aws_dynamodb_table_item', 'aws_appautoscaling_target', 'aws_appautoscaling_policy',
  // A scheduled rule's events come from EventBridge itself onto the default bus: only custom and partner
  // events, and cross-account delivery, are billed (https://aws.amazon.com/eventbridge/pricing/). What
  // the rule invokes is priced with its target (a Lambda function's requests and duration).
  'aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target',
]);
const FREE_PREFIXES = ['aws_iam_', 'aws_s3_bucket_', 'aws_default_'];

export type ResourceClass = { kind: 'priced'; handler: ResourceHandler } | { kind: 'free'; reason: string } | { kind: 'unsupported' };

export function classify(type: string): ResourceClass {
  const handler = HANDLERS.get(type);
  if (handler) return { kind: 'priced', handler };
  if (PRICED_WITH_ANOTHER_RESOURCE[type]) return { kind: 'free', reason: PRICED_WITH_ANOTHER_RESOURCE[type]! };
  if (FREE_TYPES.has(type) || FREE_PREFIXES.some((p) => type.startsWith(p))) return { kind: 'free', reason: 'no charge of its own' };
  if (!type.startsWith('aws_')) return { kind: 'free', reason: 'not an AWS resource' };
  return { kind: 'unsupported' };
}
