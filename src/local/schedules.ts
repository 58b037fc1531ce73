import { randomUUID } from 'node:crypto';
import { realMs } from './fidelity.js';
import type { InvokeOutcome, LambdaRuntime } from './lambda-runtime.js';
import type { ScheduleSpec } from './topology.js';

/**
 * EventBridge scheduled rules of the local serverless model: each rule of the stack invokes its
 * function at the rule's rate, time-scaled like the other modelled delays, with the event a scheduled
 * rule sends. As on AWS, a run does not wait for the previous one: overlapping runs are the
 * function's business (the shipment sweep ships each order once whoever runs it).
 */

const ACCOUNT_ID = '000000000000';

/** The event a scheduled rule sends its Lambda target (https://docs.aws.amazon.com/lambda/latest/dg/with-scheduled-events.html). Pure. */
export function scheduledEvent(ruleName: string, region: string, at: Date): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT_ID,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:events:${region}:${ACCOUNT_ID}:rule/${ruleName}`],
    detail: {},
  };
}

export interface ScheduleSnapshot {
  rule: string;
  expression: string;
  fn: string;
  runs: number;
  failures: number;
  lastOutcome?: InvokeOutcome['kind'];
}

export class LocalSchedules {
  private timers: NodeJS.Timeout[] = [];
  private readonly stats: ScheduleSnapshot[];
  private inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly schedules: readonly ScheduleSpec[],
    private readonly opts: { runtime: LambdaRuntime; timeScale: number; region: string },
  ) {
    this.stats = schedules.map((s) => ({ rule: s.ruleName, expression: s.expression, fn: s.fn, runs: 0, failures: 0 }));
  }

  /** A rate rule's first run is one period after it is created, as on AWS. */
  start(): void {
    this.schedules.forEach((s, i) => {
      const timer = setInterval(() => this.fire(s, this.stats[i]!), realMs(s.everySeconds, this.opts.timeScale));
      timer.unref();
      this.timers.push(timer);
    });
  }

  private fire(s: ScheduleSpec, stat: ScheduleSnapshot): void {
    const run = this.opts.runtime.invoke(s.fn, scheduledEvent(s.ruleName, this.opts.region, new Date())).then((outcome) => {
      stat.runs += 1;
      stat.lastOutcome = outcome.kind;
      if (outcome.kind !== 'ok') stat.failures += 1;
    });
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  snapshot(): ScheduleSnapshot[] {
    return this.stats.map((s) => ({ ...s }));
  }

  /** No new runs; resolves when the runs in flight have answered. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.allSettled([...this.inFlight]);
  }
}
