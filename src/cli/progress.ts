import type { ProgressSink } from '../deploy/progress.js';
import type { StepProgressState } from './ui/step-progress.js';

export interface CommandProgress extends ProgressSink {
  /** Stops the live view; prints the final line. */
  finish(line?: string): void;
  /** Stops drawing while a question is asked on the terminal, and draws again after. */
  pause?(): void;
  resume?(): void;
}

export function isInteractive(stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !process.env.CI;
}

/**
 * Progress for anything that takes more than a second: a live Ink view on a terminal, one plain
 * line per step (and per finished resource, throttled) when output is a pipe or CI log.
 * Progress goes to stderr so stdout stays the command's result.
 */
export async function createProgress(title: string): Promise<CommandProgress> {
  const started = Date.now();
  const state: StepProgressState = { title, step: 'starting', elapsedSeconds: 0, log: [] };
  if (!isInteractive()) {
    let lastNote = 0;
    return {
      step(name) {
        state.step = name;
        process.stderr.write(`[${title}] ${name}\n`);
      },
      update(u) {
        // One line per finished resource would flood CI logs on big stacks: at most one per 2 s.
        if (u.note && Date.now() - lastNote > 2000) {
          lastNote = Date.now();
          process.stderr.write(`[${title}] ${state.step}${u.total ? ` ${u.done ?? 0}/${u.total}` : ''}: ${u.note}\n`);
        }
      },
      log(line) {
        process.stderr.write(`[${title}] ${line}\n`);
      },
      finish(line) {
        if (line) process.stderr.write(`[${title}] ${line} (${Math.round((Date.now() - started) / 1000)}s)\n`);
      },
    };
  }
  const [{ render }, React, { StepProgress }] = await Promise.all([import('ink'), import('react'), import('./ui/step-progress.js')]);
  const view = () => React.createElement(StepProgress, { state: { ...state, elapsedSeconds: Math.round((Date.now() - started) / 1000) } });
  const ink = render(view(), { stdout: process.stderr, patchConsole: false, exitOnCtrlC: false });
  let timer = setInterval(() => ink.rerender(view()), 250);
  return {
    pause() {
      clearInterval(timer);
      ink.clear();
      for (const l of state.log.splice(0)) process.stderr.write(`${l}\n`);
    },
    resume() {
      timer = setInterval(() => ink.rerender(view()), 250);
    },
    step(name) {
      state.step = name;
      state.done = undefined;
      state.total = undefined;
      state.current = undefined;
      ink.rerender(view());
    },
    update(u) {
      Object.assign(state, { done: u.done ?? state.done, total: u.total ?? state.total, current: u.current ?? state.current });
    },
    log(line) {
      state.log.push(line);
    },
    finish(line) {
      clearInterval(timer);
      ink.clear();
      ink.unmount();
      for (const l of state.log.slice(-5)) process.stderr.write(`${l}\n`);
      if (line) process.stderr.write(`${line} (${Math.round((Date.now() - started) / 1000)}s)\n`);
    },
  };
}
