import { type Duration, durationSeconds, type JourneyMix, type JourneyName, type Phase, type Profile, type Rate } from './profile-schema.js';

/** Pure scheduling arithmetic: no clocks, no I/O. Times are seconds from the phase start. */

export const DEFAULT_MAX_VIRTUAL_USERS = 256;
export const DEFAULT_MIN_VIRTUAL_USERS = 4;
export const DEFAULT_REQUEST_TIMEOUT_S = 10;
/** Slots older than this when a virtual user gets to them are dropped rather than sent (k6 semantics). */
export const MAX_LATENESS_S = 2;
/** A request sent more than this after its slot counts as late (timer jitter is below it). */
export const LATE_THRESHOLD_S = 0.01;
/** Response time budget used to size the virtual-user pool, on top of think time. */
const LATENCY_ALLOWANCE_S = 0.25;
const POOL_HEADROOM = 1.5;

export interface PlannedPhase {
  name: string;
  description?: string;
  /** Wall-clock seconds this phase runs (modelled duration / time scale). */
  durationS: number;
  modelledDurationS: number;
  rate: Rate;
  mix: JourneyMix;
  warmup: boolean;
  virtualUsers: number;
  /** Requests the schedule asks for (open model); null for "max". */
  scheduledRequests: number | null;
}

export function thinkTimeBounds(profile: Pick<Profile, 'thinkTime'>): { minS: number; maxS: number } {
  if (!profile.thinkTime) return { minS: 0, maxS: 0 };
  return { minS: durationSeconds(profile.thinkTime.min), maxS: durationSeconds(profile.thinkTime.max) };
}

export function rateAt(rate: Rate, elapsedS: number, durationS: number): number {
  if (rate === 'max') return Number.POSITIVE_INFINITY;
  if (typeof rate === 'number') return rate;
  const f = durationS > 0 ? Math.min(1, Math.max(0, elapsedS / durationS)) : 1;
  return rate.from + (rate.to - rate.from) * f;
}

export function peakRate(rate: Rate): number {
  if (rate === 'max') return Number.POSITIVE_INFINITY;
  return typeof rate === 'number' ? rate : Math.max(rate.from, rate.to);
}

/** Arrivals the schedule holds in [0, durationS): the integral of the rate, rounded up (slot 0 is at t=0). */
export function scheduledArrivals(rate: Rate, durationS: number): number | null {
  if (rate === 'max') return null;
  const from = typeof rate === 'number' ? rate : rate.from;
  const to = typeof rate === 'number' ? rate : rate.to;
  const area = ((from + to) / 2) * durationS;
  return Math.max(0, Math.ceil(area - 1e-9));
}

/** The time of arrival slot k (k = 0, 1, …) under a constant rate or a linear ramp. */
export function slotTime(rate: Exclude<Rate, 'max'>, durationS: number, k: number): number {
  const from = typeof rate === 'number' ? rate : rate.from;
  const to = typeof rate === 'number' ? rate : rate.to;
  if (from === to || durationS <= 0) return k / from;
  // N(t) = from*t + slope*t^2/2 arrivals by time t; slot k is where N(t) = k.
  const slope = (to - from) / durationS;
  return (-from + Math.sqrt(from * from + 2 * slope * k)) / slope;
}

/** Which slots of a phase's schedule one generator owns: slot k belongs to generator k mod `of`. */
export interface ScheduleShare {
  index: number;
  of: number;
}

/**
 * Uniform arrivals of an open-model phase, claimed in order by whichever virtual user is free. With a
 * share, only every `of`-th slot (from `index`) is this generator's: N workers together keep the whole
 * schedule, each at 1/N of the rate, with no coordination while the phase runs.
 */
export class ArrivalSchedule {
  private next = 0;
  /** This generator's slots (all of them without a share); null for "max". */
  readonly total: number | null;
  private readonly share: ScheduleShare;

