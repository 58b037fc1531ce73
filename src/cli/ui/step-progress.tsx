import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';

export interface StepProgressState {
  title: string;
  step: string;
  done?: number;
  total?: number;
  current?: string;
  elapsedSeconds: number;
  log: string[];
}

/** One long-running operation: the step, a resource counter, and the last few log lines. */
export function StepProgress({ state }: { state: StepProgressState }) {
  const counter = state.total ? ` ${state.done ?? 0}/${state.total}` : state.done ? ` ${state.done}` : '';
  return (
    <Box flexDirection="column">
      {state.log.slice(-5).map((line, i) => (
        <Text key={i} dimColor>
          {line}
        </Text>
      ))}
      <Box>
        <Text color="cyan">
          <Spinner type="dots" />
        </Text>
        <Text>
          {' '}
          {state.title}: <Text bold>{state.step}</Text>
          {counter}
          <Text dimColor> {state.elapsedSeconds}s</Text>
        </Text>
      </Box>
      {state.current ? (
        <Text dimColor wrap="truncate-end">
          {'  '}
          {state.current}
        </Text>
      ) : null}
    </Box>
  );
}
