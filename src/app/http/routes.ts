import type * as z from 'zod';
import type { Domain } from '../../architecture/system.js';
import type { Caller } from '../core/ports.js';
import * as S from '../core/schemas.js';
import type { AppServices } from './services.js';

/**
 * Every route of the API, once: the Hono app registers these and the OpenAPI document is generated
 * from them, so the served contract and the documented one cannot drift apart.
 */

// The domains are the system description's; each route below names the one it belongs to.
export { DOMAINS, type Domain } from '../../architecture/system.js';

export interface RouteInput {
  body: unknown;
  query: unknown;
  params: unknown;
  headers: Record<string, string | undefined>;
  caller: Caller | undefined;
}
export interface RouteResult {
  status: 200 | 201;
  body: unknown;
}

export interface HeaderSpec {
  name: string;
  schema: z.ZodType<string>;
  description: string;
}

export interface RouteDef {
  domain: Domain;
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Hono path syntax (`/products/:id`). */
  path: string;
  summary: string;
  auth: boolean;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  header?: HeaderSpec;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  errors: number[];
  handle: (services: AppServices, input: RouteInput) => Promise<RouteResult>;
}

// The app validates input before `handle` runs, so these casts only restate what was checked.
const caller = (i: RouteInput): Caller => i.caller!;
const need = <K extends keyof AppServices>(s: AppServices, k: K): NonNullable<AppServices[K]> => {
  const service = s[k];
  if (!service) throw new Error(`service ${String(k)} is not wired in this runtime`);
  return service;
};
const ok = (body: unknown): RouteResult => ({ status: 200, body });
const created = (body: unknown): RouteResult => ({ status: 201, body });

