import { createOrdersConsumer } from './runtime.js';

/** The orders queue consumer (SQS event source mapping with ReportBatchItemFailures). */
export const { handler } = createOrdersConsumer();
