import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { profileJsonSchema } from '../../src/bench/profile-schema.js';
import { listShippedProfiles, readProfileFile, resolveProfile, shippedProfilesDir } from '../../src/bench/profiles.js';
import { planPhases } from '../../src/bench/schedule.js';
import { tempDir } from '../support/temp-dir.js';

async function badFile(name: string, text: string): Promise<UserError> {
  const dir = tempDir('ac-profile-');
  const file = path.join(dir, name);
  await writeFile(file, text);
  const err = await readProfileFile(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  const u = err as UserError;
  expect(u.oneLine).not.toContain('\n');
  expect(u.oneLine).toContain(file);
  expect(u.fix.length).toBeGreaterThan(5);
  return u;
}

const GOOD = `name: mine
description: test profile
mix: { browse: 1 }
phases:
  - { name: a, duration: 10s, rate: 5 }
`;

describe('load profiles', () => {
  it('ships steady, ramp, spike, diurnal and soak, all valid', async () => {
    const profiles = await listShippedProfiles();
    expect(profiles.map((p) => p.profile.name).sort()).toEqual(['black-friday', 'diurnal', 'month', 'ramp', 'soak', 'spike', 'steady']);
    for (const { profile } of profiles) expect(planPhases(profile, profile.timeScale ?? 1).length).toBeGreaterThan(0);
  });

  it('spike is the Black-Friday shape: baseline, a ~10x surge, back to baseline', async () => {
    const { profile } = await resolveProfile('spike');
    const rates = profile.phases.map((p) => p.rate);
    const baseline = rates[0] as number;
    expect(typeof baseline).toBe('number');
    expect(rates).toContain(baseline * 10);
    expect(rates[rates.length - 1]).toBe(baseline);
    expect(rates[1]).toEqual({ from: baseline, to: baseline * 10 });
  });

  it('the committed JSON Schema is the one the zod schema emits', async () => {
    const committed = JSON.parse(await readFile(path.join(shippedProfilesDir(), 'profile.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(profileJsonSchema())));
  });

  it('takes a user file by path', async () => {
    const dir = tempDir('ac-profile-');
    await writeFile(path.join(dir, 'mine.yaml'), GOOD);
    const { profile } = await resolveProfile(path.join(dir, 'mine.yaml'));
    expect(profile.phases[0]!.rate).toBe(5);
  });

  it('an unknown field names the field and says to remove it', async () => {
    const e = await badFile('unknown.yaml', GOOD.replace('mix:', 'colour: red\nmix:'));
    expect(e.message).toMatch(/\(root\): Unrecognized key: "colour"/);
    expect(e.fix).toMatch(/remove "colour"/);
  });

  it('a negative rate names phases[0].rate', async () => {
    const e = await badFile('neg.yaml', GOOD.replace('rate: 5', 'rate: -5'));
    expect(e.message).toContain('phases[0].rate');
    expect(e.message).toContain('positive');
  });

  it('empty phases say to add one', async () => {
    const e = await badFile('empty.yaml', 'name: mine\ndescription: d\nmix: { browse: 1 }\nphases: []\n');
    expect(e.message).toContain('phases: needs at least one phase');
    expect(e.fix).toMatch(/add at least one phase/);
  });

  it('a wrong type names the field and the expected type', async () => {
    const e = await badFile('type.yaml', GOOD.replace('description: test profile', 'description: 42'));
    expect(e.message).toContain('description');
    expect(e.fix).toContain('string');
  });

  it('a bad duration and an unknown journey are named', async () => {
    expect((await badFile('dur.yaml', GOOD.replace('10s', 'ten seconds'))).message).toContain('phases[0].duration');
    expect((await badFile('mix.yaml', GOOD.replace('browse: 1', 'shopping: 1'))).message).toContain('mix');
  });

  it('broken YAML names the line', async () => {
    const e = await badFile('syntax.yaml', 'name: [unclosed\n');
    expect(e.message).toMatch(/line \d+/);
  });

  it('an unknown profile name lists the shipped ones', async () => {
    const err = await resolveProfile('nope').catch((e: unknown) => e as UserError);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).fix).toContain('spike');
  });
});