  constructor(
    readonly rate: Rate,
    readonly durationS: number,
    share: ScheduleShare = { index: 0, of: 1 },
  ) {
    this.share = share;
    const all = scheduledArrivals(rate, durationS);
    this.total = all === null ? null : Math.max(0, Math.ceil((all - share.index) / share.of));
  }

  /** The next slot's time, or null when the phase has no more arrivals. "max" slots are always "now". */
  claim(nowS: number): number | null {
    if (this.rate === 'max') return nowS < this.durationS ? nowS : null;
    if (this.total !== null && this.next >= this.total) return null;
    const t = slotTime(this.rate, this.durationS, this.share.index + this.next * this.share.of);
    if (t >= this.durationS) return null;
    this.next += 1;
    return t;
  }

  get claimed(): number {
    return this.next;
  }
}

/** Virtual users (= connections) a phase needs: rate x (think time + response allowance), with headroom. */
export function virtualUsersFor(rate: Rate, profile: Pick<Profile, 'thinkTime' | 'virtualUsers'>): number {
  const max = profile.virtualUsers?.max ?? DEFAULT_MAX_VIRTUAL_USERS;
  const min = Math.min(max, profile.virtualUsers?.min ?? DEFAULT_MIN_VIRTUAL_USERS);
  if (rate === 'max') return max;
  const { minS, maxS } = thinkTimeBounds(profile);
  const needed = Math.ceil(peakRate(rate) * ((minS + maxS) / 2 + LATENCY_ALLOWANCE_S) * POOL_HEADROOM);
  return Math.max(min, Math.min(max, needed));
}

export function requestTimeoutS(profile: Pick<Profile, 'requestTimeout'>): number {
  return profile.requestTimeout ? durationSeconds(profile.requestTimeout) : DEFAULT_REQUEST_TIMEOUT_S;
}

/** Phases as they will run: warm-up first (if any), durations divided by the time scale. */
export function planPhases(profile: Profile, timeScale: number): PlannedPhase[] {
  const plan = (name: string, duration: Duration, rate: Rate, mix: JourneyMix, warmup: boolean, description?: string): PlannedPhase => {
    const modelledDurationS = durationSeconds(duration);
    const durationS = modelledDurationS / timeScale;
    return {
      name,
      description,
      durationS,
      modelledDurationS,
      rate,
      mix,
      warmup,
      virtualUsers: virtualUsersFor(rate, profile),
      scheduledRequests: scheduledArrivals(rate, durationS),
    };
  };
  const phases: PlannedPhase[] = [];
  if (profile.warmup) phases.push(plan('warmup', profile.warmup.duration, profile.warmup.rate, profile.mix, true, 'excluded from statistics'));
  for (const phase of profile.phases) phases.push(plan(phase.name, phase.duration, phase.rate, phase.mix ?? profile.mix, false, phase.description));
  return phases;
}

export function totalDurationS(phases: PlannedPhase[]): number {
  return phases.reduce((s, p) => s + p.durationS, 0);
}


/** Per mix: its journeys with positive weight and their cumulative weights (picked once per journey, so cached). */
const mixTables = new WeakMap<JourneyMix, { names: JourneyName[]; cumulative: number[]; total: number }>();

export function pickJourney(mix: JourneyMix, random: () => number): JourneyName {
  let table = mixTables.get(mix);
  if (!table) {
    const entries = Object.entries(mix).filter(([, w]) => (w ?? 0) > 0) as [JourneyName, number][];
    let sum = 0;
    table = { names: entries.map(([n]) => n), cumulative: entries.map(([, w]) => (sum += w)), total: sum };
    mixTables.set(mix, table);
  }
  const x = random() * table.total;
  const { names, cumulative } = table;
  for (let i = 0; i < names.length - 1; i++) if (x < cumulative[i]!) return names[i]!;
  return names[names.length - 1]!;
}

export type { Phase };

export { seededRandom } from '../seeded-random.js';
