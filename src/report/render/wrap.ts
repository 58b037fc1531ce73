/**
 * Ink's text wrapping, without Ink: how wide a string is in a terminal, and how a line too wide
 * for its box is cut into rows. Ink measures with string-width 8 (is the text too wide?) and then
 * wraps with wrap-ansi 9, which measures with string-width 7: the two disagree on text-style emoji
 * such as ▶ (1 column to the first, 2 to the second), and the report must match Ink's layout to
 * the character, so both are reproduced here. What a report mostly holds (ASCII, Latin,
 * punctuation, currency, arrows, math, box drawing, blocks) takes a fast path, one column a
 * character; the Unicode property regexes are compiled on first need.
 */
const SIMPLE = /^[\u0020-\u007e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2030-\u205e\u20a0-\u20c0\u2100-\u218b\u2190-\u22ff\u2500-\u25fc]*$/;
/** Characters of SIMPLE that string-width 7 counts as emoji (2 columns). */
const SIMPLE_EMOJI = /[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u25aa\u25ab\u25b6\u25c0\u25fb\u25fc]/;

/** East Asian Wide and Fullwidth (Unicode's EastAsianWidth.txt, as get-east-asian-width 1.7 has it): 2 columns. */
const WIDE =
  /[\u1100-\u115f\u231a-\u231b\u2329-\u232a\u23e9-\u23ec\u23f0\u23f3\u25fd-\u25fe\u2614-\u2615\u2630-\u2637\u2648-\u2653\u267f\u268a-\u268f\u2693\u26a1\u26aa-\u26ab\u26bd-\u26be\u26c4-\u26c5\u26ce\u26d4\u26ea\u26f2-\u26f3\u26f5\u26fa\u26fd\u2705\u270a-\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b-\u2b1c\u2b50\u2b55\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u2ff0-\u303e\u3041-\u3096\u3099-\u30ff\u3105-\u312f\u3131-\u318e\u3190-\u31e5\u31ef-\u321e\u3220-\u3247\u3250-\ua48c\ua490-\ua4c6\ua960-\ua97c\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe52\ufe54-\ufe66\ufe68-\ufe6b\uff01-\uff60\uffe0-\uffe6\u{16fe0}-\u{16fe4}\u{16ff0}-\u{16ff6}\u{17000}-\u{18cda}\u{18cff}-\u{18d20}\u{18d80}-\u{18df2}\u{18e00}-\u{19191}\u{191a0}-\u{191d2}\u{1aff0}-\u{1aff3}\u{1aff5}-\u{1affb}\u{1affd}-\u{1affe}\u{1b000}-\u{1b128}\u{1b132}\u{1b150}-\u{1b152}\u{1b155}\u{1b164}-\u{1b168}\u{1b170}-\u{1b2fb}\u{1d300}-\u{1d356}\u{1d360}-\u{1d376}\u{1f004}\u{1f0cf}\u{1f18e}\u{1f191}-\u{1f19a}\u{1f1ae}\u{1f200}-\u{1f202}\u{1f210}-\u{1f23b}\u{1f240}-\u{1f248}\u{1f250}-\u{1f251}\u{1f260}-\u{1f265}\u{1f300}-\u{1f320}\u{1f32d}-\u{1f335}\u{1f337}-\u{1f37c}\u{1f37e}-\u{1f393}\u{1f3a0}-\u{1f3ca}\u{1f3cf}-\u{1f3d3}\u{1f3e0}-\u{1f3f0}\u{1f3f4}\u{1f3f8}-\u{1f43e}\u{1f440}\u{1f442}-\u{1f4fc}\u{1f4ff}-\u{1f53d}\u{1f54b}-\u{1f54e}\u{1f550}-\u{1f567}\u{1f57a}\u{1f595}-\u{1f596}\u{1f5a4}\u{1f5fb}-\u{1f64f}\u{1f680}-\u{1f6c5}\u{1f6cc}\u{1f6d0}-\u{1f6d2}\u{1f6d5}-\u{1f6d9}\u{1f6dc}-\u{1f6df}\u{1f6eb}-\u{1f6ec}\u{1f6f4}-\u{1f6fc}\u{1f7da}\u{1f7e0}-\u{1f7eb}\u{1f7f0}\u{1f90c}-\u{1f93a}\u{1f93c}-\u{1f945}\u{1f947}-\u{1f9ff}\u{1fa70}-\u{1fa7c}\u{1fa80}-\u{1fac6}\u{1fac8}\u{1facc}-\u{1fadd}\u{1fadf}-\u{1faeb}\u{1faef}-\u{1fafa}\u{20000}-\u{2fffd}\u{30000}-\u{3fffd}]/u;

