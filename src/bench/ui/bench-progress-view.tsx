import { Box, Text } from 'ink';
import type { BenchProgress } from '../harness.js';
import { formatPhaseLine } from './phase-log.js';

export interface BenchProgressState {
  progress?: BenchProgress;
  /** One line per finished phase (and per saved result). */
  lines: string[];
}

const secs = (s: number): string => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`);

function Bar({ fraction, width = 24 }: { fraction: number; width?: number }) {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return (
    <Text>
      <Text color="cyan">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(width - filled)}</Text>
    </Text>
  );
}

/** Live bench view: the phase, time, rate vs target, p95 so far, errors, throttles, cold starts, capacity. */
export function BenchProgressView({ state }: { state: BenchProgressState }) {
  const p = state.progress;
  return (
    <Box flexDirection="column">
      {state.lines.map((line, i) => (
        <Text key={i} dimColor>
          {line}
        </Text>
      ))}
      {p && p.stage === 'phase' && p.phase ? (
        <Box flexDirection="column">
          <Text>
            <Text bold>{p.model}</Text> phase <Text bold color={p.warmup ? 'yellow' : 'cyan'}>{p.phase}</Text>
            <Text dimColor>
              {' '}
              ({p.phaseIndex + 1}/{p.phaseCount}
              {p.warmup ? ', warm-up: not measured' : ''})
            </Text>{' '}
            <Bar fraction={p.phaseDurationS > 0 ? p.phaseElapsedS / p.phaseDurationS : 1} /> {secs(p.phaseElapsedS)}/{secs(p.phaseDurationS)}
            <Text dimColor> · run {secs(p.runRemainingS)} left</Text>
          </Text>
          <Text>
            {'  '}rate <Text bold>{p.currentRps}</Text>/{Number.isFinite(p.targetRps) ? p.targetRps.toFixed(0) : 'max'} req/s · p95{' '}
            <Text bold>{p.p95Ms.toFixed(1)} ms</Text> · errors <Text color={p.errors ? 'red' : undefined}>{p.errors}</Text> · 429s{' '}
            <Text color={p.throttled ? 'yellow' : undefined}>{p.throttled}</Text> · cold starts {p.coldStarts} · capacity {p.capacity ?? 'n/a'}
          </Text>
        </Box>
      ) : p ? (
        <Text>
          <Text bold>{p.model}</Text> {p.stage === 'setup' ? 'preparing (health, catalog, seed users)…' : p.stage === 'invariants' ? 'checking invariants…' : p.stage === 'metrics' ? `${p.note ?? 'reading metrics'}…` : 'done'}
        </Text>
      ) : null}
    </Box>
  );
}

export { formatPhaseLine };
