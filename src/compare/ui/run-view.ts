import { formatStepLine, type PipelineStep } from '../pipeline.js';

export interface PipelineViewHandle {
  steps: (steps: PipelineStep[]) => void;
  note: (line: string) => void;
  stop: () => void;
  /** Stops drawing while a question is asked on the terminal, and draws again after. */
  pause?: () => void;
  resume?: () => void;
}

/** The live pipeline view on stderr: Ink on a terminal, a line per step change otherwise (CI). */
export async function runPipelineView(title: string, interactive: boolean): Promise<PipelineViewHandle> {
  if (!interactive) {
    const last = new Map<string, string>();
    process.stderr.write(`${title}\n`);
    return {
      steps(steps) {
        for (const s of steps) {
          // One line per state change; running details (bench progress) at most every 5 s.
          const key = s.status === 'running' ? `${s.status}:${Math.floor(Date.now() / 5000)}` : s.status;
          if (last.get(s.id) === key || s.status === 'pending') continue;
          last.set(s.id, key);
          process.stderr.write(`${formatStepLine(s)}\n`);
        }
      },
      note: (line) => process.stderr.write(`${line}\n`),
      stop() {},
    };
  }
  const [{ render, Text }, React, { PipelineView }] = await Promise.all([import('ink'), import('react'), import('./pipeline-view.js')]);
  let current: PipelineStep[] = [];
  const notes: string[] = [];
  const view = () =>
    React.createElement(
      React.Fragment,
      null,
      React.createElement(PipelineView, { title, steps: current, now: Date.now() }),
      ...notes.map((n, i) => React.createElement(Text, { key: `n${i}`, color: 'yellow' }, n)),
    );
  const ink = render(view(), { stdout: process.stderr, patchConsole: false, exitOnCtrlC: false });
  let timer = setInterval(() => ink.rerender(view()), 250);
  let stopped = false;
  return {
    pause() {
      clearInterval(timer);
      ink.clear();
    },
    resume() {
      if (!stopped) timer = setInterval(() => ink.rerender(view()), 250);
    },
    steps(steps) {
      current = steps;
    },
    note(line) {
      notes.push(line);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      ink.rerender(view());
      ink.unmount();
    },
  };
}
