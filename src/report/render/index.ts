import type { Report } from '../model.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

/**
 * One report, five renderings. `ink` is the terminal layout (colours when asked), `text` the same
 * layout without any ANSI (what a pipe or a file gets), `json` the model itself (validated by
 * ReportSchema), `md` a PR comment, `html` a self-contained page with charts. Both terminal formats
 * are drawn as a string (render/text.ts) exactly as Ink draws ReportView, without loading Ink.
 */
export const REPORT_FORMATS = ['ink', 'text', 'json', 'md', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions {
  /** Terminal width for ink/text (clamped to 80–100). */
  columns?: number;
  /** Colours for ink (a TTY without NO_COLOR). */
  color?: boolean;
}

export function renderReport(report: Report, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'md':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
    case 'ink':
    case 'text':
      return renderText(report, { columns: options.columns ?? 100, color: format === 'ink' && (options.color ?? false) });
  }
}
