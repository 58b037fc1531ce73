/** What long-running services report; the command decides how it is shown (Ink spinner or plain lines). */
export interface ProgressSink {
  /** A new step begins, e.g. "terraform apply". */
  step(name: string): void;
  /** Counters within the step, e.g. { done: 12, total: 45, current: "aws_lb.main" }. */
  update(state: { done?: number; total?: number; current?: string; note?: string }): void;
  /** A line worth keeping in the log (warnings, results). */
  log(line: string): void;
}
