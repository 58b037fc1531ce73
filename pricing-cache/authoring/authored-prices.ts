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
 *
 * Tiered prices, each checked against its page at both sides of every boundary by test/pricing/tiers.test.ts
 * (which transcribes the rate cards itself): Lambda duration x86 (6B / 15B GB-s) and Arm (7.5B / 18.75B, per
 * https://aws.amazon.com/blogs/compute/introducing-tiered-pricing-for-aws-lambda/), HTTP API (300M), REST API
 * (333M / 1B / 20B), data transfer out (10 / 50 / 150 TB of 1,024 GB), S3 Standard (50 / 500 TB), CloudWatch
 * custom metrics (10K / 250K / 1M). CloudWatch Logs Standard ingestion and archival are flat; the tiered
 * price for Lambda's own logs (vended logs, since 2025-05-01) is not in this snapshot yet.
 *
 * Entries are left out, not guessed, where the regional price was not known: asking the engine
 * for one of them fails with "no price for … run archcompare pricing refresh", never a zero.
 * Lower-confidence transcriptions (refresh before relying on them): ap-southeast-1 RDS instance
 * and storage prices, eu-west-1 / ap-southeast-1 HTTP API and REST tiers beyond the first, and the
 * eu-west-1 / ap-southeast-1 DynamoDB PITR prices. us-east-1 and every Lambda price are the
 * best-established figures.
 */

export const PRICES_AS_OF = '2025-06-01';

type Tier = readonly [begin: string, end: string, usd: string];
type Region = 'us-east-1' | 'eu-west-1' | 'ap-southeast-1';

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
};

const flat = (usd: string): Tier[] => [['0', 'Inf', usd]];

/** EC2 Linux on-demand $/hour, shared tenancy. */
const EC2: Record<Region, Record<string, string>> = {
  'us-east-1': {
    't3.nano': '0.0052', 't3.micro': '0.0104', 't3.small': '0.0208', 't3.medium': '0.0416', 't3.large': '0.0832', 't3.xlarge': '0.1664',
    't3a.micro': '0.0094', 't3a.small': '0.0188', 't3a.medium': '0.0376',
    't4g.nano': '0.0042', 't4g.micro': '0.0084', 't4g.small': '0.0168', 't4g.medium': '0.0336', 't4g.large': '0.0672', 't4g.xlarge': '0.1344',
    'm5.large': '0.096', 'm5.xlarge': '0.192', 'm6i.large': '0.096', 'm6g.large': '0.077', 'm7g.large': '0.0816', 'm7i.large': '0.1008',
    'c6i.large': '0.085', 'c6g.large': '0.068', 'c7g.large': '0.0725', 'r6g.large': '0.1008',
  },
  'eu-west-1': {
    't3.nano': '0.0057', 't3.micro': '0.0114', 't3.small': '0.0228', 't3.medium': '0.0456', 't3.large': '0.0912', 't3.xlarge': '0.1824',
    't4g.nano': '0.0046', 't4g.micro': '0.0092', 't4g.small': '0.0184', 't4g.medium': '0.0368', 't4g.large': '0.0736', 't4g.xlarge': '0.1472',
    'm5.large': '0.107', 'm6i.large': '0.107', 'm6g.large': '0.086',
  },
  'ap-southeast-1': {
    't3.nano': '0.0066', 't3.micro': '0.0132', 't3.small': '0.0264', 't3.medium': '0.0528', 't3.large': '0.1056', 't3.xlarge': '0.2112',
    't4g.nano': '0.0053', 't4g.micro': '0.0106', 't4g.small': '0.0212', 't4g.medium': '0.0424', 't4g.large': '0.0848', 't4g.xlarge': '0.1696',
    'm5.large': '0.12', 'm6i.large': '0.12', 'm6g.large': '0.096',
  },
};

/** RDS for PostgreSQL on-demand $/hour: [Single-AZ, Multi-AZ] (Multi-AZ is its own SKU, not always exactly double). */
const RDS: Record<Region, Record<string, readonly [string, string]>> = {
  'us-east-1': {
    'db.t4g.micro': ['0.016', '0.032'], 'db.t4g.small': ['0.032', '0.065'], 'db.t4g.medium': ['0.065', '0.129'], 'db.t4g.large': ['0.129', '0.258'],
    'db.t3.micro': ['0.018', '0.036'], 'db.t3.small': ['0.036', '0.072'], 'db.t3.medium': ['0.072', '0.145'],
    'db.m5.large': ['0.178', '0.356'],
  },
  'eu-west-1': {
    'db.t4g.micro': ['0.017', '0.034'], 'db.t4g.small': ['0.034', '0.068'], 'db.t4g.medium': ['0.068', '0.136'],
    'db.t3.micro': ['0.019', '0.038'], 'db.t3.small': ['0.038', '0.076'], 'db.t3.medium': ['0.076', '0.152'],
  },
  'ap-southeast-1': {
    'db.t4g.micro': ['0.025', '0.050'], 'db.t4g.small': ['0.051', '0.102'], 'db.t4g.medium': ['0.102', '0.204'],
    'db.t3.micro': ['0.028', '0.056'], 'db.t3.small': ['0.056', '0.112'], 'db.t3.medium': ['0.112', '0.224'],
  },
};

