/**
 * One runtime environment: a server process, or one Lambda execution environment. It knows how long
 * its initialisation took and answers "cold" for exactly the first request it serves, which is what
 * the x-archcompare-cold-start / x-archcompare-init-ms headers report to the load generator.
 */
export class RuntimeEnvironment {
  private served = 0;
  private readyAt: number | undefined;

  /**
   * `startedAt` is a performance.now() reading; 0 (the default) means the process start, so a real
   * cold start includes Node's boot and module loading, as Lambda's own Init Duration does.
   */
  constructor(
    readonly runtime: 'server' | 'lambda',
    readonly component: string,
    private readonly startedAt = 0,
  ) {}

  markReady(): void {
    this.readyAt ??= performance.now();
  }

  initMs(): number {
    return (this.readyAt ?? performance.now()) - this.startedAt;
  }

  uptimeMs(): number {
    return performance.now() - this.startedAt;
  }

  /** true exactly once: for the first request this environment serves. */
  takeColdStart(): boolean {
    this.served += 1;
    return this.served === 1;
  }

  get requestsServed(): number {
    return this.served;
  }
}
