import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadStackConfig } from '../config/load-config.js';
import { MODELS, type Model, type StackConfigInput } from '../config/stack-config.js';

export interface SynthSummary {
  model: Model;
  terraformJsonPath: string;
  relativePath: string;
  resourceCount: number;
  runId: string;
}

export async function synthesizeStacks(opts: { models?: Model[]; configFile?: string; overrides?: StackConfigInput; outdir: string }): Promise<SynthSummary[]> {
  const config = await loadStackConfig(opts.configFile, opts.overrides);
  const { synthesizeStack } = await import('../../stacks/synth.js');
  const out: SynthSummary[] = [];
  for (const model of opts.models ?? [...MODELS]) {
    const r = await synthesizeStack(model, config, opts.outdir);
    const json = JSON.parse(await readFile(r.terraformJsonPath, 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
    const resourceCount = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    out.push({ model, terraformJsonPath: r.terraformJsonPath, relativePath: path.relative(process.cwd(), r.terraformJsonPath), resourceCount, runId: config.runId });
  }
  return out;
}
