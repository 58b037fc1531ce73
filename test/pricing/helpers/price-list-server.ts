import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A local stand-in for the Price List Query API (AWS JSON 1.1 protocol, POST / with
 * X-Amz-Target: AWSPriceListService.GetProducts) that replays recorded PriceList entries:
 * TERM_MATCH filters on product attributes, MaxResults pages with an opaque NextToken — and, like
 * the real service, it may return fewer entries than MaxResults (at most `pageCap`).
 */
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/price-list');

type Entry = { product: { productFamily?: string; attributes: Record<string, string> }; serviceCode: string };

export interface PriceListServer {
  url: string;
  requests: Array<{ target: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startPriceListServer(options: { pageCap?: number; failWith?: number } = {}): Promise<PriceListServer> {
  const recorded = new Map<string, Entry[]>(readdirSync(FIXTURES).map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(FIXTURES, f), 'utf8')) as Entry[]]));
  const requests: PriceListServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      requests.push({ target, body });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${requests.length}` });
        res.end(JSON.stringify(payload));
      };
      if (options.failWith) return reply(options.failWith, { __type: 'InternalErrorException', message: 'recorded failure' });
      if (target !== 'AWSPriceListService.GetProducts') return reply(400, { __type: 'InvalidParameterException', message: `unsupported target ${target}` });
      const filters = (body.Filters as Array<{ Type: string; Field: string; Value: string }> | undefined) ?? [];
      const entries = (recorded.get(String(body.ServiceCode)) ?? []).filter((e) =>
        filters.every((f) => (f.Field === 'productFamily' ? e.product.productFamily === f.Value : f.Field === 'ServiceCode' ? e.serviceCode === f.Value : e.product.attributes[f.Field] === f.Value)),
      );
      const start = body.NextToken ? Number(Buffer.from(String(body.NextToken), 'base64').toString('utf8')) : 0;
      const size = Math.min(Number(body.MaxResults ?? 100), options.pageCap ?? 100);
      const page = entries.slice(start, start + size);
      const next = start + size < entries.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
      reply(200, { FormatVersion: 'aws_v1', PriceList: page.map((e) => JSON.stringify(e)), ...(next ? { NextToken: next } : {}) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
