import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchResultSchema } from '../../../src/bench/result-schema.js';
import { readTerraformDocument } from '../../../src/architecture/terraform-document.js';
import { loadPriceBook } from '../../../src/pricing/snapshot-store.js';
import type { ReportInputs } from '../../../src/report/build.js';
import { loadEffortWeights } from '../../../src/report/inputs.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
/** Fixed so snapshots and price-age warnings do not move with the calendar. */
export const FIXED_NOW = new Date('2025-11-21T12:00:00.000Z');

export function fixtureInputs(): ReportInputs {
  const read = (f: string) => JSON.parse(readFileSync(path.join(FIXTURES, f), 'utf8')) as unknown;
  const loaded = loadPriceBook('us-east-1', { now: FIXED_NOW });
  return {
    results: {
      traditional: { result: BenchResultSchema.parse(read('traditional.json')), file: 'test/report/fixtures/traditional.json' },
      serverless: { result: BenchResultSchema.parse(read('serverless.json')), file: 'test/report/fixtures/serverless.json' },
    },
    stacks: {
      traditional: { doc: readTerraformDocument(read('traditional.cdk.tf.json'), 'traditional.cdk.tf.json'), source: 'test/report/fixtures/traditional.cdk.tf.json' },
      serverless: { doc: readTerraformDocument(read('serverless.cdk.tf.json'), 'serverless.cdk.tf.json'), source: 'test/report/fixtures/serverless.cdk.tf.json' },
    },
    prices: { book: loaded.book, file: 'pricing-cache/us-east-1.json', header: loaded.book.header, ageDays: loaded.ageDays, warnings: loaded.warnings },
    effort: loadEffortWeights(),
    generatedAt: FIXED_NOW.toISOString(),
  };
}
