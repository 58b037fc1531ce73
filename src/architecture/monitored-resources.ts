import { z } from 'zod';
import { LAMBDA_FUNCTION_IDS, QUEUES, TABLES, type LambdaFunctionId, type QueueName, type TableName } from './system.js';

/**
 * What CloudWatch knows a deployment's resources by: the dimension values of its metrics (an ALB's
 * ARN suffix, function and table names) and the Lambda log groups. Each stack writes them as one
 * Terraform output (MONITORED_RESOURCES_OUTPUT), typed by the interfaces below; the aws target
 * reads the deployment's outputs back with the schemas below. Keys are the system description's
 * ids (src/architecture/system.ts), so nothing here lists functions, tables or queues.
 */

export const MONITORED_RESOURCES_OUTPUT = 'monitored_resources';

export interface TraditionalMonitoredResources {
  model: 'traditional';
  /** AWS/ApplicationELB `LoadBalancer` dimension: the ALB ARN's suffix (app/<name>/<id>). */
  LoadBalancer: string;
  TargetGroup: string;
  AutoScalingGroupName: string;
  DBInstanceIdentifier: string;
}

export interface ServerlessMonitoredResources {
  model: 'serverless';
  /** AWS/ApiGateway `ApiId` dimension of the HTTP API. */
  ApiId: string;
  functions: Record<LambdaFunctionId, { FunctionName: string; LogGroup: string }>;
  tables: Record<TableName, string>;
  queues: Record<QueueName, { QueueName: string; DeadLetterQueueName: string }>;
}

export type MonitoredResources = TraditionalMonitoredResources | ServerlessMonitoredResources;

const name = z.string().min(1);
const keyed = <K extends string, V extends z.ZodType>(keys: readonly K[], value: V) => z.object(Object.fromEntries(keys.map((k) => [k, value])) as Record<K, V>);

export const MonitoredResourcesSchema = z.discriminatedUnion('model', [
  z.object({ model: z.literal('traditional'), LoadBalancer: name, TargetGroup: name, AutoScalingGroupName: name, DBInstanceIdentifier: name }),
  z.object({
    model: z.literal('serverless'),
    ApiId: name,
    functions: keyed(LAMBDA_FUNCTION_IDS, z.object({ FunctionName: name, LogGroup: name })),
    tables: keyed(TABLES, name),
    queues: keyed(QUEUES, z.object({ QueueName: name, DeadLetterQueueName: name })),
  }),
]);

/** The monitored resources of a deployment from its recorded outputs (terraform writes a map output as JSON text); undefined when absent or malformed. */
export function monitoredResourcesOf(outputs: Record<string, string>): MonitoredResources | undefined {
  const text = outputs[MONITORED_RESOURCES_OUTPUT];
  if (!text) return undefined;
  try {
    const parsed = MonitoredResourcesSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as MonitoredResources) : undefined;
  } catch {
    return undefined;
  }
}
