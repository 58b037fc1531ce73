import { z } from 'zod';
import { TimeScaleSchema } from '../config/time-scale.js';
import { ThresholdSchema } from '../gates/thresholds.js';

/**
 * A load profile: phases of target request rate (open model) over a request mix of user journeys.
 * Profiles are data (YAML or JSON files in benchmarks/profiles/); the harness turns each phase into
 * one autocannon run. Durations are "modelled" time: a local run divides them by the time scale.
 */

export const JOURNEY_NAMES = ['browse', 'search', 'viewProduct', 'login', 'addToCart', 'checkout'] as const;
export const JourneyNameSchema = z.enum(JOURNEY_NAMES);
export type JourneyName = z.infer<typeof JourneyNameSchema>;

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** "90s", "5m", "1.5h", "250ms" or a number of seconds. */
export const DurationSchema = z
  .union([
    z.number().positive('must be a positive number of seconds'),
    z.string().regex(DURATION_PATTERN, 'must look like 250ms, 30s, 5m or 1h (or a number of seconds)'),
  ])
  .describe('A duration: a number of seconds, or a string such as "250ms", "30s", "5m", "1h".');
export type Duration = z.infer<typeof DurationSchema>;

export function durationSeconds(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  const match = DURATION_PATTERN.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  const value = Number(match[1]);
  const unit = match[2];
  return unit === 'ms' ? value / 1000 : unit === 's' ? value : unit === 'm' ? value * 60 : value * 3600;
}

const RateNumberSchema = z.number().positive('must be a positive number of requests per second');

/** Requests per second: constant, a linear ramp, or "max" (closed loop, as fast as the virtual users go). */
export const RateSchema = z
  .union([
    RateNumberSchema,
    z.strictObject({ from: RateNumberSchema, to: RateNumberSchema }).describe('A linear ramp of the target rate over the phase.'),
    z.literal('max'),
  ])
  .describe('Target request rate in requests/s: a number, {from, to} for a linear ramp, or "max" (closed loop).');
export type Rate = z.infer<typeof RateSchema>;

export const JourneyMixSchema = z
  .partialRecord(JourneyNameSchema, z.number().nonnegative('must be a weight >= 0'))
  .refine((mix) => Object.values(mix).some((w) => (w ?? 0) > 0), 'needs at least one journey with a weight > 0')
  .describe('Relative weights of the user journeys a virtual user picks from (they need not sum to 100).');
export type JourneyMix = z.infer<typeof JourneyMixSchema>;

export const ThinkTimeSchema = z
  .strictObject({ min: DurationSchema, max: DurationSchema })
  .refine((t) => durationSeconds(t.max) >= durationSeconds(t.min), { message: 'max must be >= min', path: ['max'] })
  .describe('Pause of a virtual user between two of its requests, drawn uniformly from [min, max].');

export const PhaseSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
    description: z.string().optional(),
    duration: DurationSchema,
    rate: RateSchema,
    mix: JourneyMixSchema.optional().describe('Overrides the profile mix for this phase.'),
  })
  .describe('One phase of the schedule: a duration at a target request rate.');
export type Phase = z.infer<typeof PhaseSchema>;

export const ProfileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
    description: z.string().min(1, 'must say in one line what the profile models'),
    timeScale: TimeScaleSchema.optional()
      .describe('Local runs only: durations (and the local target modelled delays) are divided by this.'),
    thinkTime: ThinkTimeSchema.optional(),
    projectionOnly: z
      .boolean()
      .optional()
      .describe('A profile at a scale no single load generator reaches (e.g. 50,000 req/s for a day): `archcompare project` runs it, `bench` refuses it.'),
    mix: JourneyMixSchema,
    warmup: z
      .strictObject({ duration: DurationSchema, rate: RateNumberSchema })
      .optional()
      .describe('Run before the phases at this rate; excluded from statistics (its cold starts are still recorded).'),
    seed: z
      .strictObject({
        users: z.number().int().nonnegative('must be >= 0').optional().describe('Accounts registered before the run for the login journeys.'),
        products: z.number().int().nonnegative('must be >= 0').optional().describe('Minimum catalog size the profile expects.'),
      })
      .optional(),
    virtualUsers: z
      .strictObject({
        max: z.number().int().positive('must be >= 1').optional().describe('Upper bound of concurrent virtual users (connections).'),
        min: z.number().int().positive('must be >= 1').optional(),
      })
      .optional(),
    requestTimeout: DurationSchema.optional().describe('A request still unanswered after this is counted as a timeout (default 10s).'),
    phases: z.array(PhaseSchema).min(1, 'needs at least one phase'),
    thresholds: z
      .array(ThresholdSchema)
      .optional()
      .describe('Gates for CI, k6-style: each names a condition that fails the run for a model, e.g. "p95>300ms", "errors>0.1%", "cost>500/mo" (also --fail-if).'),
  })
  .superRefine((profile, ctx) => {
    const seen = new Set<string>();
    profile.phases.forEach((phase, i) => {
      if (seen.has(phase.name)) ctx.addIssue({ code: 'custom', path: ['phases', i, 'name'], message: `duplicate phase name "${phase.name}"` });
      seen.add(phase.name);
    });
  })
  .describe('An archcompare load profile.');
export type Profile = z.infer<typeof ProfileSchema>;

/** The JSON Schema editors use for profile files (benchmarks/profiles/profile.schema.json). */
export function profileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ProfileSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://archcompare.dev/schemas/profile.schema.json', title: 'archcompare load profile' };
}
