import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors.js';
import { readRegistry } from '../../src/state/registry.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';
import { archcompareSteps, EXAMPLES_DIR } from '../support/workflows.js';

describe('the pull-request workflow', () => {
  it("runs its compare command on the local target as a runner would: the Markdown report with its gates, and nothing left running", async () => {
    const [step] = archcompareSteps('pull-request.yml', { PR: '1', GITHUB_STEP_SUMMARY: '/dev/null' });
    expect(step!.argv[0]).toBe('compare');
    // The checkout: the profile the workflow names, at the same path.
    const cwd = tempDir('archcompare-pr-runner-');
    mkdirSync(path.join(cwd, 'examples', 'github-actions'), { recursive: true });
    copyFileSync(path.join(EXAMPLES_DIR, 'pr-check.yaml'), path.join(cwd, 'examples', 'github-actions', 'pr-check.yaml'));
    const r = await runCli(step!.argv, { cwd });
    // A gate may fail on a loaded machine: that is exit 99, never an error.
    expect([EXIT_CODES.ok, EXIT_CODES.thresholdFailed], r.stderr).toContain(r.code);
    expect(r.stderr).toMatch(/✔ destroy\s+nothing left of traditional, serverless/);
    expect(r.stderr).toMatch(/^(pass|FAIL) serverless: p95>300ms \(.* ms, from --fail-if\)$/m);
    expect(r.stderr).toMatch(/^(pass|FAIL) traditional: errors>5% \(.*%, from profile\)$/m);
    const md = readFileSync(path.join(cwd, 'report.md'), 'utf8');
    expect(md).toMatch(/^## archcompare: /);
    expect(md).toMatch(/### Gates: (passed|failed)/);
    expect(md).toMatch(/\| `errors>1%` \| --fail-if \|/);
    expect(await readRegistry(path.join(cwd, '.archcompare'))).toEqual([]);
  }, 600_000);
});
