/**
 * Terminal bars and sparklines as text. A few lines of Unicode block arithmetic: the npm
 * sparkline packages are either unmaintained or barely used, and Ink only needs the string.
 */
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const TICKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** A horizontal bar of `value / max` over `width` cells, in eighths of a cell. */
export function bar(value: number, max: number, width: number): string {
  if (!(max > 0) || !(value > 0) || width <= 0) return '';
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

/**
 * A sparkline of at most `width` cells: values are bucketed (the maximum of each bucket, so a
 * spike is never averaged away) and scaled to [0, max]. Nulls (no data that second) stay blank.
 */
export function sparkline(values: ReadonlyArray<number | null>, width: number, max?: number): string {
  if (values.length === 0 || width <= 0) return '';
  const buckets = Math.min(width, values.length);
  const out: Array<number | null> = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * values.length) / buckets);
    const to = Math.max(from + 1, Math.floor(((b + 1) * values.length) / buckets));
    const slice = values.slice(from, to).filter((v): v is number => v !== null);
    out.push(slice.length ? Math.max(...slice) : null);
  }
  const top = max ?? Math.max(0, ...out.filter((v): v is number => v !== null));
  return out.map((v) => (v === null ? ' ' : top > 0 ? TICKS[Math.min(7, Math.max(0, Math.round((v / top) * 7)))] : TICKS[0])).join('');
}
