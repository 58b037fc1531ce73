import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../src/local/processes.js';

export { freePort };

export interface Moto {
  url: string;
  stop(): Promise<void>;
}

/** A moto_server on 127.0.0.1 for one test file; it emulates every AWS API the stacks use. */
export async function startMoto(bin: string): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
    try {
      await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`moto_server did not answer on ${url}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