let unicode: { segmenter: Intl.Segmenter; visible: RegExp; rgiEmoji: RegExp; extPict: RegExp; trailing: RegExp; ignored: RegExp; emoji: RegExp } | undefined;
function slow() {
  return (unicode ??= {
    segmenter: new Intl.Segmenter(),
    // string-width 8: a cluster with no visible character is 0; an RGI emoji, an unqualified keycap or a ZWJ sequence of pictographs 2.
    visible: /[^\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Nonspacing_Mark}\p{Enclosing_Mark}\p{Surrogate}]/u,
    rgiEmoji: new RegExp('^\\p{RGI_Emoji}$', 'v'),
    extPict: /\p{Extended_Pictographic}/gu,
    // string-width 7: controls, zero-width, combining marks and variation selectors are 0; any emoji (even text-style) 2.
    ignored: /^[\p{Default_Ignorable_Code_Point}\u0000-\u001f\u007f-\u009f\u200b-\u200f\ufeff\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\ufe00-\ufe0f]/u,
    emoji: /(?![0-9#*\u{1f1e6}-\u{1f1ff}])\p{Emoji}|[0-9#*]\ufe0f?\u20e3|[\u{1f1e6}-\u{1f1ff}]{2}/u,
    trailing: /[\p{Mc}\uff00-\uffef]/u,
  });
}
const isWide = (codePoint: number) => WIDE.test(String.fromCodePoint(codePoint));

/** The characters a terminal draws (grapheme clusters), with their offsets in `text`. */
export function graphemes(text: string): Array<{ segment: string; index: number }> {
  if (SIMPLE.test(text)) return Array.from(text, (segment, index) => ({ segment, index }));
  return Array.from(slow().segmenter.segment(text), ({ segment, index }) => ({ segment, index }));
}

/** Columns as Ink measures them (string-width 8, but for its rule on conjoining Hangul jamo). */
export function textWidth(text: string): number {
  if (SIMPLE.test(text)) return text.length;
  const u = slow();
  let width = 0;
  for (const { segment } of u.segmenter.segment(text)) {
    const at = segment.search(u.visible);
    if (at === -1) continue;
    const emoji = u.rgiEmoji.test(segment) || /^[\d#*]\u20e3$/.test(segment) || (segment.length <= 50 && segment.includes('\u200d') && (segment.match(u.extPict)?.length ?? 0) >= 2);
    width += emoji || isWide(segment.codePointAt(at)!) ? 2 : 1;
    // Spacing marks and half/fullwidth forms after the first character add their own width.
    if (!emoji) for (const ch of [...segment.slice(at)].slice(1)) if (u.trailing.test(ch)) width += isWide(ch.codePointAt(0)!) ? 2 : 1;
  }
  return width;
}

/** Columns as wrap-ansi measures them (string-width 7). */
function wrapWidth(text: string): number {
  if (SIMPLE.test(text) && !SIMPLE_EMOJI.test(text)) return text.length;
  const u = slow();
  let width = 0;
  for (const { segment } of u.segmenter.segment(text)) {
    if (u.ignored.test(segment)) continue;
    width += u.emoji.test(segment) || isWide(segment.codePointAt(0)!) ? 2 : 1;
  }
  return width;
}

/**
 * wrap-ansi 9 as Ink calls it ({ hard: true, trim: false }) on one line without ANSI: a word that
 * does not fit starts the next row (the space before it too, when the row is full), a word longer
 * than a row is cut.
 */
export function wrapLine(line: string, columns: number): string[] {
  const rows = [''];
  line.split(' ').forEach((word, index) => {
    let rowLength = wrapWidth(rows.at(-1)!);
    if (index !== 0) {
      if (rowLength >= columns) {
        rows.push('');
        rowLength = 0;
      }
      rows[rows.length - 1] += ' ';
      rowLength++;
    }
    const length = wrapWidth(word);
    if (length > columns) {
      const breaksStartingThisLine = 1 + Math.floor((length - (columns - rowLength) - 1) / columns);
      const breaksStartingNextLine = Math.floor((length - 1) / columns);
      if (breaksStartingNextLine < breaksStartingThisLine) rows.push('');
      cutWord(rows, word, columns);
      return;
    }
    if (rowLength + length > columns && rowLength > 0 && length > 0) rows.push('');
    rows[rows.length - 1] += word;
  });
  return rows;
}

function cutWord(rows: string[], word: string, columns: number): void {
  const characters = [...word];
  let visible = wrapWidth(rows.at(-1)!);
  characters.forEach((ch, index) => {
    const w = wrapWidth(ch);
    if (visible + w <= columns) rows[rows.length - 1] += ch;
    else {
      rows.push(ch);
      visible = 0;
    }
    visible += w;
    if (visible === columns && index < characters.length - 1) {
      rows.push('');
      visible = 0;
    }
  });
  if (!visible && rows.at(-1)!.length > 0 && rows.length > 1) rows[rows.length - 2] += rows.pop()!;
}
