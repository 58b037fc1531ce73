import { priceFilters, type OperatingSystem } from '../price-filters.js';
import { block, blocks, bool, num, referencedAddress, str, type TerraformResource } from '../../architecture/terraform-document.js';
import { HOURS_PER_MONTH } from '../units.js';
import { defineHandler, usageNumber, type CostComponentSpec, type ResourceUsage, type StackIndex, type Unsupported, type UsageKeySpec } from './types.js';

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

/** EBS volume types priced (https://aws.amazon.com/ebs/pricing/); standard is magnetic. */
const EBS_TYPES = new Set(['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard']);
/** gp3's included baseline (IOPS and MiB/s are billed above it); io2's per-volume IOPS tiers. */
const GP3_BASELINE = { iops: 3000, throughputMibps: 125 } as const;
const IO2_IOPS_TIERS = [32_000, 64_000] as const;

/**
 * Burstable families whose surplus CPU credits are billed in unlimited mode, and their default mode when
 * credit_specification is absent: T3, T3a and T4g launch unlimited, T2 standard
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-performance-instances-unlimited-mode.html).
 */
const BURSTABLE_DEFAULT_MODE: Readonly<Record<string, 'standard' | 'unlimited'>> = { t2: 'standard', t3: 'unlimited', t3a: 'unlimited', t4g: 'unlimited' };
/** vCPUs per burstable size (https://aws.amazon.com/ec2/instance-types/t3/, /t2/, /t4/): the default vcpu_count. */
const BURSTABLE_VCPUS: Readonly<Record<string, number>> = { nano: 2, micro: 2, small: 2, medium: 2, large: 2, xlarge: 4, '2xlarge': 8 };
const T2_VCPUS: Readonly<Record<string, number>> = { nano: 1, micro: 1, small: 1, medium: 2, large: 2, xlarge: 4, '2xlarge': 8 };

function burstableFamily(instanceType: string): string | undefined {
  const family = instanceType.split('.')[0]!;
  return family in BURSTABLE_DEFAULT_MODE ? family : undefined;
}

/** The credit mode a T instance runs in: the credit_specification block's, else the family's default. */
function cpuCreditMode(instanceType: string, values: Record<string, unknown> | undefined): 'standard' | 'unlimited' | undefined {
  const family = burstableFamily(instanceType);
  if (!family) return undefined;
  const set = str(block(values ?? {}, 'credit_specification'), 'cpu_credits');
  return set === 'standard' || set === 'unlimited' ? set : BURSTABLE_DEFAULT_MODE[family];
}

function defaultVcpus(instanceType: string): number {
  const [family, size = ''] = instanceType.split('.');
  return (family === 't2' ? T2_VCPUS : BURSTABLE_VCPUS)[size] ?? 2;
}

/** Infracost's reserved-instance keys: accepted so an existing usage file parses, priced on-demand (said in the warning). */
const RESERVED_KEYS: Readonly<Record<string, UsageKeySpec>> = {
  reserved_instance_type: { description: 'Reserved Instance offering class (Infracost)', scaling: 'fixed', kind: 'string', ignored: 'archcompare prices on-demand only' },
  reserved_instance_term: { description: 'Reserved Instance term (Infracost)', scaling: 'fixed', kind: 'string', ignored: 'archcompare prices on-demand only' },
  reserved_instance_payment_option: { description: 'Reserved Instance payment option (Infracost)', scaling: 'fixed', kind: 'string', ignored: 'archcompare prices on-demand only' },
};

/** Infracost's aws_instance / aws_autoscaling_group CPU credit keys, with its meaning: credit hours x vCPUs = surplus vCPU-hours. */
const CPU_CREDIT_KEYS: Readonly<Record<string, UsageKeySpec>> = {
  monthly_cpu_credit_hrs: { description: 'Hours in the month each instance bursts above its baseline on surplus credits (T2/T3/T3a/T4g in unlimited mode); x vcpu_count = surplus vCPU-hours', scaling: 'fixed' },
  vcpu_count: { description: "vCPUs the surplus credits are spent on (default: the instance type's vCPUs)", scaling: 'fixed' },
};

