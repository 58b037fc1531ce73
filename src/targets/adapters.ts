import type { DeploymentRecord } from '../state/registry.js';
import type { Target, TargetName } from './port.js';

/**
 * The Target adapters by name. Each is loaded on first use: the aws path never loads the local
 * runtime, and the local path never loads terraform's.
 */
const ADAPTERS: Record<TargetName, () => Promise<Target>> = {
  local: async () => (await import('./local.js')).localTarget,
  aws: async () => (await import('./aws.js')).awsTarget,
};

export function targetNamed(name: TargetName): Promise<Target> {
  return ADAPTERS[name]();
}

/** The adapter that made (and so manages) a deployment. */
export function targetOf(record: Pick<DeploymentRecord, 'target'>): Promise<Target> {
  return targetNamed(record.target);
}
