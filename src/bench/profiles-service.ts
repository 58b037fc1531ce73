import path from 'node:path';
import { durationSeconds, type Profile, profileJsonSchema } from './profile-schema.js';
import { listShippedProfiles, resolveProfile } from './profiles.js';
import { planPhases, totalDurationS } from './schedule.js';

const rateText = (r: Profile['phases'][number]['rate']): string => (r === 'max' ? 'max' : typeof r === 'number' ? `${r}/s` : `${r.from}->${r.to}/s`);

function span(profile: Profile): string {
  const s = profile.phases.reduce((a, p) => a + durationSeconds(p.duration), 0) + (profile.warmup ? durationSeconds(profile.warmup.duration) : 0);
  return s >= 3600 ? `${(s / 3600).toFixed(1)}h` : s >= 60 ? `${Math.round(s / 60)}m` : `${s}s`;
}

/** `archcompare profiles`: one line per shipped profile. */
export async function profileTable(): Promise<string[]> {
  const profiles = await listShippedProfiles();
  const width = Math.max(...profiles.map((p) => p.profile.name.length));
  return profiles.map(({ profile }) => `${profile.name.padEnd(width)}  ${span(profile).padStart(5)}  ${profile.description}`);
}

/** `archcompare profiles --validate FILE`: the phases as they will run. */
export async function describeProfileFile(file: string): Promise<string[]> {
  const { profile, file: resolved } = await resolveProfile(file.includes('/') || /\.(ya?ml|json)$/.test(file) ? file : `./${file}`);
  const scale = profile.timeScale ?? 1;
  const phases = planPhases(profile, scale);
  return [
    `${path.relative(process.cwd(), resolved) || resolved}: valid profile "${profile.name}" — ${profile.description}`,
    ...phases.map((p) => `  ${p.name.padEnd(12)} ${p.modelledDurationS}s${scale !== 1 ? ` (${p.durationS.toFixed(1)}s at time scale ${scale})` : ''} at ${rateText(p.rate)}, ${p.virtualUsers} virtual users${p.warmup ? ', warm-up' : ''}`),
    `  total ${totalDurationS(phases).toFixed(1)}s of wall-clock time at time scale ${scale}`,
  ];
}

export function profileSchemaDocument(): Record<string, unknown> {
  return profileJsonSchema();
}
