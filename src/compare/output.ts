import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CompareOutcome } from './compare-service.js';

/** The report goes to --output (written whole, then renamed) or to stdout. */
export async function writeReportOutput(outcome: CompareOutcome, format: string, output: string | undefined, log: (text: string) => void): Promise<void> {
  if (!outcome.rendered) return;
  if (output) {
    const tmp = `${output}.${process.pid}.tmp`;
    await writeFile(tmp, outcome.rendered);
    const { rename } = await import('node:fs/promises');
    await rename(tmp, output);
    log(`report (${format}) written to ${path.relative(process.cwd(), output) || output}`);
    return;
  }
  log(outcome.rendered);
}
