// One Vitest configuration for the whole workspace. Every package is a
// project here; a package's `test` script runs its own project
// (`vitest run --config ../../vitest.config.ts --project <name>`), and
// `vitest run` at the root runs them all. Tests resolve workspace packages
// through the `@maple-tree/source` export condition, so they run against
// `src/` with no build in between.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const workspace = (dir: string) => fileURLToPath(new URL(`./${dir}/`, import.meta.url));

const sourceConditions = ['@maple-tree/source', 'import', 'module', 'node', 'default'];

const project = (name: string, dir: string, extra: { testTimeout?: number } = {}) => ({
  extends: true as const,
  test: {
    name,
    root: workspace(dir),
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    ...extra,
  },
});

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@maple-tree/source'] } },
  test: {
    environment: 'node',
    // Packages test in parallel on small CI machines (2 cores); property runs
    // and worker tests need room beyond Vitest's 5 s default when they share them.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      project('@maple-tree/core', 'packages/maple-core'),
      project('@maple-tree/rcu', 'packages/maple-rcu'),
      project('@maple-tree/vma-mm', 'packages/vma-mm'),
      project('@maple-tree/testing-suite', 'packages/testing-suite', { testTimeout: 120_000 }),
      project('@maple-tree/demo', 'apps/demo', { testTimeout: 120_000 }),
    ],
  },
});