interface RegionalScalars {
  gp3: string; gp2: string; gp3Iops: string; gp3Throughput: string;
  natHour: string; natGb: string;
  albHour: string; albLcu: string;
  rdsGp3: readonly [string, string]; rdsGp2: readonly [string, string]; rdsBackup: string;
  httpApi: readonly Tier[]; restApi: readonly Tier[];
  ddbWru: string; ddbRru: string; ddbStorage: string; ddbPitr: string;
  s3Standard: readonly Tier[]; s3Tier1: string; s3Tier2: string;
  cwLogsIngest: string; cwLogsStorage: string;
  dataTransferOut: readonly Tier[];
  lambdaEphemeral?: string;
}

const REGIONAL: Record<Region, RegionalScalars> = {
  'us-east-1': {
    gp3: '0.08', gp2: '0.10', gp3Iops: '0.005', gp3Throughput: '0.04',
    natHour: '0.045', natGb: '0.045',
    albHour: '0.0225', albLcu: '0.008',
    rdsGp3: ['0.115', '0.23'], rdsGp2: ['0.115', '0.23'], rdsBackup: '0.095',
    httpApi: [['0', '300000000', '0.0000010000'], ['300000000', 'Inf', '0.0000009000']],
    restApi: [['0', '333000000', '0.0000035000'], ['333000000', '1000000000', '0.0000028000'], ['1000000000', '20000000000', '0.0000023800'], ['20000000000', 'Inf', '0.0000015100']],
    ddbWru: '0.000000625', ddbRru: '0.000000125', ddbStorage: '0.25', ddbPitr: '0.20',
    s3Standard: [['0', '51200', '0.023'], ['51200', '512000', '0.022'], ['512000', 'Inf', '0.021']], s3Tier1: '0.000005', s3Tier2: '0.0000004',
    cwLogsIngest: '0.50', cwLogsStorage: '0.03',
    dataTransferOut: [['0', '10240', '0.09'], ['10240', '51200', '0.085'], ['51200', '153600', '0.07'], ['153600', 'Inf', '0.05']],
    lambdaEphemeral: '0.0000000309',
  },
  'eu-west-1': {
    gp3: '0.088', gp2: '0.11', gp3Iops: '0.0055', gp3Throughput: '0.044',
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
  for (const [instanceType, usd] of Object.entries(EC2[region])) {
    out.push({
      serviceCode: 'AmazonEC2', productFamily: 'Compute Instance', usageType: `BoxUsage:${instanceType}`, prefix: 'legacy', operation: 'RunInstances', unit: 'Hrs',
      description: `$${usd} per On Demand Linux ${instanceType} Instance Hour`,
      attributes: { instanceType, operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used', licenseModel: 'No License required', marketoption: 'OnDemand' },
      tiers: flat(usd), source: PAGE.ec2,
    });
  }
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
  for (const [instanceClass, [single, multi]] of Object.entries(RDS[region])) {
    for (const [deploymentOption, usd, usage] of [['Single-AZ', single, 'InstanceUsage'], ['Multi-AZ', multi, 'Multi-AZUsage']] as const) {
      out.push({
        serviceCode: 'AmazonRDS', productFamily: 'Database Instance', usageType: `${usage}:${instanceClass}`, prefix: 'legacy', operation: 'CreateDBInstance:0014', unit: 'Hrs',
        description: `$${usd} per RDS ${instanceClass} ${deploymentOption} instance hour (or partial hour) running PostgreSQL`,
        attributes: { instanceType: instanceClass, databaseEngine: 'PostgreSQL', deploymentOption, licenseModel: 'No license required' }, tiers: flat(usd), source: PAGE.rds,
      });
    }
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
    { serviceCode: 'AmazonCloudWatch', productFamily: 'Storage Snapshot', usageType: 'TimedStorage-ByteHrs', prefix: 'coded', operation: '', unit: 'GB-Mo', description: `$${r.cwLogsStorage} per GB-month of log data archived`, tiers: flat(r.cwLogsStorage), source: PAGE.cw },
    { serviceCode: 'AWSDataTransfer', productFamily: 'Data Transfer', usageType: 'DataTransfer-Out-Bytes', prefix: 'legacy', operation: '', unit: 'GB', description: 'Data transfer out to the internet: first 10 TB, next 40 TB, next 100 TB, over 150 TB per month (100 GB/month are in the always-free tier)', attributes: { transferType: 'AWS Outbound', toLocation: 'External' }, tiers: r.dataTransferOut, source: PAGE.dt },
    { serviceCode: 'awskms', productFamily: 'Encryption Key', usageType: 'KMS-Keys', prefix: 'kms', operation: '', unit: 'Keys', description: '$1.00 per customer managed KMS key per month', tiers: flat('1.00'), source: PAGE.kms },
    { serviceCode: 'AWSSecretsManager', productFamily: 'Secret', usageType: 'AWSSecretsManager-Secrets', prefix: 'coded', operation: '', unit: 'Secrets', description: '$0.40 per secret per month', tiers: flat('0.40'), source: PAGE.sm },
  );
  return out.map((p) => ({ ...p, sku: KNOWN_SKUS[`${region}|${p.serviceCode}|${p.usageType}`] }));
}

export const AUTHORED_REGIONS: readonly Region[] = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];
