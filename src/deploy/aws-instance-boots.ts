import { retry, TRY_AGAIN } from '../retry.js';
import type { InstanceBoot } from '../state/boot-history.js';
import { awsClientConfig, type AwsConnection } from './aws-connection.js';
import { instanceBoot } from './instance-boots.js';

/**
 * The AWS adapter that measures instance boots after a traditional deploy: the group's instances
 * (DescribeAutoScalingGroups), their health in the target group, polled (DescribeTargetHealth), and
 * their launch time (DescribeInstances LaunchTime). A boot is launch → the first poll that saw the
 * target healthy, so it is overstated by up to one poll interval. LaunchTime is EC2's clock and the
 * poll this machine's: the SDK's clock-skew correction does not reach them, an NTP-synced machine is
 * within a second.
 */

export interface BootWatch {
  asgName: string;
  targetGroupArn: string;
  /** Done once this many of the group's instances are healthy targets (the desired capacity). */
  expectedHealthy: number;
}

export interface BootWaitOptions {
  pollMs: number;
  timeoutMs: number;
  /** "1/2 healthy" after every poll. */
  onProgress?: (healthy: number, expected: number) => void;
}

export interface BootWaitResult {
  boots: InstanceBoot[];
  /** The timeout passed before expectedHealthy targets were healthy. */
  timedOut: boolean;
}

export async function waitForHealthyBoots(conn: AwsConnection, watch: BootWatch, opts: BootWaitOptions): Promise<BootWaitResult> {
  const [{ AutoScalingClient, DescribeAutoScalingGroupsCommand }, { ElasticLoadBalancingV2Client, DescribeTargetHealthCommand }, { EC2Client, DescribeInstancesCommand }] = await Promise.all([
    import('@aws-sdk/client-auto-scaling'),
    import('@aws-sdk/client-elastic-load-balancing-v2'),
    import('@aws-sdk/client-ec2'),
  ]);
  const cfg = awsClientConfig(conn);
  const autoscaling = new AutoScalingClient(cfg);
  const elb = new ElasticLoadBalancingV2Client(cfg);
  const ec2 = new EC2Client(cfg);
  const firstHealthy = new Map<string, Date>();
  try {
    const polls = Math.max(1, Math.ceil(opts.timeoutMs / opts.pollMs) + 1);
    const done = await retry(
      `waiting for ${watch.expectedHealthy} healthy target(s)`,
      { attempts: polls, firstDelayMs: opts.pollMs, maxDelayMs: opts.pollMs },
      async () => {
        const group = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [watch.asgName] }))).AutoScalingGroups?.[0];
        const members = new Set((group?.Instances ?? []).filter((i) => !i.LifecycleState?.startsWith('Terminat')).map((i) => i.InstanceId!));
        const health = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: watch.targetGroupArn }))).TargetHealthDescriptions ?? [];
        const seenAt = new Date();
        for (const d of health) {
          const id = d.Target?.Id;
          if (id && members.has(id) && d.TargetHealth?.State === 'healthy' && !firstHealthy.has(id)) firstHealthy.set(id, seenAt);
        }
        const healthyNow = health.filter((d) => members.has(d.Target?.Id ?? '') && d.TargetHealth?.State === 'healthy').length;
        opts.onProgress?.(healthyNow, watch.expectedHealthy);
        return healthyNow >= watch.expectedHealthy ? true : TRY_AGAIN;
      },
      { onExhausted: () => false },
    );
    if (firstHealthy.size === 0) return { boots: [], timedOut: !done };
    const reservations = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [...firstHealthy.keys()] }))).Reservations ?? [];
    const boots = reservations
      .flatMap((r) => r.Instances ?? [])
      .filter((i) => i.InstanceId && i.LaunchTime && firstHealthy.has(i.InstanceId))
      .map((i) => instanceBoot({ instanceId: i.InstanceId!, instanceType: i.InstanceType ?? 'unknown', launchedAt: i.LaunchTime! }, firstHealthy.get(i.InstanceId!)!, opts.pollMs / 1000))
      .sort((a, b) => a.launchedAt.localeCompare(b.launchedAt));
    return { boots, timedOut: !done };
  } finally {
    autoscaling.destroy();
    elb.destroy();
    ec2.destroy();
  }
}

/** The account the credentials belong to (STS GetCallerIdentity): boots are remembered per account. */
export async function callerAccount(conn: AwsConnection): Promise<string> {
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const sts = new STSClient(awsClientConfig(conn));
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Account!;
  } finally {
    sts.destroy();
  }
}
