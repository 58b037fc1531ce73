import { createHttpFunction } from './runtime.js';

/** The catalog function (API Gateway HTTP API payload v2). One module load = one execution environment. */
export const { handler } = createHttpFunction('catalog');
