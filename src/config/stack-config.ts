import { z } from 'zod';
import { burstableCredits } from '../architecture/instance-sizes.js';
import { STACK } from '../architecture/modelled-parameters.js';

/**
 * The one configuration both stacks are built from. Defaults size a small shop
 * (a few hundred orders a day, bursts to a few hundred requests/s) with safe settings:
 * encrypted storage, private database, bounded concurrency.
 */

export const MODELS = ['traditional', 'serverless'] as const;
export const ModelSchema = z.enum(MODELS);
export type Model = z.infer<typeof ModelSchema>;

/**
 * The Node.js major both models run: Lambda's managed runtime, the AL2023 package on the instances and
 * the esbuild target of both bundles. One major on both sides, or the comparison measures runtimes.
 */
export const NODE_MAJOR = 22;

/**
 * Lambda Node.js runtimes the pinned AWS provider (5.100.0) accepts, with the deprecation date of
 * AWS's "Lambda runtimes" page (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html; the
 * dates as mirrored from it by tflint-ruleset-aws and endoflife.date): from that date the runtime gets
 * no patches and Lambda then blocks creating, and later updating, functions on it.
 * nodejs24.x needs provider >= 6.19 (see the README, "Runtime versions").
 */
export const LAMBDA_NODE_RUNTIMES = {
  'nodejs18.x': { deprecated: '2025-09-01' },
  'nodejs20.x': { deprecated: '2026-04-30' },
  'nodejs22.x': { deprecated: '2027-04-30' },
} as const;
export type LambdaNodeRuntime = keyof typeof LAMBDA_NODE_RUNTIMES;
const LAMBDA_RUNTIME_IDS = Object.keys(LAMBDA_NODE_RUNTIMES) as [LambdaNodeRuntime, ...LambdaNodeRuntime[]];
export const DEFAULT_LAMBDA_RUNTIME = `nodejs${NODE_MAJOR}.x` as LambdaNodeRuntime;

/**
 * End of RDS standard support per PostgreSQL major, from the "Release calendar for Amazon RDS for
 * PostgreSQL" (https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html;
 * 13–16 as scraped from it by endoflife.date and in AWS's notices, 17 and 18 follow its rule: the end of
 * February after the community's end of life). After it, RDS bills Extended Support, or upgrades the
 * major itself when Extended Support is disabled.
 */
export const RDS_POSTGRES_STANDARD_SUPPORT_ENDS = {
  '13': '2026-02-28',
  '14': '2027-02-28',
  '15': '2028-02-29',
  '16': '2029-02-28',
  '17': '2030-02-28',
  '18': '2031-02-28',
} as const;
export type PostgresMajor = keyof typeof RDS_POSTGRES_STANDARD_SUPPORT_ENDS;
const POSTGRES_MAJORS = Object.keys(RDS_POSTGRES_STANDARD_SUPPORT_ENDS) as PostgresMajor[];

/** Today as YYYY-MM-DD (UTC), the form the lifecycle dates above are written in. */
const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** Why AWS no longer lets a function be created on this runtime on `today`, or undefined. */
export function lambdaRuntimeProblem(runtime: LambdaNodeRuntime, today: Date): string | undefined {
  const { deprecated } = LAMBDA_NODE_RUNTIMES[runtime];
  if (isoDay(today) < deprecated) return undefined;
  return `${runtime} was deprecated by AWS Lambda on ${deprecated} (creating functions on it is then blocked): use ${supportedLambdaRuntimes(today).join(' or ') || 'a newer runtime'}`;
}

export function supportedLambdaRuntimes(today: Date): LambdaNodeRuntime[] {
  return LAMBDA_RUNTIME_IDS.filter((r) => isoDay(today) < LAMBDA_NODE_RUNTIMES[r].deprecated);
}

/** Why this PostgreSQL version is outside RDS standard support on `today`, or undefined. */
export function postgresVersionProblem(version: string, today: Date): string | undefined {
  const major = version.split('.')[0] ?? '';
  const supported = POSTGRES_MAJORS.filter((m) => isoDay(today) <= RDS_POSTGRES_STANDARD_SUPPORT_ENDS[m]);
  const fix = `use ${supported.join(', ')} (RDS standard support)`;
  if (!(major in RDS_POSTGRES_STANDARD_SUPPORT_ENDS)) return `PostgreSQL ${version} is not a major RDS supports here: ${fix}`;
  const ends = RDS_POSTGRES_STANDARD_SUPPORT_ENDS[major as PostgresMajor];
  if (isoDay(today) <= ends) return undefined;
  return `PostgreSQL ${major} left RDS standard support on ${ends} (RDS would bill Extended Support): ${fix}`;
}

