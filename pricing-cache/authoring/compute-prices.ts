/**
 * EC2 and RDS for PostgreSQL on-demand hourly prices for the authored snapshot, per family and size.
 *
 * The rule (EC2, and RDS outside the burstable classes): within one family, AWS's Linux on-demand list
 * price is proportional to the size's normalization factor, the unit AWS itself uses to compare sizes of
 * a family (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ri-size-flexibility.html: nano 0.25,
 * micro 0.5, small 1, medium 2, large 4, xlarge 8, 2xlarge 16, 4xlarge 32, 8xlarge 64, 9xlarge 72,
 * 12xlarge 96, 16xlarge 128). So one published rate per family and region, the `large` price
 * (`nano` for the burstable T families), gives every size: price(size) = rate x factor(size) / factor(base).
 * Rates are read from https://aws.amazon.com/ec2/pricing/on-demand/ and
 * https://aws.amazon.com/rds/postgresql/pricing/. RDS prices are published to three decimals, each size
 * rounded on its own (db.r6g.large $0.225 but db.r6g.2xlarge $0.899, not 4 x 0.225): for RDS the rate is
 * the unrounded per-large figure that reproduces the published sizes, and each size is rounded half-up
 * to $0.001. test/pricing/coverage.test.ts checks the rule against at least two published sizes per
 * family, transcribed in the test from the pages.
 *
 * Where the rule does not hold the sizes are transcribed one by one: the RDS burstable classes (db.t3,
 * db.t4g: PostgreSQL db.t4g.small $0.032, db.t4g.medium $0.065) and EC2 t2 (t2.small $0.023, not 2 x $0.0116).
 *
 * us-east-1 EC2 rates (every family here, and t2 per size) were checked on 2026-11-23 against Karpenter's
 * table generated from the Price List (aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go,
 * "generated at 2026-01-19T13:23:24Z for us-east-1"): all equal; test/cost/golden-published.test.ts pins nine.
 * The lower-confidence regional rates below could not be confirmed from any public source found (searches of the
 * docs, pages and code corpora for regional price tables, 2026-11-23) and keep their label.
 *
 * Confidence: us-east-1 is the best-established region. eu-west-1 and ap-southeast-1 family rates are
 * transcriptions of lower confidence for the 7th-generation families (m7i, m7a, c7i, c7a, r7i, r7a, and
 * db.m7i in every region), and for every RDS non-burstable class outside us-east-1: their description
 * says so, and `archcompare pricing refresh --region R` replaces them with the Price List's figures.
 */
import { Decimal } from '../../src/pricing/money.js';

export type Region = 'us-east-1' | 'eu-west-1' | 'ap-southeast-1';

/** AWS's normalization factors (instance size flexibility), the unit of the rule. */
export const SIZE_FACTOR: Readonly<Record<string, number>> = {
  nano: 0.25, micro: 0.5, small: 1, medium: 2, large: 4, xlarge: 8,
  '2xlarge': 16, '4xlarge': 32, '8xlarge': 64, '9xlarge': 72, '12xlarge': 96, '16xlarge': 128,
};

/** Sizes from large to 16xlarge that the family has (c5 has 9xlarge and 18xlarge instead of 8xlarge and 16xlarge). */
const LARGE_TO_16XL = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'] as const;
const C5_SIZES = ['large', 'xlarge', '2xlarge', '4xlarge', '9xlarge', '12xlarge'] as const;
const NANO_TO_2XL = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge'] as const;

interface Family {
  /** Processor line, as AWS's instance type pages group them. */
  kind: 'general purpose' | 'compute optimized' | 'memory optimized' | 'burstable';
  cpu: 'Intel' | 'AMD' | 'Graviton';
  sizes: readonly string[];
  base: 'large' | 'nano';
  /** The base size's Linux on-demand $/hour per region. */
  rate: Readonly<Record<Region, string>>;
  /** Regions whose rate is a lower-confidence transcription. */
  lowerConfidence?: readonly Region[];
}

