import { UserError } from '../errors.js';
import type { PriceBook } from './price-book.js';
import type { PriceProduct } from './schema.js';

/**
 * What `archcompare pricing list` shows: every product a region's snapshot prices, one row each, with its
 * price (every tier) in the Price List's unit. Pure: the command loads the book and prints the rows.
 */

/** Short service names for --service, to the Price List's service codes. */
export const SERVICE_ALIASES: Readonly<Record<string, string>> = {
  ec2: 'AmazonEC2', rds: 'AmazonRDS', lambda: 'AWSLambda', apigateway: 'AmazonApiGateway', dynamodb: 'AmazonDynamoDB',
  s3: 'AmazonS3', sqs: 'AWSQueueService', sns: 'AmazonSNS', cognito: 'AmazonCognito', cloudwatch: 'AmazonCloudWatch',
  elb: 'AWSELB', vpc: 'AmazonVPC', datatransfer: 'AWSDataTransfer', kms: 'awskms', secretsmanager: 'AWSSecretsManager',
};

export interface PriceRow {
  service: string;
  productFamily: string;
  /** What a reader looks for: the instance type or class (with its deployment), else the usage type without its region prefix. */
  product: string;
  unit: string;
  /** "$0.096" or tiered: "first 300,000,000 $0.000001; over 300,000,000 $0.0000009". */
  price: string;
  usageType: string;
  effectiveDate: string;
}

const N = new Intl.NumberFormat('en-US');
const usd = (v: string) => `$${v.replace(/(\.\d*?[1-9])0+$/, '$1').replace(/\.0+$/, '')}`;

function priceText(p: PriceProduct): string {
  const dims = p.onDemand.priceDimensions;
  if (dims.length === 1) return usd(dims[0]!.pricePerUnit.USD);
  return dims.map((d, i) => `${i === 0 ? `first ${N.format(Number(d.endRange))}` : d.endRange === 'Inf' ? `over ${N.format(Number(d.beginRange))}` : `to ${N.format(Number(d.endRange))}`} ${usd(d.pricePerUnit.USD)}`).join('; ');
}

function productName(p: PriceProduct): string {
  const a = p.attributes;
  const bare = (a.usagetype ?? '').replace(/^[A-Z]{2,4}[0-9]?-(?=[A-Za-z])/, '').replace(/^[a-z]{2}-[a-z]+-\d-/, '');
  if (a.instanceType) return a.deploymentOption ? `${a.instanceType} ${a.deploymentOption}` : a.instanceType;
  return bare;
}

/** Canonical order: by service, then family, then instance size order as the snapshot lists them. */
export function priceRows(book: PriceBook, service?: string): PriceRow[] {
  const code = service === undefined ? undefined : SERVICE_ALIASES[service.toLowerCase()] ?? service;
  if (code !== undefined && !Object.values(SERVICE_ALIASES).includes(code))
    throw new UserError(`--service: '${service}' is not a service the snapshot prices`, `use one of ${Object.keys(SERVICE_ALIASES).join(', ')}`);
  return book.products(code).map((p) => ({
    service: p.serviceCode,
    productFamily: p.productFamily,
    product: productName(p),
    unit: p.onDemand.priceDimensions[0]!.unit,
    price: priceText(p),
    usageType: p.attributes.usagetype ?? '',
    effectiveDate: p.onDemand.effectiveDate,
  }));
}

/** The rows as a plain-text table (pipes and terminals alike). */
export function priceRowsText(rows: readonly PriceRow[], header: { region: string; pricesAsOf: string; source: string; file: string }): string {
  const width = (f: (r: PriceRow) => string, min: number) => Math.max(min, ...rows.map((r) => f(r).length));
  const [ws, wf, wp, wu] = [width((r) => r.service, 7), width((r) => r.productFamily, 14), width((r) => r.product, 7), width((r) => r.unit, 4)];
  const line = (s: string, f: string, p: string, u: string, price: string) => `${s.padEnd(ws)}  ${f.padEnd(wf)}  ${p.padEnd(wp)}  ${u.padEnd(wu)}  ${price}`.trimEnd();
  return [
    `Prices: ${header.file} (${header.source}, as of ${header.pricesAsOf}) · region ${header.region} · ${rows.length} products · USD per unit`,
    '',
    line('Service', 'Product family', 'Product', 'Unit', 'Price'),
    ...rows.map((r) => line(r.service, r.productFamily, r.product, r.unit, r.price)),
    '',
  ].join('\n');
}
