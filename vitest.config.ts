import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'src/**/*.test.ts', 'stacks/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // Suites that start terraform, moto_server or postgres are heavy: 2 cores here.
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
