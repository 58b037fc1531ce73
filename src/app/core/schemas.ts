import * as z from 'zod';

/**
 * The HTTP API contract, in one place: request schemas validate input on both runtimes, response
 * schemas document output, and the OpenAPI document is generated from both. Money is integer cents.
 */

export const CART_MAX_LINES = 25;
export const CART_MAX_QUANTITY = 100;
export const PAGE_SIZE_MAX = 100;

// PostgreSQL text cannot hold NUL; reject it in every free-text field so both stores accept the same input.
const noNul = { message: 'must not contain NUL characters' };
const hasNoNul = (s: string) => !s.includes('\u0000');
const Cents = z.number().int().min(0).max(1_000_000_000);
const Timestamp = z.iso.datetime();
const ProductId = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, { message: 'must be letters, digits, _ or -' });
const Quantity = z.number().int().min(1).max(CART_MAX_QUANTITY);

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      field: z.string().optional().meta({ description: 'The request field at fault, when there is one' }),
    }),
  })
  .meta({ id: 'Error' });

export const HealthSchema = z
  .object({ status: z.literal('ok'), runtime: z.enum(['server', 'lambda']), component: z.string(), uptimeMs: z.number() })
  .meta({ id: 'Health' });

// ---------- users ----------
export const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be an email address' }))
  .transform((e) => e.toLowerCase());
export const PasswordSchema = z.string().min(8, { message: 'must be at least 8 characters' }).max(128, { message: 'must be at most 128 characters' });
const NameSchema = z.string().trim().min(1, { message: 'must not be empty' }).max(100).refine(hasNoNul, noNul);

export const RegisterRequestSchema = z.object({ email: EmailSchema, password: PasswordSchema, name: NameSchema }).meta({ id: 'RegisterRequest' });
export const LoginRequestSchema = z
  .object({ email: EmailSchema, password: z.string().min(1, { message: 'is required' }).max(128) })
  .meta({ id: 'LoginRequest' });
export const UpdateProfileRequestSchema = z
  .object({ name: NameSchema.optional() })
  .strict()
  .meta({ id: 'UpdateProfileRequest', description: 'Only the display name can change; email is the login identity.' });

export const UserSchema = z.object({ id: z.string(), email: z.string(), name: z.string(), createdAt: Timestamp }).meta({ id: 'User' });
export const AuthResponseSchema = z.object({ user: UserSchema, token: z.string() }).meta({ id: 'AuthResponse' });
export const UserResponseSchema = z.object({ user: UserSchema }).meta({ id: 'UserResponse' });

// ---------- catalog ----------
export const ProductSchema = z
  .object({ id: z.string(), name: z.string(), description: z.string(), category: z.string(), priceCents: Cents, stock: z.number().int().min(0) })
  .meta({ id: 'Product' });

const intFromQuery = (min: number, max: number) =>
  z.coerce
    .number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be an integer' : undefined) })
    .int({ message: 'must be an integer' })
    .min(min, { message: `must be ≥ ${min}` })
    .max(max, { message: `must be ≤ ${max}` });
export const ProductQuerySchema = z
  .object({
    page: intFromQuery(1, 100_000).default(1),
    pageSize: intFromQuery(1, PAGE_SIZE_MAX).default(20),
    category: z.string().trim().min(1).max(64).refine(hasNoNul, noNul).optional(),
    minPrice: intFromQuery(0, 1_000_000_000).optional().meta({ description: 'inclusive, in cents' }),
    maxPrice: intFromQuery(0, 1_000_000_000).optional().meta({ description: 'inclusive, in cents' }),
    q: z.string().trim().min(1).max(100).refine(hasNoNul, noNul).optional().meta({ description: 'case-insensitive text in name or description' }),
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    message: 'must be ≥ minPrice',
    path: ['maxPrice'],
  });
export type ProductQuery = z.output<typeof ProductQuerySchema>;

export const ProductPageSchema = z
  .object({ items: z.array(ProductSchema), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() })
  .meta({ id: 'ProductPage', description: 'Ordered by category, then price, then id.' });
export const ProductResponseSchema = z.object({ product: ProductSchema }).meta({ id: 'ProductResponse' });
export const CategoriesResponseSchema = z
  .object({ categories: z.array(z.object({ name: z.string(), productCount: z.number().int() })) })
  .meta({ id: 'CategoriesResponse' });
export const ProductIdParamSchema = z.object({ id: ProductId });

// ---------- cart ----------
export const AddCartItemRequestSchema = z.object({ productId: ProductId, quantity: Quantity }).meta({ id: 'AddCartItemRequest' });
export const UpdateCartItemRequestSchema = z.object({ quantity: Quantity }).meta({ id: 'UpdateCartItemRequest' });
export const CartProductParamSchema = z.object({ productId: ProductId });

const LineSchema = z.object({ productId: z.string(), name: z.string(), priceCents: Cents, quantity: z.number().int(), lineTotalCents: Cents });
export const CartSchema = z.object({ items: z.array(LineSchema), totalCents: Cents, itemCount: z.number().int() }).meta({ id: 'Cart' });
export const CartResponseSchema = z.object({ cart: CartSchema }).meta({ id: 'CartResponse' });

// ---------- orders ----------
export const ORDER_STATUSES = ['pending', 'paid', 'shipped'] as const;
export const OrderStatusSchema = z.enum(ORDER_STATUSES);
export const OrderSchema = z
  .object({
    id: z.string(),
    status: OrderStatusSchema,
    items: z.array(LineSchema),
    totalCents: Cents,
    paymentId: z.string().optional(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Order' });
export const OrderResponseSchema = z.object({ order: OrderSchema }).meta({ id: 'OrderResponse' });
export const OrderListResponseSchema = z.object({ orders: z.array(OrderSchema) }).meta({ id: 'OrderListResponse', description: 'Newest first, at most 50.' });
export const OrderIdParamSchema = z.object({ id: z.uuid({ message: 'must be an order id (a UUID)' }).transform((s) => s.toLowerCase()) });

// ---------- payments ----------
export const PaymentRequestSchema = z.object({ orderId: OrderIdParamSchema.shape.id }).meta({ id: 'PaymentRequest' });
export const IdempotencyKeySchema = z
  .string({ message: 'header is required' })
  .min(1, { message: 'header is required' })
  .max(255)
  .regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' });
export const PaymentSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    status: z.enum(['approved', 'declined']),
    amountCents: Cents,
    declineReason: z.string().optional(),
    createdAt: Timestamp,
  })
  .meta({ id: 'Payment' });
export const PaymentResponseSchema = z.object({ payment: PaymentSchema }).meta({ id: 'PaymentResponse' });

export type User = z.infer<typeof UserSchema>;
export type Product = z.infer<typeof ProductSchema>;
export type Cart = z.infer<typeof CartSchema>;
export type OrderLine = z.infer<typeof LineSchema>;
export type Order = z.infer<typeof OrderSchema>;
export type OrderStatus = z.infer<typeof OrderStatusSchema>;
export type Payment = z.infer<typeof PaymentSchema>;
