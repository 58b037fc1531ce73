import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts a test server on a free port of 127.0.0.1 and gives its base URL. */
export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A request's whole body. */
export const readBody = (req: http.IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/**
 * A proxy on 127.0.0.1 that shows each request (its headers and whole body) to `observe`, then forwards
 * it unchanged to `target` and streams the answer back: a real endpoint that records what a client asked.
 */
export async function recordingProxy(target: string, observe: (req: http.IncomingMessage, body: Buffer) => void): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    observe(req, body);
    const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (up) => {
      res.writeHead(up.statusCode ?? 500, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (err) => res.destroy(err));
    upstream.end(body);
  });
  return { url: await listen(server), server };
}
