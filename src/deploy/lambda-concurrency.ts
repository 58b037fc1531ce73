import { COST } from '../architecture/modelled-parameters.js';
import { HTTP_FUNCTIONS, LAMBDA_FUNCTIONS, QUEUE_CONSUMERS, terraformName } from '../architecture/system.js';
import type { ServerlessConfig } from '../config/stack-config.js';
import { UserError } from '../errors.js';
import { awsClientConfig, type AwsConnection } from './aws-connection.js';
import { withAwsErrors } from './aws-errors.js';

/**
 * The Lambda concurrency pre-flight of the serverless stack on the aws target, before terraform
 * applies anything: the account's limits (GetAccountSettings) against what the config reserves and
 * what the load profile's peak needs. Pure rules here, one SDK call at the edge.
 */

/**
 * "You can reserve up to the Unreserved account concurrency value that is shown, minus 100 for
 * functions that don't have reserved concurrency" — AWS keeps 100 unreserved:
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
 */
export const UNRESERVED_CONCURRENCY_FLOOR = 100;

/** The Service Quotas name and code of the account's Lambda concurrency (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const CONCURRENCY_QUOTA = 'Lambda "Concurrent executions" (Service Quotas code L-B99A9384)';

export interface AccountConcurrency {
  /** AccountLimit.ConcurrentExecutions: the account's regional concurrency quota. */
  concurrentExecutions: number;
  /** AccountLimit.UnreservedConcurrentExecutions: what is left after other functions' reservations. */
  unreservedConcurrentExecutions: number;
}

export interface PeakDemand {
  /** The profile's highest target request rate, requests/s. */
  peakRps: number;
  /** Where it came from, e.g. "profile spike, phase peak". */
  source: string;
}

/**
 * Concurrent executions each function needs at a request rate (Little's law: rate × duration), from
 * the modelled request mix and warm durations (cost.requestMix, cost.lambdaMeanDurationMs); the queue
 * consumer runs once per placed order (cost.orderPlacementsPerOrdersRequest).
 */
export function concurrencyAtRate(rps: number): Array<{ fn: string; concurrency: number }> {
  const seconds = (id: string) => COST.lambdaMeanDurationMs[terraformName(id)]! / 1000;
  const http = HTTP_FUNCTIONS.map((f) => ({ fn: f.id as string, concurrency: rps * COST.requestMix[f.id] * seconds(f.id) }));
  const consumers = QUEUE_CONSUMERS.map((c) => ({ fn: c.id as string, concurrency: rps * COST.requestMix.orders * COST.orderPlacementsPerOrdersRequest * seconds(c.id) }));
  return [...http, ...consumers];
}

/** Why this serverless config cannot deploy into, or would be throttled by, this account; undefined when it fits. */
export function concurrencyProblem(account: AccountConcurrency, config: Pick<ServerlessConfig, 'reservedConcurrency'>, peak?: PeakDemand): UserError | undefined {
  const functions = LAMBDA_FUNCTIONS.length;
  const reserved = config.reservedConcurrency;
  if (reserved !== undefined) {
    const total = reserved * functions;
    const reservable = account.unreservedConcurrentExecutions - UNRESERVED_CONCURRENCY_FLOOR;
    if (total > reservable) {
      return new UserError(
        `serverless.reservedConcurrency ${reserved} × ${functions} functions = ${total} reserved concurrent executions, but this account can reserve ${Math.max(0, reservable)} (${account.unreservedConcurrentExecutions} unreserved of ${account.concurrentExecutions}, and AWS keeps ${UNRESERVED_CONCURRENCY_FLOOR} unreserved)`,
        `lower serverless.reservedConcurrency to ${Math.max(1, Math.floor(reservable / functions))} or less${reservable < functions ? ' (or leave it unset)' : ''}, or raise the ${CONCURRENCY_QUOTA} to at least ${total + UNRESERVED_CONCURRENCY_FLOOR + (account.concurrentExecutions - account.unreservedConcurrentExecutions)}`,
      );
    }
  }
  if (!peak) return undefined;
  const needs = concurrencyAtRate(peak.peakRps);
  if (reserved !== undefined) {
    const short = needs.filter((n) => n.concurrency > reserved).sort((a, b) => b.concurrency - a.concurrency)[0];
    if (short)
      return new UserError(
        `at the ${peak.source} (${peak.peakRps} requests/s) the ${short.fn} function needs about ${Math.ceil(short.concurrency)} concurrent executions (modelled: cost.requestMix × cost.lambdaMeanDurationMs), above serverless.reservedConcurrency ${reserved}: the bench would measure throttling`,
        `raise serverless.reservedConcurrency to ${Math.ceil(short.concurrency)} or more (within the ${CONCURRENCY_QUOTA}), or leave it unset`,
      );
    return undefined;
  }
  const total = needs.reduce((sum, n) => sum + n.concurrency, 0);
  if (total > account.unreservedConcurrentExecutions)
    return new UserError(
      `at the ${peak.source} (${peak.peakRps} requests/s) the functions need about ${Math.ceil(total)} concurrent executions (modelled: cost.requestMix × cost.lambdaMeanDurationMs), but the account has ${account.unreservedConcurrentExecutions} unreserved of ${account.concurrentExecutions}: the bench would measure throttling`,
      `raise the ${CONCURRENCY_QUOTA} to at least ${Math.ceil(total) + (account.concurrentExecutions - account.unreservedConcurrentExecutions)}, or use a profile with a lower peak`,
    );
  return undefined;
}

/** GetAccountSettings of the connection's account and region. */
export async function readAccountConcurrency(conn: AwsConnection): Promise<AccountConcurrency> {
  const { LambdaClient, GetAccountSettingsCommand } = await import('@aws-sdk/client-lambda');
  const client = new LambdaClient(awsClientConfig(conn));
  const settings = await withAwsErrors({ profile: conn.profile, region: conn.region }, () => client.send(new GetAccountSettingsCommand({})));
  const limit = settings.AccountLimit;
  if (limit?.ConcurrentExecutions === undefined || limit.UnreservedConcurrentExecutions === undefined)
    throw new UserError('Lambda GetAccountSettings answered without AccountLimit.ConcurrentExecutions', 'check --endpoint-url / the region, and run the command again');
  return { concurrentExecutions: limit.ConcurrentExecutions, unreservedConcurrentExecutions: limit.UnreservedConcurrentExecutions };
}

/**
 * The pre-flight: refuses with the quota to raise, or returns the account's limits for the log. An
 * emulator that does not implement GetAccountSettings (moto) is reported, not fatal: it has no quotas.
 */
export async function checkLambdaConcurrency(conn: AwsConnection, config: Pick<ServerlessConfig, 'reservedConcurrency'>, peak?: PeakDemand): Promise<{ account?: AccountConcurrency; note: string }> {
  let account: AccountConcurrency;
  try {
    account = await readAccountConcurrency(conn);
  } catch (err) {
    if (conn.endpointUrl && !(err instanceof UserError)) return { note: `Lambda concurrency not checked: the emulator at ${conn.endpointUrl} does not answer GetAccountSettings` };
    throw err;
  }
  const problem = concurrencyProblem(account, config, peak);
  if (problem) throw problem;
  return { account, note: `Lambda concurrency: ${account.unreservedConcurrentExecutions} unreserved of ${account.concurrentExecutions} in the account${config.reservedConcurrency !== undefined ? `, ${config.reservedConcurrency} reserved per function` : ''}` };
}
