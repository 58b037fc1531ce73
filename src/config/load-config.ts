import { randomBytes } from 'node:crypto';
import { zodUserError } from '../errors.js';
import { readDataFile } from '../files.js';
import { StackConfigSchema, type ResolvedStackConfig, type StackConfigInput } from './stack-config.js';

/** A fresh run id: a letter first (resource names), then random base-36. */
export function newRunId(): string {
  const n = BigInt('0x' + randomBytes(6).toString('hex')).toString(36).padStart(8, '0').slice(0, 8);
  return `ac-${n}`;
}

/**
 * Reads the stack config (YAML or JSON) and applies flag overrides on top, then validates.
 * A bad value names the file, the field and the fix; a missing runId gets a fresh one.
 */
export async function loadStackConfig(file?: string, overrides: StackConfigInput = {}): Promise<ResolvedStackConfig> {
  const fromFile = file ? await readDataFile(file, 'config file', 'pass an existing YAML or JSON file to --config') : {};
  const merged = deepMerge(fromFile, overrides);
  const parsed = StackConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw zodUserError(parsed.error, file ? `config ${file}` : 'stack config', 'see the documented fields in src/config/stack-config.ts or `archcompare synth --help`');
  }
  return { ...parsed.data, runId: parsed.data.runId ?? newRunId() };
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = deepMerge(base[k], v);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
