import { render } from 'ink-testing-library';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/cost/estimate-service.js';
import { EstimateView } from '../../src/cost/ui/EstimateView.js';
import { estimateText } from '../../src/cost/ui/estimate-lines.js';
import { FIXED_NOW, GOLDEN_DIR } from './helpers/golden.js';

describe('the estimate table', () => {
  it('Ink shows the same lines as the plain-text table', async () => {
    const o = await estimate({ models: [], plan: path.join(GOLDEN_DIR, 'aws_lb/main.tf.json'), usageFile: path.join(GOLDEN_DIR, 'aws_lb/usage.yml'), curve: false, now: FIXED_NOW });
    const text = estimateText(o.json);
    expect(text).toContain(' ├─ Capacity units (LCU, by active connections)');
    expect(text).toMatch(/2,190 LCU-hours\s+\$0\.008\s+\$17\.52/);
    expect(text).toMatch(/TOTAL \(plan\), excluding 1 unpriced resource\s+\$60\.01/);
    expect(text).toContain('not priced: aws_lb.network: load_balancer_type "network" is not priced');
    const { lastFrame, unmount } = render(<EstimateView json={o.json} />);
    const frame = lastFrame() ?? '';
    for (const l of ['aws_lb.main', 'Capacity units (LCU', '$17.52', 'TOTAL (plan)', '$60.01']) expect(frame).toContain(l);
    unmount();
  });
});
