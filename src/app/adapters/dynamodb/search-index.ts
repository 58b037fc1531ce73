import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { compareProducts, searchText } from '../../core/catalog.js';
import type { Product, ProductQuery } from '../../core/schemas.js';

/**
 * The catalog's text-search index for DynamoDB, which has none of its own: one entry per product (what
 * a search filters on), in catalog order, gzipped JSON in as few items as DynamoDB's 400 KB item limit
 * allows. Written with the catalog (putMany); an execution environment reads it in one Query instead
 * of reading every product, and a search then reads only its page's products, by key.
 */

export interface SearchEntry {
  id: string;
  category: string;
  priceCents: number;
  /** searchText(): lower-cased name and description. */
  text: string;
}

type EncodedEntry = [id: string, category: string, priceCents: number, text: string];

/** Compressed bytes per item: under the 400 KB item limit with room for the key and attribute names. */
export const SEARCH_SHARD_MAX_BYTES = 350_000;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const toSearchEntry = (p: Product): SearchEntry => ({ id: p.id, category: p.category, priceCents: p.priceCents, text: searchText(p) });

/** The entries in catalog order (category, price, id), as searches page through them. */
export function sortedEntries(products: readonly Product[]): SearchEntry[] {
  return [...products].sort(compareProducts).map(toSearchEntry);
}

/** Gzipped shards of the entries, each under `maxBytes`; a shard too big is split in half until it fits. */
export async function encodeSearchIndex(entries: readonly SearchEntry[], maxBytes = SEARCH_SHARD_MAX_BYTES): Promise<Uint8Array[]> {
  const encode = (part: readonly SearchEntry[]) => gzipAsync(JSON.stringify(part.map((e): EncodedEntry => [e.id, e.category, e.priceCents, e.text])));
  const shards: Uint8Array[] = [];
  const pending: Array<readonly SearchEntry[]> = [entries];
  while (pending.length > 0) {
    const part = pending.shift()!;
    const bytes = await encode(part);
    if (bytes.byteLength <= maxBytes) shards.push(new Uint8Array(bytes));
    else if (part.length === 1) throw new Error(`search index: product ${part[0]!.id} alone takes ${bytes.byteLength} bytes compressed`);
    else {
      // Halves go back to the front in order, so the shards stay in catalog order.
      const half = Math.ceil(part.length / 2);
      pending.unshift(part.slice(0, half), part.slice(half));
    }
  }
  return shards;
}

export async function decodeSearchIndex(shards: readonly Uint8Array[]): Promise<SearchEntry[]> {
  const parts = await Promise.all(shards.map(async (s) => JSON.parse((await gunzipAsync(s)).toString('utf8')) as EncodedEntry[]));
  return parts.flat().map(([id, category, priceCents, text]) => ({ id, category, priceCents, text }));
}

/** The entries a text search matches, still in catalog order: same semantics as the stores' live reads. */
export function matchSearch(entries: readonly SearchEntry[], q: Pick<ProductQuery, 'q' | 'category' | 'minPrice' | 'maxPrice'>): SearchEntry[] {
  const needle = (q.q ?? '').toLowerCase();
  const lo = q.minPrice ?? 0;
  const hi = q.maxPrice ?? Number.MAX_SAFE_INTEGER;
  return entries.filter((e) => (q.category === undefined || e.category === q.category) && e.priceCents >= lo && e.priceCents <= hi && e.text.includes(needle));
}
