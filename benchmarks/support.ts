import { spawnSync } from 'node:child_process';

/** Median wall time of a command in ms over `runs` runs, after one warm-up run (disk cache). */
export function medianWallMs(cmd: string, args: string[], runs = 9, env: NodeJS.ProcessEnv = process.env): number {
  spawnSync(cmd, args, { stdio: 'ignore', env });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: 'ignore', env });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'FAIL';
}
