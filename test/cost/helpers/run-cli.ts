import type { Command } from '@oclif/core';

/**
 * Runs an oclif command class in-process, as `archcompare <command> …` would, capturing what it
 * writes to stdout and stderr and the exit code it sets.
 */
export async function runCli(command: { run(argv: string[], root: string): Promise<unknown> } & typeof Command, argv: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const origOut = process.stdout.write.bind(process.stdout);
  const origErr = process.stderr.write.bind(process.stderr);
  const previousExit = process.exitCode;
  process.exitCode = 0;
  // Like a stream: call the write callback, which Ink waits for before it exits.
  const capture = (sink: string[]) =>
    ((chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown) => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  try {
    await command.run(argv, process.cwd());
  } catch (e) {
    err.push(`uncaught: ${(e as Error).message}\n`);
    process.exitCode = process.exitCode || 1;
  } finally {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = previousExit;
  return { stdout: out.join(''), stderr: err.join(''), exitCode };
}