interface Ec2Fleet {
  instanceType: string;
  /** Instance count from the resource itself (ASG desired, else min; 1 for an aws_instance). */
  configuredInstances: number;
  minInstances: number;
  maxInstances: number;
  volumes: Volume[];
  detailedMonitoring: boolean;
  os: OperatingSystem;
  /** Set for T instances: surplus credits are billed only in unlimited mode. */
  cpuCredits?: 'standard' | 'unlimited';
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

/** Storage, and IOPS / throughput where the type bills them, for `count` identical volumes. */
export function volumeComponents(v: Volume, count: number, usageBased: boolean, usage: ResourceUsage = {}): CostComponentSpec[] {
  const out: CostComponentSpec[] = [{ name: `${v.label}: storage (${v.volumeType})`, unit: 'GB', quantity: count * v.sizeGb, filter: priceFilters.ebsStorage(v.volumeType), usageBased }];
  if (v.volumeType === 'gp3') {
    if ((v.iops ?? GP3_BASELINE.iops) > GP3_BASELINE.iops)
      out.push({ name: `${v.label}: provisioned IOPS above 3,000`, unit: 'IOPS', quantity: count * ((v.iops ?? 0) - GP3_BASELINE.iops), filter: priceFilters.ebsGp3Iops(), usageBased });
    if ((v.throughputMibps ?? GP3_BASELINE.throughputMibps) > GP3_BASELINE.throughputMibps)
      out.push({ name: `${v.label}: provisioned throughput above 125 MiB/s`, unit: 'MiB/s', quantity: count * ((v.throughputMibps ?? 0) - GP3_BASELINE.throughputMibps), filter: priceFilters.ebsGp3Throughput(), usageBased });
  }
  if (v.volumeType === 'io1') out.push({ name: `${v.label}: provisioned IOPS (io1)`, unit: 'IOPS', quantity: count * (v.iops ?? 0), filter: priceFilters.ebsProvisionedIops('io1', 1), usageBased });
  if (v.volumeType === 'io2') {
    // io2 IOPS are tiered per volume, so each volume's IOPS split at 32,000 and 64,000.
    const iops = v.iops ?? 0;
    const bands = [Math.min(iops, IO2_IOPS_TIERS[0]), Math.max(0, Math.min(iops, IO2_IOPS_TIERS[1]) - IO2_IOPS_TIERS[0]), Math.max(0, iops - IO2_IOPS_TIERS[1])];
    const labels = ['up to 32,000', '32,001 to 64,000', 'above 64,000'];
    bands.forEach((band, i) => {
      if (i === 0 || band > 0) out.push({ name: `${v.label}: provisioned IOPS (io2, ${labels[i]})`, unit: 'IOPS', quantity: count * band, filter: priceFilters.ebsProvisionedIops('io2', (i + 1) as 1 | 2 | 3), usageBased });
    });
  }
  if (v.volumeType === 'standard')
    out.push({ name: `${v.label}: I/O requests (magnetic)`, unit: '1M requests', unitScale: 1e6, quantity: usageNumber(usage, 'monthly_standard_io_requests'), filter: priceFilters.ebsMagneticIo(), usageBased: true });
  return out;
}

/** Instance hours, volumes, detailed monitoring and surplus CPU credits for `count` identical instances. */
export function fleetComponents(fleet: Ec2Fleet, instances: number, usageBased: boolean, usage: ResourceUsage = {}): CostComponentSpec[] {
  const count = instances;
  const osLabel = fleet.os === 'linux' ? 'Linux/UNIX' : fleet.os === 'windows' ? 'Windows' : fleet.os.toUpperCase();
  const out: CostComponentSpec[] = [
    {
      name: `Instance usage (${osLabel}, on-demand, ${fleet.instanceType})`,
      unit: 'hours',
      quantity: count * usageNumber(usage, 'monthly_hrs', HOURS_PER_MONTH),
      filter: priceFilters.ec2Instance(fleet.instanceType, fleet.os),
      usageBased,
    },
  ];
  for (const v of fleet.volumes) out.push(...volumeComponents(v, count, usageBased));
  if (fleet.detailedMonitoring)
    out.push({
      name: `Detailed monitoring (${DETAILED_MONITORING_METRICS_PER_INSTANCE} metrics/instance)`,
      unit: 'metrics',
      quantity: count * DETAILED_MONITORING_METRICS_PER_INSTANCE,
      filter: priceFilters.cloudwatchMetrics(),
      freeTier: 'cloudwatch-metrics',
      usageBased,
    });
  const family = burstableFamily(fleet.instanceType);
  if (family && fleet.cpuCredits === 'unlimited') {
    const vcpus = usageNumber(usage, 'vcpu_count', defaultVcpus(fleet.instanceType));
    out.push({
      name: `CPU credits (unlimited, ${vcpus} vCPUs x credit hours)`,
      unit: 'vCPU-hours',
      quantity: count * usageNumber(usage, 'monthly_cpu_credit_hrs') * vcpus,
      filter: priceFilters.cpuCredits(family),
      usageBased: true,
    });
  }
  return out;
}

export type AutoscalingGroup = Ec2Fleet;

export const autoscalingGroup = defineHandler<AutoscalingGroup>({
  type: 'aws_autoscaling_group',
  usageKeys: {
    instances: { description: 'Average number of running instances over the month (measured; default: desired_capacity, else min_size)', scaling: 'fixed' },
    operating_system: { description: 'linux (default), windows, rhel or suse', scaling: 'fixed', kind: 'string', allowed: OPERATING_SYSTEMS },
    ...CPU_CREDIT_KEYS,
    ...RESERVED_KEYS,
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
      // A launch configuration has no credit_specification: T3/T3a/T4g run unlimited, T2 standard.
      cpuCredits: cpuCreditMode(instanceType, lt?.values),
    };
  },
  components(asg, usage) {
    const measured = usage.instances;
    const instances = typeof measured === 'number' ? measured : asg.configuredInstances;
    return fleetComponents({ ...asg, os: osFromUsage(usage) }, instances, typeof measured === 'number', usage);
  },
});

