/** Orders queue consumer (placeholder): acknowledges every record. */
export const handler = async (event: { Records?: unknown[] }) => ({ batchItemFailures: [], received: event.Records?.length ?? 0 });
