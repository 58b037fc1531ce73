import { serve } from '@hono/node-server';
import { createHealthApp } from '../health-app.js';

const port = Number(process.env.PORT ?? 8080);
const server = serve({ fetch: createHealthApp('server').fetch, port, hostname: process.env.HOST ?? '0.0.0.0' });
process.on('SIGTERM', () => server.close(() => process.exit(0)));
