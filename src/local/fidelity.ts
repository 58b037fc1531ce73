import os from 'node:os';
import { z } from 'zod';
import { LOCAL_PARAMETERS, type ModelledParameter } from '../architecture/modelled-parameters.js';
import { zodUserError } from '../errors.js';
import { readDataFile } from '../files.js';

/**
 * The modelled numbers of the local target (what one machine cannot do like AWS), validated with zod.
 * Defaults and their public sources are the `local` family of the modelled-parameter registry
 * (src/architecture/modelled-parameters.json); a user file of { name: value } overrides any of
 * them. Delays marked `scaled` are divided by the time scale at use.
 */

const seconds = z.number().min(0).max(86_400);
const positiveInt = z.number().int().min(1);

export const ColdStartBracketSchema = z.object({ maxMemoryMb: z.number().int().min(128).max(10240), ms: z.number().min(0).max(60_000) }).strict();

export const FidelityValuesSchema = z
  .object({
    ec2LaunchDelaySeconds: seconds,
    metricPeriodSeconds: z.number().min(1).max(3600),
    scaleOutEvaluationPeriods: positiveInt.max(100),
    scaleInEvaluationPeriods: positiveInt.max(100),
    scaleInThresholdRatio: z.number().gt(0).max(1),
    scaleInCooldownSeconds: seconds,
    requestSlotsPerVcpu: positiveInt.max(1000),
    albIdleTimeoutSeconds: z.number().min(1).max(4000),
    rdsMaxConnectionsMemoryDivisor: positiveInt,
    localMaxDbConnections: positiveInt.min(10).max(5000),
    coldStartProvisioningMs: z
      .array(ColdStartBracketSchema)
      .min(1)
      .refine((b) => b.every((x, i) => i === 0 || x.maxMemoryMb > b[i - 1]!.maxMemoryMb), { message: 'brackets must be sorted by maxMemoryMb, ascending' })
      .refine((b) => b[b.length - 1]!.maxMemoryMb >= 10240, { message: 'the last bracket must cover 10240 MB' }),
    environmentIdleReclaimSeconds: seconds,
    scalingRateEnvironments: positiveInt,
    scalingRateWindowSeconds: z.number().min(0.001).max(3600),
    accountConcurrencyLimit: positiveInt,
    apiGatewayIntegrationTimeoutSeconds: z.number().min(0.05).max(30),
    localMaxEnvironments: positiveInt.max(2000),
    localMaxConcurrentInits: z.union([z.literal('auto'), positiveInt.max(256)]),
    instanceStopGraceSeconds: z.number().min(0).max(600),
    lambdaMemoryPerVcpuMb: z.number().int().min(128).max(1_000_000),
  })
  .strict();

export type FidelityValues = z.infer<typeof FidelityValuesSchema>;
export type FidelityName = keyof FidelityValues;

export type FidelityParameterDoc = ModelledParameter & { scaled: boolean };

export const FIDELITY_DOCS = LOCAL_PARAMETERS as Readonly<Record<FidelityName, FidelityParameterDoc>>;

export const DEFAULT_FIDELITY: FidelityValues = FidelityValuesSchema.parse(
  Object.fromEntries(Object.entries(FIDELITY_DOCS).map(([k, d]) => [k, d.value])),
);

/** Defaults merged with a user's overrides (field names checked strictly, so a typo is an error). */
export function resolveFidelity(overrides: unknown, source = 'fidelity overrides'): FidelityValues {
  const partial = FidelityValuesSchema.partial().safeParse(overrides ?? {});
  if (!partial.success) throw zodUserError(partial.error, source, `use the parameter names and units of the local parameters in modelled-parameters.json (src/architecture/)`);
  const merged = FidelityValuesSchema.safeParse({ ...DEFAULT_FIDELITY, ...partial.data });
  if (!merged.success) throw zodUserError(merged.error, source, 'fix the value to the documented unit and range');
  return merged.data;
}

/** Reads a YAML or JSON file of { parameterName: value } overrides. */
export async function loadFidelity(file?: string): Promise<FidelityValues> {
  if (!file) return DEFAULT_FIDELITY;
  const parsed = await readDataFile(file, 'fidelity file', 'pass an existing YAML or JSON file of { parameterName: value }');
  return resolveFidelity(parsed, `fidelity file ${file}`);
}

/** A modelled delay in real milliseconds under a time scale (N > 1 compresses time N-fold). */
export function realMs(modelledSeconds: number, timeScale: number): number {
  return (modelledSeconds * 1000) / timeScale;
}

/** Modelled platform provisioning delay for a Lambda memory size (unscaled ms). */
export function coldStartProvisioningMs(values: FidelityValues, memoryMb: number): number {
  const bracket = values.coldStartProvisioningMs.find((b) => memoryMb <= b.maxMemoryMb) ?? values.coldStartProvisioningMs[values.coldStartProvisioningMs.length - 1]!;
  return bracket.ms;
}

/** How many Lambda Inits this machine runs at once: 'auto' is half its cores (at least one). */
export function localInitSlots(value: FidelityValues['localMaxConcurrentInits'], cores = os.availableParallelism()): number {
  return value === 'auto' ? Math.max(1, Math.floor(cores / 2)) : value;
}

