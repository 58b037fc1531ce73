import type { ProductRepository } from './core/ports.js';
import type { Product } from './core/schemas.js';
import { seededRandom } from '../seeded-random.js';

export const DEFAULT_CATALOG_SIZE = 10_000;

export const SEED_CATEGORIES = ['books', 'electronics', 'garden', 'grocery', 'health', 'home', 'kitchen', 'music', 'outdoors', 'pets', 'sports', 'toys'] as const;
const ADJECTIVES = ['Classic', 'Compact', 'Deluxe', 'Eco', 'Ergonomic', 'Handmade', 'Heavy-duty', 'Lightweight', 'Modern', 'Portable', 'Premium', 'Rustic', 'Smart', 'Vintage', 'Wireless', 'Zesty'];
const MATERIALS = ['bamboo', 'cotton', 'steel', 'oak', 'ceramic', 'glass', 'leather', 'wool', 'copper', 'linen'];
const NOUNS: Record<(typeof SEED_CATEGORIES)[number], string[]> = {
  books: ['novel', 'cookbook', 'atlas', 'journal', 'anthology'],
  electronics: ['headphones', 'charger', 'speaker', 'keyboard', 'monitor'],
  garden: ['trowel', 'planter', 'hose', 'seed kit', 'pruner'],
  grocery: ['coffee', 'tea', 'olive oil', 'granola', 'honey'],
  health: ['vitamin pack', 'yoga mat', 'massager', 'thermometer', 'scale'],
  home: ['lamp', 'blanket', 'cushion', 'clock', 'rug'],
  kitchen: ['knife', 'pan', 'kettle', 'cutting board', 'mixer'],
  music: ['guitar strings', 'metronome', 'ukulele', 'vinyl record', 'drumsticks'],
  outdoors: ['tent', 'lantern', 'backpack', 'sleeping bag', 'compass'],
  pets: ['dog bed', 'cat toy', 'leash', 'bowl', 'scratching post'],
  sports: ['football', 'racket', 'water bottle', 'helmet', 'jump rope'],
  toys: ['puzzle', 'kite', 'robot kit', 'board game', 'plush bear'],
};


/** N products across the seed categories; product i is the same whatever N is. */
export function generateCatalog(n = DEFAULT_CATALOG_SIZE): Product[] {
  if (!Number.isInteger(n) || n < 0 || n > 10_000_000) throw new RangeError(`catalog size must be an integer 0..10,000,000, got ${n}`);
  const products: Product[] = [];
  for (let i = 1; i <= n; i += 1) {
    const rand = seededRandom(i * 2654435761);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const category = pick(SEED_CATEGORIES);
    const adjective = pick(ADJECTIVES);
    const material = pick(MATERIALS);
    const noun = pick(NOUNS[category]);
    products.push({
      id: `prod-${String(i).padStart(6, '0')}`,
      name: `${adjective} ${material} ${noun}`,
      description: `A ${adjective.toLowerCase()} ${noun} made of ${material}. Item ${i} of the archcompare demo catalog.`,
      category,
      // Prices end in 99 cents, from $1.99 to $499.99.
      priceCents: (1 + Math.floor(rand() * 499)) * 100 + 99,
      stock: 10 + Math.floor(rand() * 491),
    });
  }
  return products;
}

/** Loads the deterministic catalog into a store (either runtime's ProductRepository). */
export async function seedCatalog(store: { products?: ProductRepository | undefined }, n = DEFAULT_CATALOG_SIZE): Promise<{ products: number; categories: number }> {
  if (!store.products) throw new Error('this store has no products repository');
  const catalog = generateCatalog(n);
  await store.products.putMany(catalog);
  return { products: catalog.length, categories: new Set(catalog.map((p) => p.category)).size };
}
