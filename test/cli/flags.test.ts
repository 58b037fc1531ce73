import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTimeScale } from '../../src/config/time-scale.js';
import { UserError } from '../../src/errors.js';
import { REPO_ROOT } from '../support/cli.js';

type FlagSpec = { description?: string; char?: string; options?: readonly string[] };

/** Every command's flags, from the command classes themselves (commands/**.ts). */
async function commandFlags(): Promise<Map<string, Record<string, FlagSpec>>> {
  const dir = path.join(REPO_ROOT, 'commands');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const all = new Map<string, Record<string, FlagSpec>>();
  for (const file of files) {
    const { default: command } = (await import(path.join(dir, file))) as { default: { flags?: Record<string, FlagSpec> } };
    all.set(file.replace(/\.ts$/, '').replace(path.sep, ' '), command.flags ?? {});
  }
  return all;
}

describe('one flag vocabulary', () => {
  it('--profile is always the load profile; an AWS named profile is always --aws-profile', async () => {
    const commands = await commandFlags();
    expect(commands.size).toBeGreaterThanOrEqual(9);
    const awsProfileFlags: string[] = [];
    for (const [name, flags] of commands) {
      if (flags.profile) expect(flags.profile.description, `${name} --profile`).toMatch(/^Load profile/);
      for (const [flag, spec] of Object.entries(flags)) {
        if (/AWS (named|shared-config) profile|AWS_PROFILE/i.test(spec.description ?? '')) awsProfileFlags.push(`${name} --${flag}`);
      }
    }
    expect(awsProfileFlags.sort()).toEqual(['compare --aws-profile', 'deploy --aws-profile', 'destroy --aws-profile', 'pricing refresh --aws-profile']);
  });

  it('a flag name has one short form in every command that takes it', async () => {
    const seen = new Map<string, { command: string; char?: string }>();
    for (const [command, flags] of await commandFlags()) {
      for (const [flag, spec] of Object.entries(flags)) {
        const first = seen.get(flag);
        if (!first) seen.set(flag, { command, char: spec.char });
        else expect(spec.char, `--${flag} in ${command} and ${first.command}`).toBe(first.char);
      }
    }
  });
});

describe('--time-scale: one rule', () => {
  it('takes a number from 1 (real time) to 3600', () => {
    expect(parseTimeScale('1')).toBe(1);
    expect(parseTimeScale('12.5')).toBe(12.5);
    expect(parseTimeScale('3600')).toBe(3600);
    expect(parseTimeScale(20)).toBe(20);
  });

  it.each(['0', '0.5', '3601', '-2', 'ten', '', ' ', 'Infinity', 'NaN'])('refuses %j in one line naming the flag and the fix', (input) => {
    const err = (() => {
      try {
        parseTimeScale(input);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).oneLine).toBe(
      `--time-scale: '${input}' is not a number from 1 to 3600. Fix: pass e.g. --time-scale 10 to run 10x faster than real time (1 is real time)`,
    );
  });
});
