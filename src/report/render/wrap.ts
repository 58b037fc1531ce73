import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/**
 * Ink's text measuring and wrapping, without loading Ink: the libraries Ink calls, called as Ink calls
 * them, so the report's string layout matches Ink's to the character (test/report/text-renderer).
 * Ink measures with string-width 8 (is a line too wide for its box?) and wraps with wrap-ansi 9, which
 * measures with its own string-width 7; the two disagree on text-style emoji such as ▶, and the layout
 * follows each where Ink does.
 */

/** Printable ASCII and Latin: one column and one grapheme per character, no segmenter needed. */
const SIMPLE = /^[\u0020-\u007e\u00a0-\u00ac\u00ae-\u02ff]*$/;
let segmenter: Intl.Segmenter | undefined;

/** The characters a terminal draws (grapheme clusters), with their offsets in `text`. */
export function graphemes(text: string): Array<{ segment: string; index: number }> {
  if (SIMPLE.test(text)) return Array.from(text, (segment, index) => ({ segment, index }));
  return Array.from((segmenter ??= new Intl.Segmenter()).segment(text), ({ segment, index }) => ({ segment, index }));
}

/** Columns as Ink measures them. */
export function textWidth(text: string): number {
  return SIMPLE.test(text) ? text.length : stringWidth(text);
}

/** One line without ANSI codes, cut into rows as Ink's wrap does ({ hard: true, trim: false }). */
export function wrapLine(line: string, columns: number): string[] {
  return wrapAnsi(line, columns, { hard: true, trim: false }).split('\n');
}
