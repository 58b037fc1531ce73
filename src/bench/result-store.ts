import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserError, zodUserError } from '../errors.js';
import { stateRoot } from '../state/registry.js';
import { type BenchResult, BenchResultSchema, RESULT_SCHEMA_VERSION } from './result-schema.js';

/** Results live at <state root>/results/<run-id>/<model>.json; run ids sort by time. */
export function resultsRoot(root = stateRoot()): string {
  return path.join(root, 'results');
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export function resultPath(dir: string, runId: string, model: string): string {
  return path.join(dir, runId, `${model}.json`);
}

/** Validates and writes atomically (a crash never leaves half a file). */
export async function writeResult(result: BenchResult, dir = resultsRoot()): Promise<string> {
  const file = resultPath(dir, result.runId, result.model);
  const checked = BenchResultSchema.parse(result);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(checked, null, 2)}\n`);
  return file;
}

export async function readResult(file: string): Promise<BenchResult> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file} cannot be read as JSON (${(err as Error).message.split('\n')[0]})`, "run 'archcompare bench' again to produce a fresh result");
  }
  const version = (json as { schemaVersion?: unknown })?.schemaVersion;
  if (version !== RESULT_SCHEMA_VERSION) {
    throw new UserError(`${file}: schemaVersion is ${String(version)}, this archcompare reads ${RESULT_SCHEMA_VERSION}`, "run 'archcompare bench' again with this version");
  }
  const parsed = BenchResultSchema.safeParse(json);
  if (!parsed.success) throw zodUserError(parsed.error, file, "the result was edited or written by another version: run 'archcompare bench' again");
  return parsed.data;
}

/** Run ids with at least one result, newest first. */
export async function listRuns(dir = resultsRoot()): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort().reverse();
  } catch {
    return [];
  }
}

/** The newest result of each model (possibly from different runs). */
export async function latestResults(dir = resultsRoot()): Promise<Map<string, string>> {
  const latest = new Map<string, string>();
  for (const run of await listRuns(dir)) {
    for (const f of (await readdir(path.join(dir, run))).filter((f) => f.endsWith('.json')).sort()) {
      const model = f.replace(/\.json$/, '');
      if (!latest.has(model)) latest.set(model, path.join(dir, run, f));
    }
  }
  return latest;
}
