/**
 * The authored snapshot: AWS public on-demand list prices transcribed from AWS's pricing pages
 * into the Price List API's own vocabulary, for the three regions archcompare ships. It exists
 * because this repository is built without network access to the Price List API; the moment you
 * have credentials, `archcompare pricing refresh --region R` replaces a region's file with the
 * API's answer, and that is the file to trust.
 *
 * Regenerate the JSON files after editing this table: `npx tsx pricing-cache/authoring/generate.ts`.
 *
 * Sources (public pricing pages, read for prices in effect on PRICES_AS_OF):
 *   EC2 on-demand ............ https://aws.amazon.com/ec2/pricing/on-demand/
 *   EBS ...................... https://aws.amazon.com/ebs/pricing/
 *   NAT gateway .............. https://aws.amazon.com/vpc/pricing/
 *   Public IPv4 .............. https://aws.amazon.com/vpc/pricing/ (Public IPv4 Address tab; $0.005/h since 2024-02-01)
 *   ALB ...................... https://aws.amazon.com/elasticloadbalancing/pricing/
 *   RDS for PostgreSQL ....... https://aws.amazon.com/rds/postgresql/pricing/
 *   Lambda ................... https://aws.amazon.com/lambda/pricing/
 *   API Gateway .............. https://aws.amazon.com/api-gateway/pricing/
 *   DynamoDB on-demand ....... https://aws.amazon.com/dynamodb/pricing/on-demand/ (50% cut effective 2024-11-01)
 *   S3 ....................... https://aws.amazon.com/s3/pricing/
 *   SQS ...................... https://aws.amazon.com/sqs/pricing/
 *   Cognito .................. https://aws.amazon.com/cognito/pricing/ (Lite/Essentials/Plus tiers since 2024-11-22)
 *   CloudWatch ............... https://aws.amazon.com/cloudwatch/pricing/
 *   Data transfer out ........ https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer
 *   KMS ...................... https://aws.amazon.com/kms/pricing/
 *   Secrets Manager .......... https://aws.amazon.com/secrets-manager/pricing/
 *   SNS ...................... https://aws.amazon.com/sns/pricing/
 *   EC2/RDS instance families  pricing-cache/authoring/compute-prices.ts (the family-rate rule and its source)
 *
 * Tiered prices, each checked against its page at both sides of every boundary by test/pricing/tiers.test.ts
 * (which transcribes the rate cards itself): Lambda duration x86 (6B / 15B GB-s) and Arm (7.5B / 18.75B, per
 * https://aws.amazon.com/blogs/compute/introducing-tiered-pricing-for-aws-lambda/), HTTP API (300M), REST API
 * (333M / 1B / 20B), data transfer out (10 / 50 / 150 TB of 1,024 GB), S3 Standard (50 / 500 TB), CloudWatch
 * custom metrics (10K / 250K / 1M), and Lambda's own logs delivered to CloudWatch Logs (vended logs, us-east-1:
 * 10 / 30 / 50 TB, see LAMBDA_LOG_TIERS). Other CloudWatch Logs Standard ingestion and archival are flat.
 *
 * Entries are left out, not guessed, where the regional price was not known: asking the engine
 * for one of them fails with "no price for … run archcompare pricing refresh", never a zero.
 * Lower-confidence transcriptions (refresh before relying on them): ap-southeast-1 RDS instance
 * and storage prices, eu-west-1 / ap-southeast-1 HTTP API and REST tiers beyond the first, and the
 * eu-west-1 / ap-southeast-1 DynamoDB PITR prices. us-east-1 and every Lambda price are the
 * best-established figures.
 */

import { Decimal } from '../../src/pricing/money.js';
import { ec2HourlyPrices, rdsHourlyPrices } from './compute-prices.js';

export const PRICES_AS_OF = '2025-06-01';

type Tier = readonly [begin: string, end: string, usd: string];
type Region = import('./compute-prices.js').Region;

export interface AuthoredProduct {
  sku?: string;
  serviceCode: string;
  productFamily: string;
  /** usagetype without the region prefix; `prefix` says how the region writes it. */
  usageType: string;
  prefix: 'legacy' | 'coded' | 'kms';
  operation: string;
  unit: string;
  description: string;
  attributes?: Record<string, string>;
  tiers: readonly Tier[];
  effectiveDate?: string;
  source: string;
}

const PAGE = {
  ec2: 'https://aws.amazon.com/ec2/pricing/on-demand/',
  ebs: 'https://aws.amazon.com/ebs/pricing/',
  vpc: 'https://aws.amazon.com/vpc/pricing/',
  elb: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
  rds: 'https://aws.amazon.com/rds/postgresql/pricing/',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  apigw: 'https://aws.amazon.com/api-gateway/pricing/',
  ddb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  s3: 'https://aws.amazon.com/s3/pricing/',
  sqs: 'https://aws.amazon.com/sqs/pricing/',
  cognito: 'https://aws.amazon.com/cognito/pricing/',
  cw: 'https://aws.amazon.com/cloudwatch/pricing/',
  dt: 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer',
  kms: 'https://aws.amazon.com/kms/pricing/',
  sm: 'https://aws.amazon.com/secrets-manager/pricing/',
  sns: 'https://aws.amazon.com/sns/pricing/',
};

const flat = (usd: string): Tier[] => [['0', 'Inf', usd]];

/** EC2 and RDS instance hours: per family and size, by the rule or transcribed per size (compute-prices.ts). */
const LOWER_CONFIDENCE = ' (lower-confidence transcription: refresh before relying on it)';

