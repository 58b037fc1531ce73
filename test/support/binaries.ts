import { execFileSync } from 'node:child_process';

/**
 * Finds a binary a test needs. Absent: the test skips with a loud reason, except under CI=true,
 * where a missing binary is a failure (CI must exercise the real thing).
 */
export function findBinary(name: string): string | undefined {
  try {
    return execFileSync('bash', ['-lc', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function requireBinary(name: string, why: string): string | undefined {
  const found = findBinary(name);
  if (found) return found;
  const message = `${name} is not installed: ${why} cannot run`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${message} (CI=true: a missing binary fails the run)`);
  process.stderr.write(`\n*** SKIPPING: ${message}. Install ${name} to run these tests. ***\n\n`);
  return undefined;
}