export const ROUTES: RouteDef[] = [
  // ---------------- users ----------------
  {
    domain: 'users', method: 'post', path: '/users/register', summary: 'Register a user; returns the user and a JWT', auth: false,
    body: S.RegisterRequestSchema, responses: { 201: { description: 'Registered', schema: S.AuthResponseSchema } }, errors: [400, 409, 413],
    handle: async (s, i) => created(await need(s, 'users').register(i.body as z.output<typeof S.RegisterRequestSchema>)),
  },
  {
    domain: 'users', method: 'post', path: '/users/login', summary: 'Log in; rate-limited per user (429 with Retry-After)', auth: false,
    body: S.LoginRequestSchema, responses: { 200: { description: 'Logged in', schema: S.AuthResponseSchema } }, errors: [400, 401, 413, 429],
    handle: async (s, i) => ok(await need(s, 'users').login(i.body as z.output<typeof S.LoginRequestSchema>)),
  },
  {
    domain: 'users', method: 'get', path: '/users/me', summary: "The caller's profile", auth: true,
    responses: { 200: { description: 'Profile', schema: S.UserResponseSchema } }, errors: [401],
    handle: async (s, i) => ok({ user: await need(s, 'users').me(caller(i)) }),
  },
  {
    domain: 'users', method: 'patch', path: '/users/me', summary: "Update the caller's profile", auth: true,
    body: S.UpdateProfileRequestSchema, responses: { 200: { description: 'Updated profile', schema: S.UserResponseSchema } }, errors: [400, 401, 413],
    handle: async (s, i) => ok({ user: await need(s, 'users').updateProfile(caller(i), i.body as z.output<typeof S.UpdateProfileRequestSchema>) }),
  },
  // ---------------- catalog ----------------
  {
    domain: 'catalog', method: 'get', path: '/products', summary: 'List products: pagination, category, price range (cents) and text search', auth: false,
    query: S.ProductQuerySchema, responses: { 200: { description: 'One page of products', schema: S.ProductPageSchema } }, errors: [400],
    handle: async (s, i) => ok(await need(s, 'catalog').list(i.query as S.ProductQuery)),
  },
  {
    domain: 'catalog', method: 'get', path: '/products/:id', summary: 'One product', auth: false,
    params: S.ProductIdParamSchema, responses: { 200: { description: 'The product', schema: S.ProductResponseSchema } }, errors: [400, 404],
    handle: async (s, i) => ok({ product: await need(s, 'catalog').get((i.params as { id: string }).id) }),
  },
  {
    domain: 'catalog', method: 'get', path: '/categories', summary: 'Categories with their product counts', auth: false,
    responses: { 200: { description: 'Categories', schema: S.CategoriesResponseSchema } }, errors: [],
    handle: async (s) => ok({ categories: await need(s, 'catalog').categories() }),
  },
  // ---------------- cart ----------------
  {
    domain: 'cart', method: 'get', path: '/cart', summary: "The caller's cart, priced at current prices", auth: true,
    responses: { 200: { description: 'The cart', schema: S.CartResponseSchema } }, errors: [401],
    handle: async (s, i) => ok({ cart: await need(s, 'cart').get(caller(i).id) }),
  },
  {
    domain: 'cart', method: 'post', path: '/cart/items', summary: 'Add a quantity of a product (adds to a line already there; checked against stock)', auth: true,
    body: S.AddCartItemRequestSchema, responses: { 200: { description: 'The cart', schema: S.CartResponseSchema } }, errors: [400, 401, 404, 409, 413],
    handle: async (s, i) => {
      const b = i.body as z.output<typeof S.AddCartItemRequestSchema>;
      return ok({ cart: await need(s, 'cart').addItem(caller(i).id, b.productId, b.quantity) });
    },
  },
  {
    domain: 'cart', method: 'patch', path: '/cart/items/:productId', summary: 'Set the quantity of a cart line (checked against stock)', auth: true,
    params: S.CartProductParamSchema, body: S.UpdateCartItemRequestSchema, responses: { 200: { description: 'The cart', schema: S.CartResponseSchema } }, errors: [400, 401, 404, 409, 413],
    handle: async (s, i) =>
      ok({ cart: await need(s, 'cart').updateQuantity(caller(i).id, (i.params as { productId: string }).productId, (i.body as { quantity: number }).quantity) }),
  },
  {
    domain: 'cart', method: 'delete', path: '/cart/items/:productId', summary: 'Remove a cart line', auth: true,
    params: S.CartProductParamSchema, responses: { 200: { description: 'The cart', schema: S.CartResponseSchema } }, errors: [400, 401, 404],
    handle: async (s, i) => ok({ cart: await need(s, 'cart').removeItem(caller(i).id, (i.params as { productId: string }).productId) }),
  },
  // ---------------- orders ----------------
  {
    domain: 'orders', method: 'post', path: '/orders', summary: "Place the caller's cart as an order (stock reserved atomically)", auth: true,
    responses: { 201: { description: 'Order placed, pending payment', schema: S.OrderResponseSchema } }, errors: [401, 409],
    handle: async (s, i) => created({ order: await need(s, 'orders').place(caller(i).id) }),
  },
  {
    domain: 'orders', method: 'get', path: '/orders', summary: "The caller's order history, newest first", auth: true,
    responses: { 200: { description: 'Orders', schema: S.OrderListResponseSchema } }, errors: [401],
    handle: async (s, i) => ok({ orders: await need(s, 'orders').history(caller(i).id) }),
  },
  {
    domain: 'orders', method: 'get', path: '/orders/:id', summary: 'One order and its status (pending -> paid -> shipped)', auth: true,
    params: S.OrderIdParamSchema, responses: { 200: { description: 'The order', schema: S.OrderResponseSchema } }, errors: [400, 401, 403, 404],
    handle: async (s, i) => ok({ order: await need(s, 'orders').get(caller(i).id, (i.params as { id: string }).id) }),
  },
  // ---------------- payments ----------------
  {
    domain: 'payments', method: 'post', path: '/payments', summary: 'Pay a pending order; the Idempotency-Key makes retries and concurrent duplicates charge once', auth: true,
    body: S.PaymentRequestSchema,
    header: { name: 'Idempotency-Key', schema: S.IdempotencyKeySchema, description: 'Client-chosen key; the same key returns the same payment (200) instead of charging again' },
    responses: {
      201: { description: 'Payment made (status approved or declined)', schema: S.PaymentResponseSchema },
      200: { description: 'Replay of an earlier request with the same Idempotency-Key', schema: S.PaymentResponseSchema },
    },
    errors: [400, 401, 403, 404, 409, 413, 422],
    handle: async (s, i) => {
      const outcome = await need(s, 'payments').pay(caller(i), (i.body as { orderId: string }).orderId, i.headers['idempotency-key']!);
      return outcome.replayed ? ok({ payment: outcome.payment }) : created({ payment: outcome.payment });
    },
  },
];

export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Validation failed or malformed JSON (error.field names the field)',
  401: 'Missing, invalid or expired bearer token, or wrong credentials',
  403: 'The resource belongs to another user',
  404: 'Not found',
  409: 'Conflict with the current state (stock, cart, order status, payment in progress, email taken)',
  413: 'Body larger than the limit',
  422: 'Idempotency-Key reused for a different request',
  429: 'Too many login attempts for this user',
};
