import type { Decimal } from '../pricing/money.js';

/**
 * Cost against traffic and the break-even search. Both work on "price the whole model at R
 * requests/month" functions, so the step where the Auto Scaling Group needs one more instance,
 * Lambda's GB-second tiers and API Gateway's request tiers are all in the comparison — nothing is
 * approximated by a straight line.
 */
export interface TrafficModel {
  /** Total monthly cost of the model at this traffic. */
  costAt(requestsPerMonth: number): Decimal;
  /** Traffic levels where the cost jumps (an instance added), so the search never steps over one. */
  stepsBetween?(from: number, to: number): number[];
}

export interface CurveRange {
  from: number;
  to: number;
  points: number;
}

export const DEFAULT_CURVE: CurveRange = { from: 100_000, to: 10_000_000_000, points: 200 };

/** Log-spaced traffic levels, rounded to whole requests. */
export function trafficGrid(range: CurveRange): number[] {
  if (range.points < 2) return [range.from];
  const lo = Math.log10(range.from);
  const hi = Math.log10(range.to);
  return Array.from({ length: range.points }, (_, i) => Math.round(10 ** (lo + ((hi - lo) * i) / (range.points - 1))));
}

export interface BreakEvenCrossing {
  /** The first traffic level (whole requests/month) at which the cheaper model changes. */
  requestsPerMonth: number;
  /** From here on, `cheaperAbove` is cheaper (until any next crossing). */
  cheaperAbove: 'traditional' | 'serverless';
  /** True when the crossing is the jump of an added instance rather than two slopes meeting. */
  atInstanceStep: boolean;
  traditionalMonthlyCost: Decimal;
  serverlessMonthlyCost: Decimal;
}

function sign(traditional: Decimal, serverless: Decimal): -1 | 0 | 1 {
  return traditional.cmp(serverless) as -1 | 0 | 1;
}

/**
 * Every crossing within the range. Both costs never fall as traffic grows (every usage-driven
 * quantity grows with it; the ASG only adds instances), which makes the search exact without
 * pricing every request level: scan the grid; where an instance step lies inside a grid interval
 * and the two cost ranges over that interval overlap, also price the step and the request after
 * it (a sawtooth can cross twice there); then bisect each bracket whose sign of
 * (traditional − serverless) changes, down to one request.
 */
export function findBreakEven(traditional: TrafficModel, serverless: TrafficModel, range: CurveRange): BreakEvenCrossing[] {
  const steps = traditional.stepsBetween?.(range.from, range.to) ?? [];
  const evaluate = (r: number) => {
    const t = traditional.costAt(r);
    const s = serverless.costAt(r);
    return { r, t, s, sign: sign(t, s) };
  };
  const grid = trafficGrid(range).map(evaluate);
  const levels = [grid[0]!];
  for (let i = 1; i < grid.length; i += 1) {
    const a = grid[i - 1]!;
    const b = grid[i]!;
    const overlap = !(b.t.lt(a.s) || b.s.lt(a.t));
    if (overlap) for (const step of steps) if (step >= a.r && step < b.r) levels.push(evaluate(step), evaluate(step + 1));
    levels.push(b);
  }
  levels.sort((x, y) => x.r - y.r);
  const crossings: BreakEvenCrossing[] = [];
  let prev = levels[0]!;
  for (const cur of levels.slice(1)) {
    if (cur.r === prev.r) continue;
    if (cur.sign !== prev.sign && cur.sign !== 0) {
      let lo = prev;
      let hi = cur;
      while (hi.r - lo.r > 1) {
        const mid = evaluate(Math.floor((lo.r + hi.r) / 2));
        if (mid.sign === hi.sign) hi = mid;
        else lo = mid;
      }
      crossings.push({
        requestsPerMonth: hi.r,
        cheaperAbove: hi.sign > 0 ? 'serverless' : 'traditional',
        atInstanceStep: steps.includes(lo.r),
        traditionalMonthlyCost: hi.t,
        serverlessMonthlyCost: hi.s,
      });
    }
    if (cur.sign !== 0) prev = cur;
  }
  return crossings;
}
