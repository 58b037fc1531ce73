/**
 * The tag keys every deployed resource carries (stacks/common.ts puts them on). Destroy's sweep and
 * `destroy --stale` find a run from them alone, and cost attribution keys on them. Pure data, no cdktf,
 * so the destroy path can read them without loading the stacks.
 */
export const TAG_RUN_ID = 'archcompare:run-id';
export const TAG_MODEL = 'archcompare:model';
/** When the deployment began (ISO 8601, UTC, whole seconds): how `destroy --stale --older-than` ages a run. */
export const TAG_CREATED_AT = 'archcompare:created-at';

/** The creation-time tag value of `date`: ISO without milliseconds (a tag value allows digits, letters, `-`, `:`). */
export function createdAtTagValue(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
