import type { Model } from '../config/stack-config.js';

/**
 * The compare pipeline as data: its steps and their states. Pure functions only; the service
 * drives them and the view renders them.
 */

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface PipelineStep {
  id: string;
  label: string;
  status: StepStatus;
  detail?: string;
  startedAt?: number;
  endedAt?: number;
}

export function initialSteps(models: readonly Model[]): PipelineStep[] {
  return [
    ...models.map((m) => ({ id: `deploy:${m}`, label: `deploy ${m}`, status: 'pending' as const })),
    ...models.map((m) => ({ id: `bench:${m}`, label: `bench ${m}`, status: 'pending' as const })),
    { id: 'report', label: 'report', status: 'pending' },
    { id: 'destroy', label: 'destroy', status: 'pending' },
  ];
}

export function updateStep(steps: PipelineStep[], id: string, patch: Partial<PipelineStep>, now = Date.now()): PipelineStep[] {
  return steps.map((s) => {
    if (s.id !== id) return s;
    const next = { ...s, ...patch };
    if (patch.status === 'running' && !s.startedAt) next.startedAt = now;
    if (patch.status && ['done', 'failed', 'skipped'].includes(patch.status) && !s.endedAt) next.endedAt = now;
    return next;
  });
}

/** Everything not yet run is skipped once the pipeline fails or is interrupted (teardown excepted). */
export function skipRemaining(steps: PipelineStep[], except: string[] = ['destroy']): PipelineStep[] {
  return steps.map((s) => (s.status === 'pending' && !except.includes(s.id) ? { ...s, status: 'skipped' as const } : s));
}

export function stepSeconds(step: PipelineStep, now = Date.now()): number | undefined {
  if (!step.startedAt) return undefined;
  return Math.round(((step.endedAt ?? now) - step.startedAt) / 1000);
}

/** One line per step for logs (CI, pipes): "✔ deploy serverless  http://127.0.0.1:4100  (4s)". */
export function formatStepLine(step: PipelineStep, now = Date.now()): string {
  const mark = { pending: '·', running: '…', done: '✔', failed: '✘', skipped: '-' }[step.status];
  const secs = stepSeconds(step, now);
  return `${mark} ${step.label.padEnd(20)} ${step.detail ?? ''}${secs !== undefined ? `  (${secs}s)` : ''}`.trimEnd();
}
