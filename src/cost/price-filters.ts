import { usageType, type PriceFilter } from '../pricing/price-book.js';

/**
 * Every product the engine prices, as a Price List filter. Usage types are matched by suffix so
 * one filter works in every region (see src/pricing/regions.ts); the other attributes are the
 * Price List's own names and values.
 */
export type Architecture = 'x86_64' | 'arm64';
export type OperatingSystem = 'linux' | 'windows' | 'rhel' | 'suse';

const OS_NAMES: Record<OperatingSystem, string> = { linux: 'Linux', windows: 'Windows', rhel: 'RHEL', suse: 'SUSE' };
const arm = (a: Architecture) => (a === 'arm64' ? '-ARM' : '');

/** How the Price List spells EBS volume types in usage types: io1 is "piops", magnetic (standard) has no suffix. */
const EBS_USAGE_SUFFIX: Readonly<Record<string, string>> = { io1: '.piops', io2: '.io2', standard: '' };

export type RdsStorageType = 'gp2' | 'gp3' | 'io1' | 'io2';
/**
 * RDS storage usage types as the Price List spells them (Multi-AZ inserts "Multi-AZ-" after "RDS:"). gp3 storage and
 * IOPS: infracost/infracost internal/resources/aws/db_instance.go (RDS:GP3-Storage, RDS:GP3-PIOPS and their Multi-AZ
 * forms). io2 (RDS:PIOPS-Storage-IO2, RDS:IO2-PIOPS) and gp3 throughput (RDS:GP3-Throughput, RDS:Multi-AZ-GP3-Throughput):
 * public code that reads the RDS Price List, found with the search tool's code corpus on 2026-11-23 (a Price List row
 * mapper matching usage types ending PIOPS-Storage-IO2 / RDS:IO2-PIOPS / RDS:Multi-AZ-IO2-PIOPS, and an io1-to-gp3 savings
 * script reading the RDS bulk price list by ':GP3-Throughput' / ':Multi-AZ-GP3-Throughput', e.g. "use1-rds:gp3-throughput").
 */
const RDS_STORAGE_USAGE: Readonly<Record<RdsStorageType, string>> = { gp2: 'GP2-Storage', gp3: 'GP3-Storage', io1: 'PIOPS-Storage', io2: 'PIOPS-Storage-IO2' };

/** Filters are memoised by their arguments: the price book then resolves each one once, by identity. */
function memo<A extends unknown[]>(make: (...args: A) => PriceFilter): (...args: A) => PriceFilter {
  const cache = new Map<string, PriceFilter>();
  return (...args: A) => {
    const key = args.join('|');
    let f = cache.get(key);
    if (!f) cache.set(key, (f = make(...args)));
    return f;
  };
}