/**
 * Surplus CPU credits of T instances in unlimited mode, Linux, $ per vCPU-hour: T2, T3 and T3a $0.05, T4g $0.04,
 * the same in every region (https://aws.amazon.com/ec2/pricing/on-demand/#T2.2FT3.2FT4g_Unlimited_Mode_Pricing;
 * the T3/T2 rate is also Infracost's golden output, 600 vCPU-hours $30.00 and 1,460 vCPU-hours $73.00, and the
 * T4g rate is quoted from that page in https://gitlab.com/gitlab-org/ci-cd/docker-machine/-/merge_requests/118).
 */
const CPU_CREDITS: Readonly<Record<string, string>> = { t2: '0.05', t3: '0.05', t3a: '0.05', t4g: '0.04' };

interface RegionalScalars {
  gp3: string; gp2: string; gp3Iops: string; gp3Throughput: string;
  /** io1 and io2 GB-month and IOPS-month; io2 IOPS in its three per-volume tiers (up to 32,000, to 64,000, above). */
  io1: string; io1Iops: string; io2: string; io2Iops: readonly [string, string, string];
  st1: string; sc1: string; magnetic: string; magneticIoPerMillion: string;
  /** RDS io1/io2 GB-month and IOPS-month, gp3 IOPS-month and MiB/s-month above the included baseline: Single-AZ (Multi-AZ is twice). */
  rdsIo1: string; rdsIo1Iops: string; rdsGp3Iops: string; rdsGp3Throughput: string;
  natHour: string; natGb: string;
  albHour: string; albLcu: string;
  rdsGp3: readonly [string, string]; rdsGp2: readonly [string, string]; rdsBackup: string;
  httpApi: readonly Tier[]; restApi: readonly Tier[];
  ddbWru: string; ddbRru: string; ddbStorage: string; ddbPitr: string;
  s3Standard: readonly Tier[]; s3Tier1: string; s3Tier2: string;
  cwLogsIngest: string; cwLogsStorage: string;
  /** Lambda logs delivered to CloudWatch Logs (vended-log tiers); absent where only the first tier's rate is known. */
  lambdaLogsIngest?: readonly Tier[];
  dataTransferOut: readonly Tier[];
  lambdaEphemeral?: string;
}

/**
 * Lambda's logs in CloudWatch Logs (Standard class) are priced as vended logs since 2025-05-01, in tiers per account and
 * month: us-east-1 first 10 TB $0.50/GB, next 20 TB $0.25, next 20 TB $0.10, over 50 TB $0.05 (1 TB = 1,024 GB, as the
 * Price List's GB ranges count). Page: https://aws.amazon.com/cloudwatch/pricing/ (Vended Logs); checked against the
 * worked example in https://www.duckbillgroup.com/?p=9080 (read 2026-11-23): 60 TB a month of Lambda logs cost $30,000
 * at the old flat $0.50 and $12,500 in these tiers (its TB = 1,000 GB: 5,000 + 5,000 + 2,000 + 500), and "the first
 * tier is priced the same as the old CloudWatch Logs flat rate". Only Lambda's log groups; other groups stay flat.
 */
const LAMBDA_LOG_TIERS_US_EAST_1: readonly Tier[] = [['0', '10240', '0.50'], ['10240', '30720', '0.25'], ['30720', '51200', '0.10'], ['51200', 'Inf', '0.05']];

