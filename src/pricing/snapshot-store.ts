import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import writeFileAtomic from 'write-file-atomic';
import { UserError, zodUserError } from '../errors.js';
import { REGION_PATTERN } from '../config/stack-config.js';
import { PriceBook } from './price-book.js';
import { PriceSnapshotSchema, type PriceSnapshot } from './schema.js';

/** Older snapshots still price, with a warning; `--max-price-age-days` or this variable changes the limit. */
export const DEFAULT_MAX_PRICE_AGE_DAYS = 365;
export const MAX_PRICE_AGE_ENV = 'ARCHCOMPARE_MAX_PRICE_AGE_DAYS';

/** The package's own pricing-cache/ (found from this file, so it works from src/ under tsx and from dist/). */
export function defaultPricingCacheDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'pricing-cache'))) return path.join(dir, 'pricing-cache');
    dir = path.dirname(dir);
  }
  return path.resolve('pricing-cache');
}

export function snapshotPath(dir: string, region: string): string {
  return path.join(dir, `aws-${region}.json`);
}

export function availableSnapshotRegions(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^aws-(.+)\.json$/.exec(f)?.[1])
    .filter((r): r is string => r !== undefined)
    .sort();
}

export interface LoadedPriceBook {
  book: PriceBook;
  file: string;
  ageDays: number;
  /** Printed to stderr by the CLI: a stale snapshot still prices, but never silently. */
  warnings: string[];
}

export interface LoadOptions {
  dir?: string;
  now?: Date;
  maxAgeDays?: number;
  /** A stale snapshot is an error instead of a warning. */
  failWhenStale?: boolean;
}

export function resolveMaxAgeDays(flag: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (flag !== undefined) return flag;
  const raw = env[MAX_PRICE_AGE_ENV];
  if (raw === undefined || raw === '') return DEFAULT_MAX_PRICE_AGE_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1)
    throw new UserError(`${MAX_PRICE_AGE_ENV}=${raw} is not a whole number of days ≥ 1`, `set it to e.g. ${DEFAULT_MAX_PRICE_AGE_DAYS} or unset it`);
  return days;
}

/** Validates a snapshot document already read from disk (pure). */
export function parseSnapshot(raw: unknown, file: string): PriceSnapshot {
  const parsed = PriceSnapshotSchema.safeParse(raw);
  if (!parsed.success)
    throw zodUserError(parsed.error, `pricing snapshot ${file} is corrupted`, `restore it with \`git checkout -- ${path.basename(path.dirname(file))}/${path.basename(file)}\` or rebuild it with \`archcompare pricing refresh --region <region>\``);
  return parsed.data;
}

export function snapshotAgeDays(snapshot: PriceSnapshot, now: Date): number {
  const asOf = Date.parse(snapshot.snapshot.pricesAsOf.length === 10 ? `${snapshot.snapshot.pricesAsOf}T00:00:00Z` : snapshot.snapshot.pricesAsOf);
  return Math.floor((now.getTime() - asOf) / 86_400_000);
}

export function loadPriceBook(region: string, options: LoadOptions = {}): LoadedPriceBook {
  const dir = options.dir ?? defaultPricingCacheDir();
  if (!REGION_PATTERN.test(region))
    throw new UserError(`--region: '${region}' is not an AWS region name`, 'use a region such as us-east-1, eu-west-1 or ap-southeast-1');
  const file = snapshotPath(dir, region);
  if (!existsSync(file)) {
    const have = availableSnapshotRegions(dir);
    throw new UserError(
      `no pricing snapshot for region ${region} in ${dir} (snapshots: ${have.length ? have.join(', ') : 'none'})`,
      `run \`archcompare pricing refresh --region ${region}\` (needs AWS credentials) or use --region ${have[0] ?? 'us-east-1'}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`pricing snapshot ${file} is not valid JSON (${(err as Error).message})`, `restore it with git or rebuild it with \`archcompare pricing refresh --region ${region}\``);
  }
  const snapshot = parseSnapshot(raw, file);
  if (snapshot.snapshot.region !== region)
    throw new UserError(`pricing snapshot ${file}: snapshot.region is ${snapshot.snapshot.region}, expected ${region}`, `rebuild it with \`archcompare pricing refresh --region ${region}\``);
  const maxAgeDays = options.maxAgeDays ?? DEFAULT_MAX_PRICE_AGE_DAYS;
  const ageDays = snapshotAgeDays(snapshot, options.now ?? new Date());
  const warnings: string[] = [];
  if (ageDays > maxAgeDays) {
    const message = `pricing snapshot for ${region} is ${ageDays} days old (prices as of ${snapshot.snapshot.pricesAsOf}, limit ${maxAgeDays} days)`;
    const fix = `run \`archcompare pricing refresh --region ${region}\` for current prices (or raise the limit with --max-price-age-days)`;
    if (options.failWhenStale) throw new UserError(message, fix);
    warnings.push(`${message}. Fix: ${fix}`);
  }
  return { book: new PriceBook(snapshot), file, ageDays, warnings };
}

/** Written to a temporary file and renamed: a crash never leaves a half-written snapshot. */
export async function writeSnapshot(dir: string, snapshot: PriceSnapshot): Promise<string> {
  const checked = PriceSnapshotSchema.parse(snapshot);
  const file = snapshotPath(dir, checked.snapshot.region);
  await writeFileAtomic(file, `${JSON.stringify(checked, null, 2)}\n`, { encoding: 'utf8' });
  return file;
}
