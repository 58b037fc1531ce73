import type { BenchProgress } from '../harness.js';
import type { BenchResult } from '../result-schema.js';
import type { BenchProgressState } from './bench-progress-view.js';
import { formatPhaseLine, formatResultSummary, formatStageLine } from './phase-log.js';

export interface BenchRenderer {
  progress(p: BenchProgress): void;
  result(file: string, r: BenchResult): void;
  line(text: string): void;
  stop(): void;
}

/** A plain line per phase: for pipes and CI logs. */
export function plainRenderer(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): BenchRenderer {
  return {
    progress(p) {
      if (p.finishedPhase) write(formatPhaseLine(p.model, p.finishedPhase));
      else {
        const stage = formatStageLine(p);
        if (stage) write(stage);
      }
    },
    result: (file, r) => formatResultSummary(file, r).forEach(write),
    line: write,
    stop() {},
  };
}

/** The live Ink view on a terminal (rendered to stderr; stdout keeps the summary). */
export async function inkRenderer(): Promise<BenchRenderer> {
  const [{ render }, React, { BenchProgressView }] = await Promise.all([import('ink'), import('react'), import('./bench-progress-view.js')]);
  const state: BenchProgressState = { lines: [] };
  const view = () => React.createElement(BenchProgressView, { state: { ...state, lines: [...state.lines] } });
  const ink = render(view(), { stdout: process.stderr, patchConsole: false, exitOnCtrlC: false });
  let dirty = false;
  const timer = setInterval(() => {
    if (dirty) ink.rerender(view());
    dirty = false;
  }, 250);
  return {
    progress(p) {
      if (p.finishedPhase) state.lines.push(formatPhaseLine(p.model, p.finishedPhase));
      state.progress = p;
      dirty = true;
    },
    result(file, r) {
      state.lines.push(...formatResultSummary(file, r));
      state.progress = undefined;
      dirty = true;
    },
    line(text) {
      state.lines.push(text);
      dirty = true;
    },
    stop() {
      clearInterval(timer);
      ink.rerender(view());
      ink.unmount();
    },
  };
}

export function isInteractiveTerminal(): boolean {
  return Boolean(process.stdout.isTTY && process.stderr.isTTY) && !process.env.CI;
}
