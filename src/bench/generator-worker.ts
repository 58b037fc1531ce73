import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import type { PhaseAssignment, WorkerReply, WorkerRequest } from './generator-pool.js';
import { CatalogKnowledge, RunLedger, VirtualUser } from './journeys.js';
import { startPhase } from './phase-runner.js';
import { PhaseRecorder, SecondBucket } from './recorder.js';
import { seededRandom } from './schedule.js';

/**
 * A generator worker (worker_threads): runs its share of a phase - its virtual users, every N-th slot
 * of the arrival schedule - on its own autocannon instance and event loop, records into its own full
 * histograms, and hands them to the parent, which merges them exactly. One phase at a time.
 */

const port = parentPort;
if (!port) throw new Error('generator-worker runs as a worker thread');

const post = (reply: WorkerReply) => port.postMessage(reply);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let elu = performance.eventLoopUtilization();
let bucket = new SecondBucket();
let abort: AbortController | undefined;

async function runPhase(a: PhaseAssignment): Promise<void> {
  const random = seededRandom(a.seed);
  const catalog = new CatalogKnowledge();
  catalog.absorb(a.catalog);
  const ledger = new RunLedger();
  const users = a.users.map((s) => VirtualUser.restore(s, { runId: a.runId, random, catalog, ledger }));
  const recorder = new PhaseRecorder();
  abort = new AbortController();
  const running = startPhase({
    url: a.url,
    phase: a.phase,
    pool: { get: (i) => users[i]! },
    connections: users.length,
    share: a.share,
    thinkTime: a.thinkTime,
    timeoutS: a.timeoutS,
    random,
    signal: abort.signal,
    startAtMs: a.startEpochMs - performance.timeOrigin,
    hooks: {
      sent: () => {
        bucket.sent += 1;
      },
      completed: (o) => {
        recorder.record(o);
        bucket.complete(o);
      },
      journey: (name, event) => recorder.journey(name, event),
    },
  });
  const outcome = await running.done;
  abort = undefined;
  const tail = bucket.toData();
  bucket = new SecondBucket();
  post({ type: 'done', outcome, recorder: recorder.toData(), users: users.map((u) => u.state()), ledger: ledger.snapshot(), catalog: catalog.snapshot(), tail });
}

port.on('message', (msg: WorkerRequest) => {
  switch (msg.type) {
    case 'phase':
      runPhase(msg.assignment).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
      break;
    case 'flush': {
      const now = performance.eventLoopUtilization();
      const busy = performance.eventLoopUtilization(now, elu).utilization;
      elu = now;
      const p99 = loopDelay.percentile(99) / 1e6;
      loopDelay.reset();
      const data = bucket.toData();
      bucket = new SecondBucket();
      post({ type: 'second', seq: msg.seq, bucket: data, load: { cpu: busy, loopDelayP99Ms: Number.isFinite(p99) ? p99 : 0 } });
      break;
    }
    case 'abort':
      abort?.abort();
      break;
  }
});

post({ type: 'ready' });
