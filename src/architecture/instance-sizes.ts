/**
 * Sizes AWS publishes per instance type / DB class: the local target models capacity on one machine
 * with them, the projection (src/projection/) at full scale.
 * Source: https://aws.amazon.com/ec2/instance-types/ and https://aws.amazon.com/rds/instance-types/.
 */

const SMALL_SIZES_VCPU: Record<string, number> = { nano: 2, micro: 2, small: 2, medium: 2, large: 2 };
// t2 is the exception among burstable types: nano/micro/small have a single vCPU.
const T2_VCPU: Record<string, number> = { nano: 1, micro: 1, small: 1, medium: 2, large: 2 };
const MEMORY_GIB_BURSTABLE: Record<string, number> = { nano: 0.5, micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, '2xlarge': 32 };

function xlargeMultiplier(size: string): number | undefined {
  if (size === 'xlarge') return 1;
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? Number(m[1]) : undefined;
}

/** vCPUs of an EC2 instance type (undefined when the type's size is not recognised). */
export function instanceVcpus(instanceType: string): number | undefined {
  const [family = '', size = ''] = instanceType.split('.');
  if (family === 't2' && size in T2_VCPU) return T2_VCPU[size];
  if (size in SMALL_SIZES_VCPU) return SMALL_SIZES_VCPU[size];
  const mult = xlargeMultiplier(size);
  if (mult !== undefined) return 4 * mult;
  if (size === 'metal') return 96;
  return undefined;
}

/** Memory in GiB of an RDS class (burstable t, general m, memory-optimised r and x families). */
export function dbClassMemoryGiB(dbClass: string): number | undefined {
  const [, family = '', size = ''] = dbClass.split('.');
  const kind = family[0];
  if (kind === 't') return MEMORY_GIB_BURSTABLE[size];
  const perVcpu = kind === 'r' || kind === 'x' || kind === 'z' ? 8 : kind === 'c' ? 2 : 4;
  const vcpus = size === 'large' ? 2 : (() => {
    const mult = xlargeMultiplier(size);
    return mult === undefined ? undefined : 4 * mult;
  })();
  return vcpus === undefined ? undefined : vcpus * perVcpu;
}

/** vCPUs of an RDS class (db.t4g.micro → 2): the EC2 sizes of the same family and size. */
export function dbClassVcpus(dbClass: string): number | undefined {
  return instanceVcpus(dbClass.replace(/^db\./, ''));
}

/** RDS PostgreSQL's default max_connections: LEAST(DBInstanceClassMemory / divisor, 5000), capped locally (Infinity: no cap). */
export function dbMaxConnections(dbClass: string, divisor: number, localCap: number): number {
  const gib = dbClassMemoryGiB(dbClass) ?? 1;
  const fromMemory = Math.floor((gib * 1024 ** 3) / divisor);
  return Math.max(10, Math.min(fromMemory, 5000, localCap));
}

/**
 * CPU credits of a burstable (T) type: the baseline share of each vCPU it earns credits for, and the launch
 * credits per vCPU a standard-mode instance starts with. A credit is one vCPU-minute at 100%; an instance
 * earns baseline × vCPUs × 60 credits an hour and accrues at most 24 hours of them. In standard mode, once
 * the balance is spent, CPU is lowered to the baseline. "T4g, T3a and T3 instances do not receive launch
 * credits"; T2 Standard gets 30 per vCPU.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-performance-instances-standard-mode-concepts.html
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html (credit table:
 * baseline utilization per vCPU; t3/t4g micro 10%, small and medium 20%)
 */
const T_BASELINE_PER_VCPU: Record<string, number> = { nano: 0.05, micro: 0.1, small: 0.2, medium: 0.2, large: 0.3, xlarge: 0.4, '2xlarge': 0.4 };
// T2's larger sizes earn less per vCPU (its 4 and 8 vCPUs share 0.9 and 1.35 vCPUs of baseline).
const T2_BASELINE_PER_VCPU: Record<string, number> = { nano: 0.05, micro: 0.1, small: 0.2, medium: 0.2, large: 0.3, xlarge: 0.225, '2xlarge': 0.169 };

export interface BurstableCredits {
  baselinePerVcpu: number;
  launchCreditsPerVcpu: number;
}

/** The CPU credit figures of a burstable type, or undefined for a type without credits (m, c, r…). */
export function burstableCredits(instanceType: string): BurstableCredits | undefined {
  const [family = '', size = ''] = instanceType.split('.');
  if (family === 't2') return size in T2_BASELINE_PER_VCPU ? { baselinePerVcpu: T2_BASELINE_PER_VCPU[size]!, launchCreditsPerVcpu: 30 } : undefined;
  if (['t3', 't3a', 't4g'].includes(family)) return size in T_BASELINE_PER_VCPU ? { baselinePerVcpu: T_BASELINE_PER_VCPU[size]!, launchCreditsPerVcpu: 0 } : undefined;
  return undefined;
}
