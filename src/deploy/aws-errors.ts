import { UserError } from '../errors.js';

/**
 * AWS failures a user fixes outside archcompare — credentials, the named profile, the region, a
 * service quota, a missing permission — turned into one line each, whether they come from the AWS
 * SDK (an error's name and message) or from terraform's AWS provider (its diagnostics). Pure: text
 * in, a UserError or undefined out; anything not recognised keeps its own message.
 */

export interface AwsErrorContext {
  profile?: string;
  region?: string;
}

/** The Service Quotas console, where every quota below is raised. */
const QUOTAS_CONSOLE = 'https://console.aws.amazon.com/servicequotas/home';

interface Rule {
  test: RegExp;
  error: (match: RegExpExecArray, ctx: AwsErrorContext) => UserError;
}

const CREDENTIALS_FIX = 'sign in (`aws sso login` or `aws configure`), pass --aws-profile NAME, or in CI configure credentials first (aws-actions/configure-aws-credentials)';

// Ordered: the first match wins (a profile problem also mentions credentials).
const RULES: Rule[] = [
  {
    // terraform: "failed to get shared config profile, shop-dev"; SDK: "Profile shop-dev could not be found or parsed in shared credentials file."
    test: /failed to get shared config profile,\s*([^\s"]+)|Profile\s+(\S+)\s+could not be found|Could not resolve credentials using profile:\s*\[([^\]]+)\]|profile "?([\w.@-]+)"? (?:was )?not found/i,
    error: (m, ctx) => {
      const name = m[1] ?? m[2] ?? m[3] ?? m[4] ?? ctx.profile ?? '?';
      return new UserError(`AWS profile "${name}" is not in ~/.aws/config or ~/.aws/credentials`, `list the profiles with \`aws configure list-profiles\` and pass one with --aws-profile, or create it with \`aws configure --profile ${name}\``);
    },
  },
  {
    test: /ExpiredToken|token (?:included in the request )?(?:has|is) expired|SSO session .*expired|The SSO session associated with this profile has expired/i,
    error: (_m, ctx) => new UserError(`the AWS credentials${ctx.profile ? ` of profile "${ctx.profile}"` : ''} have expired`, `refresh them (\`aws sso login${ctx.profile ? ` --profile ${ctx.profile}` : ''}\`, or a new session token) and run the command again`),
  },
  {
    test: /No valid credential sources found|Could not load credentials from any providers|CredentialsProviderError|no EC2 IMDS role found|Unable to locate credentials|NoCredentialProviders/i,
    error: (_m, ctx) => new UserError(`no AWS credentials were found${ctx.profile ? ` for profile "${ctx.profile}"` : ''}`, CREDENTIALS_FIX),
  },
  {
    test: /InvalidClientTokenId|UnrecognizedClientException|security token included in the request is invalid|SignatureDoesNotMatch|InvalidAccessKeyId|AWS Access Key Id you provided does not exist|AuthFailure/i,
    error: (_m, ctx) => new UserError(`AWS rejected the credentials${ctx.profile ? ` of profile "${ctx.profile}"` : ''} (unknown or revoked access key, or a wrong secret)`, CREDENTIALS_FIX),
  },
  {
    // terraform: "invalid AWS Region: xx-nowhere-1"; SDK: "Region is missing"; an endpoint that does not resolve names the region.
    test: /invalid AWS Region:?\s*"?([\w-]+)"?|Region is missing|Invalid region in client config|getaddrinfo ENOTFOUND [\w-]+\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com/i,
    error: (m, ctx) => {
      const region = m[1] ?? m[2] ?? ctx.region;
      return region
        ? new UserError(`AWS region "${region}" is not a region this account can reach`, 'pass --region with an enabled region, e.g. us-east-1 (opt-in regions must be enabled in the account first)')
        : new UserError('no AWS region is set', 'pass --region (e.g. us-east-1), or set AWS_REGION or a region in the AWS profile');
    },
  },
  {
    test: /OptInRequired|not (?:enabled|subscribed) for this region|The AWS Access Key Id needs a subscription/i,
    error: (_m, ctx) => new UserError(`the AWS region${ctx.region ? ` ${ctx.region}` : ''} is not enabled for this account`, 'enable it (Account settings → AWS Regions) or pass --region with an enabled one, e.g. us-east-1'),
  },
  {
    // Lambda: "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]."
    test: /decreases account's UnreservedConcurrentExecution below its minimum value of \[(\d+)\]/i,
    error: (m) =>
      new UserError(
        `the Lambda functions' reserved concurrency would leave fewer than ${m[1]} unreserved concurrent executions in the account`,
        `lower serverless.reservedConcurrency, or raise the Lambda quota "Concurrent executions" (L-B99A9384) in Service Quotas: ${QUOTAS_CONSOLE}`,
      ),
  },
  {
    test: /(VcpuLimitExceeded|InstanceLimitExceeded|AddressLimitExceeded|VpcLimitExceeded|NatGatewayLimitExceeded|InternetGatewayLimitExceeded|LimitExceeded(?:Exception)?|ServiceQuotaExceeded(?:Exception)?|QuotaExceeded|TooManyRequestsException: Too many|exceeded (?:the|your) (?:maximum|quota|limit)[^.]*)/i,
    error: (m) => new UserError(`an AWS service quota is reached (${m[1]})`, `raise it in Service Quotas (${QUOTAS_CONSOLE}) or remove unused resources of that kind, then run the command again`),
  },
  {
    test: /(?:AccessDenied(?:Exception)?|UnauthorizedOperation|is not authorized to perform:?\s*([\w:*-]+))/i,
    error: (m, ctx) =>
      new UserError(
        `the AWS identity${ctx.profile ? ` of profile "${ctx.profile}"` : ''} is not allowed to ${m[1] ? `call ${m[1]}` : 'do this'}`,
        'grant the permissions listed in the README ("AWS permissions") to the role or user, or use another --aws-profile',
      ),
  },
];

/** The one-line error for an AWS failure described by `text`, or undefined when it is none of the known kinds. */
export function classifyAwsFailure(text: string, ctx: AwsErrorContext = {}): UserError | undefined {
  for (const rule of RULES) {
    const m = rule.test.exec(text);
    if (m) return rule.error(m, ctx);
  }
  return undefined;
}

/** An AWS SDK v3 error (its name carries the error code) or any thrown value, as one line when recognised. */
export function classifySdkError(err: unknown, ctx: AwsErrorContext = {}): UserError | undefined {
  if (err instanceof UserError) return undefined;
  const e = err as { name?: string; message?: string; Code?: string; code?: string };
  return classifyAwsFailure([e?.name, e?.Code, e?.code, e?.message].filter(Boolean).join(': '), ctx);
}

/** Runs an AWS call; a recognised failure becomes its one line, anything else is rethrown untouched. */
export async function withAwsErrors<T>(ctx: AwsErrorContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw classifySdkError(err, ctx) ?? err;
  }
}
