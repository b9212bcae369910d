// `node tools/kernel-oracle/run.mjs [answers] [options]` (from packages/testing-suite):
// bundles compare.ts (tree shapes), or answers.ts (the answers of reads and
// searches) when the first argument is `answers`, with the workspace sources
// through esbuild, as the benchmarks are run (tooling/bench/bundle.mjs says
// why), and runs it with the same options.
import { build } from 'esbuild';
import { bundleBenchmark } from '../../../../tooling/bench/bundle.mjs';

const entry = process.argv[2] === 'answers' ? './answers.ts' : './compare.ts';
// The command line parser is a CommonJS package: loaded as it is.
await import(await bundleBenchmark(build, new URL(entry, import.meta.url), { external: ['cac'] }));
