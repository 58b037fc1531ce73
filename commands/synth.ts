import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag, modelFlag, regionFlag } from '../src/cli/flags.js';
import type { Model } from '../src/config/stack-config.js';

export default class Synth extends BaseCommand {
  static override summary = 'Write the Terraform JSON of a stack (cdktf.out/stacks/<model>/cdk.tf.json).';
  static override description =
    'Synthesizes the CDKTF stack of one architecture (or both) from the stack config. The JSON is what `deploy --target aws` applies, what `estimate` prices and what the local target is configured from.';
  static override examples = [
    '<%= config.bin %> synth --model serverless',
    '<%= config.bin %> synth --model traditional --config shop.yml --out build/tf',
    '<%= config.bin %> synth   # both stacks',
  ];
  static override flags = {
    model: modelFlag({ description: 'Stack to synthesize (default: both).' }),
    config: configFlag,
    region: regionFlag,
    out: Flags.string({ default: 'cdktf.out', description: 'Output directory.' }),
    'run-id': Flags.string({ description: 'Run id to tag resources with (default: a fresh one).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Synth);
    const { synthesizeStacks } = await import('../src/synth/synth-service.js');
    const results = await synthesizeStacks({
      models: flags.model ? [flags.model as Model] : undefined,
      configFile: flags.config,
      overrides: { region: flags.region, runId: flags['run-id'] },
      outdir: flags.out,
    });
    for (const r of results) this.log(`${r.model.padEnd(12)} ${String(r.resourceCount).padStart(3)} resources  ${r.relativePath}`);
  }
}
