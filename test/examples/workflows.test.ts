import { readFileSync } from 'node:fs';
import path from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { describe, expect, it } from 'vitest';
import { readProfileFile } from '../../src/bench/profiles.js';
import { REPO_ROOT } from '../support/cli.js';
import { archcompareSteps, EXAMPLES_DIR, readWorkflow, shellWords } from '../support/workflows.js';

/** GitHub's own workflow parser and schema (the one behind the Actions language service): errors as strings. */
async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length || !parsed.value) return errors;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return [...errors, ...(template.errors ?? []).map((e) => e.Message)];
}

const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, { flags: Record<string, { char?: string; type: string }> }> };

/** The archcompare command and its flags as the built CLI declares them. */
function checkAgainstCli(argv: string[]): string[] {
  const problems: string[] = [];
  const firstFlag = argv.findIndex((a) => a.startsWith('-'));
  const id = argv.slice(0, firstFlag < 0 ? argv.length : firstFlag).join(':');
  const command = manifest.commands[id];
  if (!command) return [`no command "${id}"`];
  for (const arg of argv.slice(firstFlag)) {
    if (!arg.startsWith('--')) continue;
    const name = arg.slice(2).split('=')[0]!;
    if (!command.flags[name]) problems.push(`${id} has no --${name}`);
  }
  return problems;
}

describe('the example GitHub Actions workflows', () => {
  for (const file of ['pull-request.yml', 'aws.yml']) {
    it(`${file} is a valid workflow for GitHub's parser`, async () => {
      expect(await workflowErrors(file, readWorkflow(file).text)).toEqual([]);
    });
  }

  it('the validator rejects what GitHub would reject (the check can fail)', async () => {
    const broken = readWorkflow('aws.yml').text.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest');
    expect((await workflowErrors('broken.yml', broken)).length).toBeGreaterThan(0);
    const badExpression = readWorkflow('pull-request.yml').text.replace("hashFiles('report.md') != ''", "hashFiles('report.md' != ''");
    expect((await workflowErrors('broken.yml', badExpression)).length).toBeGreaterThan(0);
  });

  it('every archcompare command they run exists with those flags', () => {
    const vars = { AWS_REGION: 'us-east-1', ARCHCOMPARE_STATE: 's3://bucket/prefix', 'inputs.profile': 'steady', PR: '1', GITHUB_STEP_SUMMARY: '/dev/null' };
    const all = [...archcompareSteps('pull-request.yml', vars), ...archcompareSteps('aws.yml', vars)];
    expect(all.map((s) => s.argv[0])).toEqual(['compare', 'compare', 'destroy', 'destroy']);
    for (const s of all) expect(checkAgainstCli(s.argv), s.step).toEqual([]);
    // The AWS job tears down in a step that always runs.
    const aws = archcompareSteps('aws.yml', vars);
    expect(aws.find((s) => s.job === 'compare' && s.argv[0] === 'destroy')).toMatchObject({ always: true, argv: expect.arrayContaining(['--all', '--state']) });
    // The AWS job's one compare step gates the run, keeps its state in S3 and guards the cost.
    expect(aws.find((s) => s.job === 'compare' && s.argv[0] === 'compare')!.argv).toEqual(expect.arrayContaining(['--target', 'aws', '--yes', '--max-hourly-cost', '--state', '--fail-if', '--output']));
  });

  it('the pull-request profile is a valid load profile with a gate', async () => {
    const profile = await readProfileFile(path.join(EXAMPLES_DIR, 'pr-check.yaml'));
    expect(profile.thresholds).toEqual(['errors>5%']);
  });

  it('splits command lines as the shell does', () => {
    expect(shellWords('npx archcompare x --fail-if "p95>300ms" --state "$S" --r $R', { S: 's3://b/p', R: 'eu-west-1' })).toEqual(['npx', 'archcompare', 'x', '--fail-if', 'p95>300ms', '--state', 's3://b/p', '--r', 'eu-west-1']);
  });
});
