import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { PipelineStep } from '../pipeline.js';
import { stepSeconds } from '../pipeline.js';

const MARK = { pending: '·', done: '✔', failed: '✘', skipped: '-' } as const;
const COLOUR = { pending: 'gray', done: 'green', failed: 'red', skipped: 'gray', running: 'cyan' } as const;

/** The whole compare pipeline in one live view: each step, its state, detail and duration. */
export function PipelineView({ title, steps, now }: { title: string; steps: PipelineStep[]; now: number }) {
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      {steps.map((s) => {
        const secs = stepSeconds(s, now);
        return (
          <Box key={s.id}>
            <Box width={2}>
              {s.status === 'running' ? (
                <Text color="cyan">
                  <Spinner type="dots" />
                </Text>
              ) : (
                <Text color={COLOUR[s.status]}>{MARK[s.status]}</Text>
              )}
            </Box>
            <Box width={22}>
              <Text color={s.status === 'skipped' || s.status === 'pending' ? 'gray' : undefined}>{s.label}</Text>
            </Box>
            <Box flexGrow={1}>
              <Text dimColor wrap="truncate-end">
                {s.detail ?? ''}
              </Text>
            </Box>
            <Box width={7} justifyContent="flex-end">
              <Text dimColor>{secs !== undefined ? `${secs}s` : ''}</Text>
            </Box>
          </Box>
        );
      })}
    </Box>
  );
}
