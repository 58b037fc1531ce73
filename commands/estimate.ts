import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag, freeTierFlag, modelFlag } from '../src/cli/flags.js';
import { MODELS, type Model } from '../src/config/stack-config.js';
import { UserError } from '../src/errors.js';

export default class Estimate extends BaseCommand {
  static override summary = 'Monthly cost of one or both architectures from AWS list prices, with the break-even traffic.';
  static override description =
    "Prices the synthesized stack(s) — or any `terraform show -json` plan — resource by resource from the committed pricing snapshot (pricing-cache/), with usage from an Infracost-format usage file, a measured-usage file from a bench run, or documented modelled defaults. Prints each cost component (quantity, unit price, monthly cost, the Price List entry used), totals, cost per million requests and a 200-point cost-vs-traffic curve; with both models, the traffic where their monthly costs cross, searched over the full model including each added ASG instance.";
  static override examples = [
    '<%= config.bin %> estimate',
    '<%= config.bin %> estimate --model serverless --requests-per-month 50000000',
    '<%= config.bin %> estimate --model traditional --usage usage.yml --format json',
    '<%= config.bin %> estimate --plan plan.json --region eu-west-1',
    '<%= config.bin %> estimate --results latest   # usage measured by the last bench run of both models',
  ];
  static override flags = {
    model: modelFlag({ description: 'One model (default: both, with the break-even traffic).' }),
    usage: Flags.string({ char: 'u', description: 'Infracost-format usage file (version: 0.1, resource_usage keyed by address).' }),
    measured: Flags.string({ description: 'Measured usage (MeasuredUsage JSON from a bench run) instead of a usage file.' }),
    results: Flags.string({ description: 'Usage measured by a bench run: its run id, or "latest" (the newest run with every model asked for).' }),
    'requests-per-month': Flags.string({ char: 'r', description: 'API traffic to price at (default: the usage’s own, else 10,000,000).' }),
    region: Flags.string({ description: 'AWS region whose prices to use (default: the config’s or the plan’s, else us-east-1).' }),
    format: Flags.string({ char: 'f', options: ['table', 'json'], default: 'table', description: 'table (Ink) or json.' }),
    plan: Flags.string({ description: 'Estimate this terraform plan (terraform show -json) instead of the archcompare stacks.' }),
    'terraform-json': Flags.string({ multiple: true, description: 'Use a synthesized Terraform JSON file instead of synthesizing: <model>=<path>.' }),
    config: configFlag,
    'free-tier': freeTierFlag,
    'instance-capacity-rps': Flags.string({ description: 'Requests/s one app instance serves at the target CPU: sizes the ASG along the cost curve.' }),
    'max-price-age-days': Flags.integer({ min: 1, description: 'Warn when the pricing snapshot is older than this (default 365, or ARCHCOMPARE_MAX_PRICE_AGE_DAYS).' }),
    'fail-on-stale-prices': Flags.boolean({ default: false, description: 'Make a stale pricing snapshot an error instead of a warning.' }),
    'fail-on-unpriced': Flags.boolean({
      default: false,
      description: 'After printing the estimate, exit with status 3 if any resource is unpriced (a missing price or an unsupported resource), instead of accepting a partial estimate.',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Estimate);
    const number = (flag: string, value: string | undefined): number | undefined => {
      if (value === undefined) return undefined;
      const n = Number(value.replace(/_/g, ''));
      if (!Number.isFinite(n) || n < 0 || value.trim() === '') throw new UserError(`--${flag}: '${value}' is not a number ≥ 0`, `pass e.g. --${flag} 10000000`);
      return n;
    };
    const terraformJson: Partial<Record<Model, string>> = {};
    for (const entry of flags['terraform-json'] ?? []) {
      const m = /^(traditional|serverless)=(.+)$/.exec(entry);
      if (!m) throw new UserError(`--terraform-json: '${entry}' is not <model>=<path>`, 'write e.g. --terraform-json serverless=cdktf.out/stacks/serverless/cdk.tf.json');
      terraformJson[m[1] as Model] = m[2]!;
    }
    const models = flags.model ? [flags.model as Model] : Object.keys(terraformJson).length === 1 ? (Object.keys(terraformJson) as Model[]) : [...MODELS];
    const { resolveMaxAgeDays } = await import('../src/pricing/snapshot-store.js');
    const { estimate, unpricedFailure } = await import('../src/cost/estimate-service.js');
    const outcome = await estimate({
      models,
      plan: flags.plan,
      terraformJson,
      configFile: flags.config,
      region: flags.region,
      usageFile: flags.usage,
      measuredFile: flags.measured,
      results: flags.results,
      requestsPerMonth: number('requests-per-month', flags['requests-per-month']),
      instanceCapacityRps: number('instance-capacity-rps', flags['instance-capacity-rps']),
      freeTier: flags['free-tier'],
      maxPriceAgeDays: resolveMaxAgeDays(flags['max-price-age-days']),
      failWhenStale: flags['fail-on-stale-prices'],
    });
    for (const w of outcome.warnings) process.stderr.write(`Warning: ${w}\n`);
    await this.print(outcome.json, flags.format);
    // The partial estimate is printed first, then the pipeline gets its non-zero exit.
    const failure = flags['fail-on-unpriced'] ? unpricedFailure(outcome.json) : undefined;
    if (failure) throw failure;
  }

  private async print(json: import('../src/cost/report.js').EstimateJson, format: string): Promise<void> {
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      return;
    }
    // A pipe or a file gets the same table as plain text; Ink draws it in a terminal.
    if (!process.stdout.isTTY) {
      const { estimateText } = await import('../src/cost/ui/estimate-lines.js');
      process.stdout.write(estimateText(json));
      return;
    }
    const [{ render }, { createElement }, { EstimateView }] = await Promise.all([import('ink'), import('react'), import('../src/cost/ui/EstimateView.js')]);
    const app = render(createElement(EstimateView, { json }), { patchConsole: false });
    app.unmount();
    await app.waitUntilExit();
  }
}
