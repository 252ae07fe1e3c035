import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@dlf/source', 'module', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@dlf/source', 'module', 'import', 'default'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files share a worker's module cache: tfjs and its wasm backend load once per worker
    // instead of once per file (3x faster here). Every file sets its backend in beforeAll.
    isolate: false,
  },
});
