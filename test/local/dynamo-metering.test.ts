import { describe, expect, it } from 'vitest';
import { consumedCapacityOf } from '../../src/local/dynamo.js';

const body = (o: unknown) => Buffer.from(JSON.stringify(o));

describe('ConsumedCapacity from a DynamoDB response without parsing its items', () => {
  it('reads the member after a page of items, including items holding brackets and the key name as text', () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ pk: { S: `PRODUCT#${i}` }, description: { S: 'a {tricky} [text] "ConsumedCapacity": {' } }));
    const query = { Items: items, Count: 500, ScannedCount: 500, ConsumedCapacity: { TableName: 'shop-products', CapacityUnits: 61.5 } };
    expect(consumedCapacityOf(body(query))).toEqual({ TableName: 'shop-products', CapacityUnits: 61.5 });
  });

  it('reads the per-table array of batch and transaction operations', () => {
    const batch = { Responses: { a: [] }, ConsumedCapacity: [{ TableName: 'a', CapacityUnits: 2 }, { TableName: 'b', CapacityUnits: 0.5 }] };
    expect(consumedCapacityOf(body(batch))).toEqual([{ TableName: 'a', CapacityUnits: 2 }, { TableName: 'b', CapacityUnits: 0.5 }]);
  });

  it('answers undefined when the response has none or is not JSON', () => {
    expect(consumedCapacityOf(body({ Items: [] }))).toBeUndefined();
    expect(consumedCapacityOf(Buffer.from('"ConsumedCapacity": {"TableName": "x"'))).toBeUndefined();
  });
});
