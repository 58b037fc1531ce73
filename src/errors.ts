import type { ZodError } from 'zod';

/**
 * Exit codes (documented in the README, "Exit codes"): a pipeline tells a failed gate from a broken run.
 * 0 success; 1 a failure outside the user's input (terraform, AWS, a bug); 2 bad input or a refused
 * action (a UserError's default); 99 a threshold (--fail-if or the profile's) failed, as k6 does;
 * 130 interrupted (Ctrl-C).
 */
export const EXIT_CODES = { ok: 0, failure: 1, badInput: 2, thresholdFailed: 99, interrupted: 130 } as const;

/**
 * A mistake the user can fix. Rendered as one line: what is wrong (naming the field) and the fix.
 * Anything that is not a UserError is a bug and keeps its stack under --debug.
 */
export class UserError extends Error {
  /** The message as written: oclif rewrites `message` of errors thrown by a flag's parse function. */
  readonly problem: string;
  readonly fix: string;
  readonly exitCode: number;

  constructor(message: string, fix: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.problem = message;
    this.fix = fix;
    this.exitCode = exitCode;
  }

  /** One line for humans: "<problem>. Fix: <fix>". */
  get oneLine(): string {
    return this.fix ? `${this.problem}. Fix: ${this.fix}` : this.problem;
  }
}

/** The first issue of a zod error as "path.to.field: message" — the field is named, never a dump. */
export function describeZodIssue(error: ZodError, prefix = ''): { field: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { field: prefix || '(root)', message: 'invalid value' };
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
  const field = [prefix, path].filter(Boolean).join('.') || '(root)';
  return { field, message: issue.message };
}

/** Wraps a zod failure as a UserError naming the source, the field and the fix. */
export function zodUserError(error: ZodError, source: string, fix: string, prefix = ''): UserError {
  const { field, message } = describeZodIssue(error, prefix);
  return new UserError(`${source}: ${field}: ${message}`, fix);
}
