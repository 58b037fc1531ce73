import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag, failIfFlag, freeTierFlag, reportFormatFlag, reportOutputFlag } from '../src/cli/flags.js';

export default class Report extends BaseCommand {
  static override summary = 'Side-by-side report of the latest bench results of both models: verdict, cost, latency, cold starts, scaling, operational effort.';
  static override description =
    'Reads the newest result of each model under .archcompare/results (or one run with --run), prices both stacks from the pricing snapshot with the measured usage (cost at the measured rate, 10x and 100x, the cost-vs-traffic curve and the break-even traffic), scores the operational effort of each synthesized stack with the rubric in src/report/effort-weights.yml, and renders one report: Ink in a terminal, Markdown text when piped (never ANSI), or JSON (CI), Markdown (a PR comment) or a self-contained HTML page with charts. Every figure says whether it was measured, priced or modelled.';
  static override examples = [
    '<%= config.bin %> report',
    '<%= config.bin %> report --format md --output report.md',
    '<%= config.bin %> report --format html --output report.html',
    '<%= config.bin %> report --format json --run 20251120T100000Z-a1b2',
    '<%= config.bin %> report --format md --output report.md --fail-if "p95>300ms" --fail-if "cost>500/mo"',
  ];
  static override flags = {
    format: reportFormatFlag('ink (terminal, the default on a TTY), text (the terminal layout without colours), json, md (the default when piped) or html.'),
    output: reportOutputFlag,
    run: Flags.string({ description: 'Report this run id (a folder under .archcompare/results) instead of the latest result of each model.' }),
    config: configFlag,
    'effort-weights': Flags.string({ description: 'YAML overriding any of the operational-effort weights (see src/report/effort-weights.yml).' }),
    region: Flags.string({ description: 'AWS region whose prices to use (default: the results’ or the config’s).' }),
    'free-tier': freeTierFlag,
    'fail-if': failIfFlag(),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Report);
    // Only what this format needs, and never Ink: the terminal layout is drawn as a string (render/text.ts).
    const [{ loadReportInputs }, { buildReport }, { applyGates, gateLines }, { EXIT_CODES }, { thresholdOf }] = await Promise.all([
      import('../src/report/inputs.js'),
      import('../src/report/build.js'),
      import('../src/report/gates.js'),
      import('../src/errors.js'),
      import('../src/gates/thresholds.js'),
    ]);
    const inputs = await loadReportInputs({ runId: flags.run, configFile: flags.config, effortWeightsFile: flags['effort-weights'], region: flags.region, freeTier: flags['free-tier'] });
    const report = applyGates(buildReport(inputs), (inputs.results.traditional.result.profile.definition.thresholds ?? []).map(thresholdOf), flags['fail-if'] ?? []);
    // Gates go to stderr whatever the format: stdout stays the report.
    for (const line of gateLines(report)) process.stderr.write(`${line}\n`);
    if (report.gates?.failed) process.exitCode = EXIT_CODES.thresholdFailed;
    const tty = Boolean(process.stdout.isTTY) && !flags.output;
    // Files and pipes never get ANSI: by default they get the Markdown text; "ink" there means the terminal layout without colours.
    const requested = (flags.format ?? (tty ? 'ink' : 'md')) as 'ink' | 'text' | 'json' | 'md' | 'html';
    const format = requested === 'ink' && !tty ? 'text' : requested;
    // What chalk would decide for Ink: a TTY whose terminal has colours (FORCE_COLOR, TERM=dumb), and never with NO_COLOR.
    const color = tty && !process.env.NO_COLOR && (process.stdout.hasColors?.() ?? false);
    let text: string;
    if (format === 'json') text = `${JSON.stringify(report, null, 2)}\n`;
    else if (format === 'md') text = (await import('../src/report/render/markdown.js')).renderMarkdown(report);
    else if (format === 'html') text = (await import('../src/report/render/html.js')).renderHtml(report);
    else text = (await import('../src/report/render/text.js')).renderText(report, { columns: process.stdout.columns ?? 100, color: format === 'ink' && color });
    if (flags.output) {
      const { default: writeFileAtomic } = await import('write-file-atomic');
      await writeFileAtomic(flags.output, text);
      process.stderr.write(`Wrote ${flags.output} (${format}, ${(Buffer.byteLength(text) / 1024).toFixed(1)} KB)\n`);
      return;
    }
    process.stdout.write(text);
  }
}