const OUTSIDE_US: readonly Region[] = ['eu-west-1', 'ap-southeast-1'];
const gp = (cpu: Family['cpu'], ue1: string, ew1: string, as1: string, lowerConfidence?: readonly Region[]): Family => ({ kind: 'general purpose', cpu, sizes: LARGE_TO_16XL, base: 'large', rate: { 'us-east-1': ue1, 'eu-west-1': ew1, 'ap-southeast-1': as1 }, ...(lowerConfidence ? { lowerConfidence } : {}) });
const co = (cpu: Family['cpu'], ue1: string, ew1: string, as1: string, lowerConfidence?: readonly Region[], sizes: readonly string[] = LARGE_TO_16XL): Family => ({ kind: 'compute optimized', cpu, sizes, base: 'large', rate: { 'us-east-1': ue1, 'eu-west-1': ew1, 'ap-southeast-1': as1 }, ...(lowerConfidence ? { lowerConfidence } : {}) });
const mo = (cpu: Family['cpu'], ue1: string, ew1: string, as1: string, lowerConfidence?: readonly Region[]): Family => ({ kind: 'memory optimized', cpu, sizes: LARGE_TO_16XL, base: 'large', rate: { 'us-east-1': ue1, 'eu-west-1': ew1, 'ap-southeast-1': as1 }, ...(lowerConfidence ? { lowerConfidence } : {}) });
const burst = (cpu: Family['cpu'], ue1: string, ew1: string, as1: string): Family => ({ kind: 'burstable', cpu, sizes: NANO_TO_2XL, base: 'nano', rate: { 'us-east-1': ue1, 'eu-west-1': ew1, 'ap-southeast-1': as1 } });

/** EC2 families a web tier uses, current generation, Intel / AMD / Graviton: the rate of the base size, Linux, shared tenancy. */
export const EC2_FAMILIES: Readonly<Record<string, Family>> = {
  m5: gp('Intel', '0.096', '0.107', '0.12'),
  m5a: gp('AMD', '0.086', '0.096', '0.108'),
  m6i: gp('Intel', '0.096', '0.107', '0.12'),
  m6a: gp('AMD', '0.0864', '0.0963', '0.108'),
  m6g: gp('Graviton', '0.077', '0.086', '0.096'),
  m7i: gp('Intel', '0.1008', '0.1124', '0.126', OUTSIDE_US),
  m7a: gp('AMD', '0.11592', '0.12922', '0.1449', OUTSIDE_US),
  m7g: gp('Graviton', '0.0816', '0.091', '0.102', OUTSIDE_US),
  c5: co('Intel', '0.085', '0.096', '0.098', undefined, C5_SIZES),
  c5a: co('AMD', '0.077', '0.086', '0.088'),
  c6i: co('Intel', '0.085', '0.096', '0.098'),
  c6a: co('AMD', '0.0765', '0.0864', '0.0882'),
  c6g: co('Graviton', '0.068', '0.0768', '0.0784'),
  c7i: co('Intel', '0.08925', '0.1008', '0.1029', OUTSIDE_US),
  c7a: co('AMD', '0.10264', '0.11592', '0.11832', OUTSIDE_US),
  c7g: co('Graviton', '0.0725', '0.0816', '0.0835', OUTSIDE_US),
  r5: mo('Intel', '0.126', '0.141', '0.152'),
  r5a: mo('AMD', '0.113', '0.126', '0.136'),
  r6i: mo('Intel', '0.126', '0.141', '0.152'),
  r6a: mo('AMD', '0.1134', '0.1269', '0.1368'),
  r6g: mo('Graviton', '0.1008', '0.1128', '0.1216'),
  r7i: mo('Intel', '0.1323', '0.1481', '0.1596', OUTSIDE_US),
  r7a: mo('AMD', '0.15215', '0.17031', '0.18354', OUTSIDE_US),
  r7g: mo('Graviton', '0.1071', '0.1199', '0.1292', OUTSIDE_US),
  t3: burst('Intel', '0.0052', '0.0057', '0.0066'),
  t3a: burst('AMD', '0.0047', '0.0051', '0.0059'),
  t4g: burst('Graviton', '0.0042', '0.0046', '0.0053'),
};

