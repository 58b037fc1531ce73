import { describe, expect, it } from 'vitest';
import { ArrivalSchedule, planPhases, scheduledArrivals, slotTime, virtualUsersFor } from '../../src/bench/schedule.js';
import { closedLoopDistorted, generatorSaturation, newHistogram, recordMicros, summarizeMicros } from '../../src/bench/statistics.js';
import { parseProfile } from '../../src/bench/profiles.js';

describe('arrival schedule', () => {
  it('a constant rate spaces slots evenly and fills the phase', () => {
    const s = new ArrivalSchedule(10, 2);
    const slots: number[] = [];
    for (let t = s.claim(0); t !== null; t = s.claim(0)) slots.push(t);
    expect(slots.length).toBe(20);
    expect(slots[1]).toBeCloseTo(0.1, 9);
    expect(slots[19]).toBeCloseTo(1.9, 9);
  });

  it('a ramp holds the integral of the rate and its slots speed up', () => {
    expect(scheduledArrivals({ from: 10, to: 30 }, 10)).toBe(200);
    const gaps = [1, 100, 198].map((k) => slotTime({ from: 10, to: 30 }, 10, k) - slotTime({ from: 10, to: 30 }, 10, k - 1));
    expect(gaps[0]).toBeCloseTo(0.1, 2);
    expect(gaps[2]).toBeLessThan(gaps[1]!);
    expect(slotTime({ from: 10, to: 30 }, 10, 199)).toBeLessThan(10);
  });

  it('sizes the virtual users from rate x (think time + allowance)', () => {
    expect(virtualUsersFor(100, { thinkTime: { min: '100ms', max: '300ms' } })).toBe(Math.ceil(100 * 0.45 * 1.5));
    expect(virtualUsersFor(10_000, {})).toBe(256);
    expect(virtualUsersFor(1, { virtualUsers: { min: 2 } })).toBe(2);
  });

  it('divides durations by the time scale and puts warm-up first', () => {
    const p = parseProfile({ name: 'x', description: 'd', mix: { browse: 1 }, warmup: { duration: '10s', rate: 1 }, phases: [{ name: 'a', duration: '10m', rate: 5 }] }, 'inline');
    const phases = planPhases(p, 10);
    expect(phases.map((x) => [x.name, x.warmup, x.durationS])).toEqual([
      ['warmup', true, 1],
      ['a', false, 60],
    ]);
    expect(phases[1]!.scheduledRequests).toBe(300);
  });
});

describe('statistics', () => {
  it('percentiles come from the full histogram at microsecond resolution', () => {
    const h = newHistogram();
    for (let i = 1; i <= 1000; i++) recordMicros(h, i * 1000 + 123); // 1.123 ms … 1000.123 ms
    const s = summarizeMicros(h);
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(500.123, 0);
    expect(s.p95).toBeCloseTo(950.123, 0);
    expect(s.p99).toBeCloseTo(990.123, 0);
    expect(s.min).toBeCloseTo(1.123, 2);
  });

  it('flags a saturated generator and a distorted closed loop', () => {
    expect(generatorSaturation([{ cpu: 0.3, loopDelayP99Ms: 2 }, { cpu: 0.95, loopDelayP99Ms: 2 }]).saturated).toBe(false);
    expect(generatorSaturation(Array.from({ length: 10 }, (_, i) => ({ cpu: i < 3 ? 0.97 : 0.2, loopDelayP99Ms: 1 }))).saturated).toBe(true);
    expect(closedLoopDistorted(1000, 5, 0)).toBe(false);
    expect(closedLoopDistorted(1000, 5, 10)).toBe(true);
    expect(closedLoopDistorted(null, 5, 10)).toBe(false);
  });
});
