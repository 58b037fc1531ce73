import { Static, Text, useStdout } from 'ink';
import type { EstimateJson } from '../report.js';
import { FULL_WIDTH, estimateLines, type LineStyle } from './estimate-lines.js';

/** The breakdown in a terminal (Ink): the lines of estimate-lines.ts, styled. Presentational only. */
const STYLE: Record<LineStyle, { bold?: boolean; dimColor?: boolean; color?: string }> = {
  plain: {},
  bold: { bold: true },
  dim: { dimColor: true },
  heading: { bold: true, color: 'cyan' },
  warning: { color: 'yellow' },
  highlight: { bold: true, color: 'green' },
};

/**
 * Written once through <Static>: the table is taller than most terminals, and Ink's live area
 * would clear the screen to redraw it; static output is printed as it is, like a log.
 */
export function EstimateView({ json }: { json: EstimateJson }) {
  const { stdout } = useStdout();
  const lines = estimateLines(json, stdout.columns || FULL_WIDTH).map((line, i) => ({ ...line, key: i }));
  return (
    <Static items={lines}>
      {(line) => (
        <Text key={line.key} wrap="truncate-end" {...STYLE[line.style]}>
          {line.text || ' '}
        </Text>
      )}
    </Static>
  );
}
