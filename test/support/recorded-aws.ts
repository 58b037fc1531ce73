import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded AWS answer: what the real service sends back for a request (status, headers, JSON body). */
export interface RecordedAnswer {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

export interface RecordedAws {
  url: string;
  /** Every request the server saw, in order (method and path). */
  requests: Array<{ method: string; path: string; target?: string }>;
  close(): Promise<void>;
}

/**
 * A local HTTP server on 127.0.0.1 that replays recorded AWS API answers, for the real SDK clients
 * pointed at it with `endpoint`. `answer` picks the answer for a request (undefined: 404).
 */
export async function serveRecorded(answer: (req: { method: string; path: string; target?: string }) => RecordedAnswer | undefined): Promise<RecordedAws> {
  const requests: RecordedAws['requests'] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    req.resume();
    req.on('end', () => {
      const seen = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, target: req.headers['x-amz-target'] as string | undefined };
      requests.push(seen);
      const a = answer(seen);
      if (!a) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not recorded');
        return;
      }
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json', 'x-amzn-requestid': 'recorded-0001', ...a.headers }).end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
