import { pathToFileURL } from 'node:url';

/**
 * One Lambda execution environment: a process that loads the function's bundle (the Init phase),
 * then serves invocations one at a time over IPC, like the Lambda runtime API loop. The parent
 * (lambda-runtime.ts) owns timeouts and kills this process when the environment is reclaimed.
 * argv[2] = the bundle (index.mjs); env = the function's configuration.
 */

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

interface InvokeMessage {
  type: 'invoke';
  id: string;
  event: unknown;
  deadline: number;
}

const send = (m: unknown) => process.send?.(m);
// The vCPU share Lambda gives this memory size (1 = unthrottled); CPU time is stretched to it.
const CPU_SHARE = Math.min(1, Math.max(0.01, Number(process.env.ARCHCOMPARE_CPU_SHARE ?? 1)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const bundle = process.argv[2];
  if (!bundle) throw new Error('lambda-worker: missing bundle path');
  const initStart = performance.now();
  let handler: Handler;
  try {
    const mod = (await import(pathToFileURL(bundle).href)) as { handler?: Handler };
    if (typeof mod.handler !== 'function') throw new Error(`${bundle} does not export a handler function`);
    handler = mod.handler;
  } catch (err) {
    send({ type: 'init-error', errorType: (err as Error).name, errorMessage: (err as Error).message });
    process.exitCode = 1;
    process.disconnect?.();
    return;
  }
  const initMs = performance.now() - initStart;
  // Process start (exec + Node bootstrap) to the start of Init, measured from the process's own time origin.
  send({ type: 'ready', initMs, bootMs: initStart });

  process.on('message', (raw: InvokeMessage) => {
    if (raw?.type !== 'invoke') return;
    const started = performance.now();
    const context = {
      awsRequestId: raw.id,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
      logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, raw.deadline - Date.now()),
    };
    const cpuBefore = process.cpuUsage();
    const stretch = async <T>(value: T): Promise<T> => {
      if (CPU_SHARE < 1) {
        const used = process.cpuUsage(cpuBefore);
        const extraMs = ((used.user + used.system) / 1000) * (1 / CPU_SHARE - 1);
        // Timers have millisecond grain: a sub-millisecond stretch becomes 1 ms with that probability (right on average).
        if (extraMs >= 1) await sleep(extraMs);
        else if (Math.random() < extraMs) await sleep(1);
      }
      return value;
    };
    Promise.resolve()
      .then(() => handler(raw.event, context))
      .then(stretch, (err: unknown) => stretch(undefined).then(() => Promise.reject(err)))
      .then(
        (result) => send({ type: 'result', id: raw.id, result, durationMs: performance.now() - started, rssMb: process.memoryUsage.rss() / 1048576 }),
        (err: unknown) =>
          send({
            type: 'error',
            id: raw.id,
            errorType: err instanceof Error ? err.name : 'Error',
            errorMessage: err instanceof Error ? err.message : String(err),
            durationMs: performance.now() - started,
            rssMb: process.memoryUsage.rss() / 1048576,
          }),
      );
  });
  // The parent going away (supervisor crash) ends the environment.
  process.on('disconnect', () => process.exit(0));
}

void main();
