import { Command, Flags } from '@oclif/core';
import { UserError } from '../errors.js';

/**
 * Every command extends this: a --debug flag, and errors rendered as one line with a non-zero
 * exit instead of a stack trace (the stack is shown with --debug or DEBUG=archcompare).
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({ description: 'Show stack traces and verbose tool output.', default: false, helpGroup: 'GLOBAL' }),
  };

  protected get debugEnabled(): boolean {
    return this.argv.includes('--debug') || /archcompare/.test(process.env.DEBUG ?? '');
  }

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    // oclif's own exits (this.exit(), --help) pass through untouched.
    if (err.oclif?.exit !== undefined && !(err instanceof UserError) && err.message.startsWith('EEXIT')) throw err;
    if (this.debugEnabled && err.stack) process.stderr.write(`${err.stack}\n`);
    if (err instanceof UserError) {
      process.stderr.write(`Error: ${err.oneLine}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    // oclif flag/arg parse errors are already user-facing: keep them to their first line.
    const firstLine = (err.message ?? String(err)).split('\n').find((l) => l.trim()) ?? 'unknown error';
    const isParseError = err.oclif?.exit === 2 || /Expected|Missing required flag|Nonexistent flag|Unexpected argument/.test(err.message);
    process.stderr.write(
      isParseError
        ? `Error: ${firstLine.trim()}. Fix: see '${this.config.bin} ${this.id ?? ''} --help'\n`
        : `Error: ${firstLine.trim()}${this.debugEnabled ? '' : ' (run again with --debug for the stack trace)'}\n`,
    );
    process.exitCode = err.oclif?.exit ?? 1;
    return;
  }
}
