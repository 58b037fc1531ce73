import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { realMs, type FidelityValues } from './fidelity.js';
import type { LoadBalancer } from './load-balancer.js';
import type { MetricsRecorder } from './metrics.js';
import { decideTargetTracking } from './policies.js';
import { freePort, stopChild } from './processes.js';
import type { TraditionalTopology } from './topology.js';

/**
 * The Auto Scaling group of the local traditional model. Instances are app-server processes started
 * from the server bundle after a modelled launch delay; they join the load balancer, count as in
 * service once health checks pass and warm-up ends, and an unhealthy or dead one is replaced. A
 * target-tracking policy evaluates the group's average CPU (slot occupancy, see LoadBalancer) per
 * modelled minute and moves desired capacity within min/max, scaling in only after its cooldown.
 */

export type InstanceState = 'pending' | 'starting' | 'warming' | 'in-service' | 'terminating';

export interface Instance {
  id: string;
  state: InstanceState;
  launchedAt: number;
  processStartedAt?: number;
  healthyAt?: number;
  port?: number;
  child?: ChildProcess;
  exited: boolean;
  launchTimer?: NodeJS.Timeout;
}

export interface InstanceSnapshot {
  id: string;
  state: InstanceState;
  pid?: number;
  port?: number;
  health?: string;
  outstanding?: number;
  ageMs: number;
}

export interface ScalingActivity {
  at: string;
  from: number;
  to: number;
  reason: string;
}

export class AutoScalingGroup {
  private instances: Instance[] = [];
  desiredCapacity: number;
  private datapoints: number[] = [];
  private lastScaleInAt = -Infinity;
  private reconcileTimer?: NodeJS.Timeout;
  private evaluateTimer?: NodeJS.Timeout;
  private stopping = false;
  readonly activities: ScalingActivity[] = [];

  constructor(
    private readonly topology: TraditionalTopology,
    private readonly lb: LoadBalancer,
    private readonly opts: {
      fidelity: FidelityValues;
      timeScale: number;
      metrics: MetricsRecorder;
      serverEntry: string;
      /** The Node.js binary instances run on (localNodeRuntime). */
      nodeExecPath: string;
      env: Record<string, string>;
      logsDir: string;
    },
  ) {
    this.desiredCapacity = topology.desiredCapacity;
  }

  private ms(modelledSeconds: number): number {
    return realMs(modelledSeconds, this.opts.timeScale);
  }
  private get periodMs(): number {
    return this.ms(this.opts.fidelity.metricPeriodSeconds);
  }

  /** Launches the initial desired capacity at once (the deploy waits for it, as terraform waits for the group). */
  start(): void {
    for (let i = 0; i < this.desiredCapacity; i++) this.launch(0);
    this.reconcileTimer = setInterval(() => this.reconcile(), Math.max(20, Math.min(250, this.periodMs / 10)));
    this.evaluateTimer = setInterval(() => this.evaluate(), this.periodMs);
  }

  private launch(delayMs: number): void {
    const inst: Instance = { id: `i-${randomBytes(9).toString('hex').slice(0, 17)}`, state: 'pending', launchedAt: Date.now(), exited: false };
    this.instances.push(inst);
    inst.launchTimer = setTimeout(() => void this.boot(inst), delayMs);
  }

