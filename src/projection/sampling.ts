/**
 * Stratified draws for the aggregate model: each step stands K sampled requests for all of its
 * requests, so the K uniforms are spread one per stratum (variance far below plain sampling), and each
 * dimension (arrival time in the step, wait, service) uses its own permutation of the strata so they
 * stay independent of each other. Deterministic for the seeded `random`.
 */
export interface StepDraws {
  /** Arrival time within the step, as a fraction. */
  at: Float64Array;
  /** Uniforms for up to `dimensions` independent quantities (wait at each centre, service times …). */
  u: Float64Array[];
}

/** Odd multipliers coprime with any power of two, one per dimension, to permute the strata. */
const PERMUTATIONS = [1, 5, 11, 13, 19, 23, 29, 37, 41, 43, 53, 59];

export function stratifiedDraws(samples: number, dimensions: number, random: () => number): StepDraws {
  const at = new Float64Array(samples);
  for (let j = 0; j < samples; j++) at[j] = (j + random()) / samples;
  const offset = Math.floor(random() * samples);
  const u = Array.from({ length: dimensions }, (_, d) => {
    const a = new Float64Array(samples);
    const m = PERMUTATIONS[(d + 1) % PERMUTATIONS.length]!;
    for (let j = 0; j < samples; j++) a[j] = (((j * m + offset * (d + 1)) % samples) + random()) / samples;
    return a;
  });
  return { at, u };
}
