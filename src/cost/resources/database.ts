import { priceFilters } from '../price-filters.js';
import { bool, num, str } from '../../architecture/terraform-document.js';
import { HOURS_PER_MONTH } from '../units.js';
import { defineHandler, usageNumber, type CostComponentSpec } from './types.js';

/** Terraform engine names to the Price List's databaseEngine values. */
const ENGINES: Record<string, string> = { postgres: 'PostgreSQL', mysql: 'MySQL', mariadb: 'MariaDB' };

interface DbInstance {
  instanceClass: string;
  engine: string;
  multiAz: boolean;
  storageType: 'gp2' | 'gp3';
  allocatedStorageGb: number;
  /** manage_master_user_password: RDS keeps the password in a Secrets Manager secret it owns ($0.40/month). */
  managedMasterSecret: boolean;
}

export const dbInstance = defineHandler<DbInstance>({
  type: 'aws_db_instance',
  usageKeys: {
    additional_backup_storage_gb: { description: 'Backup storage beyond the free allocation (100% of provisioned storage), GB', scaling: 'fixed' },
  },
  read(resource) {
    const instanceClass = str(resource.values, 'instance_class');
    const engineName = str(resource.values, 'engine');
    if (!instanceClass) return { unsupported: 'instance_class is unknown' };
    if (!engineName || !ENGINES[engineName]) return { unsupported: `engine "${engineName ?? 'unknown'}" is not priced (postgres, mysql, mariadb are)` };
    const storageType = str(resource.values, 'storage_type') ?? (num(resource.values, 'iops') ? 'io1' : 'gp2');
    if (storageType !== 'gp2' && storageType !== 'gp3') return { unsupported: `storage_type "${storageType}" is not priced (gp2 and gp3 are)` };
    return {
      instanceClass,
      engine: ENGINES[engineName]!,
      multiAz: bool(resource.values, 'multi_az') === true,
      storageType,
      allocatedStorageGb: num(resource.values, 'allocated_storage') ?? 20,
      managedMasterSecret: bool(resource.values, 'manage_master_user_password') === true,
    };
  },
  components(db, usage) {
    const az = db.multiAz ? 'Multi-AZ' : 'Single-AZ';
    const out: CostComponentSpec[] = [
      { name: `Database instance (on-demand, ${az}, ${db.instanceClass})`, unit: 'hours', quantity: HOURS_PER_MONTH, filter: priceFilters.rdsInstance(db.instanceClass, db.engine, db.multiAz) },
      { name: `Storage (general purpose SSD, ${db.storageType}, ${az})`, unit: 'GB', quantity: db.allocatedStorageGb, filter: priceFilters.rdsStorage(db.storageType, db.multiAz) },
      { name: 'Additional backup storage', unit: 'GB', quantity: usageNumber(usage, 'additional_backup_storage_gb'), filter: priceFilters.rdsBackup(), usageBased: true },
    ];
    if (db.managedMasterSecret) out.push({ name: 'Master password secret (Secrets Manager, RDS-managed)', unit: 'secrets', quantity: 1, filter: priceFilters.secret() });
    return out;
  },
});
