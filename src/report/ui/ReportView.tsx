import { Box, Text } from 'ink';
import type { Report } from '../model.js';
import { layout, reportBlocks, type Block, type Tone } from './layout.js';

/**
 * The report in a terminal: presentational only (renders the model it is given). Lays out for
 * `width` columns, clamped to 80–100; colours only when `color` (a TTY without NO_COLOR). The
 * blocks come from ui/layout.ts, which render/text.ts draws as the same string without Ink.
 */
export interface ReportViewProps {
  report: Report;
  width?: number;
  color?: boolean;
}

export function ReportView({ report, width = 100, color = false }: ReportViewProps) {
  const c = (tone: Tone | undefined) => (color ? tone : undefined);
  const draw = (b: Block, key?: number) => (
    <Text key={key} bold={color && b.bold} dimColor={color && b.dim} color={c(b.tone)}>
      {b.spans.map((s, i) =>
        s.tone ? (
          <Text key={i} color={c(s.tone)}>
            {s.text}
          </Text>
        ) : (
          s.text
        ),
      )}
    </Text>
  );
  return (
    <Box flexDirection="column" width={layout(width).width}>
      {reportBlocks(report, width).map((b, i) =>
        b.kind === 'heading' ? (
          <Box key={i} marginTop={1}>
            {draw(b)}
          </Box>
        ) : b.kind === 'prose' ? (
          <Box key={i} paddingLeft={2}>
            {draw(b)}
          </Box>
        ) : (
          draw(b, i)
        ),
      )}
    </Box>
  );
}
