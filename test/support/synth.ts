import { readFileSync } from 'node:fs';
import { synthesizeStack } from '../../stacks/synth.js';
import { StackConfigSchema, type Model, type ResolvedStackConfig, type StackConfigInput } from '../../src/config/stack-config.js';
import { tempDir } from './temp-dir.js';

export type TerraformJson = {
  provider: { aws: Array<Record<string, unknown>> };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, unknown>;
  terraform: Record<string, unknown>;
};

export function testConfig(input: StackConfigInput = {}, runId = 'ac-synthtest'): ResolvedStackConfig {
  return { ...StackConfigSchema.parse(input), runId };
}

export async function synthJson(model: Model, input: StackConfigInput = {}, runId?: string): Promise<{ json: TerraformJson; text: string; dir: string }> {
  const out = tempDir('archcompare-synth-');
  const r = await synthesizeStack(model, testConfig(input, runId), out);
  const text = readFileSync(r.terraformJsonPath, 'utf8');
  return { json: JSON.parse(text) as TerraformJson, text, dir: r.stackDir };
}

/** All resources as [type, name, body]. */
export function resources(json: TerraformJson): Array<[string, string, Record<string, unknown>]> {
  return Object.entries(json.resource).flatMap(([type, byName]) => Object.entries(byName).map(([name, body]) => [type, name, body] as [string, string, Record<string, unknown>]));
}

export function resource(json: TerraformJson, type: string, name: string): Record<string, any> {
  const r = json.resource[type]?.[name];
  if (!r) throw new Error(`${type}.${name} is not in the stack (has: ${Object.keys(json.resource[type] ?? {}).join(', ') || 'none of that type'})`);
  return r as Record<string, any>;
}
