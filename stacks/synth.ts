import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { App } from 'cdktf';
import { artifactPaths } from '../src/build/artifacts.js';
import type { Model, ResolvedStackConfig } from '../src/config/stack-config.js';

export interface SynthesizedStack {
  model: Model;
  /** cdktf.out/stacks/<model>: the Terraform working directory (JSON + assets). */
  stackDir: string;
  terraformJsonPath: string;
}

/** Builds the artifacts the stacks reference if they are missing (a fresh clone before `npm run build`). */
async function ensureArtifacts(): Promise<void> {
  try {
    await access(artifactPaths.manifest());
  } catch {
    const { buildArtifacts } = await import('../src/build/build-artifacts.js');
    await buildArtifacts();
  }
}

/**
 * Synthesizes one stack to Terraform JSON. The stack modules (and with them cdktf and the AWS
 * provider bindings) are imported here, lazily, so the CLI's other commands start fast.
 */
export async function synthesizeStack(model: Model, config: ResolvedStackConfig, outdir = 'cdktf.out'): Promise<SynthesizedStack> {
  await ensureArtifacts();
  await mkdir(path.resolve(outdir), { recursive: true });
  const app = new App({ outdir: path.resolve(outdir), skipValidation: false });
  if (model === 'traditional') {
    const { TraditionalStack } = await import('./traditional.js');
    new TraditionalStack(app, model, config);
  } else {
    const { ServerlessStack } = await import('./serverless.js');
    new ServerlessStack(app, model, config);
  }
  app.synth();
  const stackDir = path.join(path.resolve(outdir), 'stacks', model);
  return { model, stackDir, terraformJsonPath: path.join(stackDir, 'cdk.tf.json') };
}
