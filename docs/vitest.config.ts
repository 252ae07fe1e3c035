import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One browser; pages without examples are visited eight at a time (mostly waiting on the network),
    // pages with examples one after another (their training uses the CPU).
    fileParallelism: false,
    maxConcurrency: 8,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
