import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { loadProfileFlag, timeScaleFlag } from '../src/cli/flags.js';
import { MODELS, type Model } from '../src/config/stack-config.js';

export default class Bench extends BaseCommand {
  static override summary = 'Drive a load profile at every deployed model (or one, or any URL) and save the results.';
  static override description =
    'Runs the profile phase by phase with autocannon (open-model arrival schedule, user journeys with per-user JWT and cart), shows live progress, checks application invariants afterwards, and writes one result per model to .archcompare/results/<run-id>/<model>.json. Models are benched one after the other. Ctrl-C stops cleanly and keeps a partial result.';
  static override examples = [
    '<%= config.bin %> bench --profile spike',
    '<%= config.bin %> bench --profile steady --model serverless --time-scale 10',
    '<%= config.bin %> bench --profile ./my-profile.yaml --url https://abc123.execute-api.us-east-1.amazonaws.com --model serverless',
  ];
  static override flags = {
    profile: loadProfileFlag({ required: true }),
    model: Flags.string({ char: 'm', options: [...MODELS], multiple: true, description: 'Model(s) to bench (default: every deployed model in the registry).' }),
    url: Flags.string({ description: 'Bench this endpoint instead of a deployment, e.g. an AWS API URL (name it with --model).' }),
    'time-scale': timeScaleFlag({ description: 'Divide the profile durations by this (default: the local deployment’s time scale, else the profile’s for local targets, else 1).' }),
    'results-dir': Flags.string({ description: 'Results directory (default .archcompare/results).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Bench);
    const [{ bench }, renderers] = await Promise.all([import('../src/bench/bench-service.js'), import('../src/bench/ui/progress-renderer.js')]);
    const renderer = renderers.isInteractiveTerminal() ? await renderers.inkRenderer() : renderers.plainRenderer();
    const abort = new AbortController();
    const onSignal = () => {
      if (abort.signal.aborted) process.exit(130);
      renderer.line('interrupted: stopping the current phase and saving a partial result (Ctrl-C again to quit now)');
      abort.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const outcome = await bench({
        profile: flags.profile,
        models: flags.model as Model[] | undefined,
        url: flags.url,
        timeScale: flags['time-scale'],
        outputDir: flags['results-dir'],
        signal: abort.signal,
        onProgress: (p) => renderer.progress(p),
        onResult: (file, r) => renderer.result(file, r),
      });
      renderer.stop();
      for (const file of outcome.files) this.log(file);
      // Partial without Ctrl-C: a run that could send no traffic (an emulator's front door), which said so.
      if (abort.signal.aborted && outcome.results.some((r) => r.partial)) process.exitCode = 130;
      else if (outcome.results.some((r) => r.invariants.some((i) => i.status === 'fail'))) process.exitCode = 1;
    } catch (err) {
      renderer.stop();
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