/** t2 (previous generation, kept because T2 Unlimited is priced): not linear (t2.small $0.023), so per size. */
const T2: Readonly<Record<Region, Readonly<Record<string, string>>>> = {
  'us-east-1': { 't2.nano': '0.0058', 't2.micro': '0.0116', 't2.small': '0.023', 't2.medium': '0.0464', 't2.large': '0.0928', 't2.xlarge': '0.1856', 't2.2xlarge': '0.3712' },
  'eu-west-1': { 't2.nano': '0.0063', 't2.micro': '0.0126', 't2.small': '0.025', 't2.medium': '0.05', 't2.large': '0.1008', 't2.xlarge': '0.2016', 't2.2xlarge': '0.4032' },
  'ap-southeast-1': { 't2.nano': '0.0073', 't2.micro': '0.0146', 't2.small': '0.0292', 't2.medium': '0.0584', 't2.large': '0.1168', 't2.xlarge': '0.2336', 't2.2xlarge': '0.4672' },
};

/** vCPUs of the burstable sizes (https://aws.amazon.com/ec2/instance-types/t3/ and t2/, t4g/): what a surplus-credit vCPU-hour counts. */
export const BURSTABLE_VCPUS: Readonly<Record<string, number>> = {
  't2.nano': 1, 't2.micro': 1, 't2.small': 1, 't2.medium': 2, 't2.large': 2, 't2.xlarge': 4, 't2.2xlarge': 8,
  ...Object.fromEntries(['t3', 't3a', 't4g'].flatMap((f) => NANO_TO_2XL.map((s) => [`${f}.${s}`, s === 'xlarge' ? 4 : s === '2xlarge' ? 8 : 2]))),
};

export interface AuthoredHourly {
  name: string;
  usd: string;
  /** How the figure was obtained: the family rule or a per-size transcription. */
  how: string;
  lowerConfidence: boolean;
}

/** Rate x factor, exact in decimal.js; trailing zeros trimmed (the Price List's figures are plain decimals). */
function byRule(rate: string, size: string, base: string, decimals?: number): string {
  const exact = new Decimal(rate).mul(SIZE_FACTOR[size]!).div(SIZE_FACTOR[base]!);
  return (decimals === undefined ? exact : exact.toDecimalPlaces(decimals, Decimal.ROUND_HALF_UP)).toFixed();
}

export function ec2HourlyPrices(region: Region): AuthoredHourly[] {
  const out: AuthoredHourly[] = [];
  for (const [family, f] of Object.entries(EC2_FAMILIES))
    for (const size of f.sizes)
      out.push({ name: `${family}.${size}`, usd: byRule(f.rate[region], size, f.base), how: `${family}.${f.base} rate $${f.rate[region]} x normalization factor ${SIZE_FACTOR[size]} / ${SIZE_FACTOR[f.base]}`, lowerConfidence: f.lowerConfidence?.includes(region) ?? false });
  for (const [name, usd] of Object.entries(T2[region])) out.push({ name, usd, how: 'transcribed per size', lowerConfidence: false });
  return out;
}

interface DbClass {
  cpu: Family['cpu'];
  /** Unrounded Single-AZ $/hour of the large size; each size is rounded to $0.001 on its own. Multi-AZ is twice the unrounded figure. */
  rate: Readonly<Record<Region, string>>;
  lowerConfidence: readonly Region[];
}

const db = (cpu: Family['cpu'], ue1: string, ew1: string, as1: string, lowerConfidence: readonly Region[] = OUTSIDE_US): DbClass => ({ cpu, rate: { 'us-east-1': ue1, 'eu-west-1': ew1, 'ap-southeast-1': as1 }, lowerConfidence });
const ALL_REGIONS: readonly Region[] = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];

