import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group/index.js';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy/index.js';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones/index.js';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter/index.js';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance/index.js';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group/index.js';
import { Eip } from '@cdktf/provider-aws/lib/eip/index.js';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway/index.js';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template/index.js';
import { Lb } from '@cdktf/provider-aws/lib/lb/index.js';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener/index.js';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group/index.js';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway/index.js';
import { Route } from '@cdktf/provider-aws/lib/route/index.js';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table/index.js';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association/index.js';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object/index.js';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule/index.js';
import { Subnet } from '@cdktf/provider-aws/lib/subnet/index.js';
import { Vpc } from '@cdktf/provider-aws/lib/vpc/index.js';
import { AssetType, Fn, TerraformAsset, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { METRICS } from '../src/architecture/metrics.js';
import { MONITORED_RESOURCES_OUTPUT, type TraditionalMonitoredResources } from '../src/architecture/monitored-resources.js';
import { artifactPaths, SERVER_START_COMMAND, SERVER_TARBALL_LAYOUT } from '../src/build/artifacts.js';
import { assertRdsCaCoversRegion } from '../src/build/rds-ca-bundle.js';
import { instanceArchitecture, isBurstable, type ResolvedStackConfig } from '../src/config/stack-config.js';
import { addJwtSecret, addPrivateBucket, type GeneratedSecret, assumeRolePolicy, atAddress, configureStack, namePrefix, policyJson, stackTags } from './common.js';

/**
 * Servers: an internet-facing ALB in two public subnets, app-server instances of an Auto Scaling
 * Group in two private subnets (egress through NAT), RDS PostgreSQL in the private subnets.
 * Each tier admits traffic only from the tier in front of it. Resources are created directly on
 * the stack, grouped by concern in functions, so their addresses stay readable
 * (aws_autoscaling_group.app), which usage files and the cost engine key on.
 */
export class TraditionalStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: ResolvedStackConfig) {
    super(scope, id);
    const { alarmTopic } = configureStack(this, 'traditional', config);
    const network = addNetwork(this, config);
    const security = addSecurityGroups(this, config, network.vpc);
    const data = addDatabase(this, config, network.privateSubnets, security.db);
    const edge = addLoadBalancer(this, config, network.vpc, network.publicSubnets, security.alb);
    const compute = addCompute(this, config, network.privateSubnets, security.app, edge.targetGroup, data);
    addAlarms(this, config, edge, compute.asg, data.db);

    // With a certificate the front door is HTTPS (HTTP only redirects); without, plain HTTP for benchmarking.
    new TerraformOutput(this, 'url', { value: `${config.traditional.certificateArn ? 'https' : 'http'}://${edge.alb.dnsName}` });
    new TerraformOutput(this, 'alb_dns_name', { value: edge.alb.dnsName });
    new TerraformOutput(this, 'asg_name', { value: compute.asg.name });
    // Deploy polls the group's health in it to measure instance boots (src/deploy/aws-instance-boots.ts).
    new TerraformOutput(this, 'target_group_arn', { value: edge.targetGroup.arn });
    new TerraformOutput(this, 'db_endpoint', { value: data.db.endpoint });
    new TerraformOutput(this, 'jwt_secret_arn', { value: data.jwtSecret.secret.arn });
    new TerraformOutput(this, 'artifacts_bucket', { value: compute.bucket.bucket });
    new TerraformOutput(this, 'alarm_topic_arn', { value: alarmTopic.arn });
    const monitored: TraditionalMonitoredResources = {
      model: 'traditional',
      LoadBalancer: edge.alb.arnSuffix,
      TargetGroup: edge.targetGroup.arnSuffix,
      AutoScalingGroupName: compute.asg.name,
      DBInstanceIdentifier: data.db.identifier,
    };
    new TerraformOutput(this, MONITORED_RESOURCES_OUTPUT, { value: monitored });
  }
}

type Stack = TerraformStack;

/** Where the user data unpacks the server tarball: the service's working directory. */
export const SERVER_INSTALL_DIR = '/opt/archcompare';

