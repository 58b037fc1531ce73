import { Hono } from 'hono';

/**
 * Placeholder app until the application issue lands: answers the health route and says
 * whether this runtime environment is cold (first request since start) and its init time.
 */
const startedAt = performance.now();
let served = 0;

export function coldStartHeaders(initMs: number): Record<string, string> {
  const cold = served === 0;
  served += 1;
  return { 'x-archcompare-cold-start': String(cold), 'x-archcompare-init-ms': initMs.toFixed(1) };
}

export function createHealthApp(component: string): Hono {
  const app = new Hono();
  const initMs = performance.now() - startedAt;
  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(coldStartHeaders(initMs))) c.res.headers.set(k, v);
  });
  app.get('/health', (c) => c.json({ status: 'ok', component }));
  return app;
}