const REGIONAL: Record<Region, RegionalScalars> = {
  'us-east-1': {
    gp3: '0.08', gp2: '0.10', gp3Iops: '0.005', gp3Throughput: '0.04',
    io1: '0.125', io1Iops: '0.065', io2: '0.125', io2Iops: ['0.065', '0.0455', '0.032'], st1: '0.045', sc1: '0.015', magnetic: '0.05', magneticIoPerMillion: '0.05',
    rdsIo1: '0.125', rdsIo1Iops: '0.10', rdsGp3Iops: '0.02', rdsGp3Throughput: '0.08',
    natHour: '0.045', natGb: '0.045',
    albHour: '0.0225', albLcu: '0.008',
    rdsGp3: ['0.115', '0.23'], rdsGp2: ['0.115', '0.23'], rdsBackup: '0.095',
    httpApi: [['0', '300000000', '0.0000010000'], ['300000000', 'Inf', '0.0000009000']],
    restApi: [['0', '333000000', '0.0000035000'], ['333000000', '1000000000', '0.0000028000'], ['1000000000', '20000000000', '0.0000023800'], ['20000000000', 'Inf', '0.0000015100']],
    ddbWru: '0.000000625', ddbRru: '0.000000125', ddbStorage: '0.25', ddbPitr: '0.20',
    s3Standard: [['0', '51200', '0.023'], ['51200', '512000', '0.022'], ['512000', 'Inf', '0.021']], s3Tier1: '0.000005', s3Tier2: '0.0000004',
    cwLogsIngest: '0.50', cwLogsStorage: '0.03', lambdaLogsIngest: LAMBDA_LOG_TIERS_US_EAST_1,
    dataTransferOut: [['0', '10240', '0.09'], ['10240', '51200', '0.085'], ['51200', '153600', '0.07'], ['153600', 'Inf', '0.05']],
    lambdaEphemeral: '0.0000000309',
  },
  'eu-west-1': {
    gp3: '0.088', gp2: '0.11', gp3Iops: '0.0055', gp3Throughput: '0.044',
    io1: '0.138', io1Iops: '0.072', io2: '0.138', io2Iops: ['0.072', '0.0504', '0.0353'], st1: '0.05', sc1: '0.0168', magnetic: '0.055', magneticIoPerMillion: '0.055',
    rdsIo1: '0.138', rdsIo1Iops: '0.11', rdsGp3Iops: '0.022', rdsGp3Throughput: '0.088',
    natHour: '0.048', natGb: '0.048',
    albHour: '0.0252', albLcu: '0.008',
    rdsGp3: ['0.127', '0.254'], rdsGp2: ['0.127', '0.254'], rdsBackup: '0.095',
    httpApi: [['0', '300000000', '0.0000011100'], ['300000000', 'Inf', '0.0000010000']],
    restApi: [['0', '333000000', '0.0000035000'], ['333000000', '1000000000', '0.0000031900'], ['1000000000', '20000000000', '0.0000027100'], ['20000000000', 'Inf', '0.0000017200']],
    ddbWru: '0.0000007068', ddbRru: '0.0000001413', ddbStorage: '0.283', ddbPitr: '0.2264',
    s3Standard: [['0', '51200', '0.023'], ['51200', '512000', '0.022'], ['512000', 'Inf', '0.021']], s3Tier1: '0.000005', s3Tier2: '0.0000004',
    cwLogsIngest: '0.57', cwLogsStorage: '0.03',
    dataTransferOut: [['0', '10240', '0.09'], ['10240', '51200', '0.085'], ['51200', '153600', '0.07'], ['153600', 'Inf', '0.05']],
  },
  'ap-southeast-1': {
    gp3: '0.096', gp2: '0.12', gp3Iops: '0.006', gp3Throughput: '0.048',
    io1: '0.138', io1Iops: '0.072', io2: '0.138', io2Iops: ['0.072', '0.0504', '0.0353'], st1: '0.054', sc1: '0.018', magnetic: '0.05', magneticIoPerMillion: '0.05',
    rdsIo1: '0.15', rdsIo1Iops: '0.12', rdsGp3Iops: '0.024', rdsGp3Throughput: '0.096',
    natHour: '0.059', natGb: '0.059',
    albHour: '0.0252', albLcu: '0.008',
    rdsGp3: ['0.138', '0.276'], rdsGp2: ['0.138', '0.276'], rdsBackup: '0.095',
    httpApi: [['0', '300000000', '0.0000012000'], ['300000000', 'Inf', '0.0000010800']],
    restApi: [['0', '333000000', '0.0000035000'], ['333000000', '1000000000', '0.0000028000'], ['1000000000', '20000000000', '0.0000023800'], ['20000000000', 'Inf', '0.0000015100']],
    ddbWru: '0.0000007125', ddbRru: '0.0000001425', ddbStorage: '0.285', ddbPitr: '0.228',
    s3Standard: [['0', '51200', '0.025'], ['51200', '512000', '0.024'], ['512000', 'Inf', '0.023']], s3Tier1: '0.000005', s3Tier2: '0.0000004',
    cwLogsIngest: '0.70', cwLogsStorage: '0.033',
    dataTransferOut: [['0', '10240', '0.12'], ['10240', '51200', '0.085'], ['51200', '153600', '0.082'], ['153600', 'Inf', '0.08']],
  },
};

/** SKUs quoted where they are known from published Price List output (us-east-1); others are left out. */
const KNOWN_SKUS: Record<string, string> = {
  'us-east-1|AmazonApiGateway|ApiGatewayHttpRequest': 'FC2TWT2UEPTBKVBX',
  'us-east-1|AmazonApiGateway|ApiGatewayRequest': 'KKDZ3TFSXUSMCZ3A',
  'us-east-1|AWSDataTransfer|DataTransfer-Out-Bytes': 'HQEH3ZWJVT46JHRG',
};

/**
 * Lambda's on-demand duration tiers, per architecture, region and account (https://aws.amazon.com/lambda/pricing/,
 * and the launch post https://aws.amazon.com/blogs/compute/introducing-tiered-pricing-for-aws-lambda/):
 * x86 first 6 billion GB-s a month, next 9 billion, over 15 billion; Arm its own bounds, first 7.5 billion,
 * next 11.25 billion, over 18.75 billion (the same 10% and 20% discounts, at bounds 25% higher).
 */
const LAMBDA_DURATION_BOUNDS = { x86_64: ['6000000000', '15000000000'], arm64: ['7500000000', '18750000000'] } as const;
const lambdaTiers = (arch: keyof typeof LAMBDA_DURATION_BOUNDS, a: string, b: string, c: string): Tier[] => {
  const [first, second] = LAMBDA_DURATION_BOUNDS[arch];
  return [['0', first, a], [first, second, b], [second, 'Inf', c]];
};

