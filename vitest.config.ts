import { defineConfig } from 'vitest/config';

/**
 * Two phases. Suites that assert latencies (the load harness against a server with a known delay,
 * local scaling) run first and one file at a time, so the terraform round trips and database
 * suites of the second phase cannot steal their CPU on a 2-core machine.
 */
const TIMING_SENSITIVE = ['test/bench/harness.test.ts', 'test/local/lambda-runtime.test.ts', 'test/local/**/*.e2e.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 600_000,
    maxWorkers: 2,
    // We support Node >= 20.19 on purpose; the SDK's notice about its future Node 22 floor is noise.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // GitHub's workflow parser imports its JSON schema without an import attribute: let Vite load it.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    projects: [
      {
        extends: true,
        test: { name: 'timing', include: TIMING_SENSITIVE, fileParallelism: false, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], exclude: TIMING_SENSITIVE, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
