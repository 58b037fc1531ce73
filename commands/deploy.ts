import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { awsProfileFlag, configFlag, dbFlag, endpointUrlFlag, maxHourlyCostFlag, modelFlag, regionFlag, stateFlag, targetFlag, timeScaleFlag, yesFlag } from '../src/cli/flags.js';
import { plainHttpWarning, type Model } from '../src/config/stack-config.js';
import type { Target } from '../src/state/registry.js';

export default class Deploy extends BaseCommand {
  static override summary = 'Deploy one architecture locally (default) or to AWS / an AWS emulator.';
  static override description =
    'The local target runs the architecture on this machine with real processes and databases. The aws target runs terraform init/plan/apply on the synthesized stack with the standard AWS credential chain; --endpoint-url points every service at an emulator such as moto_server or LocalStack. Before apply it shows what the plan costs per hour and per month at list price and asks to confirm (--yes in CI; --max-hourly-cost refuses above a limit), and checks the account\'s Lambda concurrency for the serverless model. The deployment is recorded in .archcompare/ (and with --state in S3) before anything is created, so `destroy` always finds it.';
  static override examples = [
    '<%= config.bin %> deploy --model serverless',
    '<%= config.bin %> deploy --model traditional --time-scale 10',
    '<%= config.bin %> deploy --model traditional --target aws --region eu-west-1 --aws-profile shop-dev',
    '<%= config.bin %> deploy --model serverless --target aws --endpoint-url http://127.0.0.1:5000 --yes',
    '<%= config.bin %> deploy --model traditional --target aws --yes --max-hourly-cost 0.50 --state s3://my-ci-state/archcompare',
  ];
  static override flags = {
    model: modelFlag({ required: true }),
    target: targetFlag,
    config: configFlag,
    region: regionFlag,
    'aws-profile': awsProfileFlag,
    'endpoint-url': endpointUrlFlag,
    yes: yesFlag,
    'max-hourly-cost': maxHourlyCostFlag(),
    state: stateFlag,
    'run-id': Flags.string({ description: 'Run id to tag every resource with (default: a fresh one).' }),
    'time-scale': timeScaleFlag({ description: 'local: divide modelled delays (instance launch, alarm periods …) by this factor, e.g. 10.', default: 1 }),
    db: dbFlag,
    fidelity: Flags.string({ description: 'local: a YAML/JSON file overriding modelled parameters (launch delay, alarm periods, cold-start provisioning …); defaults and sources: the local parameters of src/architecture/modelled-parameters.json.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Deploy);
    const [{ deploy }, { createProgress }, { canAsk, terminalConfirm }, { Decimal }] = await Promise.all([
      import('../src/deploy/deploy-service.js'),
      import('../src/cli/progress.js'),
      import('../src/cli/confirm.js'),
      import('../src/pricing/money.js'),
    ]);
    const progress = await createProgress(`deploy ${flags.model}`);
    const interrupted = new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    try {
      const record = await deploy({
        model: flags.model as Model,
        target: flags.target as Target,
        configFile: flags.config,
        overrides: { runId: flags['run-id'] },
        region: flags.region,
        profile: flags['aws-profile'],
        endpointUrl: flags['endpoint-url'],
        timeScale: flags['time-scale'],
        db: flags.db as 'embedded' | 'system',
        fidelityFile: flags.fidelity,
        progress,
        interrupted,
        guard: {
          assumeYes: flags.yes,
          interactive: canAsk(),
          maxHourlyCost: flags['max-hourly-cost'] !== undefined ? new Decimal(flags['max-hourly-cost']) : undefined,
          confirm: terminalConfirm(progress),
        },
        remoteState: flags.state,
      });
      progress.finish(`deployed ${record.model} (${record.target}, run ${record.runId})`);
      this.log(record.url ? `${record.model} is up: ${record.url}` : `${record.model} deployed`);
      const plainHttp = plainHttpWarning(record.target, record.url);
      if (plainHttp) this.logToStderr(`Warning: ${plainHttp}`);
    } catch (err) {
      progress.finish();
      throw err;
    }
  }
}
