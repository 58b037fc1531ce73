import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, CreateSubnetCommand, CreateVpcCommand, DescribeImagesCommand, EC2Client, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../../src/deploy/aws-connection.js';
import { callerAccount, waitForHealthyBoots, type BootWatch } from '../../src/deploy/aws-instance-boots.js';
import { requireBinary } from '../support/binaries.js';
import { startMoto, type Moto } from '../support/moto.js';

const motoBin = requireBinary('moto_server', 'measuring instance boots against moto');

/**
 * moto serves the three calls with AWS's shapes: an ASG attached to a target group registers its
 * instances, DescribeTargetHealth answers "healthy" for a running instance and "unused"
 * (Target.InvalidState) for a stopped one, DescribeInstances gives LaunchTime. A stopped instance
 * stands for one still booting; starting it is the moment its health check passes.
 */
describe.skipIf(!motoBin)('instance boots measured from the Auto Scaling group, the target group and EC2 (moto_server)', () => {
  let moto: Moto;
  let watch: BootWatch;
  let instanceIds: string[];
  const conn = () => ({ region: 'us-east-1', endpointUrl: moto.url });

  beforeAll(async () => {
    moto = await startMoto(motoBin!);
    const cfg = awsClientConfig(conn());
    const ec2 = new EC2Client(cfg);
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    const image = (await ec2.send(new DescribeImagesCommand({}))).Images![0]!.ImageId!;
    const template = (await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'app', LaunchTemplateData: { ImageId: image, InstanceType: 't3.small' } }))).LaunchTemplate!.LaunchTemplateId!;
    const targetGroupArn = (await new ElasticLoadBalancingV2Client(cfg).send(new CreateTargetGroupCommand({ Name: 'app', Protocol: 'HTTP', Port: 8080, VpcId: vpc, TargetType: 'instance' }))).TargetGroups![0]!.TargetGroupArn!;
    const autoscaling = new AutoScalingClient(cfg);
    await autoscaling.send(new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'app', MinSize: 2, MaxSize: 2, DesiredCapacity: 2, VPCZoneIdentifier: subnet, TargetGroupARNs: [targetGroupArn],
      LaunchTemplate: { LaunchTemplateId: template, Version: '$Latest' },
    }));
    instanceIds = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['app'] }))).AutoScalingGroups![0]!.Instances!.map((i) => i.InstanceId!);
    watch = { asgName: 'app', targetGroupArn, expectedHealthy: 2 };
  }, 60_000);
  afterAll(async () => moto?.stop());

  it('measures each instance from launch to its first healthy poll, waiting for the one still booting', async () => {
    const ec2 = new EC2Client(awsClientConfig(conn()));
    const [booting] = instanceIds;
    await ec2.send(new StopInstancesCommand({ InstanceIds: [booting!] }));
    const progress: string[] = [];
    const measuring = waitForHealthyBoots(conn(), watch, { pollMs: 250, timeoutMs: 20_000, onProgress: (h, e) => progress.push(`${h}/${e}`) });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const passedAt = Date.now();
    await ec2.send(new StartInstancesCommand({ InstanceIds: [booting!] }));
    const { boots, timedOut } = await measuring;

    expect(timedOut).toBe(false);
    expect(boots.map((b) => b.instanceId).sort()).toEqual([...instanceIds].sort());
    const late = boots.find((b) => b.instanceId === booting)!;
    const early = boots.find((b) => b.instanceId !== booting)!;
    expect(Date.parse(late.healthyAt)).toBeGreaterThanOrEqual(passedAt);
    expect(Date.parse(late.healthyAt) - passedAt).toBeLessThan(5_000);
    expect(late.bootSeconds).toBeGreaterThanOrEqual(2);
    expect(late.bootSeconds).toBe(Math.round((Date.parse(late.healthyAt) - Date.parse(late.launchedAt)) / 1000));
    expect(early.bootSeconds).toBeLessThan(late.bootSeconds);
    expect(late).toMatchObject({ instanceType: 't3.small', resolutionSeconds: 0.25 });
    expect(progress[0]).toBe('1/2');
    expect(progress.at(-1)).toBe('2/2');
  }, 60_000);

  it('gives up after the timeout with the boots it saw, in a bounded number of polls', async () => {
    let polls = 0;
    const started = Date.now();
    const { boots, timedOut } = await waitForHealthyBoots(conn(), { ...watch, expectedHealthy: 3 }, { pollMs: 200, timeoutMs: 1_000, onProgress: () => (polls += 1) });
    expect(timedOut).toBe(true);
    expect(boots).toHaveLength(2);
    expect(polls).toBe(6);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('knows the account the credentials belong to', async () => {
    expect(await callerAccount(conn())).toBe('123456789012');
  });
});
