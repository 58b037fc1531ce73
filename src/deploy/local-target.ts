import type { ResolvedStackConfig, Model } from '../config/stack-config.js';
import { UserError } from '../errors.js';
import type { DeploymentRecord } from '../state/registry.js';

/** The local target's entry points (src/local/index.ts), as the deploy/destroy/status services use them. */
export interface LocalTargetModule {
  deployLocal(opts: {
    model: Model;
    config: ResolvedStackConfig;
    terraformJsonPath: string;
    stateDir: string;
    timeScale: number;
    db: 'embedded' | 'system';
    /** A YAML/JSON file overriding the documented fidelity parameters (src/local/fidelity-defaults.json). */
    fidelityFile?: string;
    onProgress?: (line: string) => void;
  }): Promise<{ url: string; local: NonNullable<DeploymentRecord['local']>; outputs: Record<string, string> }>;
  destroyLocal(record: DeploymentRecord): Promise<void>;
  localStatus(record: DeploymentRecord): Promise<unknown>;
  /** Human lines for `status` (instances, environments, database, queue). */
  formatLocalStatus(status: never): string[];
}

// A computed specifier: the local target is loaded only when used, and the aws path never pays for it.
const LOCAL_TARGET_MODULE = '../local/index.js';

export async function loadLocalTarget(): Promise<LocalTargetModule> {
  try {
    return (await import(LOCAL_TARGET_MODULE)) as LocalTargetModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('local/index')) {
      throw new UserError('the local target is not part of this build', 'use --target aws, or update archcompare', 1);
    }
    throw err;
  }
}
