import * as z from 'zod';
import { ErrorBodySchema, HealthSchema } from '../core/schemas.js';
import { MAX_BODY_BYTES } from './app.js';
import { DOMAINS, ERROR_DESCRIPTIONS, ROUTES, type RouteDef } from './routes.js';

/**
 * The OpenAPI 3.1 document of the API, generated from the same zod schemas and route table the app
 * serves (JSON Schema 2020-12 via z.toJSONSchema), so documentation cannot drift from behaviour.
 */

type Json = Record<string, unknown>;

const COMPONENT_PREFIX = '#/components/schemas/';
const jsonSchemaOptions = { target: 'draft-2020-12', io: 'input', unrepresentable: 'any', uri: (id: string) => `${COMPONENT_PREFIX}${id}` } as const;

function schemaRef(schema: z.ZodType): Json {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return { $ref: `${COMPONENT_PREFIX}${id}` };
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, jsonSchemaOptions) as Json;
  return rest;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, jsonSchemaOptions) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

const COLD_START_HEADERS = {
  'x-archcompare-cold-start': { $ref: '#/components/headers/ColdStart' },
  'x-archcompare-init-ms': { $ref: '#/components/headers/InitMs' },
};

const openApiPath = (honoPath: string) => honoPath.replace(/:(\w+)/g, '{$1}');

function operation(route: RouteDef): Json {
  const responses: Json = {};
  for (const [status, r] of Object.entries(route.responses))
    responses[status] = { description: r.description, headers: COLD_START_HEADERS, ...(r.schema ? { content: { 'application/json': { schema: schemaRef(r.schema) } } } : {}) };
  for (const status of route.errors)
    responses[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'Error',
      headers: status === 429 ? { ...COLD_START_HEADERS, 'retry-after': { schema: { type: 'integer' }, description: 'Seconds until the window resets' } } : COLD_START_HEADERS,
      content: { 'application/json': { schema: { $ref: `${COMPONENT_PREFIX}Error` } } },
    };
  return {
    operationId: `${route.method}${route.path.replace(/[/:]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: route.summary,
    tags: [route.domain],
    'x-lambda-function': route.domain,
    ...(route.auth ? { security: [{ bearerAuth: [] }] } : {}),
    parameters: [
      ...parametersOf(route.params, 'path'),
      ...parametersOf(route.query, 'query'),
      ...(route.header ? [{ name: route.header.name, in: 'header', required: true, description: route.header.description, schema: schemaRef(route.header.schema) }] : []),
    ],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaRef(route.body) } } } } : {}),
    responses,
  };
}

export function buildOpenApiDocument(version = '0.1.0'): Json {
  // Reference the shared schemas once so they are registered before the registry is converted.
  void ErrorBodySchema;
  void HealthSchema;
  const { schemas } = z.toJSONSchema(z.globalRegistry, jsonSchemaOptions) as { schemas: Record<string, Json> };
  for (const s of Object.values(schemas)) delete s.$schema;
  const paths: Record<string, Json> = {
    '/health': {
      get: {
        operationId: 'getHealth',
        summary: 'Liveness; answered by every Lambda function and by the server',
        tags: ['health'],
        responses: { 200: { description: 'Healthy', headers: COLD_START_HEADERS, content: { 'application/json': { schema: { $ref: `${COMPONENT_PREFIX}Health` } } } } },
      },
    },
  };
  for (const route of ROUTES) (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'archcompare shop API',
      version,
      description: `The e-commerce API both architectures serve (a Node server over PostgreSQL; one Lambda per domain over DynamoDB). Money is integer cents. Request bodies are JSON, at most ${MAX_BODY_BYTES} bytes. Errors: {error:{code,message,field?}}.`,
    },
    servers: [{ url: 'http://127.0.0.1:8080', description: 'a local app server' }],
    tags: ['health', ...DOMAINS].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The token from /users/register or /users/login (HS256, 1 h by default)' } },
      headers: {
        ColdStart: { description: 'true exactly once per runtime environment: the first request it serves', schema: { type: 'string', enum: ['true', 'false'] } },
        InitMs: { description: "That environment's initialisation time in milliseconds (process start to ready)", schema: { type: 'string', pattern: '^[0-9]+\\.[0-9]$' } },
      },
    },
  };
}
