import { defineConfig } from 'vitest/config';

/**
 * Three layers, each a project (`npm run test:unit`, `test:int`, `test:e2e`; `npm test` runs all):
 * - unit: pure tests beside their code (src/**) and in test/unit: no temp workspace, no DuckDB,
 *   no child process, no dist/ build; fast enough to run on every change.
 * - int: test/integration: files, DuckDB, worker threads, local servers. Worker threads load
 *   their compiled module from dist/, so dist/ is built first (test/globalSetup.ts, once a run).
 * - e2e: test/e2e: the CLI as a whole, in process or spawning bin/sinso.js (dist/).
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts'],
      // files only (coverage/): the run's output still ends with vitest's summary; add
      // --coverage.reporter=text for the table
      reporter: ['json-summary', 'html'],
      // Enforced by `vitest run --coverage` over the whole suite (.ci/run; one layer alone
      // covers less): the coverage measured when they were set, rounded down. The style guide
      // asks for >= 95% lines and >= 90% branches; raise these as tests close the gap.
      thresholds: {
        // about a point below what the whole suite measures (property tests draw random inputs,
        // so branch counts move a little between runs); the codec moved from deid to ingest and
        // keeps its own gate there
        'src/core/**': { lines: 86, statements: 85, functions: 89, branches: 71 },
        'src/deid/**': { lines: 92, statements: 90, functions: 93, branches: 80 },
        'src/ingest/dicom/**': { lines: 96, statements: 94, functions: 97, branches: 89 },
      },
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          // pure tests (no mocks, no globals or environment changed): one module cache for all
          // files, which halves the layer's time (imports of zod, dcmjs, circomlibjs… once)
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/globalSetup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/globalSetup.ts'],
          // whole pipelines in child processes: slow on a loaded 2-core machine
          testTimeout: 180_000,
        },
      },
    ],
  },
});
