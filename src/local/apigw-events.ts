import type { IncomingHttpHeaders } from 'node:http';

/**
 * API Gateway HTTP API payload format 2.0, both ways, as pure functions:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */

export interface HttpApiEventV2 {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  pathParameters?: Record<string, string>;
  body?: string;
  isBase64Encoded: boolean;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
  };
}

export interface HttpRequestParts {
  method: string;
  url: string; // path + query as received
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  httpVersion: string;
}

const TEXTUAL = /^(text\/|application\/(json|[\w.+-]*\+json|x-www-form-urlencoded|xml|[\w.+-]*\+xml|javascript|graphql))/i;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function requestTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export function toEventV2(
  req: HttpRequestParts,
  route: { routeKey: string; pathParameters?: Record<string, string> },
  ctx: { apiId: string; stage: string; requestId: string; now: Date },
): HttpApiEventV2 {
  const q = req.url.indexOf('?');
  const rawPath = q >= 0 ? req.url.slice(0, q) : req.url;
  const rawQueryString = q >= 0 ? req.url.slice(q + 1) : '';
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    const name = k.toLowerCase();
    if (name === 'cookie') {
      cookies = (Array.isArray(v) ? v.join('; ') : v).split(/;\s*/).filter(Boolean);
      continue;
    }
    headers[name] = Array.isArray(v) ? v.join(',') : v;
  }
  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString) {
    queryStringParameters = {};
    for (const [k, v] of new URLSearchParams(rawQueryString)) queryStringParameters[k] = k in queryStringParameters ? `${queryStringParameters[k]},${v}` : v;
  }
  let body: string | undefined;
  let isBase64Encoded = false;
  if (req.body.length > 0) {
    const type = headers['content-type'] ?? '';
    if (!type || TEXTUAL.test(type)) body = req.body.toString('utf8');
    else {
      body = req.body.toString('base64');
      isBase64Encoded = true;
    }
  }
  const host = headers.host ?? 'localhost';
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(route.pathParameters ? { pathParameters: route.pathParameters } : {}),
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded,
    requestContext: {
      accountId: '000000000000',
      apiId: ctx.apiId,
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: { method: req.method.toUpperCase(), path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: ctx.requestId,
      routeKey: route.routeKey,
      stage: ctx.stage,
      time: requestTime(ctx.now),
      timeEpoch: ctx.now.getTime(),
    },
  };
}

export interface HttpResponseParts {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** A Lambda result as API Gateway turns it into an HTTP response (format 2.0 rules, incl. the inferred 200 JSON). */
export function fromResultV2(result: unknown): HttpResponseParts {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as { statusCode: number; headers?: Record<string, unknown>; cookies?: string[]; body?: string; isBase64Encoded?: boolean };
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
    if (r.cookies?.length) headers['set-cookie'] = r.cookies;
    const body = r.body === undefined || r.body === null ? Buffer.alloc(0) : Buffer.from(String(r.body), r.isBase64Encoded ? 'base64' : 'utf8');
    return { statusCode: Number(r.statusCode), headers, body };
  }
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(result === undefined ? '' : JSON.stringify(result)) };
}