/** RDS for PostgreSQL classes priced by the rule (large to 16xlarge). */
export const RDS_CLASSES: Readonly<Record<string, DbClass>> = {
  'db.m5': db('Intel', '0.178', '0.197', '0.24'),
  'db.m6g': db('Graviton', '0.159', '0.176', '0.214'),
  'db.m6i': db('Intel', '0.178', '0.197', '0.24'),
  'db.m7g': db('Graviton', '0.168', '0.186', '0.227'),
  'db.m7i': db('Intel', '0.187', '0.207', '0.252', ALL_REGIONS),
  'db.r5': db('Intel', '0.25', '0.28', '0.30'),
  'db.r6g': db('Graviton', '0.22475', '0.252', '0.269'),
  'db.r6i': db('Intel', '0.25', '0.28', '0.30'),
  'db.r7g': db('Graviton', '0.2391', '0.268', '0.285'),
};

/** RDS burstable classes, transcribed per size: [Single-AZ, Multi-AZ] $/hour (rounded per size, so not linear). */
const RDS_BURSTABLE: Readonly<Record<Region, Readonly<Record<string, readonly [string, string]>>>> = {
  'us-east-1': {
    'db.t4g.micro': ['0.016', '0.032'], 'db.t4g.small': ['0.032', '0.065'], 'db.t4g.medium': ['0.065', '0.129'], 'db.t4g.large': ['0.129', '0.258'], 'db.t4g.xlarge': ['0.258', '0.517'], 'db.t4g.2xlarge': ['0.517', '1.034'],
    'db.t3.micro': ['0.018', '0.036'], 'db.t3.small': ['0.036', '0.072'], 'db.t3.medium': ['0.072', '0.145'], 'db.t3.large': ['0.145', '0.29'], 'db.t3.xlarge': ['0.29', '0.579'], 'db.t3.2xlarge': ['0.579', '1.158'],
  },
  'eu-west-1': {
    'db.t4g.micro': ['0.017', '0.034'], 'db.t4g.small': ['0.034', '0.068'], 'db.t4g.medium': ['0.068', '0.136'], 'db.t4g.large': ['0.136', '0.272'], 'db.t4g.xlarge': ['0.272', '0.544'], 'db.t4g.2xlarge': ['0.544', '1.088'],
    'db.t3.micro': ['0.019', '0.038'], 'db.t3.small': ['0.038', '0.076'], 'db.t3.medium': ['0.076', '0.152'], 'db.t3.large': ['0.152', '0.304'], 'db.t3.xlarge': ['0.304', '0.608'], 'db.t3.2xlarge': ['0.608', '1.216'],
  },
  'ap-southeast-1': {
    'db.t4g.micro': ['0.025', '0.050'], 'db.t4g.small': ['0.051', '0.102'], 'db.t4g.medium': ['0.102', '0.204'], 'db.t4g.large': ['0.204', '0.408'], 'db.t4g.xlarge': ['0.408', '0.816'], 'db.t4g.2xlarge': ['0.816', '1.632'],
    'db.t3.micro': ['0.028', '0.056'], 'db.t3.small': ['0.056', '0.112'], 'db.t3.medium': ['0.112', '0.224'], 'db.t3.large': ['0.224', '0.448'], 'db.t3.xlarge': ['0.448', '0.896'], 'db.t3.2xlarge': ['0.896', '1.792'],
  },
};

export interface AuthoredDbHourly {
  name: string;
  singleAz: string;
  multiAz: string;
  how: string;
  lowerConfidence: boolean;
}

export function rdsHourlyPrices(region: Region): AuthoredDbHourly[] {
  const out: AuthoredDbHourly[] = [];
  for (const [name, [singleAz, multiAz]] of Object.entries(RDS_BURSTABLE[region])) out.push({ name, singleAz, multiAz, how: 'transcribed per size', lowerConfidence: region === 'ap-southeast-1' });
  for (const [cls, c] of Object.entries(RDS_CLASSES))
    for (const size of LARGE_TO_16XL)
      out.push({
        name: `${cls}.${size}`,
        singleAz: byRule(c.rate[region], size, 'large', 3),
        multiAz: byRule(new Decimal(c.rate[region]).mul(2).toFixed(), size, 'large', 3),
        how: `${cls}.large rate $${c.rate[region]} x normalization factor ${SIZE_FACTOR[size]} / 4, rounded to $0.001`,
        lowerConfidence: c.lowerConfidence.includes(region),
      });
  return out;
}
