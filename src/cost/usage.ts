import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { CostParameterId } from '../architecture/modelled-parameters.js';
import { UserError } from '../errors.js';
import { HANDLERS, USAGE_ONLY_TYPES } from './resources/registry.js';
import type { ResourceUsage } from './resources/types.js';

/**
 * Monthly usage per resource address, in Infracost's usage-file vocabulary
 * (https://www.infracost.io/docs/features/usage_based_resources/): `version: 0.1`,
 * `resource_usage:` keyed by address (aws_lambda_function.users: {monthly_requests, request_duration_ms}),
 * optional `resource_type_default_usage:` keyed by resource type. archcompare adds one optional
 * top-level key, `requests_per_month`, the API traffic the file describes, so the file can be
 * scaled along the cost curve.
 */
export interface UsageSet {
  /** Where the numbers come from, said in the breakdown: a file path, a bench result, "modelled defaults". */
  source: string;
  kind: 'usage-file' | 'measured' | 'modelled';
  requestsPerMonth: number | undefined;
  byAddress: ReadonlyMap<string, ResourceUsage>;
  byType: ReadonlyMap<string, ResourceUsage>;
  /** Registry parameters the usage was filled in with where nothing was measured (none for a usage file). */
  modelledParameters?: readonly CostParameterId[];
}

export function usageFor(set: UsageSet, address: string, type: string): ResourceUsage {
  const own = set.byAddress.get(address) ?? set.byAddress.get(address.replace(/\[\d+\]$/, '[*]'));
  const defaults = set.byType.get(type);
  return defaults ? { ...defaults, ...(own ?? {}) } : own ?? {};
}

const UsageValueSchema = z.union([z.number(), z.string(), z.record(z.string(), z.union([z.number(), z.string()]))]);
const ResourceUsageSchema = z.record(z.string(), UsageValueSchema.nullable());

const UsageFileSchema = z
  .object({
    version: z.union([z.literal(0.1), z.literal('0.1')], { message: 'must be 0.1 (the Infracost usage file version)' }),
    requests_per_month: z.number().nonnegative({ message: 'must be ≥ 0' }).optional(),
    resource_type_default_usage: z.record(z.string(), ResourceUsageSchema.nullable()).optional(),
    resource_usage: z.record(z.string(), ResourceUsageSchema.nullable()).optional(),
  })
  .strict();

const ADDRESS = /^(module\.[\w-]+(\[[^\]]+\])?\.)*[a-z0-9_]+\.[\w-]+(\[([0-9]+|\*|"[^"]*")\])?$/;

function flatten(raw: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

/** Checks one resource's usage against its type's documented keys; returns the clean values and warnings. */
export function validateResourceUsage(field: string, type: string, raw: Record<string, unknown>, file: string, warnings: string[]): Record<string, number | string> {
  const handler = HANDLERS.get(type);
  const out: Record<string, number | string> = {};
  for (const [key, value] of Object.entries(flatten(raw))) {
    if (value === null || value === undefined) continue;
    const spec = handler?.usageKeys[key];
    const where = `${file}: ${field}.${key}`;
    if (!spec) {
      warnings.push(`${where}: not a usage key archcompare prices for ${type}; ignored${handler ? ` (known: ${Object.keys(handler.usageKeys).join(', ') || 'none'})` : ''}`);
      continue;
    }
    if (spec.ignored) {
      warnings.push(`${where}: ${key} is an Infracost usage key archcompare does not price (${spec.ignored}); ignored`);
      continue;
    }
    if (spec.kind === 'string') {
      if (typeof value !== 'string' || (spec.allowed && !spec.allowed.includes(value)))
        throw new UserError(`${where}: must be one of ${spec.allowed?.join(', ') ?? 'a string'}`, `set ${key} to ${spec.allowed?.[0] ?? 'a value'}`);
      out[key] = value;
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new UserError(`${where}: must be a number, got ${JSON.stringify(value)}`, `write ${key}: <number> (${spec.description})`);
    if (value < 0) throw new UserError(`${where}: must be ≥ 0, got ${value}`, `usage is a monthly quantity; write 0 or a positive number for ${key}`);
    out[key] = value;
  }
  return out;
}

/** Parses and validates an Infracost-format usage file (YAML or JSON text). Pure: the caller reads the file. */
export function parseUsageFile(text: string, file: string): { usage: UsageSet; warnings: string[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new UserError(`${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`, 'fix the syntax; see the Infracost usage file format (version: 0.1, resource_usage: …)');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new UserError(`${file}: expected a mapping with version: 0.1 and resource_usage:`, 'start the file with `version: 0.1` and a `resource_usage:` map keyed by resource address');
  const parsed = UsageFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(root)';
    const hint = issue.code === 'unrecognized_keys' ? `only version, requests_per_month, resource_usage and resource_type_default_usage are allowed at the top level` : 'see the Infracost usage file format';
    throw new UserError(`${file}: ${field}: ${issue.message}`, hint);
  }
  const warnings: string[] = [];
  const byAddress = new Map<string, ResourceUsage>();
  for (const [address, values] of Object.entries(parsed.data.resource_usage ?? {})) {
    if (!ADDRESS.test(address)) throw new UserError(`${file}: resource_usage.${address}: not a resource address`, 'key resources by their Terraform address, e.g. aws_lambda_function.users');
    const type = address.replace(/^(module\.[\w-]+(\[[^\]]+\])?\.)*/, '').split('.')[0]!;
    if (!HANDLERS.has(type) && !USAGE_ONLY_TYPES.has(type)) warnings.push(`${file}: resource_usage.${address}: ${type} is not priced by archcompare; its usage is ignored`);
    byAddress.set(address, validateResourceUsage(`resource_usage.${address}`, type, values ?? {}, file, warnings));
  }
  const byType = new Map<string, ResourceUsage>();
  for (const [type, values] of Object.entries(parsed.data.resource_type_default_usage ?? {}))
    byType.set(type, validateResourceUsage(`resource_type_default_usage.${type}`, type, values ?? {}, file, warnings));
  return { usage: { source: file, kind: 'usage-file', requestsPerMonth: parsed.data.requests_per_month, byAddress, byType }, warnings };
}
