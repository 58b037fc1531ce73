import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';

/**
 * The one reader of Terraform documents, for the cost engine, the effort rubric and the local
 * topology: synthesized Terraform JSON (cdktf's cdk.tf.json: {"resource": {"aws_lb": {"main": {...}}},
 * "provider": {"aws": [{"region": ...}]}}) or a plan (`terraform show -json plan.out`:
 * planned_values.root_module, child modules included). Values are kept as Terraform wrote them;
 * "${…}" interpolations are unresolved references, which the attribute readers below treat as
 * unknown — never as numbers. Pure except readTerraformFile.
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

/** A literal as Terraform converts it to a string (numbers and booleans too, as in a map(string)); undefined when unknown. */
export function literalString(values: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = values?.[key];
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : str(values, key);
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

/** "${aws_dynamodb_table.products.name}" → "aws_dynamodb_table.products.name": only a value that is exactly one reference. */
export function wholeReference(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^\$\{([a-z0-9_]+\.[\w-]+(?:\.[\w.[\]]+)?)\}$/.exec(value)?.[1];
}

/** The attributes of the resource `type.name` (root module), or undefined when the document has none. */
export function resourceValues(doc: TerraformDocument, type: string, name: string): Record<string, unknown> | undefined {
  return doc.resources.find((r) => r.type === type && r.name === name)?.values;
}

export function resourcesOfType(doc: TerraformDocument, type: string): TerraformResource[] {
  return doc.resources.filter((r) => r.type === type);
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

/** A configuration expression of a plan: a constant, or the references of an expression Terraform cannot know yet. */
const isExpression = (v: unknown): v is { references?: unknown; constant_value?: unknown } => isRecord(v) && ('references' in v || 'constant_value' in v);

/**
 * A plan's planned_values omit what is known only after apply (an ID, an ARN), but its configuration
 * keeps the references: put them back as the "${…}" strings synthesized JSON has, so the attribute
 * readers (referencedAddress: an ASG's launch template) work on plans too. Known values win.
 */
function withReferences(values: unknown, expressions: unknown): unknown {
  if (isExpression(expressions)) {
    const refs = Array.isArray(expressions.references) ? expressions.references.filter((r): r is string => typeof r === 'string') : [];
    return (values === undefined || values === null) && refs.length ? `\${${refs[0]}}` : values;
  }
  if (Array.isArray(expressions)) {
    const list = Array.isArray(values) ? values : [];
    return Array.from({ length: Math.max(list.length, expressions.length) }, (_, i) => withReferences(list[i], expressions[i] ?? expressions[0]));
  }
  if (isRecord(expressions)) {
    const out: Record<string, unknown> = isRecord(values) ? { ...values } : {};
    for (const [k, e] of Object.entries(expressions)) {
      const merged = withReferences(out[k], e);
      if (merged !== undefined) out[k] = merged;
    }
    return out;
  }
  return values;
}

function fromPlanJson(json: Record<string, unknown>): TerraformDocument {
  const resources: TerraformResource[] = [];
  const planned = isRecord(json.planned_values) ? json.planned_values : isRecord(json.values) ? json.values : {};
  collectPlanModule(planned.root_module as PlanModule | undefined, resources);
  const config = isRecord(json.configuration) ? json.configuration : {};
  const rootConfig = isRecord(config.root_module) ? config.root_module : {};
  const expressionsOf = new Map<string, unknown>();
  for (const r of Array.isArray(rootConfig.resources) ? rootConfig.resources : []) if (isRecord(r) && typeof r.address === 'string') expressionsOf.set(r.address, r.expressions);
  for (const r of resources) {
    const expressions = expressionsOf.get(r.address.replace(/\[[^\]]*\]$/, ''));
    if (expressions) r.values = withReferences(r.values, expressions) as Record<string, unknown>;
  }
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

/** Reads a plan or a synthesized cdk.tf.json from disk; a missing or malformed file is one line naming it. */
export function readTerraformFile(file: string): TerraformDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`Terraform document ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'pass a `terraform show -json` plan or a synthesized cdk.tf.json (`archcompare synth` writes one)');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`Terraform document ${file} is not valid JSON (${(err as Error).message})`, 'synthesize it again with `archcompare synth`, or write a plan with `terraform show -json plan.out > plan.json`');
  }
  return readTerraformDocument(json, file);
}
