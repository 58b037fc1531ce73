import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { awsProfileFlag, endpointUrlFlag, modelFlag, regionFlag, stateFlag } from '../src/cli/flags.js';
import type { Model } from '../src/config/stack-config.js';

export default class Destroy extends BaseCommand {
  static override summary = 'Tear down deployments; idempotent, verified, also after a failed or interrupted deploy.';
  static override description =
    'Removes what archcompare deployed from this directory (with --state, also what the S3 remote state records), then sweeps the AWS account for anything still tagged with the run id, reports it and deletes it (locally: checks the process table). --stale finds forgotten AWS runs from their tags alone, without this directory\'s registry or any state, and removes those older than --older-than. Running it again when nothing is deployed is not an error.';
  static override examples = [
    '<%= config.bin %> destroy --model serverless',
    '<%= config.bin %> destroy --all',
    '<%= config.bin %> destroy --all --state s3://my-ci-state/archcompare --region eu-west-1',
    '<%= config.bin %> destroy --stale --older-than 2h --region us-east-1',
  ];
  static override flags = {
    model: modelFlag({ description: 'The architecture to destroy.' }),
    all: Flags.boolean({ description: 'Destroy every deployment listed in .archcompare/ (and in --state).', default: false }),
    stale: Flags.boolean({ description: 'aws: find archcompare runs in the account by their tags (no registry, no state) and destroy those older than --older-than.', default: false, exclusive: ['model', 'all'] }),
    'older-than': Flags.string({ description: 'With --stale: the minimum age of a run to destroy, e.g. 2h, 90m, 30s.', default: '2h', dependsOn: ['stale'] }),
    state: stateFlag,
    region: regionFlag,
    'aws-profile': awsProfileFlag,
    'endpoint-url': endpointUrlFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Destroy);
    if (!flags.model && !flags.all && !flags.stale) this.error('say what to destroy: --model traditional|serverless, --all, or --stale', { exit: 2 });
    const connection = { region: flags.region, profile: flags['aws-profile'], endpointUrl: flags['endpoint-url'] };
    const { createProgress } = await import('../src/cli/progress.js');
    if (flags.stale) {
      const [{ destroyStale }, { parseAge }] = await Promise.all([import('../src/deploy/stale-service.js'), import('../src/cli/age.js')]);
      const olderThanSeconds = parseAge(flags['older-than'], '--older-than');
      const progress = await createProgress('destroy --stale');
      try {
        const outcome = await destroyStale({ ...connection, olderThanSeconds, progress });
        progress.finish(`${outcome.swept.length} stale run(s) destroyed`);
        const lines = [
          ...outcome.swept.map((r) => `Destroyed run ${r.runId} (${r.model ?? 'unknown model'}, ${Math.round(r.ageSeconds / 60)} min old): ${r.deleted.length} resource(s) deleted.`),
          ...outcome.young.map((r) => `Kept run ${r.runId} (${r.model ?? 'unknown model'}): ${Math.round(r.ageSeconds / 60)} min old, younger than ${flags['older-than']}.`),
          ...outcome.undated.map((r) => `Kept run ${r.runId}: its resources carry no archcompare:created-at tag; destroy it with --model from where it was deployed.`),
        ];
        this.log(lines.length ? lines.join('\n') : 'No archcompare runs in the account.');
      } catch (err) {
        progress.finish();
        throw err;
      }
      return;
    }
    const { destroy } = await import('../src/deploy/deploy-service.js');
    const progress = await createProgress('destroy');
    try {
      const destroyed = await destroy({ models: flags.all ? undefined : [flags.model as Model], progress, remoteState: flags.state, connection });
      progress.finish(destroyed.length ? `destroyed ${destroyed.map((d) => d.model).join(', ')}` : undefined);
      this.log(destroyed.length ? `Destroyed: ${destroyed.map((d) => `${d.model} (${d.target}, run ${d.runId})`).join(', ')}. Nothing is left.` : 'Nothing is deployed.');
    } catch (err) {
      progress.finish();
      throw err;
    }
  }
}
