import { z } from 'zod';
import { RegionSchema } from '../config/stack-config.js';

/**
 * The committed price snapshot (pricing-cache/aws-<region>.json). Each product keeps the AWS
 * Price List vocabulary it came from — serviceCode, productFamily, the product attributes
 * (usagetype, operation, regionCode, instanceType …), the OnDemand term's effectiveDate and every
 * price dimension with its beginRange/endRange tier bounds — so a cost line can cite exactly the
 * price entry it used, and `archcompare pricing refresh` can rebuild the file from GetProducts.
 */

export const SNAPSHOT_KIND = 'archcompare-aws-price-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;

/** Prices stay strings end to end: they become decimal.js values, never binary floats. */
const DecimalString = z.string().regex(/^\d+(\.\d+)?$/, { message: 'must be a non-negative decimal number written as a string (e.g. "0.0208000000")' });
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z)?$/, { message: 'must be an ISO-8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)' });

export const PriceDimensionSchema = z
  .object({
    rateCode: z.string().optional(),
    description: z.string(),
    /** The Price List unit: Hrs, GB-Mo, Requests, Lambda-GB-Second, LCU-Hrs … */
    unit: z.string().min(1),
    beginRange: DecimalString,
    endRange: z.union([DecimalString, z.literal('Inf')]),
    // The Price List's 10 decimal places; the engine's fixed-point arithmetic is exact at that scale.
    pricePerUnit: z.object({ USD: DecimalString.refine((v) => !/\.\d{11,}$/.test(v.replace(/0+$/, '')), { message: 'must have at most 10 decimal places' }) }).strict(),
  })
  .strict();
export type PriceDimension = z.infer<typeof PriceDimensionSchema>;

export const PriceProductSchema = z
  .object({
    sku: z.string().min(1).optional(),
    serviceCode: z.string().min(1),
    productFamily: z.string().min(1),
    attributes: z
      .record(z.string(), z.string())
      .refine((a) => typeof a.usagetype === 'string' && a.usagetype.length > 0, { message: 'must include the Price List attribute "usagetype"' })
      .refine((a) => typeof a.operation === 'string', { message: 'must include the Price List attribute "operation" (may be "")' }),
    onDemand: z
      .object({
        offerTermCode: z.string().optional(),
        effectiveDate: IsoDate,
        priceDimensions: z.array(PriceDimensionSchema).min(1),
      })
      .strict(),
    /** Where an authored entry's price was read (a public AWS pricing page), when not from the API. */
    source: z.string().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    // Tiers must cover [0, Inf) without gaps, in order: a hole would price some usage at nothing.
    const dims = p.onDemand.priceDimensions;
    let expectedBegin = '0';
    dims.forEach((d, i) => {
      if (Number(d.beginRange) !== Number(expectedBegin))
        ctx.addIssue({ code: 'custom', path: ['onDemand', 'priceDimensions', i, 'beginRange'], message: `tier must begin at ${expectedBegin} (tiers must be contiguous, in order, from 0)` });
      if (d.endRange !== 'Inf' && Number(d.endRange) <= Number(d.beginRange))
        ctx.addIssue({ code: 'custom', path: ['onDemand', 'priceDimensions', i, 'endRange'], message: 'must be greater than beginRange' });
      expectedBegin = d.endRange;
    });
    if (dims.at(-1)?.endRange !== 'Inf')
      ctx.addIssue({ code: 'custom', path: ['onDemand', 'priceDimensions', dims.length - 1, 'endRange'], message: 'the last tier must end at "Inf"' });
  });
export type PriceProduct = z.infer<typeof PriceProductSchema>;

export const SnapshotHeaderSchema = z
  .object({
    kind: z.literal(SNAPSHOT_KIND),
    formatVersion: z.literal(SNAPSHOT_FORMAT_VERSION),
    region: RegionSchema,
    location: z.string().min(1),
    currency: z.literal('USD'),
    /** The day the prices were read from AWS: the staleness check counts from here. */
    pricesAsOf: IsoDate,
    createdAt: IsoDate,
    /** "authored" (transcribed from AWS's public pricing pages) or "price-list-api" (GetProducts). */
    source: z.enum(['authored', 'price-list-api']),
    sourceDetail: z.string().min(1),
    note: z.string().min(1),
  })
  .strict();
export type SnapshotHeader = z.infer<typeof SnapshotHeaderSchema>;

export const PriceSnapshotSchema = z
  .object({
    snapshot: SnapshotHeaderSchema,
    products: z.array(PriceProductSchema).min(1, { message: 'a snapshot needs at least one product' }),
  })
  .strict();
export type PriceSnapshot = z.infer<typeof PriceSnapshotSchema>;

/** One GetProducts PriceList entry, parsed from its JSON string (aws_v1 format). */
export const PriceListItemSchema = z.object({
  product: z.object({
    productFamily: z.string().optional(),
    attributes: z.record(z.string(), z.string()),
    sku: z.string(),
  }),
  serviceCode: z.string(),
  terms: z.object({
    OnDemand: z
      .record(
        z.string(),
        z.object({
          priceDimensions: z.record(
            z.string(),
            z.object({
              unit: z.string(),
              endRange: z.string(),
              description: z.string(),
              appliesTo: z.array(z.string()).optional(),
              rateCode: z.string(),
              beginRange: z.string(),
              pricePerUnit: z.record(z.string(), z.string()),
            }),
          ),
          sku: z.string(),
          effectiveDate: z.string(),
          offerTermCode: z.string(),
          termAttributes: z.record(z.string(), z.string()).optional(),
        }),
      )
      .optional(),
    Reserved: z.unknown().optional(),
  }),
  version: z.string().optional(),
  publicationDate: z.string().optional(),
});
export type PriceListItem = z.infer<typeof PriceListItemSchema>;
