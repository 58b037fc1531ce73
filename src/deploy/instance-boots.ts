import { STACK } from '../architecture/modelled-parameters.js';
import { gracePeriodForBoot, healthChecksLabel, type GracePeriodBasis, type TraditionalConfig } from '../config/stack-config.js';
import type { InstanceBoot } from '../state/boot-history.js';

/**
 * The health-check grace period from measured boots (pure). The ASG ignores failed ELB health checks
 * of a new instance for the grace period, so it must cover the boot; too long and a broken instance
 * serves errors for longer before it is replaced
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-check-grace-period.html).
 * Measured boots replace the modelled stack.instanceBootSeconds; a grace period set in the config wins
 * over both.
 */

/** Nearest-rank 95th percentile (with few boots: the slowest one, never an interpolation below it). */
export function p95(values: readonly number[]): number {
  if (values.length === 0) throw new Error('p95 of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.95 * sorted.length) - 1]!;
}

/** One boot, from EC2's launch time to the first poll that saw the target healthy. */
export function instanceBoot(instance: { instanceId: string; instanceType: string; launchedAt: Date }, healthyAt: Date, resolutionSeconds: number): InstanceBoot {
  return {
    instanceId: instance.instanceId,
    instanceType: instance.instanceType,
    launchedAt: instance.launchedAt.toISOString(),
    healthyAt: healthyAt.toISOString(),
    bootSeconds: Math.max(0, Math.round((healthyAt.getTime() - instance.launchedAt.getTime()) / 1000)),
    resolutionSeconds,
  };
}

/** The grace period for measured boots: p95 × stack.measuredBootMargin, then the health checks; undefined without boots. */
export function measuredGracePeriod(
  boots: ReadonlyArray<Pick<InstanceBoot, 'bootSeconds' | 'healthyAt'>>,
  t: Pick<TraditionalConfig, 'healthyThreshold' | 'healthCheckIntervalSeconds'>,
): { seconds: number; basis: GracePeriodBasis } | undefined {
  if (boots.length === 0) return undefined;
  const slow = p95(boots.map((b) => b.bootSeconds));
  const margin = STACK.measuredBootMargin;
  const lastDay = boots.map((b) => b.healthyAt.slice(0, 10)).sort().at(-1)!;
  return {
    seconds: gracePeriodForBoot(slow * margin, t),
    basis: {
      kind: 'measured',
      label: `measured on ${lastDay} from ${boots.length} boot${boots.length === 1 ? '' : 's'}: p95 ${slow} s × ${margin} (stack.measuredBootMargin) + ${healthChecksLabel(t)}`,
    },
  };
}

/**
 * The traditional config with the grace period from measured boots, when the config did not set one
 * and boots were measured; otherwise unchanged.
 */
export function withMeasuredGracePeriod<C extends { traditional: TraditionalConfig }>(config: C, boots: ReadonlyArray<Pick<InstanceBoot, 'bootSeconds' | 'healthyAt'>>): C {
  if (config.traditional.healthCheckGracePeriodBasis.kind === 'config') return config;
  const measured = measuredGracePeriod(boots, config.traditional);
  if (!measured) return config;
  return { ...config, traditional: { ...config.traditional, healthCheckGracePeriodSeconds: measured.seconds, healthCheckGracePeriodBasis: measured.basis } };
}

/** "health-check grace period 180 s (measured on 2026-12-04 from 4 boots: …)". */
export function describeGracePeriod(t: Pick<TraditionalConfig, 'healthCheckGracePeriodSeconds' | 'healthCheckGracePeriodBasis'>): string {
  return `health-check grace period ${t.healthCheckGracePeriodSeconds} s (${t.healthCheckGracePeriodBasis.label})`;
}

/** "2 instance boots, EC2 launch → healthy target: i-0abc 83 s, i-0def 91 s (polled every 5 s)". */
export function describeBoots(boots: readonly InstanceBoot[]): string {
  if (boots.length === 0) return 'no instance boot measured';
  const each = boots.map((b) => `${b.instanceId} ${b.bootSeconds} s`).join(', ');
  return `${boots.length} instance boot${boots.length === 1 ? '' : 's'}, EC2 launch → healthy target: ${each} (polled every ${boots[0]!.resolutionSeconds} s)`;
}
