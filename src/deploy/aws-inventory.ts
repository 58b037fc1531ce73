import { awsClientConfig, type AwsConnection } from './aws-connection.js';

/**
 * What is still deployed for a run, found through the AWS APIs themselves (not terraform state),
 * so "nothing left behind" is verified, not assumed. Every resource archcompare creates carries the
 * run id in its tags and in its name; each lister uses whichever the service exposes.
 */

type Lister = (conn: AwsConnection, runId: string) => Promise<string[]>;

const hasRunId = (runId: string) => (name: string | undefined) => Boolean(name && name.includes(runId));
const tagFilter = (runId: string) => [{ Name: 'tag:archcompare:run-id', Values: [runId] }];
// Filters narrow the listing; the tag check on each item decides (some emulators ignore filters).
const tagged = (runId: string) => (item: { Tags?: Array<{ Key?: string; Value?: string }> }) =>
  (item.Tags ?? []).some((t) => t.Key === 'archcompare:run-id' && t.Value === runId);

const listers: Record<string, Lister> = {
  async ec2(conn, runId) {
    const ec2 = await import('@aws-sdk/client-ec2');
    const c = new ec2.EC2Client(awsClientConfig(conn));
    const Filters = tagFilter(runId);
    const [instances, vpcs, subnets, groups, nats, igws, eips, templates] = await Promise.all([
      c.send(new ec2.DescribeInstancesCommand({ Filters: [...Filters, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }] })),
      c.send(new ec2.DescribeVpcsCommand({ Filters })),
      c.send(new ec2.DescribeSubnetsCommand({ Filters })),
      c.send(new ec2.DescribeSecurityGroupsCommand({ Filters })),
      c.send(new ec2.DescribeNatGatewaysCommand({ Filter: Filters })),
      c.send(new ec2.DescribeInternetGatewaysCommand({ Filters })),
      c.send(new ec2.DescribeAddressesCommand({ Filters })),
      c.send(new ec2.DescribeLaunchTemplatesCommand({ Filters })),
    ]);
    return [
      ...(instances.Reservations ?? []).flatMap((r) => (r.Instances ?? []).filter(tagged(runId)).map((i) => `ec2 instance ${i.InstanceId}`)),
      ...(vpcs.Vpcs ?? []).filter(tagged(runId)).map((v) => `vpc ${v.VpcId}`),
      ...(subnets.Subnets ?? []).filter(tagged(runId)).map((s) => `subnet ${s.SubnetId}`),
      ...(groups.SecurityGroups ?? []).filter(tagged(runId)).map((g) => `security group ${g.GroupId}`),
      ...(nats.NatGateways ?? []).filter(tagged(runId)).filter((n) => n.State !== 'deleted' && n.State !== 'deleting').map((n) => `nat gateway ${n.NatGatewayId}`),
      ...(igws.InternetGateways ?? []).filter(tagged(runId)).map((g) => `internet gateway ${g.InternetGatewayId}`),
      ...(eips.Addresses ?? []).filter(tagged(runId)).map((a) => `elastic ip ${a.AllocationId}`),
      ...(templates.LaunchTemplates ?? []).filter(tagged(runId)).map((t) => `launch template ${t.LaunchTemplateName}`),
    ];
  },
  async autoscaling(conn, runId) {
    const as = await import('@aws-sdk/client-auto-scaling');
    const c = new as.AutoScalingClient(awsClientConfig(conn));
    const r = await c.send(new as.DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:archcompare:run-id', Values: [runId] }] }));
    return (r.AutoScalingGroups ?? []).filter((g) => (g.Tags ?? []).some((t) => t.Key === 'archcompare:run-id' && t.Value === runId)).map((g) => `auto scaling group ${g.AutoScalingGroupName}`);
  },
  async elbv2(conn, runId) {
    const elb = await import('@aws-sdk/client-elastic-load-balancing-v2');
    const c = new elb.ElasticLoadBalancingV2Client(awsClientConfig(conn));
    const [lbs, tgs] = await Promise.all([c.send(new elb.DescribeLoadBalancersCommand({})), c.send(new elb.DescribeTargetGroupsCommand({}))]);
    return [
      ...(lbs.LoadBalancers ?? []).filter((l) => hasRunId(runId)(l.LoadBalancerName)).map((l) => `load balancer ${l.LoadBalancerName}`),
      ...(tgs.TargetGroups ?? []).filter((t) => hasRunId(runId)(t.TargetGroupName)).map((t) => `target group ${t.TargetGroupName}`),
    ];
  },
  async rds(conn, runId) {
    const rds = await import('@aws-sdk/client-rds');
    const c = new rds.RDSClient(awsClientConfig(conn));
    const [dbs, groups] = await Promise.all([c.send(new rds.DescribeDBInstancesCommand({})), c.send(new rds.DescribeDBSubnetGroupsCommand({}))]);
    return [
      ...(dbs.DBInstances ?? []).filter((d) => hasRunId(runId)(d.DBInstanceIdentifier) && d.DBInstanceStatus !== 'deleted').map((d) => `db instance ${d.DBInstanceIdentifier}`),
      ...(groups.DBSubnetGroups ?? []).filter((g) => hasRunId(runId)(g.DBSubnetGroupName)).map((g) => `db subnet group ${g.DBSubnetGroupName}`),
    ];
  },
  async lambda(conn, runId) {
    const lambda = await import('@aws-sdk/client-lambda');
    const c = new lambda.LambdaClient(awsClientConfig(conn));
    const names: string[] = [];
    for await (const page of lambda.paginateListFunctions({ client: c }, {})) names.push(...(page.Functions ?? []).map((f) => f.FunctionName ?? ''));
    return names.filter(hasRunId(runId)).map((n) => `lambda function ${n}`);
  },
  async dynamodb(conn, runId) {
    const ddb = await import('@aws-sdk/client-dynamodb');
    const c = new ddb.DynamoDBClient(awsClientConfig(conn));
    const names: string[] = [];
    for await (const page of ddb.paginateListTables({ client: c }, {})) names.push(...(page.TableNames ?? []));
    return names.filter(hasRunId(runId)).map((n) => `dynamodb table ${n}`);
  },
  async apigatewayv2(conn, runId) {
    const api = await import('@aws-sdk/client-apigatewayv2');
    const c = new api.ApiGatewayV2Client(awsClientConfig(conn));
    const r = await c.send(new api.GetApisCommand({}));
    return (r.Items ?? []).filter((a) => a.Tags?.['archcompare:run-id'] === runId || hasRunId(runId)(a.Name)).map((a) => `http api ${a.Name} (${a.ApiId})`);
  },
  async sqs(conn, runId) {
    const sqs = await import('@aws-sdk/client-sqs');
    const c = new sqs.SQSClient(awsClientConfig(conn));
    const r = await c.send(new sqs.ListQueuesCommand({}));
    return (r.QueueUrls ?? []).filter(hasRunId(runId)).map((u) => `sqs queue ${u.split('/').pop()}`);
  },
  async s3(conn, runId) {
    const s3 = await import('@aws-sdk/client-s3');
    const c = new s3.S3Client(awsClientConfig(conn));
    const r = await c.send(new s3.ListBucketsCommand({}));
    return (r.Buckets ?? []).filter((b) => hasRunId(runId)(b.Name)).map((b) => `s3 bucket ${b.Name}`);
  },
  async iam(conn, runId) {
    const iam = await import('@aws-sdk/client-iam');
    const c = new iam.IAMClient(awsClientConfig(conn));
    const roles: string[] = [];
    for await (const page of iam.paginateListRoles({ client: c }, {})) roles.push(...(page.Roles ?? []).map((r) => r.RoleName ?? ''));
    return roles.filter(hasRunId(runId)).map((r) => `iam role ${r}`);
  },
  async secrets(conn, runId) {
    const sm = await import('@aws-sdk/client-secrets-manager');
    const c = new sm.SecretsManagerClient(awsClientConfig(conn));
    const r = await c.send(new sm.ListSecretsCommand({}));
    return (r.SecretList ?? []).filter((s) => hasRunId(runId)(s.Name) && !s.DeletedDate).map((s) => `secret ${s.Name}`);
  },
  async alarms(conn, runId) {
    const cw = await import('@aws-sdk/client-cloudwatch');
    const c = new cw.CloudWatchClient(awsClientConfig(conn));
    const r = await c.send(new cw.DescribeAlarmsCommand({}));
    return (r.MetricAlarms ?? []).filter((a) => hasRunId(runId)(a.AlarmName)).map((a) => `alarm ${a.AlarmName}`);
  },
  async logs(conn, runId) {
    const logs = await import('@aws-sdk/client-cloudwatch-logs');
    const c = new logs.CloudWatchLogsClient(awsClientConfig(conn));
    const r = await c.send(new logs.DescribeLogGroupsCommand({}));
    return (r.logGroups ?? []).filter((g) => hasRunId(runId)(g.logGroupName)).map((g) => `log group ${g.logGroupName}`);
  },
};

/** Every resource of the run that the AWS APIs still report, as "kind id" strings. */
export async function findTaggedResources(conn: AwsConnection, runId: string): Promise<string[]> {
  const found = await Promise.all(Object.values(listers).map((list) => list(conn, runId)));
  return found.flat();
}
