import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { modelFlag } from '../src/cli/flags.js';
import type { Model } from '../src/config/stack-config.js';

export default class Destroy extends BaseCommand {
  static override summary = 'Tear down deployments; idempotent, verified, also after a failed or interrupted deploy.';
  static override description =
    'Removes what archcompare deployed from this directory and then checks through the AWS APIs (or the process table, locally) that nothing tagged with the run id is left. Running it again when nothing is deployed is not an error.';
  static override examples = ['<%= config.bin %> destroy --model serverless', '<%= config.bin %> destroy --all'];
  static override flags = {
    model: modelFlag({ description: 'The architecture to destroy.' }),
    all: Flags.boolean({ description: 'Destroy every deployment listed in .archcompare/.', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Destroy);
    if (!flags.model && !flags.all) this.error('say what to destroy: --model traditional|serverless, or --all', { exit: 2 });
    const [{ destroy }, { createProgress }] = await Promise.all([import('../src/deploy/deploy-service.js'), import('../src/cli/progress.js')]);
    const progress = await createProgress('destroy');
    try {
      const destroyed = await destroy({ models: flags.all ? undefined : [flags.model as Model], progress });
      progress.finish(destroyed.length ? `destroyed ${destroyed.map((d) => d.model).join(', ')}` : undefined);
      this.log(destroyed.length ? `Destroyed: ${destroyed.map((d) => `${d.model} (${d.target}, run ${d.runId})`).join(', ')}. Nothing is left.` : 'Nothing is deployed.');
    } catch (err) {
      progress.finish();
      throw err;
    }
  }
}
