import { defineConfig } from 'vitest/config';

// One vitest run covers the whole workspace: two projects instead of one process per package,
// which matters on a 2-core CI machine.
export default defineConfig({
  test: {
    globals: false,
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/testing.ts', '**/index.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: {
        'packages/records/src/**': { lines: 90 },
        'packages/crypto/src/**': { lines: 90 },
        'packages/queues/src/**': { lines: 90 },
      },
    },
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'services/*/src/**/*.test.ts',
            'scripts/**/*.test.ts',
            'infra/**/*.test.ts',
            'spec/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'packages/*/test/**/*.int.test.ts',
            'services/*/test/**/*.int.test.ts',
            'test/**/*.int.test.ts',
          ],
          environment: 'node',
          globalSetup: ['./test/global-setup.ts'],
          // One file at a time: the services are shared.
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
