import { handle } from 'hono/aws-lambda';
import { createHealthApp } from '../health-app.js';

export const handler = handle(createHealthApp('cart'));
