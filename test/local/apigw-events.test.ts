import { describe, expect, it } from 'vitest';
import { fromResultV2, toEventV2 } from '../../src/local/apigw-events.js';

describe('payload format 2.0', () => {
  const now = new Date('2026-03-12T19:03:58Z');
  it('builds the event API Gateway sends: raw path and query, combined duplicates, cookies apart, path parameters', () => {
    const e = toEventV2(
      {
        method: 'post',
        url: '/cart/items/p-1?x=1&x=2&q=a%20b',
        headers: { host: '127.0.0.1:9', 'content-type': 'application/json', cookie: 'a=1; b=2', 'x-multi': ['1', '2'], 'user-agent': 'ua' },
        body: Buffer.from('{"quantity":2}'),
        sourceIp: '127.0.0.1',
        httpVersion: '1.1',
      },
      { routeKey: 'ANY /cart/{proxy+}', pathParameters: { proxy: 'items/p-1' } },
      { apiId: 'abc', stage: '$default', requestId: 'rid', now },
    );
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: 'ANY /cart/{proxy+}',
      rawPath: '/cart/items/p-1',
      rawQueryString: 'x=1&x=2&q=a%20b',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { x: '1,2', q: 'a b' },
      pathParameters: { proxy: 'items/p-1' },
      body: '{"quantity":2}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/cart/items/p-1', sourceIp: '127.0.0.1', userAgent: 'ua' }, stage: '$default', time: '12/Mar/2026:19:03:58 +0000', timeEpoch: now.getTime() },
    });
    expect(e.headers['x-multi']).toBe('1,2');
    expect(e.headers.cookie).toBeUndefined();
  });

  it('base64-encodes binary bodies and omits absent parts', () => {
    const e = toEventV2({ method: 'GET', url: '/x', headers: { 'content-type': 'image/png' }, body: Buffer.from([0, 255]), sourceIp: '::1', httpVersion: '1.1' }, { routeKey: 'GET /x' }, { apiId: 'a', stage: 's', requestId: 'r', now });
    expect(e).toMatchObject({ body: 'AP8=', isBase64Encoded: true });
    expect('queryStringParameters' in e || 'pathParameters' in e || 'cookies' in e).toBe(false);
  });

  it('turns results into responses, inferring 200 JSON when there is no statusCode', () => {
    const r = fromResultV2({ statusCode: 201, headers: { 'Content-Type': 'application/json', 'X-N': 3 }, cookies: ['s=1'], body: '{"ok":true}' });
    expect(r.statusCode).toBe(201);
    expect(r.headers).toEqual({ 'content-type': 'application/json', 'x-n': '3', 'set-cookie': ['s=1'] });
    expect(r.body.toString()).toBe('{"ok":true}');
    expect(fromResultV2({ statusCode: 200, body: 'AP8=', isBase64Encoded: true }).body).toEqual(Buffer.from([0, 255]));
    const inferred = fromResultV2({ hello: 'world' });
    expect(inferred).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' } });
    expect(inferred.body.toString()).toBe('{"hello":"world"}');
  });
});
