import { priceFilters, type OperatingSystem } from '../price-filters.js';
import { block, blocks, bool, num, referencedAddress, str, type TerraformResource } from '../../architecture/terraform-document.js';
import { HOURS_PER_MONTH } from '../units.js';
import { defineHandler, type CostComponentSpec, type ResourceUsage, type StackIndex, type Unsupported } from './types.js';

/** EC2 detailed monitoring publishes 7 instance metrics at 1-minute resolution, billed as custom metrics (as Infracost counts them). */
export const DETAILED_MONITORING_METRICS_PER_INSTANCE = 7;
/** When a launch template names no block device, the AMI's root volume is assumed: Amazon Linux 2023 ships 8 GB gp3. */
const AMI_DEFAULT_ROOT_VOLUME = { volumeType: 'gp3', sizeGb: 8 } as const;
const OPERATING_SYSTEMS = ['linux', 'windows', 'rhel', 'suse'] as const;

export interface Volume {
  label: string;
  volumeType: string;
  sizeGb: number;
  iops?: number;
  throughputMibps?: number;
}

interface Ec2Fleet {
  instanceType: string;
  /** Instance count from the resource itself (ASG desired, else min; 1 for an aws_instance). */
  configuredInstances: number;
  minInstances: number;
  maxInstances: number;
  volumes: Volume[];
  detailedMonitoring: boolean;
  os: OperatingSystem;
}

function volumeFromEbs(label: string, ebs: Record<string, unknown> | undefined, fallbackType: string): Volume {
  return {
    label,
    volumeType: str(ebs, 'volume_type') ?? fallbackType,
    sizeGb: num(ebs, 'volume_size') ?? AMI_DEFAULT_ROOT_VOLUME.sizeGb,
    iops: num(ebs, 'iops'),
    throughputMibps: num(ebs, 'throughput'),
  };
}

function launchTemplateOf(asg: TerraformResource, stack: StackIndex): TerraformResource | undefined {
  const spec = block(asg.values, 'launch_template') ?? block(block(block(asg.values, 'mixed_instances_policy') ?? {}, 'launch_template') ?? {}, 'launch_template_specification');
  const ref = referencedAddress(spec?.id) ?? referencedAddress(spec?.name) ?? referencedAddress(spec?.launch_template_id) ?? referencedAddress(spec?.launch_template_name);
  return ref ? stack.get(ref) : undefined;
}

function osFromUsage(usage: ResourceUsage): OperatingSystem {
  const os = usage.operating_system;
  return typeof os === 'string' && (OPERATING_SYSTEMS as readonly string[]).includes(os) ? (os as OperatingSystem) : 'linux';
}

/** Instance hours, volumes and detailed monitoring for `count` identical instances. */
export function fleetComponents(fleet: Ec2Fleet, instances: number, usageBased: boolean): CostComponentSpec[] {
  const count = instances;
  const osLabel = fleet.os === 'linux' ? 'Linux/UNIX' : fleet.os === 'windows' ? 'Windows' : fleet.os.toUpperCase();
  const out: CostComponentSpec[] = [
    {
      name: `Instance usage (${osLabel}, on-demand, ${fleet.instanceType})`,
      unit: 'hours',
      quantity: count * HOURS_PER_MONTH,
      filter: priceFilters.ec2Instance(fleet.instanceType, fleet.os),
      usageBased,
    },
  ];
  for (const v of fleet.volumes) {
    out.push({ name: `${v.label}: storage (${v.volumeType})`, unit: 'GB', quantity: count * v.sizeGb, filter: priceFilters.ebsStorage(v.volumeType), usageBased });
    if (v.volumeType === 'gp3' && (v.iops ?? 3000) > 3000)
      out.push({ name: `${v.label}: provisioned IOPS above 3,000`, unit: 'IOPS', quantity: count * ((v.iops ?? 3000) - 3000), filter: priceFilters.ebsGp3Iops(), usageBased });
    if (v.volumeType === 'gp3' && (v.throughputMibps ?? 125) > 125)
      out.push({ name: `${v.label}: provisioned throughput above 125 MiB/s`, unit: 'MiB/s', quantity: count * ((v.throughputMibps ?? 125) - 125), filter: priceFilters.ebsGp3Throughput(), usageBased });
  }
  if (fleet.detailedMonitoring)
    out.push({
      name: `Detailed monitoring (${DETAILED_MONITORING_METRICS_PER_INSTANCE} metrics/instance)`,
      unit: 'metrics',
      quantity: count * DETAILED_MONITORING_METRICS_PER_INSTANCE,
      filter: priceFilters.cloudwatchMetrics(),
      freeTier: 'cloudwatch-metrics',
      usageBased,
    });
  return out;
}

