import { z } from 'zod';
import registryDocument from './modelled-parameters.json' with { type: 'json' };
import { DOMAINS, LAMBDA_FUNCTION_IDS, TABLES, terraformName } from './system.js';

/**
 * The one registry of modelled parameters: every number archcompare assumes rather than measures,
 * each with a stable id, value, unit, what it models and its public source. The data lives in
 * modelled-parameters.json beside this file; code reads values here, and the report's provenance
 * names the ids it used, so a figure traces in one hop to its parameter and source.
 *
 * Ids are `<family>.<name>`: `cost.*` is the cost model's usage where nothing was measured,
 * `stack.*` what a stack setting's default is derived from (cost-neutral), `local.*` the local target's model of AWS (validated and overridable in src/local/fidelity.ts,
 * whose --fidelity files use the bare names), `projection.*` what `archcompare project` assumes at
 * internet scale (validated and overridable in src/projection/parameters.ts).
 */

export type ParameterFamily = 'cost' | 'stack' | 'local' | 'projection';

export interface ModelledParameter {
  /** Stable id, `<family>.<name>`. */
  id: string;
  family: ParameterFamily;
  name: string;
  value: unknown;
  unit: string;
  description: string;
  /** A public source (URL, or document and what it says), or why there is none ("archcompare assumption", "local machine limit"). */
  source: string;
  /** Local delays divided by --time-scale at use. */
  scaled?: boolean;
}

const EntrySchema = z
  .object({ value: z.unknown(), unit: z.string().min(1), description: z.string().min(1), source: z.string().min(1), scaled: z.boolean().optional() })
  .strict();
const DocumentSchema = z
  .object({ $comment: z.string().optional(), cost: z.record(z.string(), EntrySchema), stack: z.record(z.string(), EntrySchema), local: z.record(z.string(), EntrySchema.required({ scaled: true })), projection: z.record(z.string(), EntrySchema) })
  .strict();

const nn = z.number().finite().nonnegative();
const share = nn.max(1);
/** Keyed by every function of the system description (aws_lambda_function.<id>); zod's enum-keyed record requires each key. */
const byFunction = <T extends z.ZodTypeAny>(value: T) => z.record(z.enum(LAMBDA_FUNCTION_IDS.map(terraformName) as [string, ...string[]]), value);
/** Keyed by every HTTP domain function: the request mix covers the whole API. */
const byDomain = <T extends z.ZodTypeAny>(value: T) => z.record(z.enum(DOMAINS), value);
const unitsByTable = z.partialRecord(z.enum(TABLES), z.object({ read: nn, write: nn }).strict());

/** The cost family's values, typed. */
export const CostValuesSchema = z
  .object({
    defaultRequestsPerMonth: nn,
    requestMix: byDomain(share),
    orderPlacementsPerOrdersRequest: share,
    lambdaMeanDurationMs: byFunction(nn),
    coldStartsPerInvocation: share,
    lambdaInitMs: nn,
    logBytesPerInvocation: nn,
    sqsPollerReceivesPerMinute: nn,
    sqsRequestsPerMessage: nn,
    dynamoDbRequestUnitsPerRequest: byDomain(unitsByTable),
    dynamoDbRequestUnitsPerOrderPlacement: unitsByTable,
    indexWriteMultiplier: z.number().min(1),
    bytesOutPerRequest: nn,
    bytesInPerRequest: nn,
    accessLogBytesPerRequest: nn,
    requestsPerSecondPerInstance: z.number().positive(),
    requestsPerConnection: z.number().positive(),
    connectionSeconds: nn,
    natGbPerInstanceMonth: nn,
  })
  .strict();
export type CostValues = z.infer<typeof CostValuesSchema>;
export type CostParameterName = keyof CostValues;
export type CostParameterId = `cost.${CostParameterName}`;
export type LocalParameterId = `local.${string}`;

/** The stack family's values, typed: defaults of stack settings derive from them. */
export const StackValuesSchema = z.object({ instanceBootSeconds: z.number().int().positive(), measuredBootMargin: z.number().min(1) }).strict();
export type StackValues = z.infer<typeof StackValuesSchema>;
export type StackParameterId = `stack.${keyof StackValues}`;
export type ProjectionParameterId = `projection.${string}`;
export type ModelledParameterId = CostParameterId | StackParameterId | LocalParameterId | ProjectionParameterId;

const document = DocumentSchema.parse(registryDocument);

function entries(family: ParameterFamily, group: Record<string, z.infer<typeof EntrySchema>>): ModelledParameter[] {
  return Object.entries(group).map(([name, e]) => ({ id: `${family}.${name}`, family, name, ...e }));
}

/** Every parameter, in the data file's order (cost, stack, local, then projection). */
export const MODELLED_PARAMETERS: readonly ModelledParameter[] = [
  ...entries('cost', document.cost),
  ...entries('stack', document.stack),
  ...entries('local', document.local),
  ...entries('projection', document.projection),
];

const BY_ID = new Map(MODELLED_PARAMETERS.map((p) => [p.id, p]));

/** The cost model's values: `COST.bytesOutPerRequest` … (validated at load; a bad data file fails every command at once). */
export const COST: Readonly<CostValues> = CostValuesSchema.parse(Object.fromEntries(Object.entries(document.cost).map(([name, e]) => [name, e.value])));

/** The stack family's values: `STACK.instanceBootSeconds` … */
export const STACK: Readonly<StackValues> = StackValuesSchema.parse(Object.fromEntries(Object.entries(document.stack).map(([name, e]) => [name, e.value])));

/** The local target's parameters by bare name (values unvalidated here: src/local/fidelity.ts owns their ranges). */
export const LOCAL_PARAMETERS: Readonly<Record<string, ModelledParameter & { scaled: boolean }>> = Object.fromEntries(
  entries('local', document.local).map((p) => [p.name, { ...p, scaled: p.scaled ?? false }]),
);

/** The projection's parameters by bare name (values unvalidated here: src/projection/parameters.ts owns their types). */
export const PROJECTION_PARAMETERS: Readonly<Record<string, ModelledParameter>> = Object.fromEntries(entries('projection', document.projection).map((p) => [p.name, p]));

/** The id of a cost parameter, checked at compile time: for text that names where a number came from. */
export function costId(name: CostParameterName): CostParameterId {
  return `cost.${name}`;
}

export function modelledParameter(id: ModelledParameterId): ModelledParameter {
  const p = BY_ID.get(id);
  if (!p) throw new Error(`no modelled parameter ${id} in modelled-parameters.json`);
  return p;
}

/** A value with its unit for people: "2048 B", "catalog 40, cart 60 … ms", "auto concurrent Inits". */
export function formatParameterValue(p: ModelledParameter): string {
  return `${formatValue(p.value)} ${p.unit}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function formatValue(value: unknown): string {
  const nested = (v: unknown) => (isRecord(v) ? `{${formatValue(v)}}` : formatValue(v));
  if (Array.isArray(value)) return `[${value.map(nested).join(', ')}]`;
  if (isRecord(value)) return Object.entries(value).map(([k, v]) => `${k} ${nested(v)}`).join(', ');
  return String(value);
}