export const ec2Instance = defineHandler<Ec2Fleet>({
  type: 'aws_instance',
  usageKeys: {
    operating_system: { description: 'linux (default), windows, rhel or suse', scaling: 'fixed', kind: 'string', allowed: OPERATING_SYSTEMS },
    monthly_hrs: { description: 'Hours the instance runs this month (default 730)', scaling: 'fixed' },
    ...CPU_CREDIT_KEYS,
    ...RESERVED_KEYS,
  },
  read(resource) {
    const instanceType = str(resource.values, 'instance_type');
    if (!instanceType) return { unsupported: 'instance_type is unknown' };
    const volumes = [volumeFromEbs('Root volume', block(resource.values, 'root_block_device'), 'gp2'), ...blocks(resource.values, 'ebs_block_device').map((b) => volumeFromEbs(`Volume ${str(b, 'device_name') ?? ''}`.trim(), b, 'gp2'))];
    const unknown = volumes.find((v) => !EBS_TYPES.has(v.volumeType));
    if (unknown) return { unsupported: `volume_type "${unknown.volumeType}" is not priced (${[...EBS_TYPES].join(', ')} are)` };
    return { instanceType, configuredInstances: 1, minInstances: 1, maxInstances: 1, volumes, detailedMonitoring: bool(resource.values, 'monitoring') === true, os: 'linux', cpuCredits: cpuCreditMode(instanceType, resource.values) };
  },
  components: (fleet, usage) => fleetComponents({ ...fleet, os: osFromUsage(usage) }, 1, false, usage),
});

export const ebsVolume = defineHandler<Volume>({
  type: 'aws_ebs_volume',
  usageKeys: { monthly_standard_io_requests: { description: 'I/O requests per month, magnetic (standard) volumes only', scaling: 'per-request' } },
  read(resource) {
    const sizeGb = num(resource.values, 'size');
    if (sizeGb === undefined) return { unsupported: 'size is unknown (snapshot-sized volumes are not priced)' };
    const volumeType = str(resource.values, 'type') ?? 'gp2';
    if (!EBS_TYPES.has(volumeType)) return { unsupported: `type "${volumeType}" is not priced (${[...EBS_TYPES].join(', ')} are)` };
    return { label: 'Volume', volumeType, sizeGb, iops: num(resource.values, 'iops'), throughputMibps: num(resource.values, 'throughput') };
  },
  components: (v, usage) => volumeComponents(v, 1, false, usage),
});

