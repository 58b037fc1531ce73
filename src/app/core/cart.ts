import { DomainError, notFound } from './errors.js';
import type { CartLineRecord, CartRepository, ProductRepository } from './ports.js';
import { CART_MAX_LINES, CART_MAX_QUANTITY, type Cart, type OrderLine, type Product } from './schemas.js';

/** Prices the cart lines at current catalog prices; lines whose product vanished are dropped. */
export function priceLines(lines: readonly CartLineRecord[], products: readonly Product[]): OrderLine[] {
  const byId = new Map(products.map((p) => [p.id, p]));
  const priced: OrderLine[] = [];
  for (const line of lines) {
    const p = byId.get(line.productId);
    if (!p) continue;
    priced.push({ productId: p.id, name: p.name, priceCents: p.priceCents, quantity: line.quantity, lineTotalCents: p.priceCents * line.quantity });
  }
  return priced.sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

export const totalCents = (lines: readonly OrderLine[]): number => lines.reduce((sum, l) => sum + l.lineTotalCents, 0);

export function toCart(lines: OrderLine[]): Cart {
  return { items: lines, totalCents: totalCents(lines), itemCount: lines.reduce((n, l) => n + l.quantity, 0) };
}

export class CartService {
  constructor(
    private readonly carts: CartRepository,
    private readonly products: ProductRepository,
  ) {}

  async get(userId: string): Promise<Cart> {
    const lines = await this.carts.get(userId);
    if (lines.length === 0) return toCart([]);
    return toCart(priceLines(lines, await this.products.getMany(lines.map((l) => l.productId))));
  }

  async addItem(userId: string, productId: string, quantity: number): Promise<Cart> {
    const [lines, product] = await Promise.all([this.carts.get(userId), this.products.get(productId)]);
    if (!product) throw notFound('product', 'productId');
    const existing = lines.find((l) => l.productId === productId);
    if (!existing && lines.length >= CART_MAX_LINES) throw new DomainError('CART_FULL', `a cart holds at most ${CART_MAX_LINES} different products`, 'productId');
    const wanted = (existing?.quantity ?? 0) + quantity;
    if (wanted > CART_MAX_QUANTITY) throw new DomainError('VALIDATION_FAILED', `quantity: at most ${CART_MAX_QUANTITY} of one product`, 'quantity');
    assertInStock(product, wanted);
    await this.carts.setQuantity(userId, productId, wanted);
    return this.get(userId);
  }

  async updateQuantity(userId: string, productId: string, quantity: number): Promise<Cart> {
    const [lines, product] = await Promise.all([this.carts.get(userId), this.products.get(productId)]);
    if (!lines.some((l) => l.productId === productId)) throw notFound('cart item', 'productId');
    if (!product) throw notFound('product', 'productId');
    assertInStock(product, quantity);
    await this.carts.setQuantity(userId, productId, quantity);
    return this.get(userId);
  }

  async removeItem(userId: string, productId: string): Promise<Cart> {
    if (!(await this.carts.remove(userId, productId))) throw notFound('cart item', 'productId');
    return this.get(userId);
  }
}

function assertInStock(product: Product, quantity: number): void {
  if (quantity > product.stock)
    throw new DomainError('INSUFFICIENT_STOCK', `quantity: only ${product.stock} of product ${product.id} in stock`, 'quantity');
}
