// `pnpm --filter @maple-tree/core bench`: runs bench/run.ts bundled with the
// sources (tooling/bench/bundle.mjs says why), with the same arguments:
//
//   node bench/run.mjs [--quick] [--only=lookup,gap,step,build,churn,memory]
import { build } from 'esbuild';
import { bundleBenchmark } from '../../../tooling/bench/bundle.mjs';

await import(await bundleBenchmark(build, new URL('./run.ts', import.meta.url)));
