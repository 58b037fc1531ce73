import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { App } from 'cdktf';
import { artifactPaths } from '../src/build/artifacts.js';
import { instanceArchitecture, type Model, type ResolvedStackConfig } from '../src/config/stack-config.js';

export interface SynthesizedStack {
  model: Model;
  /** cdktf.out/stacks/<model>: the Terraform working directory (JSON + assets). */
  stackDir: string;
  terraformJsonPath: string;
}

/**
 * Builds the artifacts the stacks reference if they are missing (a fresh clone before `npm run build`),
 * and for the traditional model the server tarball of its instances' CPU (Graviton or x86).
 */
async function ensureArtifacts(model: Model, config: ResolvedStackConfig, progress: (line: string) => void): Promise<void> {
  const build = () => import('../src/build/build-artifacts.js');
  try {
    await access(artifactPaths.manifest());
  } catch {
    await (await build()).buildArtifacts();
  }
  if (model === 'traditional') await (await build()).ensureServerTarball(instanceArchitecture(config.traditional.instanceType), progress);
}

/**
 * Synthesizes one stack to Terraform JSON. The stack modules (and with them cdktf and the AWS
 * provider bindings) are imported here, lazily, so the CLI's other commands start fast.
 */
export async function synthesizeStack(model: Model, config: ResolvedStackConfig, outdir = 'cdktf.out', progress: (line: string) => void = () => undefined): Promise<SynthesizedStack> {
  await ensureArtifacts(model, config, progress);
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
