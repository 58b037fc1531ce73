/** AWS bills a month as 730 hours (8,760 / 12), as its pricing pages and calculator do. */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** AWS bills data in GB of 2^30 bytes. */
export const BYTES_PER_GB = 1024 ** 3;
