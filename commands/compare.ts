import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { awsProfileFlag, configFlag, dbFlag, endpointUrlFlag, failIfFlag, loadProfileFlag, maxHourlyCostFlag, regionFlag, reportFormatFlag, reportOutputFlag, stateFlag, targetFlag, timeScaleFlag, yesFlag } from '../src/cli/flags.js';
import { MODELS, type Model } from '../src/config/stack-config.js';
import type { Target } from '../src/state/registry.js';

export default class Compare extends BaseCommand {
  static override summary = 'One shot: deploy both architectures, bench both with the same profile, report, destroy.';
  static override description =
    'Runs the whole comparison: both models are deployed (on this machine by default), driven with the same load profile one after the other, priced from AWS list prices with the measured usage, and reported side by side. Teardown always happens, on success, failure or Ctrl-C.';
  static override examples = [
    '<%= config.bin %> compare --profile spike',
    '<%= config.bin %> compare --profile steady --time-scale 20 --format md --output report.md',
    '<%= config.bin %> compare --profile steady --format md --output report.md --fail-if "p95>300ms" --fail-if "errors>0.1%"',
    '<%= config.bin %> compare --profile spike --target aws --region eu-west-1 --aws-profile shop-dev --max-hourly-cost 0.50',
  ];
  static override flags = {
    profile: loadProfileFlag({ default: 'spike' }),
    target: targetFlag,
    models: Flags.string({ options: ['both', ...MODELS], default: 'both', description: 'Which architectures to compare.' }),
    config: configFlag,
    'time-scale': timeScaleFlag({ description: 'Divide the profile durations and modelled delays by this (local default: the profile’s own time scale).' }),
    db: dbFlag,
    region: regionFlag,
    'aws-profile': awsProfileFlag,
    'endpoint-url': endpointUrlFlag,
    yes: yesFlag,
    'max-hourly-cost': maxHourlyCostFlag(),
    state: stateFlag,
    'fail-if': failIfFlag(),
    format: reportFormatFlag('Report format (default: ink on a terminal, plain text otherwise).'),
    output: reportOutputFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Compare);
    const models: Model[] = flags.models === 'both' ? [...MODELS] : [flags.models as Model];
    const [{ compare }, { runPipelineView }, { canAsk, terminalConfirm }, { Decimal }] = await Promise.all([
      import('../src/compare/compare-service.js'),
      import('../src/compare/ui/run-view.js'),
      import('../src/cli/confirm.js'),
      import('../src/pricing/money.js'),
    ]);
    const interactive = Boolean(process.stderr.isTTY) && !process.env.CI;
    const format = (flags.format ?? (interactive && process.stdout.isTTY && !flags.output ? 'ink' : 'text')) as 'ink' | 'text' | 'json' | 'md' | 'html';

    const abort = new AbortController();
    const view = await runPipelineView(`archcompare compare · profile ${flags.profile} · ${flags.target}`, interactive);
    const onSignal = () => {
      if (abort.signal.aborted) {
        view.note('still tearing down: everything deployed is being destroyed');
        return;
      }
      view.note('interrupted: stopping, then destroying what was deployed');
      abort.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const outcome = await compare({
        profile: flags.profile,
        target: flags.target as Target,
        models,
        configFile: flags.config,
        timeScale: flags['time-scale'],
        db: flags.db as 'embedded' | 'system',
        region: flags.region,
        awsProfile: flags['aws-profile'],
        endpointUrl: flags['endpoint-url'],
        guard: {
          assumeYes: flags.yes,
          interactive: canAsk(),
          maxHourlyCost: flags['max-hourly-cost'] !== undefined ? new Decimal(flags['max-hourly-cost']) : undefined,
          confirm: terminalConfirm(view),
        },
        remoteState: flags.state,
        failIf: flags['fail-if'],
        format,
        columns: process.stdout.columns,
        color: format === 'ink' && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
        signal: abort.signal,
        onSteps: view.steps,
        onNotice: view.note,
      });
      view.stop();
      if (outcome.rendered !== undefined) {
        const { writeReportOutput } = await import('../src/compare/output.js');
        await writeReportOutput(outcome, format, flags.output, (text) => this.log(text));
      }
      if (outcome.error) throw outcome.error;
      const [{ gateLines }, { EXIT_CODES }] = await Promise.all([import('../src/report/gates.js'), import('../src/errors.js')]);
      const report = outcome.report as import('../src/report/model.js').Report | undefined;
      if (report) for (const line of gateLines(report)) process.stderr.write(`${line}\n`);
      if (report?.gates?.failed) process.exitCode = EXIT_CODES.thresholdFailed;
    } finally {
      view.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