export function authoredProducts(region: Region): AuthoredProduct[] {
  const r = REGIONAL[region];
  const out: AuthoredProduct[] = [];
  for (const { name: instanceType, usd, how, lowerConfidence } of ec2HourlyPrices(region)) {
    out.push({
      serviceCode: 'AmazonEC2', productFamily: 'Compute Instance', usageType: `BoxUsage:${instanceType}`, prefix: 'legacy', operation: 'RunInstances', unit: 'Hrs',
      description: `$${usd} per On Demand Linux ${instanceType} Instance Hour (${how})${lowerConfidence ? LOWER_CONFIDENCE : ''}`,
      attributes: { instanceType, operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used', licenseModel: 'No License required', marketoption: 'OnDemand' },
      tiers: flat(usd), source: PAGE.ec2,
    });
  }
  for (const [family, usd] of Object.entries(CPU_CREDITS))
    out.push({ serviceCode: 'AmazonEC2', productFamily: 'CPU Credits', usageType: `CPUCredits:${family}`, prefix: 'legacy', operation: '', unit: 'vCPU-Hours', description: `$${usd} per vCPU-Hour of ${family.toUpperCase()} surplus CPU credits in unlimited mode (Linux)`, attributes: { operatingSystem: 'Linux', instanceFamily: family }, tiers: flat(usd), source: `${PAGE.ec2}#T2.2FT3.2FT4g_Unlimited_Mode_Pricing` });
  const ebs = (usageType: string, productFamily: string, unit: string, usd: string, what: string, attributes: Record<string, string>, tiers?: Tier[]): AuthoredProduct => ({ serviceCode: 'AmazonEC2', productFamily, usageType, prefix: 'legacy', operation: '', unit, description: `$${usd} ${what}`, attributes, tiers: tiers ?? flat(usd), source: PAGE.ebs });
  out.push(
    ebs('EBS:VolumeUsage.piops', 'Storage', 'GB-Mo', r.io1, 'per GB-month of Provisioned IOPS SSD (io1) provisioned storage', { volumeApiName: 'io1', volumeType: 'Provisioned IOPS' }),
    ebs('EBS:VolumeP-IOPS.piops', 'System Operation', 'IOPS-Mo', r.io1Iops, 'per IOPS-month provisioned (io1)', { volumeApiName: 'io1', group: 'EBS IOPS' }),
    ebs('EBS:VolumeUsage.io2', 'Storage', 'GB-Mo', r.io2, 'per GB-month of Provisioned IOPS SSD (io2) provisioned storage', { volumeApiName: 'io2', volumeType: 'Provisioned IOPS' }),
    ebs('EBS:VolumeP-IOPS.io2', 'System Operation', 'IOPS-Mo', r.io2Iops[0], 'per IOPS-month provisioned (io2), up to 32,000 IOPS per volume', { volumeApiName: 'io2', group: 'EBS IOPS' }),
    ebs('EBS:VolumeP-IOPS.io2.tier2', 'System Operation', 'IOPS-Mo', r.io2Iops[1], 'per IOPS-month provisioned (io2), from 32,001 to 64,000 IOPS per volume', { volumeApiName: 'io2', group: 'EBS IOPS Tier 2' }),
    ebs('EBS:VolumeP-IOPS.io2.tier3', 'System Operation', 'IOPS-Mo', r.io2Iops[2], 'per IOPS-month provisioned (io2), above 64,000 IOPS per volume', { volumeApiName: 'io2', group: 'EBS IOPS Tier 3' }),
    ebs('EBS:VolumeUsage.st1', 'Storage', 'GB-Mo', r.st1, 'per GB-month of Throughput Optimized HDD (st1) provisioned storage', { volumeApiName: 'st1', volumeType: 'Throughput Optimized HDD' }),
    ebs('EBS:VolumeUsage.sc1', 'Storage', 'GB-Mo', r.sc1, 'per GB-month of Cold HDD (sc1) provisioned storage', { volumeApiName: 'sc1', volumeType: 'Cold HDD' }),
    ebs('EBS:VolumeUsage', 'Storage', 'GB-Mo', r.magnetic, 'per GB-month of Magnetic (standard) provisioned storage', { volumeApiName: 'standard', volumeType: 'Magnetic' }),
    ebs('EBS:VolumeIOUsage', 'System Operation', 'IOs', new Decimal(r.magneticIoPerMillion).div(1e6).toFixed(), `(\$${r.magneticIoPerMillion} per 1 million) I/O requests, Magnetic (standard) volumes`, { volumeApiName: 'standard', group: 'EBS I/O Requests' }),
  );
  out.push(
    { serviceCode: 'AmazonEC2', productFamily: 'Storage', usageType: 'EBS:VolumeUsage.gp3', prefix: 'legacy', operation: '', unit: 'GB-Mo', description: `$${r.gp3} per GB-month of General Purpose (gp3) provisioned storage`, attributes: { volumeApiName: 'gp3', volumeType: 'General Purpose' }, tiers: flat(r.gp3), source: PAGE.ebs },
    { serviceCode: 'AmazonEC2', productFamily: 'Storage', usageType: 'EBS:VolumeUsage.gp2', prefix: 'legacy', operation: '', unit: 'GB-Mo', description: `$${r.gp2} per GB-month of General Purpose SSD (gp2) provisioned storage`, attributes: { volumeApiName: 'gp2', volumeType: 'General Purpose' }, tiers: flat(r.gp2), source: PAGE.ebs },
    { serviceCode: 'AmazonEC2', productFamily: 'System Operation', usageType: 'EBS:VolumeP-IOPS.gp3', prefix: 'legacy', operation: '', unit: 'IOPS-Mo', description: `$${r.gp3Iops} per IOPS-month provisioned above 3,000 (gp3)`, attributes: { volumeApiName: 'gp3', group: 'EBS IOPS' }, tiers: flat(r.gp3Iops), source: PAGE.ebs },
    { serviceCode: 'AmazonEC2', productFamily: 'Provisioned Throughput', usageType: 'EBS:VolumeP-Throughput.gp3', prefix: 'legacy', operation: '', unit: 'MiBps-Mo', description: `$${r.gp3Throughput} per MiB/s-month provisioned above 125 MiB/s (gp3)`, attributes: { volumeApiName: 'gp3', group: 'EBS Throughput' }, tiers: flat(r.gp3Throughput), source: PAGE.ebs },
    { serviceCode: 'AmazonEC2', productFamily: 'NAT Gateway', usageType: 'NatGateway-Hours', prefix: 'legacy', operation: 'NatGateway', unit: 'Hrs', description: `$${r.natHour} per NAT Gateway Hour`, attributes: { group: 'NGW:NatGateway' }, tiers: flat(r.natHour), source: PAGE.vpc },
    { serviceCode: 'AmazonEC2', productFamily: 'NAT Gateway', usageType: 'NatGateway-Bytes', prefix: 'legacy', operation: 'NatGateway', unit: 'GB', description: `$${r.natGb} per GB Data Processed by NAT Gateways`, attributes: { group: 'NGW:NatGateway' }, tiers: flat(r.natGb), source: PAGE.vpc },
    { serviceCode: 'AmazonVPC', productFamily: 'VPC Public IPv4 Address', usageType: 'PublicIPv4:InUseAddress', prefix: 'coded', operation: '', unit: 'Hrs', description: '$0.005 per In-use public IPv4 address per hour', tiers: flat('0.005'), effectiveDate: '2024-02-01', source: PAGE.vpc },
    { serviceCode: 'AWSELB', productFamily: 'Load Balancer-Application', usageType: 'LoadBalancerUsage', prefix: 'legacy', operation: 'LoadBalancing:Application', unit: 'Hrs', description: `$${r.albHour} per Application LoadBalancer-hour (or partial hour)`, tiers: flat(r.albHour), source: PAGE.elb },
    { serviceCode: 'AWSELB', productFamily: 'Load Balancer-Application', usageType: 'LCUUsage', prefix: 'legacy', operation: 'LoadBalancing:Application', unit: 'LCU-Hrs', description: `$${r.albLcu} per used Application load balancer capacity unit-hour (or partial hour)`, tiers: flat(r.albLcu), source: PAGE.elb },
  );
  for (const { name: instanceClass, singleAz, multiAz, how, lowerConfidence } of rdsHourlyPrices(region)) {
    for (const [deploymentOption, usd, usage] of [['Single-AZ', singleAz, 'InstanceUsage'], ['Multi-AZ', multiAz, 'Multi-AZUsage']] as const) {
      out.push({
        serviceCode: 'AmazonRDS', productFamily: 'Database Instance', usageType: `${usage}:${instanceClass}`, prefix: 'legacy', operation: 'CreateDBInstance:0014', unit: 'Hrs',
        description: `$${usd} per RDS ${instanceClass} ${deploymentOption} instance hour (or partial hour) running PostgreSQL (${how})${lowerConfidence ? LOWER_CONFIDENCE : ''}`,
        attributes: { instanceType: instanceClass, databaseEngine: 'PostgreSQL', deploymentOption, licenseModel: 'No license required' }, tiers: flat(usd), source: PAGE.rds,
      });
    }
  }
  // io1/io2 storage and IOPS, gp3 IOPS and throughput above the included baseline; Multi-AZ is twice (https://aws.amazon.com/rds/postgresql/pricing/).
  for (const [deploymentOption, times, prefix] of [['Single-AZ', 1, ''], ['Multi-AZ', 2, 'Multi-AZ-']] as const) {
    const usd = (v: string) => new Decimal(v).mul(times).toFixed();
    const rds = (usageType: string, productFamily: string, unit: string, v: string, what: string, attributes: Record<string, string>): AuthoredProduct => ({ serviceCode: 'AmazonRDS', productFamily, usageType: `RDS:${prefix}${usageType}`, prefix: 'legacy', operation: 'CreateDBInstance:0014', unit, description: `$${usd(v)} ${what} (${deploymentOption})${region === 'us-east-1' ? '' : LOWER_CONFIDENCE}`, attributes: { databaseEngine: 'PostgreSQL', deploymentOption, ...attributes }, tiers: flat(usd(v)), source: PAGE.rds });
    out.push(
      rds('PIOPS-Storage', 'Database Storage', 'GB-Mo', r.rdsIo1, 'per GB-month of Provisioned IOPS (io1) storage', { volumeType: 'Provisioned IOPS' }),
      rds('PIOPS', 'Provisioned IOPS', 'IOPS-Mo', r.rdsIo1Iops, 'per IOPS-month of Provisioned IOPS (io1)', { group: 'RDS-PIOPS' }),
      rds('PIOPS-Storage-IO2', 'Database Storage', 'GB-Mo', r.rdsIo1, 'per GB-month of Provisioned IOPS (io2) storage', { volumeType: 'Provisioned IOPS-IO2' }),
      rds('IO2-PIOPS', 'Provisioned IOPS', 'IOPS-Mo', r.rdsIo1Iops, 'per IOPS-month of Provisioned IOPS (io2)', { group: 'RDS-PIOPS-IO2' }),
      rds('GP3-PIOPS', 'Provisioned IOPS', 'IOPS-Mo', r.rdsGp3Iops, 'per IOPS-month of gp3 IOPS provisioned above the included baseline', { group: 'RDS Provisioned GP3 IOPS' }),
      rds('GP3-Throughput', 'Provisioned Throughput', 'MiBps-Mo', r.rdsGp3Throughput, 'per MiB/s-month of gp3 throughput provisioned above the included baseline', { group: 'RDS Provisioned GP3 Throughput' }),
    );
  }
  for (const [volume, [single, multi]] of [['GP3', r.rdsGp3], ['GP2', r.rdsGp2]] as const) {
    out.push(
      { serviceCode: 'AmazonRDS', productFamily: 'Database Storage', usageType: `RDS:${volume}-Storage`, prefix: 'legacy', operation: 'CreateDBInstance:0014', unit: 'GB-Mo', description: `$${single} per GB-month of ${volume.toLowerCase()} storage for Single-AZ PostgreSQL`, attributes: { volumeType: `General Purpose${volume === 'GP3' ? '-GP3' : ''}`, databaseEngine: 'PostgreSQL', deploymentOption: 'Single-AZ' }, tiers: flat(single), source: PAGE.rds },
      { serviceCode: 'AmazonRDS', productFamily: 'Database Storage', usageType: `RDS:Multi-AZ-${volume}-Storage`, prefix: 'legacy', operation: 'CreateDBInstance:0014', unit: 'GB-Mo', description: `$${multi} per GB-month of ${volume.toLowerCase()} storage for Multi-AZ PostgreSQL`, attributes: { volumeType: `General Purpose${volume === 'GP3' ? '-GP3' : ''}`, databaseEngine: 'PostgreSQL', deploymentOption: 'Multi-AZ' }, tiers: flat(multi), source: PAGE.rds },
    );
  }
  out.push(
    { serviceCode: 'AmazonRDS', productFamily: 'Storage Snapshot', usageType: 'RDS:ChargedBackupUsage', prefix: 'legacy', operation: '', unit: 'GB-Mo', description: `$${r.rdsBackup} per additional GB-month of backup storage exceeding free allocation`, tiers: flat(r.rdsBackup), source: PAGE.rds },
    // Lambda: same list prices in all three regions.
    { serviceCode: 'AWSLambda', productFamily: 'Serverless', usageType: 'Request', prefix: 'legacy', operation: 'Invoke', unit: 'Requests', description: 'AWS Lambda - Requests ($0.20 per 1M requests, x86)', attributes: { group: 'AWS-Lambda-Requests' }, tiers: flat('0.0000002000'), source: PAGE.lambda },
    { serviceCode: 'AWSLambda', productFamily: 'Serverless', usageType: 'Request-ARM', prefix: 'legacy', operation: 'Invoke', unit: 'Requests', description: 'AWS Lambda - Requests ($0.20 per 1M requests, Arm)', attributes: { group: 'AWS-Lambda-Requests-ARM' }, tiers: flat('0.0000002000'), source: PAGE.lambda },
    { serviceCode: 'AWSLambda', productFamily: 'Serverless', usageType: 'Lambda-GB-Second', prefix: 'legacy', operation: 'Invoke', unit: 'Lambda-GB-Second', description: 'AWS Lambda - Total Compute (x86): first 6B, next 9B, over 15B GB-seconds/month', attributes: { group: 'AWS-Lambda-Duration' }, tiers: lambdaTiers('x86_64', '0.0000166667', '0.0000150000', '0.0000133334'), source: PAGE.lambda },
    { serviceCode: 'AWSLambda', productFamily: 'Serverless', usageType: 'Lambda-GB-Second-ARM', prefix: 'legacy', operation: 'Invoke', unit: 'Lambda-GB-Second', description: 'AWS Lambda - Total Compute (Arm): first 7.5B, next 11.25B, over 18.75B GB-seconds/month', attributes: { group: 'AWS-Lambda-Duration-ARM' }, tiers: lambdaTiers('arm64', '0.0000133334', '0.0000120001', '0.0000106667'), source: PAGE.lambda },
    { serviceCode: 'AWSLambda', productFamily: 'Serverless', usageType: 'Lambda-Provisioned-Concurrency', prefix: 'legacy', operation: 'Invoke', unit: 'Lambda-GB-Second', description: 'AWS Lambda - Provisioned Concurrency (x86)', attributes: { group: 'AWS-Lambda-Provisioned-Concurrency' }, tiers: flat('0.0000041667'), source: PAGE.lambda },
    { serviceCode: 'AWSLambda', productFamily: 'Serverless', usageType: 'Lambda-Provisioned-Concurrency-ARM', prefix: 'legacy', operation: 'Invoke', unit: 'Lambda-GB-Second', description: 'AWS Lambda - Provisioned Concurrency (Arm)', attributes: { group: 'AWS-Lambda-Provisioned-Concurrency-ARM' }, tiers: flat('0.0000033334'), source: PAGE.lambda },
    { serviceCode: 'AWSLambda', productFamily: 'Serverless', usageType: 'Lambda-Provisioned-GB-Second', prefix: 'legacy', operation: 'Invoke', unit: 'Lambda-GB-Second', description: 'AWS Lambda - Duration on Provisioned Concurrency (x86)', attributes: { group: 'AWS-Lambda-Duration-Provisioned' }, tiers: flat('0.0000097222'), source: PAGE.lambda },
    { serviceCode: 'AWSLambda', productFamily: 'Serverless', usageType: 'Lambda-Provisioned-GB-Second-ARM', prefix: 'legacy', operation: 'Invoke', unit: 'Lambda-GB-Second', description: 'AWS Lambda - Duration on Provisioned Concurrency (Arm)', attributes: { group: 'AWS-Lambda-Duration-Provisioned-ARM' }, tiers: flat('0.0000077778'), source: PAGE.lambda },
  );
  if (r.lambdaEphemeral) {
    for (const arch of ['', '-ARM']) {
      out.push({ serviceCode: 'AWSLambda', productFamily: 'Serverless', usageType: `Lambda-Storage-Gb-Second${arch}`, prefix: 'legacy', operation: 'Invoke', unit: 'GB-Seconds', description: `AWS Lambda - Ephemeral storage above 512 MB${arch ? ' (Arm)' : ''}`, attributes: { group: `AWS-Lambda-Storage-Duration${arch}` }, tiers: flat(r.lambdaEphemeral), source: PAGE.lambda });
    }
  }
  out.push(
    { serviceCode: 'AmazonApiGateway', productFamily: 'API Calls', usageType: 'ApiGatewayHttpRequest', prefix: 'coded', operation: 'ApiGatewayHttpApi', unit: 'Requests', description: 'HTTP API requests, first 300 million then over 300 million per month (metered in 512 KB increments)', attributes: { description: 'HTTP API Requests' }, tiers: r.httpApi, source: PAGE.apigw },
    { serviceCode: 'AmazonApiGateway', productFamily: 'API Calls', usageType: 'ApiGatewayRequest', prefix: 'coded', operation: 'ApiGatewayRequest', unit: 'Requests', description: 'REST API requests: first 333M, next 667M, next 19B, over 20B per month', attributes: { description: 'API calls received' }, tiers: r.restApi, source: PAGE.apigw },
    { serviceCode: 'AmazonDynamoDB', productFamily: 'Amazon DynamoDB PayPerRequest Throughput', usageType: 'WriteRequestUnits', prefix: 'legacy', operation: 'PayPerRequestThroughput', unit: 'WriteRequestUnits', description: 'DynamoDB on-demand write request units (Standard table class)', attributes: { group: 'DDB-WriteUnits' }, tiers: flat(r.ddbWru), effectiveDate: '2024-11-01', source: PAGE.ddb },
    { serviceCode: 'AmazonDynamoDB', productFamily: 'Amazon DynamoDB PayPerRequest Throughput', usageType: 'ReadRequestUnits', prefix: 'legacy', operation: 'PayPerRequestThroughput', unit: 'ReadRequestUnits', description: 'DynamoDB on-demand read request units (Standard table class)', attributes: { group: 'DDB-ReadUnits' }, tiers: flat(r.ddbRru), effectiveDate: '2024-11-01', source: PAGE.ddb },
    { serviceCode: 'AmazonDynamoDB', productFamily: 'Database Storage', usageType: 'TimedStorage-ByteHrs', prefix: 'legacy', operation: '', unit: 'GB-Mo', description: 'DynamoDB table storage (Standard table class); the first 25 GB/month are in the always-free tier', tiers: flat(r.ddbStorage), source: PAGE.ddb },
    { serviceCode: 'AmazonDynamoDB', productFamily: 'Database Storage', usageType: 'TimedPITRStorage-ByteHrs', prefix: 'legacy', operation: '', unit: 'GB-Mo', description: 'DynamoDB continuous backups (point-in-time recovery)', tiers: flat(r.ddbPitr), source: PAGE.ddb },
    { serviceCode: 'AmazonS3', productFamily: 'Storage', usageType: 'TimedStorage-ByteHrs', prefix: 'legacy', operation: '', unit: 'GB-Mo', description: 'S3 Standard storage: first 50 TB, next 450 TB, over 500 TB per month', attributes: { storageClass: 'General Purpose', volumeType: 'Standard' }, tiers: r.s3Standard, source: PAGE.s3 },
    { serviceCode: 'AmazonS3', productFamily: 'API Request', usageType: 'Requests-Tier1', prefix: 'legacy', operation: '', unit: 'Requests', description: 'S3 Standard PUT, COPY, POST, LIST requests ($0.005 per 1,000)', attributes: { group: 'S3-API-Tier1' }, tiers: flat(r.s3Tier1), source: PAGE.s3 },
    { serviceCode: 'AmazonS3', productFamily: 'API Request', usageType: 'Requests-Tier2', prefix: 'legacy', operation: '', unit: 'Requests', description: 'S3 Standard GET, SELECT and all other requests ($0.0004 per 1,000)', attributes: { group: 'S3-API-Tier2' }, tiers: flat(r.s3Tier2), source: PAGE.s3 },
    { serviceCode: 'AWSQueueService', productFamily: 'API Request', usageType: 'Requests-Tier1', prefix: 'legacy', operation: '', unit: 'Requests', description: 'SQS Standard queue requests (64 KB chunks): first 100B, next 100B, over 200B per month; the first 1M/month are in the always-free tier', attributes: { group: 'SQS-APIRequest-Tier1', queueType: 'Standard' }, tiers: [['0', '100000000000', '0.0000004000'], ['100000000000', '200000000000', '0.0000003000'], ['200000000000', 'Inf', '0.0000002400']], source: PAGE.sqs },
    { serviceCode: 'AWSQueueService', productFamily: 'API Request', usageType: 'Requests-FIFO-Tier1', prefix: 'legacy', operation: '', unit: 'Requests', description: 'SQS FIFO queue requests (64 KB chunks)', attributes: { group: 'SQS-APIRequest-Tier1', queueType: 'FIFO (first-in, first-out)' }, tiers: [['0', '100000000000', '0.0000005000'], ['100000000000', '200000000000', '0.0000004000'], ['200000000000', 'Inf', '0.0000003500']], source: PAGE.sqs },
    { serviceCode: 'AmazonCognito', productFamily: 'User Pool MAU', usageType: 'CognitoEssentialsMAU', prefix: 'coded', operation: '', unit: 'MAU', description: 'Cognito Essentials tier monthly active users ($0.015 per MAU above the free 10,000)', tiers: flat('0.015'), effectiveDate: '2024-11-22', source: PAGE.cognito },
    { serviceCode: 'AmazonCognito', productFamily: 'User Pool MAU', usageType: 'CognitoPlusMAU', prefix: 'coded', operation: '', unit: 'MAU', description: 'Cognito Plus tier monthly active users', tiers: flat('0.02'), effectiveDate: '2024-11-22', source: PAGE.cognito },
    { serviceCode: 'AmazonCognito', productFamily: 'User Pool MAU', usageType: 'CognitoLiteMAU', prefix: 'coded', operation: '', unit: 'MAU', description: 'Cognito Lite tier monthly active users: up to 100K, next 900K, next 9M, over 10M', tiers: [['0', '100000', '0.0055'], ['100000', '1000000', '0.0046'], ['1000000', '10000000', '0.00325'], ['10000000', 'Inf', '0.0025']], effectiveDate: '2024-11-22', source: PAGE.cognito },
    { serviceCode: 'AmazonCloudWatch', productFamily: 'Alarm', usageType: 'CW:AlarmMonitorUsage', prefix: 'coded', operation: 'Unknown', unit: 'Alarms', description: '$0.10 per standard-resolution alarm metric per month', tiers: flat('0.10'), source: PAGE.cw },
    { serviceCode: 'AmazonCloudWatch', productFamily: 'Alarm', usageType: 'CW:HighResAlarmMonitorUsage', prefix: 'coded', operation: 'Unknown', unit: 'Alarms', description: '$0.30 per high-resolution alarm metric per month', tiers: flat('0.30'), source: PAGE.cw },
    { serviceCode: 'AmazonCloudWatch', productFamily: 'Metric', usageType: 'CW:MetricMonitorUsage', prefix: 'coded', operation: 'MetricStorage', unit: 'Metrics', description: 'Custom metrics: first 10K, next 240K, next 750K, over 1M per month', tiers: [['0', '10000', '0.30'], ['10000', '250000', '0.10'], ['250000', '1000000', '0.05'], ['1000000', 'Inf', '0.02']], source: PAGE.cw },
    { serviceCode: 'AmazonCloudWatch', productFamily: 'Data Payload', usageType: 'DataProcessing-Bytes', prefix: 'coded', operation: 'PutLogEvents', unit: 'GB', description: `$${r.cwLogsIngest} per GB of custom log data ingested (Standard log class)`, attributes: { group: 'Ingested Logs' }, tiers: flat(r.cwLogsIngest), source: PAGE.cw },
    // Lambda's logs (vended). Outside us-east-1 only the first tier is known (the Standard ingestion rate, as in us-east-1): authored flat at it, an upper bound above 10 TB a month.
    {
      serviceCode: 'AmazonCloudWatch', productFamily: 'Data Payload', usageType: 'VendedLog-Bytes', prefix: 'coded', operation: '', unit: 'GB',
      description: r.lambdaLogsIngest
        ? 'Lambda logs delivered to CloudWatch Logs (vended logs, Standard class): first 10 TB, next 20 TB, next 20 TB, over 50 TB per month'
        : `$${r.cwLogsIngest} per GB of Lambda logs delivered to CloudWatch Logs (vended logs, Standard class): the first tier's rate for every GB, the lower tiers above 10 TB a month not transcribed${LOWER_CONFIDENCE}`,
      attributes: { group: 'Vended Logs' }, tiers: r.lambdaLogsIngest ?? flat(r.cwLogsIngest), effectiveDate: '2025-05-01', source: PAGE.cw,
    },
    { serviceCode: 'AmazonCloudWatch', productFamily: 'Storage Snapshot', usageType: 'TimedStorage-ByteHrs', prefix: 'coded', operation: '', unit: 'GB-Mo', description: `$${r.cwLogsStorage} per GB-month of log data archived`, tiers: flat(r.cwLogsStorage), source: PAGE.cw },
    { serviceCode: 'AWSDataTransfer', productFamily: 'Data Transfer', usageType: 'DataTransfer-Out-Bytes', prefix: 'legacy', operation: '', unit: 'GB', description: 'Data transfer out to the internet: first 10 TB, next 40 TB, next 100 TB, over 150 TB per month (100 GB/month are in the always-free tier)', attributes: { transferType: 'AWS Outbound', toLocation: 'External' }, tiers: r.dataTransferOut, source: PAGE.dt },
    { serviceCode: 'awskms', productFamily: 'Encryption Key', usageType: 'KMS-Keys', prefix: 'kms', operation: '', unit: 'Keys', description: '$1.00 per customer managed KMS key per month', tiers: flat('1.00'), source: PAGE.kms },
    { serviceCode: 'AWSSecretsManager', productFamily: 'Secret', usageType: 'AWSSecretsManager-Secrets', prefix: 'coded', operation: '', unit: 'Secrets', description: '$0.40 per secret per month', tiers: flat('0.40'), source: PAGE.sm },
    { serviceCode: 'AWSSecretsManager', productFamily: 'API Request', usageType: 'AWSSecretsManager-APIRequest', prefix: 'coded', operation: '', unit: 'API Requests', description: '$0.05 per 10,000 API requests', tiers: flat('0.000005'), source: PAGE.sm },
    // SNS (the same list prices in the three regions): the Price List publishes each always-free allowance as a zero-priced first tier.
    { serviceCode: 'AmazonSNS', productFamily: 'API Request', usageType: 'Requests-Tier1', prefix: 'legacy', operation: '', unit: 'Requests', description: 'SNS publish requests (64 KB chunks): first 1 million a month free, then $0.50 per million', tiers: [['0', '1000000', '0'], ['1000000', 'Inf', '0.0000005']], source: PAGE.sns },
    { serviceCode: 'AmazonSNS', productFamily: 'Message Delivery', usageType: 'DeliveryAttempts-SMTP', prefix: 'legacy', operation: '', unit: 'Notifications', description: 'SNS email/email-JSON notifications: first 1,000 a month free, then $2.00 per 100,000', tiers: [['0', '1000', '0'], ['1000', 'Inf', '0.00002']], source: PAGE.sns },
    { serviceCode: 'AmazonSNS', productFamily: 'Message Delivery', usageType: 'DeliveryAttempts-HTTP', prefix: 'legacy', operation: '', unit: 'Notifications', description: 'SNS HTTP/HTTPS notifications: first 100,000 a month free, then $0.60 per million', tiers: [['0', '100000', '0'], ['100000', 'Inf', '0.0000006']], source: PAGE.sns },
  );
  return out.map((p) => ({ ...p, sku: KNOWN_SKUS[`${region}|${p.serviceCode}|${p.usageType}`] }));
}

export const AUTHORED_REGIONS: readonly Region[] = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];
