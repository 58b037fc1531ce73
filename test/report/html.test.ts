import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.js';
import { renderReport } from '../../src/report/render/index.js';
import { requireBinary } from '../support/binaries.js';
import { fixtureInputs } from './support/inputs.js';

// Debian's chromium package; absent: skipped loudly (a failure under CI=true).
const chromiumPath = requireBinary('chromium', 'the HTML report test (headless Chromium)');

describe.skipIf(!chromiumPath)('HTML report in headless Chromium', () => {
  let browser: BrowserContext;
  let dir: string;
  const html = renderReport(buildReport(fixtureInputs()), 'html');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'archcompare-report-html-'));
    // A fresh profile directory per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: chromiumPath!,
      headless: true,
      viewport: { width: 1100, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is self-contained and under 1 MB', () => {
    expect(Buffer.byteLength(html)).toBeLessThan(1024 * 1024);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it('draws the four charts with data, without console errors', async () => {
    const file = path.join(dir, 'report.html');
    writeFileSync(file, html);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    // Self-contained: any request beyond the file itself is a failure.
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-charts="ready"]', { timeout: 15_000 });
    const charts = await page.evaluate(() =>
      ['chart-cost', 'chart-p95', 'chart-cold', 'chart-capacity'].map((id) => {
        const canvas = document.querySelector<HTMLCanvasElement>(`#${id} canvas`);
        if (!canvas) return { id, width: 0, painted: 0, colours: 0 };
        const ctx = canvas.getContext('2d')!;
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        const colours = new Set<number>();
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! > 0) {
            painted++;
            colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
          }
        }
        return { id, width: canvas.width, painted, colours: colours.size };
      }),
    );
    for (const c of charts) {
      expect(c.width, `${c.id} canvas`).toBeGreaterThan(300);
      // Lines, bars and bands leave thousands of painted pixels in several colours.
      expect(c.painted, `${c.id} painted pixels`).toBeGreaterThan(2000);
      expect(c.colours, `${c.id} colours`).toBeGreaterThan(3);
    }
    // Legends carry the series of both models and the break-even point.
    const legend = await page.locator('#chart-cost .u-legend').innerText();
    expect(legend).toContain('traditional');
    expect(legend).toContain('serverless');
    expect(legend).toContain('break-even');
    const shot = path.join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(50_000);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    await page.close();
  }, 60_000);
});
