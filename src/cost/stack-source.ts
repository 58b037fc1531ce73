import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from '../errors.js';
import type { Model, ResolvedStackConfig } from '../config/stack-config.js';
import { readTerraformFile, type TerraformDocument } from '../architecture/terraform-document.js';

function stacksDir(): string {
  // src/cost (tsx) or dist/src/cost (built): stacks/ sits two levels up.
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../stacks');
}

/** The stack sources plus the config decide the synthesized JSON: hash them to reuse an earlier synth. */
function synthKey(model: Model, config: ResolvedStackConfig): string {
  const hash = createHash('sha256').update(model).update(JSON.stringify(config));
  const dir = stacksDir();
  for (const f of readdirSync(dir).filter((n) => /\.(ts|js)$/.test(n) && !n.endsWith('.d.ts')).sort()) hash.update(f).update(readFileSync(path.join(dir, f)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Synthesizes a model's stack through the stacks' own synthesizeStack (cdktf), into
 * .archcompare/synth/<hash>/ — reused while the stack sources and config are unchanged, because
 * loading cdktf and the AWS provider bindings costs about a second.
 */
export async function synthesizedDocument(model: Model, config: ResolvedStackConfig, workDir = '.archcompare'): Promise<{ doc: TerraformDocument; file: string; cached: boolean }> {
  const outdir = path.resolve(workDir, 'synth', synthKey(model, config));
  const file = path.join(outdir, 'stacks', model, 'cdk.tf.json');
  if (existsSync(file)) return { doc: readTerraformFile(file), file, cached: true };
  const synthPath = ['synth.js', 'synth.ts'].map((f) => path.join(stacksDir(), f)).find(existsSync);
  if (!synthPath) throw new UserError(`cannot synthesize the ${model} stack: ${stacksDir()}/synth.(js|ts) is missing`, 'run `npm run build`, or pass --plan/--terraform-json with an existing file');
  const { synthesizeStack } = (await import(pathToFileURL(synthPath).href)) as {
    synthesizeStack: (m: Model, c: ResolvedStackConfig, outdir: string) => Promise<{ terraformJsonPath: string }>;
  };
  const result = await synthesizeStack(model, config, outdir);
  return { doc: readTerraformFile(result.terraformJsonPath), file: result.terraformJsonPath, cached: false };
}
