import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { ApiGatewayV2Client, GetApisCommand } from '@aws-sdk/client-apigatewayv2';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';

/**
 * The test's own look at the emulator, written apart from src/deploy/aws-inventory.ts on purpose:
 * if destroy's verification were wrong, this must not be wrong the same way.
 */
export async function leftovers(endpoint: string, runId: string): Promise<string[]> {
  const cfg = { region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const mine = (s: string | undefined) => Boolean(s?.includes(runId));
  const hasTag = (tags: Array<{ Key?: string; Value?: string }> | undefined) => (tags ?? []).some((t) => t.Value === runId);
  const [instances, vpcs, asgs, lbs, dbs, fns, tables, apis, queues] = await Promise.all([
    new EC2Client(cfg).send(new DescribeInstancesCommand({})),
    new EC2Client(cfg).send(new DescribeVpcsCommand({})),
    new AutoScalingClient(cfg).send(new DescribeAutoScalingGroupsCommand({})),
    new ElasticLoadBalancingV2Client(cfg).send(new DescribeLoadBalancersCommand({})),
    new RDSClient(cfg).send(new DescribeDBInstancesCommand({})),
    new LambdaClient(cfg).send(new ListFunctionsCommand({})),
    new DynamoDBClient(cfg).send(new ListTablesCommand({})),
    new ApiGatewayV2Client(cfg).send(new GetApisCommand({})),
    new SQSClient(cfg).send(new ListQueuesCommand({})),
  ]);
  return [
    ...(instances.Reservations ?? []).flatMap((r) => r.Instances ?? []).filter((i) => hasTag(i.Tags) && i.State?.Name !== 'terminated').map((i) => `instance ${i.InstanceId}`),
    ...(vpcs.Vpcs ?? []).filter((v) => hasTag(v.Tags)).map((v) => `vpc ${v.VpcId}`),
    ...(asgs.AutoScalingGroups ?? []).filter((g) => mine(g.AutoScalingGroupName)).map((g) => `asg ${g.AutoScalingGroupName}`),
    ...(lbs.LoadBalancers ?? []).filter((l) => mine(l.LoadBalancerName)).map((l) => `lb ${l.LoadBalancerName}`),
    ...(dbs.DBInstances ?? []).filter((d) => mine(d.DBInstanceIdentifier)).map((d) => `db ${d.DBInstanceIdentifier}`),
    ...(fns.Functions ?? []).filter((f) => mine(f.FunctionName)).map((f) => `lambda ${f.FunctionName}`),
    ...(tables.TableNames ?? []).filter(mine).map((t) => `table ${t}`),
    ...(apis.Items ?? []).filter((a) => mine(a.Name)).map((a) => `api ${a.Name}`),
    ...(queues.QueueUrls ?? []).filter(mine).map((q) => `queue ${q}`),
  ];
}
