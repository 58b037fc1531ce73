import type { Report } from '../model.js';
import { layout, reportBlocks, type Block, type Tone } from '../ui/layout.js';
import { graphemes, textWidth, wrapLine } from './wrap.js';

/**
 * The terminal layout as a string, without Ink, React or the yoga layout engine (loading them
 * took the `report` command over its 1 s budget). Draws the blocks of ui/layout.ts exactly as Ink's
 * renderToString draws ReportView, ANSI colours included: a `line` at the left edge, a `heading`
 * after a blank line, `prose` indented by 2; a block too wide for its room wraps as Ink wraps it,
 * onto a grid of cells as Ink's Output composes them (trailing spaces dropped).
 */
export interface TextOptions {
  /** Terminal width (clamped to 80–100). */
  columns?: number;
  /** ANSI colours (a TTY without NO_COLOR): the 16-colour SGR codes chalk gives Ink. */
  color?: boolean;
}

export function renderText(report: Report, options: TextOptions = {}): string {
  const width = layout(options.columns ?? 100).width;
  const color = options.color ?? false;
  const grid: Cell[][] = [];
  let y = 0;
  for (const block of reportBlocks(report, width)) {
    if (block.kind === 'heading') y++;
    const x = block.kind === 'prose' ? 2 : 0;
    const { rows, height } = wrapBlock(block, width - x, color);
    rows.forEach((cells, i) => write(grid, x, y + i, cells));
    y += height;
  }
  const lines: string[] = [];
  for (let row = 0; row < y; row++) lines.push(draw(grid[row] ?? []));
  return `${lines.join('\n')}\n`;
}

/** An SGR style: its start and end code (bold and dim share 22). */
interface Code {
  open: number;
  close: number;
}
const BOLD: Code = { open: 1, close: 22 };
const DIM: Code = { open: 2, close: 22 };
const TONE: Record<Tone, Code> = { cyan: { open: 36, close: 39 }, blue: { open: 34, close: 39 }, magenta: { open: 35, close: 39 }, yellow: { open: 33, close: 39 }, red: { open: 31, close: 39 }, green: { open: 32, close: 39 } };
const PLAIN: readonly Code[] = [];

/** One character (a grapheme) and the styles it is drawn with. */
interface Cell {
  ch: string;
  styles: readonly Code[];
}

/**
 * What Ink's Text does with a block: squash the spans, wrap when too wide, style each character.
 * `height` is the room Ink's layout gives it, which a re-wrapped Text in a Box can exceed (the rows
 * past it are overwritten by the next block, as in Ink).
 */
function wrapBlock(block: Block, room: number, color: boolean): { rows: Cell[][]; height: number } {
  // Ink's Text nests chalk calls as bold(colour(dim(text))); a span's colour replaces the block's.
  const outer: readonly Code[] = color ? [...(block.bold ? [BOLD] : []), ...(block.tone ? [TONE[block.tone]] : []), ...(block.dim ? [DIM] : [])] : PLAIN;
  const styleOf = (tone: Tone | undefined) => (color && tone ? [...outer.filter((c) => c.close !== 39), TONE[tone]] : outer);
  let text = '';
  const styles: Array<readonly Code[]> = [];
  for (const span of block.spans) {
    text += span.text;
    const s = styleOf(span.tone);
    for (let i = 0; i < span.text.length; i++) styles.push(s);
  }
  if (text.length === 0) return { rows: [], height: 0 }; // an empty Text has no height
  let lines = text.split('\n');
  let height = lines.length;
  if (Math.max(...lines.map(textWidth)) > room) {
    const normalized = text.normalize();
    // Wrapping NFC-normalizes the text; if that moved characters, styles follow the block's alone.
    if (normalized.length !== text.length) styles.fill(outer);
    text = normalized;
    const wrap = (columns: number) => text.replaceAll('\r\n', '\n').split('\n').flatMap((l) => wrapLine(l, columns));
    lines = wrap(room);
    height = lines.length;
    // In a Box (heading, prose) the Text is only as wide as its widest wrapped line, and Ink wraps
    // again at that width: not always the same rows, as the two measures differ on some emoji.
    const narrowed = block.kind === 'line' ? room : Math.max(...lines.map(textWidth));
    if (narrowed < room) lines = wrap(narrowed);
  }
  // The wrapped lines are the text with line breaks added: walk both to keep each character's style.
  let at = 0;
  const rows = lines.map((line) => {
    while (text[at] === '\n') at++;
    const start = at;
    at += line.length;
    const cells = graphemes(line).map(({ segment, index }) => ({ ch: segment, styles: styles[start + index] ?? outer }));
    // Ink reads a mark or joiner right after an SGR code as part of the code (a cluster with its
    // "m"), and drops it: only when a hard-wrapped or span-split cluster starts at a colour change.
    return color ? cells.filter((c, i) => !(JOINER.test(c.ch) && (i === 0 ? c.styles.length > 0 : c.styles !== cells[i - 1]!.styles))) : cells;
  });
  return { rows, height };
}

const JOINER = /^[\p{M}\u200c\u200d\u{1f3fb}-\u{1f3ff}\u{e0020}-\u{e007f}]/u;

/** Ink's Output.write: cells over what is there (a wide character takes the next cell too). */
function write(grid: Cell[][], x: number, y: number, cells: readonly Cell[]): void {
  const row = (grid[y] ??= []);
  let at = x;
  for (const cell of cells) {
    row[at] = cell;
    const w = Math.max(1, textWidth(cell.ch));
    for (let i = 1; i < w; i++) row[at + i] = { ch: '', styles: cell.styles };
    at += w;
  }
}

/** One output line: the SGR transitions between cells (as @alcalzone/ansi-tokenize emits them), trailing spaces dropped. */
function draw(row: ReadonlyArray<Cell | undefined>): string {
  const sgr = (codes: number[]) => [...new Set(codes)].map((c) => `\u001b[${c}m`).join('');
  const diff = (from: readonly Code[], to: readonly Code[]) => {
    if (from === to || (from.length === 0 && to.length === 0)) return '';
    const undo = from.filter((c) => (c === BOLD || c === DIM ? !to.includes(c) : !to.some((t) => t.close === c.close)));
    return sgr([...undo.reverse().map((c) => c.close), ...to.filter((c) => !from.some((f) => f.open === c.open)).map((c) => c.open)]);
  };
  let out = '';
  let prev = PLAIN;
  for (let i = 0; i < row.length; i++) {
    const cell = row[i] ?? { ch: ' ', styles: PLAIN }; // cells never written are Ink's blank grid
    out += diff(prev, cell.styles) + cell.ch;
    prev = cell.styles;
  }
  return (out + diff(prev, PLAIN)).trimEnd();
}
