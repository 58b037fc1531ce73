/**
 * Stratified draws for the aggregate model: each step stands K sampled requests for all of its
 * requests, so the K uniforms are spread one per stratum (variance far below plain sampling), and each
 * dimension (arrival time in the step, wait, service) uses its own permutation of the strata so they
 * stay independent of each other. Deterministic for the seeded `random`. The buffers are reused from
 * step to step (a month is 260,000 steps).
 */
export interface StepDraws {
  /** Arrival time within the step, as a fraction. */
  at: Float64Array;
  /** Uniforms for up to `dimensions` independent quantities (wait at each centre, service times …). */
  u: Float64Array[];
}

/** Odd multipliers coprime with any power of two, one per dimension, to permute the strata. */
const PERMUTATIONS = [1, 5, 11, 13, 19, 23, 29, 37, 41, 43, 53, 59];

export class StratifiedSampler implements StepDraws {
  readonly at: Float64Array;
  readonly u: Float64Array[];

  constructor(
    readonly samples: number,
    dimensions: number,
    private readonly random: () => number,
  ) {
    this.at = new Float64Array(samples);
    this.u = Array.from({ length: dimensions }, () => new Float64Array(samples));
  }

  /** New draws for the next step (overwrites the previous ones). */
  draw(): StepDraws {
    const n = this.samples;
    const random = this.random;
    for (let j = 0; j < n; j++) this.at[j] = (j + random()) / n;
    const offset = Math.floor(random() * n);
    for (let d = 0; d < this.u.length; d++) {
      const a = this.u[d]!;
      const m = PERMUTATIONS[(d + 1) % PERMUTATIONS.length]!;
      for (let j = 0; j < n; j++) a[j] = (((j * m + offset * (d + 1)) % n) + random()) / n;
    }
    return this;
  }
}

/** One step's draws with fresh buffers (tests and one-off use). */
export function stratifiedDraws(samples: number, dimensions: number, random: () => number): StepDraws {
  return new StratifiedSampler(samples, dimensions, random).draw();
}
