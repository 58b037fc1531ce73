import { createHttpFunction } from './runtime.js';

/** The users function (API Gateway HTTP API payload v2). One module load = one execution environment. */
export const { handler } = createHttpFunction('users');