export type AutoscalingGroup = Ec2Fleet;

export const autoscalingGroup = defineHandler<AutoscalingGroup>({
  type: 'aws_autoscaling_group',
  usageKeys: {
    instances: { description: 'Average number of running instances over the month (measured; default: desired_capacity, else min_size)', scaling: 'fixed' },
    operating_system: { description: 'linux (default), windows, rhel or suse', scaling: 'fixed', kind: 'string', allowed: OPERATING_SYSTEMS },
  },
  read(resource, stack): AutoscalingGroup | Unsupported {
    const lt = launchTemplateOf(resource, stack);
    const lcRef = referencedAddress(resource.values.launch_configuration);
    const lc = lcRef ? stack.get(lcRef) : undefined;
    const source = lt ?? lc;
    const instanceType = str(source?.values, 'instance_type');
    if (!source || !instanceType)
      return { unsupported: 'its instance type is unknown (the launch template or configuration is not in this document, or its instance_type is an unresolved reference)' };
    const mappings = lt ? blocks(lt.values, 'block_device_mappings') : blocks(lc!.values, 'root_block_device').map((ebs) => ({ ebs }));
    const volumes = mappings.length
      ? mappings.map((m, i) => volumeFromEbs(i === 0 ? 'Root volume' : `Volume ${str(m, 'device_name') ?? i}`, lt ? block(m, 'ebs') : (m.ebs as Record<string, unknown>), 'gp2'))
      : [{ label: 'Root volume (AMI default)', volumeType: AMI_DEFAULT_ROOT_VOLUME.volumeType, sizeGb: AMI_DEFAULT_ROOT_VOLUME.sizeGb }];
    const min = num(resource.values, 'min_size') ?? 0;
    return {
      instanceType,
      configuredInstances: num(resource.values, 'desired_capacity') ?? min,
      minInstances: min,
      maxInstances: num(resource.values, 'max_size') ?? min,
      volumes,
      detailedMonitoring: lt ? bool(block(lt.values, 'monitoring'), 'enabled') === true : bool(lc!.values, 'enable_monitoring') !== false,
      os: 'linux',
    };
  },
  components(asg, usage) {
    const measured = usage.instances;
    const instances = typeof measured === 'number' ? measured : asg.configuredInstances;
    return fleetComponents({ ...asg, os: osFromUsage(usage) }, instances, typeof measured === 'number');
  },
});

export const ec2Instance = defineHandler<Ec2Fleet>({
  type: 'aws_instance',
  usageKeys: { operating_system: { description: 'linux (default), windows, rhel or suse', scaling: 'fixed', kind: 'string', allowed: OPERATING_SYSTEMS } },
  read(resource) {
    const instanceType = str(resource.values, 'instance_type');
    if (!instanceType) return { unsupported: 'instance_type is unknown' };
    const volumes = [volumeFromEbs('Root volume', block(resource.values, 'root_block_device'), 'gp2'), ...blocks(resource.values, 'ebs_block_device').map((b) => volumeFromEbs(`Volume ${str(b, 'device_name') ?? ''}`.trim(), b, 'gp2'))];
    return { instanceType, configuredInstances: 1, minInstances: 1, maxInstances: 1, volumes, detailedMonitoring: bool(resource.values, 'monitoring') === true, os: 'linux' };
  },
  components: (fleet, usage) => fleetComponents({ ...fleet, os: osFromUsage(usage) }, 1, false),
});

export const ebsVolume = defineHandler<Volume>({
  type: 'aws_ebs_volume',
  usageKeys: {},
  read(resource) {
    const sizeGb = num(resource.values, 'size');
    if (sizeGb === undefined) return { unsupported: 'size is unknown (snapshot-sized volumes are not priced)' };
    return { label: 'Volume', volumeType: str(resource.values, 'type') ?? 'gp2', sizeGb, iops: num(resource.values, 'iops'), throughputMibps: num(resource.values, 'throughput') };
  },
  components: (v) => fleetComponents({ instanceType: '', configuredInstances: 1, minInstances: 1, maxInstances: 1, volumes: [v], detailedMonitoring: false, os: 'linux' }, 1, false).slice(1),
});