  private async boot(inst: Instance): Promise<void> {
    if (this.stopping || inst.state !== 'pending') return;
    inst.port = await freePort();
    const log = createWriteStream(path.join(this.opts.logsDir, `instance-${inst.id}.log`), { flags: 'a' });
    const child = spawn(this.opts.nodeExecPath, [this.opts.serverEntry], {
      cwd: path.dirname(path.dirname(this.opts.serverEntry)),
      env: { ...this.opts.env, PORT: String(inst.port), HOST: '127.0.0.1', INSTANCE_ID: inst.id },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    child.on('error', () => undefined);
    child.on('exit', () => {
      inst.exited = true;
    });
    inst.child = child;
    inst.processStartedAt = Date.now();
    inst.state = 'starting';
    this.lb.register(inst.id, inst.port, this.topology.vcpus * this.opts.fidelity.requestSlotsPerVcpu);
  }

  private live(): Instance[] {
    return this.instances.filter((i) => i.state !== 'terminating');
  }

  inService(): Instance[] {
    return this.instances.filter((i) => i.state === 'in-service');
  }

  private reconcile(): void {
    if (this.stopping) return;
    const now = Date.now();
    const grace = this.ms(this.topology.healthCheckGracePeriodSeconds);
    for (const inst of this.live()) {
      const target = this.lb.target(inst.id);
      if (inst.state === 'pending' || !target) continue;
      const health = target.health.state;
      if (health === 'healthy' && inst.state === 'starting') {
        inst.state = 'warming';
        inst.healthyAt = now;
      }
      if (inst.state === 'warming' && now - (inst.healthyAt ?? now) >= this.ms(this.topology.instanceWarmupSeconds)) inst.state = 'in-service';
      // ELB health check type: an unhealthy target (after the grace period) or a dead process is replaced.
      const pastGrace = now - (inst.processStartedAt ?? now) >= grace;
      if (inst.exited ? health !== 'healthy' : health === 'unhealthy' && pastGrace) {
        this.activity(this.desiredCapacity, this.desiredCapacity, `replacing unhealthy instance ${inst.id}`);
        void this.terminate(inst, false);
      }
    }
    const live = this.live();
    if (live.length < this.desiredCapacity) {
      for (let i = live.length; i < this.desiredCapacity; i++) this.launch(this.ms(this.opts.fidelity.ec2LaunchDelaySeconds));
    } else if (live.length > this.desiredCapacity) {
      // Scale-in picks pending instances first, then the most recently launched (an approximation of the default termination policy).
      const order = [...live].sort((a, b) => Number(b.state === 'pending') - Number(a.state === 'pending') || b.launchedAt - a.launchedAt);
      for (const inst of order.slice(0, live.length - this.desiredCapacity)) void this.terminate(inst, true);
    }
  }

  private async terminate(inst: Instance, drain: boolean): Promise<void> {
    if (inst.state === 'terminating') return;
    inst.state = 'terminating';
    clearTimeout(inst.launchTimer);
    if (drain) await this.lb.deregister(inst.id);
    else this.lb.remove(inst.id);
    if (inst.child) await stopChild(inst.child, this.opts.fidelity.instanceStopGraceSeconds * 1000);
    this.instances = this.instances.filter((i) => i !== inst);
  }

  private activity(from: number, to: number, reason: string): void {
    this.activities.push({ at: new Date().toISOString(), from, to, reason });
    if (this.activities.length > 200) this.activities.shift();
  }

  /** One modelled minute: per-instance CPU, the group datapoint, the policy decision, group metrics. */
  private evaluate(): void {
    if (this.stopping) return;
    const m = this.opts.metrics;
    const group = { AutoScalingGroupName: this.topology.autoScalingGroupName };
    const inService = this.inService();
    const cpus: number[] = [];
    for (const inst of this.live()) {
      const cpu = this.lb.takeCpuUtilization(inst.id, this.periodMs);
      if (cpu === undefined) continue;
      m.record('AWS/EC2', 'CPUUtilization', { InstanceId: inst.id }, cpu, 'Percent');
      if (inst.state === 'in-service') cpus.push(cpu);
    }
    if (cpus.length > 0) {
      const avg = cpus.reduce((a, b) => a + b, 0) / cpus.length;
      m.record('AWS/EC2', 'CPUUtilization', group, avg, 'Percent');
      this.datapoints.push(avg);
      if (this.datapoints.length > 120) this.datapoints.shift();
    }
    const f = this.opts.fidelity;
    const decision = decideTargetTracking({
      datapoints: this.datapoints,
      desiredCapacity: this.desiredCapacity,
      inServiceCapacity: inService.length,
      minSize: this.topology.minSize,
      maxSize: this.topology.maxSize,
      targetValue: this.topology.targetCpuPercent,
      scaleOutEvaluationPeriods: f.scaleOutEvaluationPeriods,
      scaleInEvaluationPeriods: f.scaleInEvaluationPeriods,
      scaleInThresholdRatio: f.scaleInThresholdRatio,
      sinceLastScaleIn: Date.now() - this.lastScaleInAt,
      scaleInCooldown: this.ms(f.scaleInCooldownSeconds),
    });
    if (decision.desiredCapacity !== this.desiredCapacity) {
      this.activity(this.desiredCapacity, decision.desiredCapacity, decision.reason);
      if (decision.desiredCapacity < this.desiredCapacity) this.lastScaleInAt = Date.now();
      this.desiredCapacity = decision.desiredCapacity;
      // A new alarm state needs fresh datapoints, as a CloudWatch alarm re-evaluates after an action.
      this.datapoints = [];
    }
    m.record('AWS/AutoScaling', 'GroupDesiredCapacity', group, this.desiredCapacity, 'Count');
    // AWS counts an instance InService once it passes its health checks; warm-up only keeps its metrics
    // out of the group's aggregate (the policy above), it does not hold the lifecycle state.
    m.record('AWS/AutoScaling', 'GroupInServiceInstances', group, this.instances.filter((i) => i.state === 'warming' || i.state === 'in-service').length, 'Count');
    m.record('AWS/AutoScaling', 'GroupPendingInstances', group, this.instances.filter((i) => i.state === 'pending' || i.state === 'starting').length, 'Count');
    m.record('AWS/AutoScaling', 'GroupTotalInstances', group, this.instances.length, 'Count');
    const lb = { LoadBalancer: this.lb.dimension };
    m.record('AWS/ApplicationELB', 'HealthyHostCount', lb, this.lb.healthy().length, 'Count');
    m.record('AWS/ApplicationELB', 'UnHealthyHostCount', lb, this.lb.all().filter((t) => t.health.state === 'unhealthy').length, 'Count');
  }

  snapshot(): InstanceSnapshot[] {
    const now = Date.now();
    return this.instances.map((i) => {
      const t = this.lb.target(i.id);
      return { id: i.id, state: i.state, pid: i.exited ? undefined : i.child?.pid, port: i.port, health: t?.health.state, outstanding: t?.outstanding, ageMs: now - i.launchedAt };
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.reconcileTimer);
    clearInterval(this.evaluateTimer);
    await Promise.all(
      this.instances.map(async (i) => {
        clearTimeout(i.launchTimer);
        this.lb.remove(i.id);
        if (i.child) await stopChild(i.child, this.opts.fidelity.instanceStopGraceSeconds * 1000);
      }),
    );
    this.instances = [];
  }
}
