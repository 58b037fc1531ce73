import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ZodError } from 'zod';
import { describeZodIssue, UserError } from '../errors.js';
import { readDataFile } from '../files.js';
import { type Profile, ProfileSchema } from './profile-schema.js';

/** The package's own benchmarks/profiles directory (works from src/ under tsx and from dist/). */
export function shippedProfilesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'benchmarks', 'profiles'))) {
      return path.join(dir, 'benchmarks', 'profiles');
    }
    dir = path.dirname(dir);
  }
  throw new Error('benchmarks/profiles not found above ' + fileURLToPath(import.meta.url));
}

const PROFILE_EXTENSIONS = ['.yaml', '.yml', '.json'];

export interface ProfileFile {
  profile: Profile;
  file: string;
}

function fixFor(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'compare the file with benchmarks/profiles/profile.schema.json';
  if (issue.code === 'unrecognized_keys') return `remove ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed fields are in benchmarks/profiles/profile.schema.json)`;
  if (issue.code === 'invalid_type') return `give a value of type ${issue.expected}`;
  if (issue.code === 'too_small' && issue.origin === 'array') return 'add at least one phase, e.g. "- {name: steady, duration: 60s, rate: 20}"';
  if (issue.code === 'too_small') return 'use a positive value';
  return 'see benchmarks/profiles/profile.schema.json for the allowed values';
}

/** Validates parsed profile data; a bad file gives ONE error naming the file, the field and the fix. */
export function parseProfile(data: unknown, source: string): Profile {
  const result = ProfileSchema.safeParse(data);
  if (result.success) return result.data;
  const { field, message } = describeZodIssue(result.error);
  throw new UserError(`${source}: ${field}: ${message}`, fixFor(result.error));
}

export async function readProfileFile(file: string): Promise<Profile> {
  const data = await readDataFile(file, 'profile file', "check the path, or run 'archcompare profiles' to list the shipped profiles");
  return parseProfile(data, file);
}

/** `--profile spike` (a shipped profile) or `--profile ./my.yaml` (a user's file). */
export async function resolveProfile(nameOrPath: string, dir = shippedProfilesDir()): Promise<ProfileFile> {
  const looksLikePath = nameOrPath.includes('/') || PROFILE_EXTENSIONS.some((ext) => nameOrPath.endsWith(ext));
  if (looksLikePath) {
    const file = path.resolve(nameOrPath);
    return { profile: await readProfileFile(file), file };
  }
  for (const ext of PROFILE_EXTENSIONS) {
    const file = path.join(dir, nameOrPath + ext);
    if (existsSync(file)) return { profile: await readProfileFile(file), file };
  }
  const names = (await listProfileFiles(dir)).map((f) => path.basename(f).replace(/\.(ya?ml|json)$/, ''));
  throw new UserError(`--profile: no profile named "${nameOrPath}"`, `use one of ${names.join(', ')} or a path such as ./my-profile.yaml`);
}

export async function listProfileFiles(dir = shippedProfilesDir()): Promise<string[]> {
  const entries = await readdir(dir);
  return entries
    .filter((f) => PROFILE_EXTENSIONS.some((ext) => f.endsWith(ext)) && !f.endsWith('.schema.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Every shipped profile, validated. */
export async function listShippedProfiles(dir = shippedProfilesDir()): Promise<ProfileFile[]> {
  const files = await listProfileFiles(dir);
  return Promise.all(files.map(async (file) => ({ file, profile: await readProfileFile(file) })));
}
