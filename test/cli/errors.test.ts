import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { freePort } from '../support/moto.js';
import { tempDir } from '../support/temp-dir.js';

let cwd: string;
beforeEach(() => {
  cwd = tempDir('archcompare-cli-');
});

/** One line on stderr, "Error: <problem>. Fix: <fix>", a non-zero exit, no stack trace. */
function expectOneLineError(r: CliResult, ...mentions: RegExp[]) {
  expect(r.code, r.stderr).not.toBe(0);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('['));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^Error: .+Fix: .+/);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  for (const m of mentions) expect(lines[0]).toMatch(m);
}

describe('bad input gets one clear line and a non-zero exit', () => {
  it('unknown model', async () => {
    expectOneLineError(await runCli(['synth', '--model', 'mainframe'], { cwd }), /--model/, /traditional, serverless/);
  });

  it('bad region', async () => {
    const r = await runCli(['deploy', '--model', 'serverless', '--target', 'aws', '--region', 'mars-1'], { cwd });
    expectOneLineError(r, /--region mars-1/, /us-east-1/);
    expect(r.code).toBe(2);
  });

  it('invalid stack config value names the file and the field', async () => {
    const file = path.join(cwd, 'shop.yml');
    writeFileSync(file, 'traditional:\n  minInstances: 4\n  maxInstances: 3\n');
    expectOneLineError(await runCli(['synth', '--model', 'traditional', '--config', file], { cwd }), /shop\.yml/, /traditional\.minInstances/);
    writeFileSync(file, 'serverless:\n  lambdaMemoryMb: "big"\n');
    expectOneLineError(await runCli(['synth', '--model', 'serverless', '--config', file], { cwd }), /serverless\.lambdaMemoryMb/);
    writeFileSync(file, 'serverless:\n  lambdaMemory: 512\n');
    expectOneLineError(await runCli(['synth', '--model', 'serverless', '--config', file], { cwd }), /lambdaMemory/);
  });

  it('missing terraform binary', async () => {
    const r = await runCli(['deploy', '--model', 'serverless', '--target', 'aws'], { cwd, env: { ARCHCOMPARE_TERRAFORM: path.join(cwd, 'no-terraform-here') } });
    expectOneLineError(r, /terraform not found/, /install Terraform/);
    const onPath = await runCli(['deploy', '--model', 'serverless', '--target', 'aws'], { cwd, env: { PATH: path.join(cwd, 'empty-bin') } });
    expectOneLineError(onPath, /terraform is not installed/);
  });

  it('an endpoint that does not answer', async () => {
    const port = await freePort();
    const r = await runCli(['deploy', '--model', 'serverless', '--target', 'aws', '--endpoint-url', `http://127.0.0.1:${port}`], { cwd });
    expectOneLineError(r, new RegExp(`127\\.0\\.0\\.1:${port} does not answer`), /moto_server/);
  });

  it('a bad --time-scale gets the same line from every command that takes it', async () => {
    const lines = [];
    for (const [args, bad] of [
      [['deploy', '--model', 'serverless'], '0'],
      [['bench', '--profile', 'spike'], 'fast'],
      [['compare'], '5000'],
    ] as const) {
      const r = await runCli([...args, '--time-scale', bad], { cwd });
      expectOneLineError(r, new RegExp(`--time-scale: '${bad}' is not a number from 1 to 3600`), /--time-scale 10/);
      expect(r.code).toBe(2);
      lines.push(r.stderr.replace(bad, '<value>'));
    }
    expect(new Set(lines).size).toBe(1);
  });

  it('--profile is the load profile everywhere: deploy takes the AWS one as --aws-profile', async () => {
    expectOneLineError(await runCli(['deploy', '--model', 'serverless', '--target', 'aws', '--profile', 'shop-dev'], { cwd }), /Nonexistent flag: --profile/);
  });

  it('--debug shows the stack trace', async () => {
    const r = await runCli(['deploy', '--model', 'serverless', '--target', 'aws', '--region', 'mars-1', '--debug'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\s+at /m);
  });

  it('a failed command loses no saved state', async () => {
    const root = path.join(cwd, '.archcompare');
    mkdirSync(root);
    const registry = JSON.stringify({ version: 1, deployments: [{ model: 'traditional', target: 'aws', runId: 'ac-keepme', status: 'failed', createdAt: 'x', updatedAt: 'x', outputs: {}, stateDir: root }] });
    writeFileSync(path.join(root, 'registry.json'), registry);
    expectOneLineError(await runCli(['deploy', '--model', 'traditional', '--target', 'aws'], { cwd }), /already deployed/, /destroy --model traditional/);
    expect(readFileSync(path.join(root, 'registry.json'), 'utf8')).toBe(registry);
  });
});

describe('nothing deployed', () => {
  it('status says so and destroy is a no-op that succeeds, twice', async () => {
    const status = await runCli(['status'], { cwd });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/Nothing is deployed/);
    for (let i = 0; i < 2; i++) {
      const r = await runCli(['destroy', '--all'], { cwd });
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe('Nothing is deployed.');
    }
  });
});