/**
 * The HTTPS listener's TLS policy: the one AWS recommends and the console's default, TLS 1.3 and 1.2
 * with hybrid post-quantum key exchange for clients that offer it
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html).
 * The API's own default (ELBSecurityPolicy-2016-08) still accepts TLS 1.0.
 */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09';

function addNetwork(stack: Stack, config: ResolvedStackConfig) {
  const prefix = namePrefix(config);
  const azs = new DataAwsAvailabilityZones(stack, 'available', { state: 'available' });
  const vpc = new Vpc(stack, 'main', {
    cidrBlock: config.vpcCidr,
    enableDnsHostnames: true,
    enableDnsSupport: true,
    tags: { Name: `${prefix}-vpc` },
  });
  const igw = new InternetGateway(stack, 'main_igw', { vpcId: vpc.id, tags: { Name: `${prefix}-igw` } });
  const publicRoutes = new RouteTable(stack, 'public', { vpcId: vpc.id, tags: { Name: `${prefix}-public` } });
  new Route(stack, 'public_internet', { routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id });

  const publicSubnets: Subnet[] = [];
  const privateSubnets: Subnet[] = [];
  for (const i of [0, 1]) {
    const az = Fn.element(azs.names, i);
    const pub = new Subnet(stack, `public_${i}`, {
      vpcId: vpc.id,
      availabilityZone: az,
      cidrBlock: Fn.cidrsubnet(config.vpcCidr, 8, i),
      mapPublicIpOnLaunch: false,
      tags: { Name: `${prefix}-public-${i}`, tier: 'public' },
    });
    new RouteTableAssociation(stack, `public_${i}_routes`, { subnetId: pub.id, routeTableId: publicRoutes.id });
    publicSubnets.push(pub);
    privateSubnets.push(
      new Subnet(stack, `private_${i}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: Fn.cidrsubnet(config.vpcCidr, 8, 10 + i),
        tags: { Name: `${prefix}-private-${i}`, tier: 'private' },
      }),
    );
  }

  // One NAT gateway is the usual small-shop trade-off (cheaper, one AZ of egress); two for AZ independence.
  const nats: NatGateway[] = [];
  for (let i = 0; i < config.traditional.natGateways; i++) {
    const eip = new Eip(stack, `nat_${i}_ip`, { domain: 'vpc', tags: { Name: `${prefix}-nat-${i}` } });
    nats.push(
      new NatGateway(stack, `nat_${i}`, {
        allocationId: eip.id,
        subnetId: publicSubnets[i]!.id,
        tags: { Name: `${prefix}-nat-${i}` },
        dependsOn: [igw],
      }),
    );
  }
  privateSubnets.forEach((subnet, i) => {
    const routes = new RouteTable(stack, `private_${i}_table`, { vpcId: vpc.id, tags: { Name: `${prefix}-private-${i}` } });
    const nat = nats[i] ?? nats[0];
    if (nat) new Route(stack, `private_${i}_egress`, { routeTableId: routes.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.id });
    new RouteTableAssociation(stack, `private_${i}_routes`, { subnetId: subnet.id, routeTableId: routes.id });
  });
  return { vpc, publicSubnets, privateSubnets };
}

function addSecurityGroups(stack: Stack, config: ResolvedStackConfig, vpc: Vpc) {
  const prefix = namePrefix(config);
  const port = config.traditional.appPort;
  const https = Boolean(config.traditional.certificateArn);
  const alb = atAddress(new SecurityGroup(stack, 'sg_alb', { name: `${prefix}-alb`, description: `Internet to the load balancer (${https ? 'HTTPS, HTTP redirected' : 'HTTP'})`, vpcId: vpc.id }), 'alb');
  const app = atAddress(new SecurityGroup(stack, 'sg_app', { name: `${prefix}-app`, description: 'Load balancer to app instances', vpcId: vpc.id }), 'app');
  const db = atAddress(new SecurityGroup(stack, 'sg_db', { name: `${prefix}-db`, description: 'App instances to PostgreSQL', vpcId: vpc.id }), 'db');

  // Separate rule resources: the groups reference each other, which inline rules would make a cycle.
  new SecurityGroupRule(stack, 'alb_http_in', { type: 'ingress', securityGroupId: alb.id, protocol: 'tcp', fromPort: 80, toPort: 80, cidrBlocks: ['0.0.0.0/0'], description: https ? 'HTTP from the internet (redirected to HTTPS)' : 'HTTP from the internet' });
  if (https) new SecurityGroupRule(stack, 'alb_https_in', { type: 'ingress', securityGroupId: alb.id, protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'], description: 'HTTPS from the internet' });
  new SecurityGroupRule(stack, 'alb_to_app', { type: 'egress', securityGroupId: alb.id, protocol: 'tcp', fromPort: port, toPort: port, sourceSecurityGroupId: app.id, description: 'Forward to app instances' });
  new SecurityGroupRule(stack, 'app_from_alb', { type: 'ingress', securityGroupId: app.id, protocol: 'tcp', fromPort: port, toPort: port, sourceSecurityGroupId: alb.id, description: 'Only the load balancer' });
  new SecurityGroupRule(stack, 'app_to_db', { type: 'egress', securityGroupId: app.id, protocol: 'tcp', fromPort: 5432, toPort: 5432, sourceSecurityGroupId: db.id, description: 'PostgreSQL' });
  // The boot's S3 download and the server's Secrets Manager reads go out over HTTPS through the NAT gateway.
  new SecurityGroupRule(stack, 'app_https_out', { type: 'egress', securityGroupId: app.id, protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'], description: 'HTTPS to AWS APIs (S3, Secrets Manager)' });
  new SecurityGroupRule(stack, 'db_from_app', { type: 'ingress', securityGroupId: db.id, protocol: 'tcp', fromPort: 5432, toPort: 5432, sourceSecurityGroupId: app.id, description: 'Only the app instances' });
  return { alb, app, db };
}

function addDatabase(stack: Stack, config: ResolvedStackConfig, privateSubnets: Subnet[], dbGroup: SecurityGroup) {
  const prefix = namePrefix(config);
  const t = config.traditional;
  const subnetGroup = new DbSubnetGroup(stack, 'main_db_subnets', { name: `${prefix}-db`, subnetIds: privateSubnets.map((s) => s.id) });
  const db = atAddress(new DbInstance(stack, 'db_instance', {
    identifier: `${prefix}-db`,
    engine: 'postgres',
    engineVersion: t.dbEngineVersion,
    instanceClass: t.dbInstanceClass,
    allocatedStorage: t.dbAllocatedStorageGb,
    storageType: 'gp3',
    storageEncrypted: true,
    multiAz: t.dbMultiAz,
    dbName: 'shop',
    username: 'shop_admin',
    // RDS generates the password and keeps it in Secrets Manager: it never appears in the JSON or state.
    manageMasterUserPassword: true,
    dbSubnetGroupName: subnetGroup.name,
    vpcSecurityGroupIds: [dbGroup.id],
    publiclyAccessible: false,
    backupRetentionPeriod: t.dbBackupRetentionDays,
    autoMinorVersionUpgrade: true,
    copyTagsToSnapshot: true,
    deletionProtection: false,
    // A benchmark deployment leaves nothing behind on destroy, snapshots included.
    skipFinalSnapshot: true,
    applyImmediately: true,
    // Never enrolled silently in paid Extended Support: past the end of standard support RDS upgrades the major instead.
    engineLifecycleSupport: 'open-source-rds-extended-support-disabled',
  }), 'main');
  const jwtSecret = addJwtSecret(stack, config);
  return { db, jwtSecret };
}

function addLoadBalancer(stack: Stack, config: ResolvedStackConfig, vpc: Vpc, publicSubnets: Subnet[], albGroup: SecurityGroup) {
  const prefix = namePrefix(config);
  const t = config.traditional;
  const alb = atAddress(new Lb(stack, 'alb', {
    name: `${prefix}-alb`,
    loadBalancerType: 'application',
    internal: false,
    subnets: publicSubnets.map((s) => s.id),
    securityGroups: [albGroup.id],
    dropInvalidHeaderFields: true,
    idleTimeout: 60,
  }), 'main');
  const targetGroup = atAddress(new LbTargetGroup(stack, 'target_group', {
    name: `${prefix}-tg`,
    port: t.appPort,
    protocol: 'HTTP',
    vpcId: vpc.id,
    targetType: 'instance',
    loadBalancingAlgorithmType: 'least_outstanding_requests',
    deregistrationDelay: String(t.deregistrationDelaySeconds),
    healthCheck: {
      enabled: true,
      path: t.healthCheckPath,
      protocol: 'HTTP',
      matcher: '200',
      interval: t.healthCheckIntervalSeconds,
      timeout: 5,
      healthyThreshold: t.healthyThreshold,
      unhealthyThreshold: t.unhealthyThreshold,
    },
  }), 'app');
  const forward = { type: 'forward', targetGroupArn: targetGroup.arn };
  if (!t.certificateArn) {
    new LbListener(stack, 'http', { loadBalancerArn: alb.arn, port: 80, protocol: 'HTTP', defaultAction: [forward] });
    return { alb, targetGroup };
  }
  new LbListener(stack, 'https', {
    loadBalancerArn: alb.arn,
    port: 443,
    protocol: 'HTTPS',
    certificateArn: t.certificateArn,
    sslPolicy: TLS_POLICY,
    defaultAction: [forward],
  });
  // Plain HTTP only answers with a permanent redirect to the same URL over HTTPS.
  new LbListener(stack, 'http', {
    loadBalancerArn: alb.arn,
    port: 80,
    protocol: 'HTTP',
    defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
  });
  return { alb, targetGroup };
}

function userDataScript(opts: { region: string; bucket: string; key: string; dbSecretArn: string; dbUser: string; jwtSecretArn: string; dbHost: string; port: number }): string {
  // Amazon Linux 2023 with its preinstalled AWS CLI. The tarball carries Node.js and the RDS CA bundle,
  // so a boot installs nothing and reaches nothing but S3 (a scale-out waits on no package repository).
  // No double quotes: the script is a Terraform string expression (its ${…} are Terraform's).
  // Nothing secret lands on the instance: the server reads the DB password and the JWT key from Secrets
  // Manager itself, at connect time and with retries (a transient read failure must not kill the boot).
  return `#!/bin/bash
set -euo pipefail
install -d -o root -m 755 ${SERVER_INSTALL_DIR}
cd ${SERVER_INSTALL_DIR}
aws s3 cp s3://${opts.bucket}/${opts.key} server.tar.gz --region ${opts.region}
tar -xzf server.tar.gz
rm server.tar.gz
cat > /etc/archcompare.env <<ENV
PORT=${opts.port}
HOST=0.0.0.0
AWS_REGION=${opts.region}
PGHOST=${opts.dbHost}
PGPORT=5432
PGDATABASE=shop
PGUSER=${opts.dbUser}
# RDS certificates are signed by the RDS CA, not a public one: trust the shipped bundle and verify fully.
PGSSLMODE=verify-full
NODE_EXTRA_CA_CERTS=${SERVER_INSTALL_DIR}/${SERVER_TARBALL_LAYOUT.rdsCaBundle}
DB_SECRET_ARN=${opts.dbSecretArn}
JWT_SECRET_ARN=${opts.jwtSecretArn}
NODE_OPTIONS=--enable-source-maps
ENV
cat > /etc/systemd/system/archcompare.service <<UNIT
[Unit]
Description=archcompare shop API
Wants=network-online.target
After=network-online.target
# Never give up restarting: a server that exits (secret wait over, database away) comes back after RestartSec.
StartLimitIntervalSec=0
[Service]
WorkingDirectory=${SERVER_INSTALL_DIR}
EnvironmentFile=/etc/archcompare.env
ExecStart=${SERVER_INSTALL_DIR}/${SERVER_START_COMMAND}
Restart=always
RestartSec=5
KillSignal=SIGTERM
TimeoutStopSec=35
User=nobody
[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now archcompare
`;
}

function addCompute(
  stack: Stack,
  config: ResolvedStackConfig,
  privateSubnets: Subnet[],
  appGroup: SecurityGroup,
  targetGroup: LbTargetGroup,
  data: { db: DbInstance; jwtSecret: GeneratedSecret },
) {
  const prefix = namePrefix(config);
  const t = config.traditional;
  const arch = instanceArchitecture(t.instanceType);

  const bucket = addPrivateBucket(stack, 'artifacts', `${prefix}-artifacts`);
  // The instances verify the database against the shipped RDS CA bundle: it must hold this region's root.
  assertRdsCaCoversRegion(config.region);
  // The tarball of this CPU (stacks/synth.ts builds it before the stack is constructed).
  const bundle = new TerraformAsset(stack, 'server_bundle_asset', { path: artifactPaths.serverTarball(arch), type: AssetType.FILE });
  const bundleObject = new S3Object(stack, 'server_bundle', {
    bucket: bucket.id,
    key: 'server/server.tar.gz',
    source: bundle.path,
    sourceHash: bundle.assetHash,
  });

  const role = new IamRole(stack, 'instance', {
    name: `${prefix}-instance`,
    assumeRolePolicy: assumeRolePolicy('ec2.amazonaws.com'),
  });
  new IamRolePolicy(stack, 'instance_access', {
    name: 'app-server',
    role: role.id,
    policy: policyJson([
      { Sid: 'ReadServerBundle', Action: ['s3:GetObject'], Resource: [`${bucket.arn}/server/*`] },
      { Sid: 'ReadSecrets', Action: ['secretsmanager:GetSecretValue'], Resource: [data.db.masterUserSecret.get(0).secretArn, data.jwtSecret.secret.arn] },
    ]),
  });
  const profile = new IamInstanceProfile(stack, 'instance_profile', { name: `${prefix}-instance`, role: role.name });

  const ami = t.amiId
    ? t.amiId
    : new DataAwsSsmParameter(stack, 'al2023_ami', {
        name: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`,
      }).value;

  const template = atAddress(new LaunchTemplate(stack, 'launch_template', {
    name: `${prefix}-app`,
    imageId: ami,
    instanceType: t.instanceType,
    iamInstanceProfile: { arn: profile.arn },
    vpcSecurityGroupIds: [appGroup.id],
    updateDefaultVersion: true,
    // IMDSv2 only: no credential theft through SSRF on the metadata endpoint.
    metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: 1 },
    monitoring: { enabled: true },
    // Standard mode by default: in unlimited mode a group held at its CPU target runs above baseline and bills surplus credits.
    ...(isBurstable(t.instanceType) ? { creditSpecification: { cpuCredits: t.cpuCredits } } : {}),
    blockDeviceMappings: [
      { deviceName: '/dev/xvda', ebs: { volumeSize: t.rootVolumeGb, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } },
    ],
    userData: Fn.base64encode(
      userDataScript({
        region: config.region,
        bucket: bucket.bucket,
        key: bundleObject.key,
        dbSecretArn: data.db.masterUserSecret.get(0).secretArn,
        dbUser: data.db.username,
        jwtSecretArn: data.jwtSecret.secret.arn,
        dbHost: data.db.address,
        port: t.appPort,
      }),
    ),
    tagSpecifications: [
      { resourceType: 'instance', tags: stackTags('traditional', config) },
      { resourceType: 'volume', tags: stackTags('traditional', config) },
    ],
  }), 'app');

  const asg = atAddress(new AutoscalingGroup(stack, 'asg', {
    name: `${prefix}-asg`,
    minSize: t.minInstances,
    maxSize: t.maxInstances,
    desiredCapacity: t.desiredInstances,
    vpcZoneIdentifier: privateSubnets.map((s) => s.id),
    targetGroupArns: [targetGroup.arn],
    healthCheckType: 'ELB',
    healthCheckGracePeriod: t.healthCheckGracePeriodSeconds,
    defaultInstanceWarmup: t.instanceWarmupSeconds,
    // Group metrics are off unless enabled: the ones the asg_at_max alarm and the scaling timeline read,
    // every minute, the only granularity (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_EnableMetricsCollection.html,
    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html).
    enabledMetrics: Object.keys(METRICS['AWS/AutoScaling']),
    metricsGranularity: '1Minute',
    launchTemplate: { id: template.id, version: '$Latest' },
    // The ASG has no tags map: tag blocks, propagated so every instance carries the run id too.
    tag: Object.entries({ ...stackTags('traditional', config), Name: `${prefix}-app` }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
    // The group launches instances while terraform applies: only once the JWT key holds its value.
    dependsOn: [data.jwtSecret.value],
  }), 'app');
  new AutoscalingPolicy(stack, 'cpu_target', {
    name: `${prefix}-cpu-target`,
    autoscalingGroupName: asg.name,
    policyType: 'TargetTrackingScaling',
    estimatedInstanceWarmup: t.instanceWarmupSeconds,
    targetTrackingConfiguration: {
      predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
      targetValue: t.targetCpuPercent,
    },
  });
  return { asg, bucket, template };
}

/** Each alarm notifies the stack's alarm topic (configureStack's aspect adds the actions). */
function addAlarms(stack: Stack, config: ResolvedStackConfig, edge: { alb: Lb; targetGroup: LbTargetGroup }, asg: AutoscalingGroup, db: DbInstance) {
  const prefix = namePrefix(config);
  const albDims = { LoadBalancer: edge.alb.arnSuffix };
  new CloudwatchMetricAlarm(stack, 'alb_5xx', {
    alarmName: `${prefix}-alb-5xx`,
    alarmDescription: 'Load balancer or targets answer 5xx',
    namespace: 'AWS/ApplicationELB',
    metricName: 'HTTPCode_Target_5XX_Count',
    dimensions: albDims,
    statistic: 'Sum',
    period: 60,
    evaluationPeriods: 5,
    threshold: 10,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
  });
  new CloudwatchMetricAlarm(stack, 'alb_p95_latency', {
    alarmName: `${prefix}-alb-p95-latency`,
    alarmDescription: 'p95 target response time above 1 s',
    namespace: 'AWS/ApplicationELB',
    metricName: 'TargetResponseTime',
    dimensions: albDims,
    extendedStatistic: 'p95',
    period: 60,
    evaluationPeriods: 5,
    threshold: 1,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
  });
  new CloudwatchMetricAlarm(stack, 'unhealthy_hosts', {
    alarmName: `${prefix}-unhealthy-hosts`,
    alarmDescription: 'A target failed its health checks',
    namespace: 'AWS/ApplicationELB',
    metricName: 'UnHealthyHostCount',
    dimensions: { ...albDims, TargetGroup: edge.targetGroup.arnSuffix },
    statistic: 'Maximum',
    period: 60,
    evaluationPeriods: 3,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
  });
  new CloudwatchMetricAlarm(stack, 'asg_at_max', {
    alarmName: `${prefix}-asg-at-max`,
    alarmDescription: 'The Auto Scaling Group is at its maximum size: no headroom left',
    namespace: 'AWS/AutoScaling',
    metricName: 'GroupInServiceInstances',
    dimensions: { AutoScalingGroupName: asg.name },
    statistic: 'Minimum',
    period: 60,
    evaluationPeriods: 10,
    threshold: config.traditional.maxInstances,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    // The group publishes this every minute: a gap means collection stopped, which must not read as OK.
    treatMissingData: 'missing',
  });
  new CloudwatchMetricAlarm(stack, 'db_cpu', {
    alarmName: `${prefix}-db-cpu`,
    alarmDescription: 'Database CPU above 80%',
    namespace: 'AWS/RDS',
    metricName: 'CPUUtilization',
    dimensions: { DBInstanceIdentifier: db.identifier },
    statistic: 'Average',
    period: 300,
    evaluationPeriods: 3,
    threshold: 80,
    comparisonOperator: 'GreaterThanThreshold',
  });
  new CloudwatchMetricAlarm(stack, 'db_free_storage', {
    alarmName: `${prefix}-db-free-storage`,
    alarmDescription: 'Database free storage below 2 GiB',
    namespace: 'AWS/RDS',
    metricName: 'FreeStorageSpace',
    dimensions: { DBInstanceIdentifier: db.identifier },
    statistic: 'Minimum',
    period: 300,
    evaluationPeriods: 1,
    threshold: 2 * 1024 ** 3,
    comparisonOperator: 'LessThanThreshold',
  });
}
