import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag, loadProfileFlag } from '../src/cli/flags.js';
import { UserError } from '../src/errors.js';

export default class Project extends BaseCommand {
  static override summary = 'Project both architectures to internet scale: p95, throttles, capacity, bottlenecks and monthly cost under a profile.';
  static override description =
    'Simulates both models under a load profile at full scale (e.g. black-friday: 1,000 req/s, a surge to 50,000 req/s held for 24 hours): the traditional stack with ALB, an Auto Scaling group under target tracking and PostgreSQL, the serverless stack with API Gateway throttles, Lambda concurrency and scaling rates, cold starts and DynamoDB on demand. Calibrated from saved bench results when there are any, from documented modelled defaults otherwise; every parameter is listed with its origin. Writes the projected results in the bench result shape (marked projected) and prices them with the cost engine.';
  static override examples = [
    '<%= config.bin %> project --profile black-friday',
    '<%= config.bin %> project --profile black-friday --raise-limits   # both sized for the peak',
    '<%= config.bin %> project --profile month --format md',
    '<%= config.bin %> project --validate latest   # the projection against the last local run, at its scale',
    '<%= config.bin %> project --profile black-friday --calibration my-quotas.yaml --seed 7 --format json',
  ];
  static override flags = {
    profile: loadProfileFlag({ default: 'black-friday' }),
    results: Flags.string({ description: 'Calibrate from a saved bench run: its run id, or "latest".' }),
    calibration: Flags.string({ description: 'YAML/JSON of { parameter: value } overriding any projection parameter (names: --format json, parameters).' }),
    config: configFlag,
    seed: Flags.integer({ default: 1, description: 'Seed of the sampled latencies: the same seed gives the same figures.' }),
    format: Flags.string({ char: 'f', options: ['text', 'json', 'md'], default: 'text', description: 'text, json or md (Markdown).' }),
    validate: Flags.string({ description: 'Instead of projecting: simulate this saved local run (id or "latest") at its own scale and compare p95 per phase and capacity with it.' }),
    'raise-limits': Flags.boolean({ default: false, description: 'Project again with every limit reached at the peak (quotas, ASG maximum, DB size) raised to what removes it: each model sized for the peak.' }),
    cost: Flags.boolean({ default: true, allowNo: true, description: 'Price the projected usage with the cost engine (--no-cost skips synthesis and pricing).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Project);
    if (flags.seed < 0) throw new UserError(`--seed: ${flags.seed} is negative`, 'pass a seed ≥ 0, e.g. --seed 1');
    if (flags.validate) {
      const { validateRun } = await import('../src/projection/project-service.js');
      const { validation, text } = await validateRun({ run: flags.validate, configFile: flags.config, calibrationFile: flags.calibration, seed: flags.seed });
      process.stdout.write(flags.format === 'json' ? `${JSON.stringify(validation, null, 2)}\n` : text);
      if (!validation.passed) process.exitCode = 1;
      return;
    }
    const [{ project }, { renderProjection, projectionJson }, { createProgress }] = await Promise.all([
      import('../src/projection/project-service.js'),
      import('../src/projection/render.js'),
      import('../src/cli/progress.js'),
    ]);
    const progress = await createProgress('project');
    try {
      const outcome = await project({
        profile: flags.profile,
        results: flags.results,
        calibrationFile: flags.calibration,
        configFile: flags.config,
        seed: flags.seed,
        cost: flags.cost,
        raiseLimits: flags['raise-limits'],
        onProgress: (line) => progress.step(line),
      });
      progress.finish(`projected ${outcome.profile}`);
      process.stdout.write(flags.format === 'json' ? `${JSON.stringify(projectionJson(outcome), null, 2)}\n` : renderProjection(outcome, flags.format as 'text' | 'md'));
    } catch (err) {
      progress.finish();
      throw err;
    }
  }
}
