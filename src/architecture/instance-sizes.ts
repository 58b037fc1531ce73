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
