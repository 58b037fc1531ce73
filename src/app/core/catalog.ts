import { notFound } from './errors.js';
import type { CategoryCount, ProductRepository } from './ports.js';
import type { Product, ProductQuery } from './schemas.js';

export class CatalogService {
  constructor(private readonly products: ProductRepository) {}

  async list(query: ProductQuery): Promise<{ items: Product[]; page: number; pageSize: number; total: number }> {
    const { items, total } = await this.products.list(query);
    return { items, page: query.page, pageSize: query.pageSize, total };
  }

  async get(id: string): Promise<Product> {
    const product = await this.products.get(id);
    if (!product) throw notFound('product', 'id');
    return product;
  }

  categories(): Promise<CategoryCount[]> {
    return this.products.categories();
  }
}

/** Text search semantics shared by both stores: case-insensitive substring of name or description. */
export const searchText = (p: Pick<Product, 'name' | 'description'>): string => `${p.name}\n${p.description}`.toLowerCase();

/** The catalog order both stores use: category, then price, then id. */
export function compareProducts(a: Product, b: Product): number {
  if (a.category !== b.category) return a.category < b.category ? -1 : 1;
  if (a.priceCents !== b.priceCents) return a.priceCents - b.priceCents;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
