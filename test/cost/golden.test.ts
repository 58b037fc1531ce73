import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR, breakdown, estimateGolden, goldenCases } from './helpers/golden.js';

/**
 * One folder per priced resource (Infracost's testdata layout): main.tf.json + usage.yml in,
 * expected.json (the full breakdown) out. The arithmetic behind each expected file is checked by
 * hand in resources.test.ts; this test pins every line so any change to a price, a quantity or a
 * name is seen in review. A case without expected.json fails: nothing is written unless asked.
 * Write or regenerate after a deliberate change, then review the diff:
 *   UPDATE_GOLDEN=1 npx vitest run test/cost/golden.test.ts
 */
const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe('golden breakdowns', () => {
  for (const name of goldenCases()) {
    it(name, async () => {
      const actual = breakdown(await estimateGolden(name));
      const file = path.join(GOLDEN_DIR, name, 'expected.json');
      if (UPDATE) writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      else if (!existsSync(file)) throw new Error(`${path.relative(process.cwd(), file)} is missing: write it with UPDATE_GOLDEN=1 npx vitest run test/cost/golden.test.ts, review it, and commit it`);
      expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
  }
});