/** Burstable (T) families earn CPU credits; "unlimited" mode bills the surplus above baseline. */
export function isBurstable(instanceType: string): boolean {
  return /^t\d+[a-z]*$/.test(instanceType.split('.')[0] ?? '');
}

export const RUN_ID_PATTERN = /^[a-z][a-z0-9-]{2,14}[a-z0-9]$/;

/** AWS commercial + GovCloud + China region names, e.g. us-east-1, eu-west-2, ap-southeast-1. */
export const REGION_PATTERN = /^(us|eu|ap|sa|ca|me|af|il|mx)(-gov)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-[1-9]$|^cn-(north|northwest)-1$/;
export const RegionSchema = z
  .string()
  .regex(REGION_PATTERN, { message: 'is not an AWS region name (expected e.g. us-east-1, eu-west-1)' });

const TraditionalConfigSchema = z
  .object({
    /**
     * Credit mode of burstable (t2/t3/t3a/t4g) instances: `standard` caps CPU at the earned credits;
     * `unlimited` bursts beyond them and bills the surplus vCPU-hours. Ignored for other families.
     */
    cpuCredits: z.enum(['standard', 'unlimited']).default('standard'),
    /** EC2 instance type of each app server; a Graviton type (t4g, m7g …) selects the arm64 AMI. */
    instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: 'is not an EC2 instance type (e.g. t3.small)' }).default('t3.small'),
    /** Auto Scaling Group bounds: min ≤ desired ≤ max. */
    minInstances: z.number().int().min(1).max(100).default(2),
    desiredInstances: z.number().int().min(1).max(100).default(2),
    maxInstances: z.number().int().min(1).max(100).default(6),
    /** Target-tracking policy: keep the group's average CPU at this percentage. */
    targetCpuPercent: z.number().min(10).max(90).default(50),
    /** Seconds a new instance needs before its metrics count (ASG default instance warm-up). */
    instanceWarmupSeconds: z.number().int().min(0).max(3600).default(120),
    /**
     * Seconds the ASG ignores failed load-balancer health checks of a new instance (health-check grace
     * period). Default: the modelled boot (stack.instanceBootSeconds) plus the health checks it must pass.
     */
    healthCheckGracePeriodSeconds: z.number().int().min(0).max(7200).optional(),
    /** Root EBS volume of each instance (gp3, encrypted). */
    rootVolumeGb: z.number().int().min(8).max(1024).default(8),
    /** AMI to boot; empty picks the latest Amazon Linux 2023 for the instance architecture. */
    amiId: z.string().regex(/^ami-[0-9a-f]{8,17}$/, { message: 'is not an AMI id (ami-…)' }).optional(),
    /**
     * NAT gateways for the private subnets: 1 (one AZ of egress, cheaper) or 2 (one per AZ). 0 is
     * refused: the stack has no VPC endpoints, so instances could not boot without egress.
     */
    natGateways: z
      .number()
      .int()
      .min(1, { message: 'must be 1 or 2: with 0 the private app instances could not reach S3 (their server tarball) or Secrets Manager at boot (the stack has no VPC endpoints)' })
      .max(2)
      .default(1),
    /**
     * ACM certificate (same region) for the load balancer: with it the ALB serves HTTPS on 443 and
     * redirects HTTP to it; without it the deployment is HTTP-only, fit for benchmarking only.
     */
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/, { message: 'is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)' })
      .optional(),
    /** RDS PostgreSQL instance class. */
    dbInstanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { message: 'is not an RDS instance class (e.g. db.t4g.micro)' }).default('db.t4g.micro'),
    /** RDS PostgreSQL version (major, or major.minor); only majors in RDS standard support. */
    dbEngineVersion: z
      .string()
      .regex(/^\d+(\.\d+)?$/, { message: 'is not a PostgreSQL version (e.g. 17 or 17.6)' })
      .superRefine((v, ctx) => {
        const problem = postgresVersionProblem(v, new Date());
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .default('17'),
    /** Allocated gp3 storage in GB (RDS minimum for gp3 is 20). */
    dbAllocatedStorageGb: z.number().int().min(20).max(65536).default(20),
    /** Standby replica in a second AZ (doubles the instance price). */
    dbMultiAz: z.boolean().default(false),
    /** Days of automated backups (0 disables them). */
    dbBackupRetentionDays: z.number().int().min(0).max(35).default(7),
    /** Port the app server listens on inside the instance. */
    appPort: z.number().int().min(1024).max(65535).default(8080),
    /** The app's health route, used by the ALB target group. */
    healthCheckPath: z.string().startsWith('/').default('/health'),
    healthyThreshold: z.number().int().min(2).max(10).default(2),
    unhealthyThreshold: z.number().int().min(2).max(10).default(3),
    healthCheckIntervalSeconds: z.number().int().min(5).max(300).default(15),
    /** Seconds the ALB waits for in-flight requests before deregistering a target. */
    deregistrationDelaySeconds: z.number().int().min(0).max(3600).default(30),
  })
  .strict()
  .transform((t) => ({
    ...t,
    healthCheckGracePeriodSeconds: t.healthCheckGracePeriodSeconds ?? gracePeriodForBoot(STACK.instanceBootSeconds, t),
    healthCheckGracePeriodBasis: (t.healthCheckGracePeriodSeconds !== undefined
      ? { kind: 'config', label: 'set in the config (traditional.healthCheckGracePeriodSeconds)' }
      : { kind: 'modelled', label: `modelled: boot ${STACK.instanceBootSeconds} s (stack.instanceBootSeconds) + ${healthChecksLabel(t)}` }) as GracePeriodBasis,
  }));

