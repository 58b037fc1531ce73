import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { terraformEnv } from '../../src/deploy/terraform.js';
import { requireBinary } from '../support/binaries.js';
import { resources, synthJson, type TerraformJson } from '../support/synth.js';
import { tempDir } from '../support/temp-dir.js';

const terraform = requireBinary('terraform', 'terraform validate of the synthesized stacks');

type ProviderSchema = {
  provider_schemas: Record<string, { resource_schemas: Record<string, { block: { attributes?: Record<string, unknown> } }> }>;
};

describe.skipIf(!terraform)('synthesized stacks against the real AWS provider schema', () => {
  const stacks: Record<string, { json: TerraformJson; dir: string }> = {};
  let env: Record<string, string>;
  let schema: ProviderSchema['provider_schemas'][string]['resource_schemas'];

  beforeAll(async () => {
    const stateRoot = tempDir('archcompare-tf-');
    env = { ...process.env, ...(await terraformEnv(stateRoot)) } as Record<string, string>;
    for (const model of ['traditional', 'serverless'] as const) {
      const { json, dir } = await synthJson(model, {}, 'ac-validate');
      // A full init (the local backend is a file in this temp dir): `providers schema` needs it.
      execFileSync(terraform!, ['init', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'pipe' });
      stacks[model] = { json, dir };
    }
    const out = execFileSync(terraform!, ['providers', 'schema', '-json'], { cwd: stacks.serverless!.dir, env, maxBuffer: 512 * 1024 * 1024 });
    const parsed = JSON.parse(out.toString()) as ProviderSchema;
    schema = parsed.provider_schemas['registry.terraform.io/hashicorp/aws']!.resource_schemas;
  });

  for (const model of ['traditional', 'serverless'] as const) {
    it(`${model}: terraform validate passes`, () => {
      const out = execFileSync(terraform!, ['validate', '-json', '-no-color'], { cwd: stacks[model]!.dir, env }).toString();
      const result = JSON.parse(out) as { valid: boolean; error_count: number; diagnostics: Array<{ summary: string }> };
      expect(result.diagnostics.filter((d) => (d as { severity?: string }).severity === 'error')).toEqual([]);
      expect(result.valid).toBe(true);
    });

    it(`${model}: every resource whose schema has tags carries the run id and model`, () => {
      const { json } = stacks[model]!;
      const untagged: string[] = [];
      let taggable = 0;
      for (const [type, name, body] of resources(json)) {
        const attrs = schema[type]?.block.attributes ?? {};
        expect(schema[type], `${type} exists in the provider schema`).toBeDefined();
        if (!('tags' in attrs)) continue;
        taggable += 1;
        const tags = body.tags as Record<string, string> | undefined;
        if (tags?.['archcompare:run-id'] !== 'ac-validate' || tags?.['archcompare:model'] !== model) untagged.push(`${type}.${name}`);
      }
      expect(untagged).toEqual([]);
      expect(taggable).toBeGreaterThan(15);
    });
  }
});
