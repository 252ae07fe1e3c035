import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@dlf/source', 'module', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@dlf/source', 'module', 'import', 'default'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