/**
 * Where the health-check grace period came from: the config, the modelled boot, or boots measured by
 * earlier deploys of the same account, region and instance type (src/deploy/instance-boots.ts).
 */
export interface GracePeriodBasis {
  kind: 'config' | 'modelled' | 'measured';
  label: string;
}

type HealthChecks = { healthyThreshold: number; healthCheckIntervalSeconds: number };

/** The one grace-period formula: the boot, then healthyThreshold passing checks (before them the target cannot be healthy). */
export function gracePeriodForBoot(bootSeconds: number, t: HealthChecks): number {
  return Math.ceil(bootSeconds) + t.healthyThreshold * t.healthCheckIntervalSeconds;
}

export function healthChecksLabel(t: HealthChecks): string {
  return `${t.healthyThreshold} × ${t.healthCheckIntervalSeconds} s health checks`;
}

const LOG_RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];


const ServerlessConfigSchema = z
  .object({
    /** Memory of every function in MB (CPU share scales with it). */
    lambdaMemoryMb: z.number().int().min(128).max(10240).default(512),
    /** arm64 (Graviton, ~20% cheaper per GB-second) or x86_64. */
    lambdaArchitecture: z.enum(['arm64', 'x86_64']).default('arm64'),
    lambdaTimeoutSeconds: z.number().int().min(1).max(900).default(10),
    lambdaRuntime: z
      .enum(LAMBDA_RUNTIME_IDS, { message: `is not a Node.js runtime the pinned AWS provider accepts (${LAMBDA_RUNTIME_IDS.join(', ')})` })
      .superRefine((r, ctx) => {
        const problem = lambdaRuntimeProblem(r, new Date());
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .default(DEFAULT_LAMBDA_RUNTIME),
    /** Ephemeral /tmp storage in MB (over 512 is billed). */
    lambdaEphemeralStorageMb: z.number().int().min(512).max(10240).default(512),
    /**
     * Reserved concurrency per function; unset = share the account pool (1000 by default). At least 1:
     * 0 stops Lambda from invoking the function at all. The deploy checks the sum against the account
     * (src/deploy/lambda-concurrency.ts).
     */
    reservedConcurrency: z
      .number()
      .int()
      .min(1, { message: 'must be ≥ 1 (0 throttles every invocation, silently disabling the functions); leave it unset to share the account pool' })
      .max(10000)
      .optional(),
    /** Provisioned concurrency per function (0 = none; removes cold starts at an hourly price). */
    provisionedConcurrency: z.number().int().min(0).max(10000).default(0),
    /** CloudWatch Logs retention of each function's log group. */
    logRetentionDays: z
      .number()
      .refine((d) => LOG_RETENTION_DAYS.includes(d), { message: `must be one of CloudWatch's retention values: ${LOG_RETENTION_DAYS.join(', ')}` })
      .default(14),
    /** API Gateway default route throttling: steady requests/s and burst. */
    apiThrottleRateLimit: z.number().int().min(1).max(100000).default(1000),
    apiThrottleBurstLimit: z.number().int().min(1).max(100000).default(2000),
    /** DynamoDB point-in-time recovery on every table. */
    dynamoPointInTimeRecovery: z.boolean().default(true),
    /** Orders queue: receives after which a message moves to the DLQ. */
    ordersMaxReceiveCount: z.number().int().min(1).max(1000).default(5),
  })
  .strict();

export const StackConfigSchema = z
  .object({
    /** Tags every resource (`archcompare:run-id`) and prefixes names so runs never collide. */
    runId: z.string().regex(RUN_ID_PATTERN, { message: 'must be 4–16 lowercase letters, digits or dashes, starting with a letter' }).optional(),
    region: RegionSchema.default('us-east-1'),
    /** Prefix of every resource name (with the run id it must fit AWS's 32-character ALB names). */
    appName: z.string().regex(/^[a-z][a-z0-9-]{1,9}$/, { message: 'must be 2–10 lowercase letters, digits or dashes' }).default('acshop'),
    vpcCidr: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/16$/, { message: 'must be an IPv4 /16 CIDR (e.g. 10.40.0.0/16)' }).default('10.40.0.0/16'),
    /** Every CloudWatch alarm of both stacks notifies one SNS topic; with this address, it emails it (AWS sends a confirmation first). */
    alarmEmail: z.email({ message: 'is not an email address' }).optional(),
    traditional: TraditionalConfigSchema.prefault({}),
    serverless: ServerlessConfigSchema.prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const t = c.traditional;
    if (t.minInstances > t.maxInstances)
      ctx.addIssue({ code: 'custom', path: ['traditional', 'minInstances'], message: `must be ≤ maxInstances (${t.maxInstances})` });
    if (t.desiredInstances < t.minInstances || t.desiredInstances > t.maxInstances)
      ctx.addIssue({ code: 'custom', path: ['traditional', 'desiredInstances'], message: `must be between minInstances (${t.minInstances}) and maxInstances (${t.maxInstances})` });
    const certificateRegion = t.certificateArn?.split(':')[3];
    if (certificateRegion && certificateRegion !== c.region)
      ctx.addIssue({ code: 'custom', path: ['traditional', 'certificateArn'], message: `is in ${certificateRegion} but the stack deploys to ${c.region}: an ALB takes only an ACM certificate of its own region` });
    if (c.serverless.apiThrottleBurstLimit < c.serverless.apiThrottleRateLimit)
      ctx.addIssue({ code: 'custom', path: ['serverless', 'apiThrottleBurstLimit'], message: `must be ≥ apiThrottleRateLimit (${c.serverless.apiThrottleRateLimit})` });
  });

export type StackConfigInput = z.input<typeof StackConfigSchema>;
export type StackConfig = z.output<typeof StackConfigSchema>;
export type ResolvedStackConfig = StackConfig & {
  runId: string;
  /** When the deployment began (src/architecture/tags.ts createdAtTagValue): tagged on every resource so `destroy --stale` ages runs from tags alone. */
  createdAt?: string;
};
export type TraditionalConfig = StackConfig['traditional'];
export type ServerlessConfig = StackConfig['serverless'];

/**
 * The one-line warning for an AWS deployment whose front door is plain HTTP (the traditional stack
 * without certificateArn): passwords and tokens would cross the internet in clear text.
 */
export function plainHttpWarning(target: string, url: string | undefined): string | undefined {
  if (target !== 'aws' || !url?.startsWith('http://')) return undefined;
  return `${url} is HTTP-only (no traditional.certificateArn): fit for benchmarking, not for real users' passwords and tokens`;
}

/**
 * The one-line warning for burstable instances in standard credit mode whose scaling target is above
 * their baseline: T3/T3a/T4g start without launch credits, so under load each is soon held at its
 * baseline share of each vCPU; CloudWatch then reports CPUUtilization at or below it, the target-tracking
 * policy never sees its target, and the group scales in while requests queue.
 */
export function creditThrottleWarning(t: Pick<TraditionalConfig, 'instanceType' | 'cpuCredits' | 'targetCpuPercent'>): string | undefined {
  const credits = burstableCredits(t.instanceType);
  if (!credits || t.cpuCredits !== 'standard' || credits.baselinePerVcpu * 100 >= t.targetCpuPercent) return undefined;
  const baseline = Math.round(credits.baselinePerVcpu * 1000) / 10;
  return `traditional.instanceType ${t.instanceType} in standard credit mode is held at ${baseline}% of each vCPU once its CPU credits are spent (${credits.launchCreditsPerVcpu ? `${credits.launchCreditsPerVcpu} launch credits per vCPU` : 'it starts with none'}), below traditional.targetCpuPercent ${t.targetCpuPercent}: under sustained load the group cannot reach its target and scales in. For load: traditional.cpuCredits unlimited (surplus vCPU-hours billed), or a non-burstable type (m7i, c7g, …)`;
}

/** Graviton instance families end their generation with "g" (t4g, m7g, c7gn …). */
export function instanceArchitecture(instanceType: string): 'arm64' | 'x86_64' {
  const family = instanceType.split('.')[0] ?? '';
  return /^[a-z]+\d+g[a-z]*$/.test(family) ? 'arm64' : 'x86_64';
}
