import { UserError } from '../errors.js';

/**
 * Layer 1 input: Terraform resources, read from either synthesized Terraform JSON (cdktf's
 * cdk.tf.json: {"resource": {"aws_lb": {"main": {...}}}, "provider": {"aws": [{"region": ...}]}})
 * or a plan (`terraform show -json plan.out`: planned_values.root_module, child modules included).
 * Values are kept as Terraform wrote them; "${…}" interpolations are unresolved references, which
 * the attribute readers below treat as unknown — never as numbers.
 */
export interface TerraformResource {
  /** e.g. aws_lambda_function.users, module.api.aws_lambda_function.users[0] */
  address: string;
  type: string;
  name: string;
  values: Record<string, unknown>;
}

export interface TerraformDocument {
  format: 'terraform-json' | 'plan-json';
  region: string | undefined;
  resources: TerraformResource[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isUnresolved(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** Terraform JSON writes single nested blocks as an object, plans as a one-element list: accept both. */
export function block(values: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = values[key];
  if (Array.isArray(v)) return isRecord(v[0]) ? v[0] : undefined;
  return isRecord(v) ? v : undefined;
}

export function blocks(values: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const v = values[key];
  if (Array.isArray(v)) return v.filter(isRecord);
  return isRecord(v) ? [v] : [];
}

/** A number, or undefined when absent or unknown (a reference, an expression). Numeric strings count. */
export function num(values: Record<string, unknown> | undefined, key: string): number | undefined {
  const v = values?.[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && !isUnresolved(v) && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

export function str(values: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = values?.[key];
  return typeof v === 'string' && !isUnresolved(v) ? v : undefined;
}

export function bool(values: Record<string, unknown> | undefined, key: string): boolean | undefined {
  const v = values?.[key];
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** "${aws_launch_template.app.id}" → "aws_launch_template.app" (the first resource it references). */
export function referencedAddress(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /\$\{((?:module\.[\w-]+\.)*(?!data\.)[a-z0-9_]+\.[\w-]+)(?:\[[^\]]*\])?\./.exec(value);
  return m?.[1];
}

function fromTerraformJson(json: Record<string, unknown>): TerraformDocument {
  const resources: TerraformResource[] = [];
  const byType = isRecord(json.resource) ? json.resource : {};
  for (const [type, named] of Object.entries(byType)) {
    if (!isRecord(named)) continue;
    for (const [name, values] of Object.entries(named)) {
      if (!isRecord(values)) continue;
      resources.push({ address: `${type}.${name}`, type, name, values });
    }
  }
  const aws = isRecord(json.provider) ? json.provider.aws : undefined;
  const firstAws = Array.isArray(aws) ? aws.find((p) => isRecord(p) && p.alias === undefined) ?? aws[0] : aws;
  const region = isRecord(firstAws) ? str(firstAws, 'region') : undefined;
  return { format: 'terraform-json', region, resources };
}

interface PlanModule {
  resources?: Array<{ address: string; mode?: string; type: string; name: string; values?: Record<string, unknown> }>;
  child_modules?: PlanModule[];
}

function collectPlanModule(module: PlanModule | undefined, out: TerraformResource[]): void {
  if (!module) return;
  for (const r of module.resources ?? []) {
    if (r.mode === 'data') continue;
    out.push({ address: r.address, type: r.type, name: r.name, values: r.values ?? {} });
  }
  for (const child of module.child_modules ?? []) collectPlanModule(child, out);
}

function fromPlanJson(json: Record<string, unknown>): TerraformDocument {
  const resources: TerraformResource[] = [];
  const planned = isRecord(json.planned_values) ? json.planned_values : isRecord(json.values) ? json.values : {};
  collectPlanModule(planned.root_module as PlanModule | undefined, resources);
  const config = isRecord(json.configuration) ? json.configuration : {};
  const providerConfig = isRecord(config.provider_config) ? config.provider_config : {};
  const aws = isRecord(providerConfig.aws) ? providerConfig.aws : undefined;
  const expressions = aws && isRecord(aws.expressions) ? aws.expressions : {};
  const regionExpr = isRecord(expressions.region) ? expressions.region : {};
  const region = typeof regionExpr.constant_value === 'string' ? regionExpr.constant_value : undefined;
  return { format: 'plan-json', region, resources };
}

/** Reads either format; anything else is a one-line error naming the file. */
export function readTerraformDocument(json: unknown, source: string): TerraformDocument {
  if (!isRecord(json)) throw new UserError(`${source}: not a Terraform JSON document (expected an object)`, 'pass `terraform show -json plan.out > plan.json` output or a synthesized cdk.tf.json');
  if ('planned_values' in json || ('format_version' in json && 'values' in json)) return fromPlanJson(json);
  if ('resource' in json) return fromTerraformJson(json);
  throw new UserError(
    `${source}: neither a plan (no "planned_values") nor Terraform JSON configuration (no "resource")`,
    'create a plan with `terraform plan -out plan.out && terraform show -json plan.out > plan.json`',
  );
}
