import { defineConfig } from 'vitest/config';

/**
 * Three projects:
 * - `unit`: every package's and example's own tests, in-memory exporters and servers started
 *   by the tests, and the fault-and-attack suite (`test/attack/`).
 * - `package`: the packages as a user installs them: `npm pack` tarballs installed into a
 *   fresh project outside the repository (test/package/consumer.test.ts; about a minute).
 * - `e2e`: cross-package tests against the real Collector, Prometheus and Jaeger that
 *   `scripts/backends.sh` builds, caches and starts (global setup); never skipped.
 */
export default defineConfig({
  resolve: { conditions: ['toolscope-source'] },
  ssr: { resolve: { conditions: ['toolscope-source'], externalConditions: ['toolscope-source'] } },
  test: {
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/test/**/*.test.ts',
            'examples/*/test/**/*.test.ts',
            'test/unit/**/*.test.ts',
            'test/attack/**/*.test.ts',
          ],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          testTimeout: 120_000,
          // Packing and installing every package: generous on a loaded 2-core machine.
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 3_600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
