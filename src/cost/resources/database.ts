import { priceFilters, type RdsStorageType } from '../price-filters.js';
import { bool, num, str } from '../../architecture/terraform-document.js';
import { HOURS_PER_MONTH } from '../units.js';
import { defineHandler, usageNumber, type CostComponentSpec } from './types.js';

/** Terraform engine names to the Price List's databaseEngine values. */
const ENGINES: Record<string, string> = { postgres: 'PostgreSQL', mysql: 'MySQL', mariadb: 'MariaDB' };

interface DbInstance {
  instanceClass: string;
  engine: string;
  multiAz: boolean;
  storageType: RdsStorageType;
  allocatedStorageGb: number;
  /** Provisioned IOPS (io1/io2: all billed; gp3: billed above the included baseline). */
  iops: number | undefined;
  storageThroughputMibps: number | undefined;
  /** manage_master_user_password: RDS keeps the password in a Secrets Manager secret it owns ($0.40/month). */
  managedMasterSecret: boolean;
}

const RDS_STORAGE_TYPES: readonly RdsStorageType[] = ['gp2', 'gp3', 'io1', 'io2'];

/**
 * gp3's included IOPS and throughput for RDS for PostgreSQL: 3,000 IOPS and 125 MiB/s below 400 GB of storage,
 * 12,000 IOPS and 500 MiB/s from 400 GB (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html#gp3-storage).
 */
export function rdsGp3Baseline(allocatedStorageGb: number): { iops: number; throughputMibps: number } {
  return allocatedStorageGb < 400 ? { iops: 3000, throughputMibps: 125 } : { iops: 12_000, throughputMibps: 500 };
}

const NOT_PRICED = (why: string) => ({ description: `Infracost key: ${why}`, scaling: 'fixed' as const, ignored: why });

export const dbInstance = defineHandler<DbInstance>({
  type: 'aws_db_instance',
  usageKeys: {
    additional_backup_storage_gb: { description: 'Backup storage beyond the free allocation (100% of provisioned storage), GB', scaling: 'fixed' },
    monthly_standard_io_requests: NOT_PRICED('I/O requests are billed only on magnetic storage, which archcompare does not price'),
    monthly_additional_performance_insights_requests: NOT_PRICED('Performance Insights API requests are not priced'),
    reserved_instance_term: { ...NOT_PRICED('archcompare prices on-demand only'), kind: 'string' },
    reserved_instance_payment_option: { ...NOT_PRICED('archcompare prices on-demand only'), kind: 'string' },
  },
  read(resource) {
    const instanceClass = str(resource.values, 'instance_class');
    const engineName = str(resource.values, 'engine');
    if (!instanceClass) return { unsupported: 'instance_class is unknown' };
    if (!engineName || !ENGINES[engineName]) return { unsupported: `engine "${engineName ?? 'unknown'}" is not priced (postgres, mysql, mariadb are)` };
    const storageType = str(resource.values, 'storage_type') ?? (num(resource.values, 'iops') ? 'io1' : 'gp2');
    if (!(RDS_STORAGE_TYPES as readonly string[]).includes(storageType)) return { unsupported: `storage_type "${storageType}" is not priced (${RDS_STORAGE_TYPES.join(', ')} are)` };
    return {
      instanceClass,
      engine: ENGINES[engineName]!,
      multiAz: bool(resource.values, 'multi_az') === true,
      storageType: storageType as RdsStorageType,
      allocatedStorageGb: num(resource.values, 'allocated_storage') ?? 20,
      iops: num(resource.values, 'iops'),
      storageThroughputMibps: num(resource.values, 'storage_throughput'),
      managedMasterSecret: bool(resource.values, 'manage_master_user_password') === true,
    };
  },
  components(db, usage) {
    const az = db.multiAz ? 'Multi-AZ' : 'Single-AZ';
    const out: CostComponentSpec[] = [
      { name: `Database instance (on-demand, ${az}, ${db.instanceClass})`, unit: 'hours', quantity: HOURS_PER_MONTH, filter: priceFilters.rdsInstance(db.instanceClass, db.engine, db.multiAz) },
      { name: `Storage (${db.storageType.startsWith('io') ? 'provisioned IOPS SSD' : 'general purpose SSD'}, ${db.storageType}, ${az})`, unit: 'GB', quantity: db.allocatedStorageGb, filter: priceFilters.rdsStorage(db.storageType, db.multiAz) },
      { name: 'Additional backup storage', unit: 'GB', quantity: usageNumber(usage, 'additional_backup_storage_gb'), filter: priceFilters.rdsBackup(), usageBased: true },
    ];
    if (db.storageType === 'io1' || db.storageType === 'io2')
      out.push({ name: `Provisioned IOPS (${db.storageType}, ${az})`, unit: 'IOPS', quantity: db.iops ?? 0, filter: priceFilters.rdsProvisionedIops(db.storageType, db.multiAz) });
    if (db.storageType === 'gp3') {
      const base = rdsGp3Baseline(db.allocatedStorageGb);
      if ((db.iops ?? 0) > base.iops)
        out.push({ name: `Provisioned IOPS above the included ${base.iops.toLocaleString('en-US')} (gp3, ${az})`, unit: 'IOPS', quantity: db.iops! - base.iops, filter: priceFilters.rdsProvisionedIops('gp3', db.multiAz) });
      if ((db.storageThroughputMibps ?? 0) > base.throughputMibps)
        out.push({ name: `Provisioned throughput above the included ${base.throughputMibps} MiB/s (gp3, ${az})`, unit: 'MiB/s', quantity: db.storageThroughputMibps! - base.throughputMibps, filter: priceFilters.rdsGp3Throughput(db.multiAz) });
    }
    if (db.managedMasterSecret) out.push({ name: 'Master password secret (Secrets Manager, RDS-managed)', unit: 'secrets', quantity: 1, filter: priceFilters.secret() });
    return out;
  },
});
