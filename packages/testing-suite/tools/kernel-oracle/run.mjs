// `node tools/kernel-oracle/run.mjs [options]` (from packages/testing-suite):
// bundles compare.ts with the workspace sources through esbuild, as the
// benchmarks are run (tooling/bench/bundle.mjs says why), and runs it with
// the same options.
import { build } from 'esbuild';
import { bundleBenchmark } from '../../../../tooling/bench/bundle.mjs';

// The command line parser is a CommonJS package: loaded as it is.
await import(await bundleBenchmark(build, new URL('./compare.ts', import.meta.url), { external: ['cac'] }));