const factories = {
  ec2Instance: (instanceType: string, os: OperatingSystem): PriceFilter => ({
    serviceCode: 'AmazonEC2',
    productFamily: 'Compute Instance',
    attributes: { instanceType, operatingSystem: OS_NAMES[os], tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used', usagetype: usageType(`BoxUsage:${instanceType}`) },
    describe: `EC2 ${instanceType} on-demand (${OS_NAMES[os]}, shared tenancy)`,
  }),
  ebsStorage: (volumeType: string): PriceFilter => ({ serviceCode: 'AmazonEC2', productFamily: 'Storage', attributes: { usagetype: usageType(`EBS:VolumeUsage${EBS_USAGE_SUFFIX[volumeType] ?? `.${volumeType}`}`) }, describe: `EBS ${volumeType} storage` }),
  /** io1, or one of io2's three per-volume IOPS tiers. */
  ebsProvisionedIops: (volumeType: 'io1' | 'io2', tier: 1 | 2 | 3): PriceFilter => ({
    serviceCode: 'AmazonEC2',
    attributes: { usagetype: usageType(`EBS:VolumeP-IOPS${EBS_USAGE_SUFFIX[volumeType]}${tier > 1 ? `.tier${tier}` : ''}`) },
    describe: `EBS ${volumeType} provisioned IOPS${volumeType === 'io2' ? ` (tier ${tier})` : ''}`,
  }),
  ebsMagneticIo: (): PriceFilter => ({ serviceCode: 'AmazonEC2', attributes: { usagetype: usageType('EBS:VolumeIOUsage') }, describe: 'EBS magnetic (standard) I/O requests' }),
  /** T2/T3/T3a/T4g surplus credits in unlimited mode, per vCPU-hour. */
  cpuCredits: (family: string): PriceFilter => ({ serviceCode: 'AmazonEC2', productFamily: 'CPU Credits', attributes: { operatingSystem: 'Linux', usagetype: usageType(`CPUCredits:${family}`) }, describe: `${family.toUpperCase()} unlimited-mode CPU credits (Linux)` }),
  ebsGp3Iops: (): PriceFilter => ({ serviceCode: 'AmazonEC2', attributes: { usagetype: usageType('EBS:VolumeP-IOPS.gp3') }, describe: 'EBS gp3 provisioned IOPS' }),
  ebsGp3Throughput: (): PriceFilter => ({ serviceCode: 'AmazonEC2', attributes: { usagetype: usageType('EBS:VolumeP-Throughput.gp3') }, describe: 'EBS gp3 provisioned throughput' }),
  natHours: (): PriceFilter => ({ serviceCode: 'AmazonEC2', productFamily: 'NAT Gateway', attributes: { usagetype: usageType('NatGateway-Hours') }, describe: 'NAT gateway hours' }),
  natBytes: (): PriceFilter => ({ serviceCode: 'AmazonEC2', productFamily: 'NAT Gateway', attributes: { usagetype: usageType('NatGateway-Bytes') }, describe: 'NAT gateway data processed' }),
  publicIpv4: (): PriceFilter => ({ serviceCode: 'AmazonVPC', attributes: { usagetype: usageType('PublicIPv4:InUseAddress') }, describe: 'in-use public IPv4 address' }),
  albHours: (): PriceFilter => ({ serviceCode: 'AWSELB', productFamily: 'Load Balancer-Application', attributes: { usagetype: usageType('LoadBalancerUsage'), operation: 'LoadBalancing:Application' }, describe: 'Application Load Balancer hours' }),
  albLcu: (): PriceFilter => ({ serviceCode: 'AWSELB', productFamily: 'Load Balancer-Application', attributes: { usagetype: usageType('LCUUsage'), operation: 'LoadBalancing:Application' }, describe: 'Application Load Balancer capacity units' }),
  rdsInstance: (instanceClass: string, engine: string, multiAz: boolean): PriceFilter => ({
    serviceCode: 'AmazonRDS',
    productFamily: 'Database Instance',
    attributes: { instanceType: instanceClass, databaseEngine: engine, deploymentOption: multiAz ? 'Multi-AZ' : 'Single-AZ', usagetype: usageType(`${multiAz ? 'Multi-AZUsage' : 'InstanceUsage'}:${instanceClass}`) },
    describe: `RDS ${engine} ${instanceClass} ${multiAz ? 'Multi-AZ' : 'Single-AZ'}`,
  }),
  rdsStorage: (storageType: RdsStorageType, multiAz: boolean): PriceFilter => ({
    serviceCode: 'AmazonRDS',
    productFamily: 'Database Storage',
    attributes: { usagetype: usageType(`RDS:${multiAz ? 'Multi-AZ-' : ''}${RDS_STORAGE_USAGE[storageType]}`) },
    describe: `RDS ${storageType} storage (${multiAz ? 'Multi-AZ' : 'Single-AZ'})`,
  }),
  /** io1/io2 provisioned IOPS, or gp3 IOPS above the included baseline. */
  rdsProvisionedIops: (storageType: RdsStorageType, multiAz: boolean): PriceFilter => ({
    serviceCode: 'AmazonRDS',
    attributes: { usagetype: usageType(`RDS:${multiAz ? 'Multi-AZ-' : ''}${{ io1: 'PIOPS', io2: 'IO2-PIOPS', gp3: 'GP3-PIOPS', gp2: 'GP2-PIOPS' }[storageType]}`) },
    describe: `RDS ${storageType} provisioned IOPS (${multiAz ? 'Multi-AZ' : 'Single-AZ'})`,
  }),
  rdsGp3Throughput: (multiAz: boolean): PriceFilter => ({ serviceCode: 'AmazonRDS', attributes: { usagetype: usageType(`RDS:${multiAz ? 'Multi-AZ-' : ''}GP3-Throughput`) }, describe: `RDS gp3 provisioned throughput (${multiAz ? 'Multi-AZ' : 'Single-AZ'})` }),
  rdsBackup: (): PriceFilter => ({ serviceCode: 'AmazonRDS', attributes: { usagetype: usageType('RDS:ChargedBackupUsage') }, describe: 'RDS backup storage beyond the free allocation' }),
  lambdaRequests: (a: Architecture): PriceFilter => ({ serviceCode: 'AWSLambda', productFamily: 'Serverless', attributes: { usagetype: usageType(`Request${arm(a)}`) }, describe: `Lambda requests (${a})` }),
  lambdaDuration: (a: Architecture): PriceFilter => ({ serviceCode: 'AWSLambda', productFamily: 'Serverless', attributes: { usagetype: usageType(`Lambda-GB-Second${arm(a)}`) }, describe: `Lambda duration (${a})` }),
  lambdaEphemeralStorage: (a: Architecture): PriceFilter => ({ serviceCode: 'AWSLambda', productFamily: 'Serverless', attributes: { usagetype: usageType(`Lambda-Storage-Gb-Second${arm(a)}`) }, describe: `Lambda ephemeral storage (${a})` }),
  lambdaProvisionedConcurrency: (a: Architecture): PriceFilter => ({ serviceCode: 'AWSLambda', productFamily: 'Serverless', attributes: { usagetype: usageType(`Lambda-Provisioned-Concurrency${arm(a)}`) }, describe: `Lambda provisioned concurrency (${a})` }),
  lambdaProvisionedDuration: (a: Architecture): PriceFilter => ({ serviceCode: 'AWSLambda', productFamily: 'Serverless', attributes: { usagetype: usageType(`Lambda-Provisioned-GB-Second${arm(a)}`) }, describe: `Lambda duration on provisioned concurrency (${a})` }),
  httpApiRequests: (): PriceFilter => ({ serviceCode: 'AmazonApiGateway', productFamily: 'API Calls', attributes: { usagetype: usageType('ApiGatewayHttpRequest'), operation: 'ApiGatewayHttpApi' }, describe: 'API Gateway HTTP API requests' }),
  restApiRequests: (): PriceFilter => ({ serviceCode: 'AmazonApiGateway', productFamily: 'API Calls', attributes: { usagetype: usageType('ApiGatewayRequest'), operation: 'ApiGatewayRequest' }, describe: 'API Gateway REST API requests' }),
  dynamoWrites: (): PriceFilter => ({ serviceCode: 'AmazonDynamoDB', productFamily: 'Amazon DynamoDB PayPerRequest Throughput', attributes: { usagetype: usageType('WriteRequestUnits') }, describe: 'DynamoDB on-demand write request units' }),
  dynamoReads: (): PriceFilter => ({ serviceCode: 'AmazonDynamoDB', productFamily: 'Amazon DynamoDB PayPerRequest Throughput', attributes: { usagetype: usageType('ReadRequestUnits') }, describe: 'DynamoDB on-demand read request units' }),
  dynamoStorage: (): PriceFilter => ({ serviceCode: 'AmazonDynamoDB', productFamily: 'Database Storage', attributes: { usagetype: usageType('TimedStorage-ByteHrs') }, describe: 'DynamoDB table storage' }),
  dynamoPitr: (): PriceFilter => ({ serviceCode: 'AmazonDynamoDB', productFamily: 'Database Storage', attributes: { usagetype: usageType('TimedPITRStorage-ByteHrs') }, describe: 'DynamoDB point-in-time recovery storage' }),
  s3StandardStorage: (): PriceFilter => ({ serviceCode: 'AmazonS3', productFamily: 'Storage', attributes: { volumeType: 'Standard', usagetype: usageType('TimedStorage-ByteHrs') }, describe: 'S3 Standard storage' }),
  s3Tier1Requests: (): PriceFilter => ({ serviceCode: 'AmazonS3', productFamily: 'API Request', attributes: { usagetype: usageType('Requests-Tier1') }, describe: 'S3 PUT/COPY/POST/LIST requests' }),
  s3Tier2Requests: (): PriceFilter => ({ serviceCode: 'AmazonS3', productFamily: 'API Request', attributes: { usagetype: usageType('Requests-Tier2') }, describe: 'S3 GET and other requests' }),
  sqsRequests: (fifo: boolean): PriceFilter => ({ serviceCode: 'AWSQueueService', productFamily: 'API Request', attributes: { usagetype: usageType(fifo ? 'Requests-FIFO-Tier1' : 'Requests-Tier1') }, describe: `SQS ${fifo ? 'FIFO' : 'Standard'} requests` }),
  cognitoMau: (tier: 'LITE' | 'ESSENTIALS' | 'PLUS'): PriceFilter => {
    const name = { LITE: 'Lite', ESSENTIALS: 'Essentials', PLUS: 'Plus' }[tier];
    return { serviceCode: 'AmazonCognito', attributes: { usagetype: usageType(`Cognito${name}MAU`) }, describe: `Cognito ${name} monthly active users` };
  },
  cloudwatchAlarm: (highResolution: boolean): PriceFilter => ({ serviceCode: 'AmazonCloudWatch', productFamily: 'Alarm', attributes: { usagetype: usageType(highResolution ? 'CW:HighResAlarmMonitorUsage' : 'CW:AlarmMonitorUsage') }, describe: `CloudWatch ${highResolution ? 'high' : 'standard'}-resolution alarm` }),
  cloudwatchMetrics: (): PriceFilter => ({ serviceCode: 'AmazonCloudWatch', productFamily: 'Metric', attributes: { usagetype: usageType('CW:MetricMonitorUsage') }, describe: 'CloudWatch custom metrics' }),
  /** Lambda's own logs in CloudWatch Logs: priced as vended logs, in volume tiers, since 2025-05-01 (pricing-cache/authoring/authored-prices.ts). */
  lambdaLogsIngestion: (): PriceFilter => ({ serviceCode: 'AmazonCloudWatch', productFamily: 'Data Payload', attributes: { usagetype: usageType('VendedLog-Bytes') }, describe: 'CloudWatch Logs ingestion of Lambda logs (vended logs)' }),
  cloudwatchLogsIngestion: (): PriceFilter => ({ serviceCode: 'AmazonCloudWatch', attributes: { usagetype: usageType('DataProcessing-Bytes'), operation: 'PutLogEvents' }, describe: 'CloudWatch Logs ingestion' }),
  cloudwatchLogsStorage: (): PriceFilter => ({ serviceCode: 'AmazonCloudWatch', attributes: { usagetype: usageType('TimedStorage-ByteHrs') }, describe: 'CloudWatch Logs archival storage' }),
  dataTransferOut: (): PriceFilter => ({ serviceCode: 'AWSDataTransfer', attributes: { usagetype: usageType('DataTransfer-Out-Bytes') }, describe: 'data transfer out to the internet' }),
  kmsKey: (): PriceFilter => ({ serviceCode: 'awskms', attributes: { usagetype: /KMS-Keys$/ }, describe: 'KMS customer managed key' }),
  secretsManagerApiRequests: (): PriceFilter => ({ serviceCode: 'AWSSecretsManager', attributes: { usagetype: usageType('AWSSecretsManager-APIRequest') }, describe: 'Secrets Manager API requests' }),
  snsRequests: (): PriceFilter => ({ serviceCode: 'AmazonSNS', productFamily: 'API Request', attributes: { usagetype: usageType('Requests-Tier1') }, describe: 'SNS publish requests' }),
  /** SNS deliveries by endpoint: HTTP (HTTP/HTTPS) or SMTP (email/email-json). */
  snsDeliveries: (endpoint: 'HTTP' | 'SMTP'): PriceFilter => ({ serviceCode: 'AmazonSNS', productFamily: 'Message Delivery', attributes: { usagetype: usageType(`DeliveryAttempts-${endpoint}`) }, describe: `SNS ${endpoint === 'SMTP' ? 'email' : 'HTTP/HTTPS'} notifications` }),
  secret: (): PriceFilter => ({ serviceCode: 'AWSSecretsManager', attributes: { usagetype: usageType('AWSSecretsManager-Secrets') }, describe: 'Secrets Manager secret' }),
};

type Factories = typeof factories;
export const priceFilters = Object.fromEntries(Object.entries(factories).map(([k, f]) => [k, memo(f as (...a: unknown[]) => PriceFilter)])) as unknown as Factories;
