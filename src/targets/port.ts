import type { MetricsSource } from '../architecture/metrics.js';
import type { MetricDatapoint } from '../bench/result-schema.js';
import type { Model, ResolvedStackConfig } from '../config/stack-config.js';
import type { AwsConnection } from '../deploy/aws-connection.js';
import type { DeployGuard } from '../deploy/guardrails.js';
import type { ProgressSink } from '../deploy/progress.js';
import type { DeploymentRecord, Target as TargetName } from '../state/registry.js';

/**
 * The Target port: the one surface through which deploy, status, bench and compare reach a place the
 * system runs (this machine, or AWS). Adapters live next to this file (local.ts, aws.ts) and are
 * chosen by a deployment record's `target` (adapters.ts). Callers never read a target's files.
 */

export type { MetricsSource, TargetName };

/** A closed time window, e.g. a bench run from its first request to its last answer. */
export interface TimeWindow {
  from: Date;
  to: Date;
}

export interface TargetDeployRequest extends AwsConnection {
  model: Model;
  config: ResolvedStackConfig;
  /** The state root (registry and deployment directories). */
  root: string;
  progress: ProgressSink;
  /** Resolves when the user interrupts: the adapter stops cleanly and leaves a record destroy can find. */
  interrupted?: Promise<void>;
  /** local: modelled delays are divided by this. */
  timeScale?: number;
  /** local: the traditional model's PostgreSQL (embedded binaries or the system's). */
  db?: 'embedded' | 'system';
  /** local: a YAML/JSON file overriding modelled parameters. */
  fidelityFile?: string;
  /** aws: consent, --max-hourly-cost and the profile's peak, checked before apply (src/deploy/guardrails.ts). */
  guard?: DeployGuard;
  /** aws: `s3://bucket/prefix` for terraform's state and the deployment record. */
  remoteState?: string;
}

export interface TargetDestroyRequest {
  progress: ProgressSink;
  root: string;
}

/** What a target reports about a deployment right now; adapters add their own detail (the local one: instances, environments). */
export interface LiveStatus {
  alive: boolean;
  state: string;
}

export interface TargetStatus {
  live: LiveStatus;
  /** The same, as lines for people. */
  lines: string[];
}

export interface TargetEndpoints {
  /** Where clients send requests (ALB DNS name, API URL, or a local http://127.0.0.1:port); absent until deployed. */
  frontDoor?: string;
  /** Every other named output of the deployment (ports, directories, ARNs). */
  outputs: Record<string, string>;
}


/** The target's CloudWatch-shaped datapoints of a window (per-minute, normalized to one value each). */
export interface MetricsReading {
  source: MetricsSource;
  /** Why there are no datapoints, or what was skipped. */
  note?: string;
  /** The target had not published the whole window when it was read: the figures cover part of it. */
  partial?: boolean;
  datapoints: MetricDatapoint[];
  /** One datapoint per series over the whole window, for percentiles per-minute datapoints cannot be combined into. */
  windowStatistics?: MetricDatapoint[];
}

/** How a metrics read goes. */
export interface MetricsReadOptions {
  /**
   * The window is over and this is its final reading: wait (bounded, saying so through onProgress)
   * for datapoints the target publishes late, and read everything it has (on AWS, Lambda's REPORT
   * lines too). Without it: what is there now, cheaply (the live view during a run).
   */
  final?: { onProgress?: (line: string) => void; signal?: AbortSignal };
}

/** The target's logs of a window: what its runtime records, or an explicit "not read". */
export type LogsReading =
  /** Raw process output, whole files (the lines carry no timestamps): every file written to since the window began. */
  | { source: 'local-logs'; files: string[]; note: string }
  /** Lambda's REPORT lines summed up per function and minute by Logs Insights, as contract datapoints. */
  | { source: 'cloudwatch-logs'; datapoints: MetricDatapoint[]; windowStatistics: MetricDatapoint[]; complete: boolean; note?: string }
  | { source: 'not-read' | 'none'; note: string };

export interface Target {
  readonly name: TargetName;
  /** Creates the deployment and registers it (registered first, so an interrupted deploy is found by destroy). */
  deploy(req: TargetDeployRequest): Promise<DeploymentRecord>;
  /** Removes the deployment and its registry entry; safe to repeat after a failed or interrupted deploy. */
  destroy(record: DeploymentRecord, req: TargetDestroyRequest): Promise<void>;
  /** Live state beyond the registry record; undefined when the target reports none. */
  status(record: DeploymentRecord): Promise<TargetStatus | undefined>;
  endpoints(record: DeploymentRecord): TargetEndpoints;
  metrics(record: DeploymentRecord, window: TimeWindow, options?: MetricsReadOptions): Promise<MetricsReading>;
  logs(record: DeploymentRecord, window: TimeWindow): Promise<LogsReading>;
}

/** Endpoints as the registry record holds them (both adapters record them the same way at deploy). */
export function recordedEndpoints(record: DeploymentRecord): TargetEndpoints {
  return { frontDoor: record.url, outputs: Object.fromEntries(Object.entries(record.outputs).filter(([k]) => k !== 'url')) };
}
