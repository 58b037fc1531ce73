import { usageType } from './price-book.js';

/**
 * What `archcompare pricing refresh` asks the Price List Query API for: one GetProducts query
 * (TERM_MATCH filters, paginated) per product group the cost engine prices, plus a predicate that
 * keeps only the products the engine's price filters can select (each service's offer also holds
 * reserved, dedicated, Outposts and other variants we never price).
 */
export interface PriceQuery {
  serviceCode: string;
  title: string;
  /** The attribute holding the region: regionCode for most offers, fromRegionCode for data transfer. */
  regionField: 'regionCode' | 'fromRegionCode';
  filters: Readonly<Record<string, string>>;
  keep?: (attributes: Readonly<Record<string, string>>, productFamily: string | undefined) => boolean;
}

const ut = (a: Readonly<Record<string, string>>, ...suffixes: string[]) => suffixes.some((s) => usageType(s).test(a.usagetype ?? ''));

export const PRICE_QUERIES: readonly PriceQuery[] = [
  {
    serviceCode: 'AmazonEC2',
    title: 'EC2 on-demand Linux instances (shared tenancy)',
    regionField: 'regionCode',
    filters: { productFamily: 'Compute Instance', operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used', licenseModel: 'No License required' },
    keep: (a) => /(^|-)BoxUsage:/.test(a.usagetype ?? ''),
  },
  { serviceCode: 'AmazonEC2', title: 'EBS volumes', regionField: 'regionCode', filters: { productFamily: 'Storage' }, keep: (a) => /(^|-)EBS:VolumeUsage(\.[a-z0-9]+)?$/.test(a.usagetype ?? '') },
  { serviceCode: 'AmazonEC2', title: 'EBS provisioned IOPS and magnetic I/O', regionField: 'regionCode', filters: { productFamily: 'System Operation' }, keep: (a) => ut(a, 'EBS:VolumeP-IOPS.gp3', 'EBS:VolumeP-IOPS.piops', 'EBS:VolumeP-IOPS.io2', 'EBS:VolumeP-IOPS.io2.tier2', 'EBS:VolumeP-IOPS.io2.tier3', 'EBS:VolumeIOUsage') },
  { serviceCode: 'AmazonEC2', title: 'T2/T3/T3a/T4g unlimited-mode CPU credits', regionField: 'regionCode', filters: { productFamily: 'CPU Credits', operatingSystem: 'Linux' }, keep: (a) => /(^|-)CPUCredits:t(2|3|3a|4g)$/.test(a.usagetype ?? '') },
  { serviceCode: 'AmazonEC2', title: 'EBS gp3 throughput', regionField: 'regionCode', filters: { productFamily: 'Provisioned Throughput', volumeApiName: 'gp3' }, keep: (a) => ut(a, 'EBS:VolumeP-Throughput.gp3') },
  { serviceCode: 'AmazonEC2', title: 'NAT gateways', regionField: 'regionCode', filters: { productFamily: 'NAT Gateway' }, keep: (a) => ut(a, 'NatGateway-Hours', 'NatGateway-Bytes') },
  { serviceCode: 'AmazonVPC', title: 'public IPv4 addresses', regionField: 'regionCode', filters: {}, keep: (a) => ut(a, 'PublicIPv4:InUseAddress') },
  { serviceCode: 'AWSELB', title: 'Application Load Balancers', regionField: 'regionCode', filters: { productFamily: 'Load Balancer-Application' }, keep: (a) => ut(a, 'LoadBalancerUsage', 'LCUUsage') },
  {
    serviceCode: 'AmazonRDS',
    title: 'RDS for PostgreSQL instances',
    regionField: 'regionCode',
    filters: { productFamily: 'Database Instance', databaseEngine: 'PostgreSQL' },
    keep: (a) => (a.deploymentOption === 'Single-AZ' || a.deploymentOption === 'Multi-AZ') && /(^|-)(InstanceUsage|Multi-AZUsage):db\./.test(a.usagetype ?? ''),
  },
  {
    serviceCode: 'AmazonRDS',
    title: 'RDS storage',
    regionField: 'regionCode',
    filters: { productFamily: 'Database Storage' },
    keep: (a) => ut(a, ...['GP2-Storage', 'GP3-Storage', 'PIOPS-Storage', 'PIOPS-Storage-IO2'].flatMap((t) => [`RDS:${t}`, `RDS:Multi-AZ-${t}`])) && (a.databaseEngine === 'PostgreSQL' || a.databaseEngine === 'Any'),
  },
  { serviceCode: 'AmazonRDS', title: 'RDS provisioned IOPS and gp3 throughput', regionField: 'regionCode', filters: {}, keep: (a) => ut(a, ...['PIOPS', 'IO2-PIOPS', 'GP3-PIOPS', 'GP3-Throughput'].flatMap((t) => [`RDS:${t}`, `RDS:Multi-AZ-${t}`])) && (a.databaseEngine === undefined || a.databaseEngine === 'PostgreSQL' || a.databaseEngine === 'Any') },
  { serviceCode: 'AmazonRDS', title: 'RDS backup storage', regionField: 'regionCode', filters: { productFamily: 'Storage Snapshot' }, keep: (a) => ut(a, 'RDS:ChargedBackupUsage') },
  {
    serviceCode: 'AWSLambda',
    title: 'Lambda',
    regionField: 'regionCode',
    filters: { productFamily: 'Serverless' },
    keep: (a) =>
      ut(a, 'Request', 'Request-ARM', 'Lambda-GB-Second', 'Lambda-GB-Second-ARM', 'Lambda-Provisioned-Concurrency', 'Lambda-Provisioned-Concurrency-ARM', 'Lambda-Provisioned-GB-Second', 'Lambda-Provisioned-GB-Second-ARM', 'Lambda-Storage-Gb-Second', 'Lambda-Storage-Gb-Second-ARM'),
  },
  { serviceCode: 'AmazonApiGateway', title: 'API Gateway HTTP and REST requests', regionField: 'regionCode', filters: { productFamily: 'API Calls' }, keep: (a) => ut(a, 'ApiGatewayHttpRequest', 'ApiGatewayRequest') },
  { serviceCode: 'AmazonDynamoDB', title: 'DynamoDB on-demand requests', regionField: 'regionCode', filters: { productFamily: 'Amazon DynamoDB PayPerRequest Throughput' }, keep: (a) => ut(a, 'ReadRequestUnits', 'WriteRequestUnits') },
  { serviceCode: 'AmazonDynamoDB', title: 'DynamoDB storage and PITR', regionField: 'regionCode', filters: { productFamily: 'Database Storage' }, keep: (a) => ut(a, 'TimedStorage-ByteHrs', 'TimedPITRStorage-ByteHrs') },
  { serviceCode: 'AmazonS3', title: 'S3 Standard storage', regionField: 'regionCode', filters: { productFamily: 'Storage', volumeType: 'Standard' }, keep: (a) => ut(a, 'TimedStorage-ByteHrs') },
  { serviceCode: 'AmazonS3', title: 'S3 requests', regionField: 'regionCode', filters: { productFamily: 'API Request' }, keep: (a) => ut(a, 'Requests-Tier1', 'Requests-Tier2') },
  { serviceCode: 'AWSQueueService', title: 'SQS requests', regionField: 'regionCode', filters: { productFamily: 'API Request' }, keep: (a) => ut(a, 'Requests-Tier1', 'Requests-FIFO-Tier1') },
  { serviceCode: 'AmazonCognito', title: 'Cognito user pool MAUs', regionField: 'regionCode', filters: {}, keep: (a) => ut(a, 'CognitoLiteMAU', 'CognitoEssentialsMAU', 'CognitoPlusMAU') },
  {
    serviceCode: 'AmazonCloudWatch',
    title: 'CloudWatch alarms, metrics and logs',
    regionField: 'regionCode',
    filters: {},
    keep: (a) => ut(a, 'CW:AlarmMonitorUsage', 'CW:HighResAlarmMonitorUsage', 'CW:MetricMonitorUsage', 'TimedStorage-ByteHrs', 'VendedLog-Bytes') || (ut(a, 'DataProcessing-Bytes') && a.operation === 'PutLogEvents'),
  },
  { serviceCode: 'AWSDataTransfer', title: 'data transfer out to the internet', regionField: 'fromRegionCode', filters: { transferType: 'AWS Outbound', toLocation: 'External' }, keep: (a) => ut(a, 'DataTransfer-Out-Bytes') },
  { serviceCode: 'awskms', title: 'KMS keys', regionField: 'regionCode', filters: {}, keep: (a) => /KMS-Keys$/.test(a.usagetype ?? '') },
  { serviceCode: 'AWSSecretsManager', title: 'Secrets Manager secrets and API requests', regionField: 'regionCode', filters: {}, keep: (a) => ut(a, 'AWSSecretsManager-Secrets', 'AWSSecretsManager-APIRequest') },
  { serviceCode: 'AmazonSNS', title: 'SNS publish requests and HTTP/email deliveries', regionField: 'regionCode', filters: {}, keep: (a) => ut(a, 'Requests-Tier1', 'DeliveryAttempts-HTTP', 'DeliveryAttempts-SMTP') },
];
