// `pnpm bench`: runs bench/run.ts bundled with the peers and the workspace
// sources (tooling/bench/bundle.mjs says why), with the same options:
//
//   node bench/run.mjs [--quick] [--sizes ..] [--only ..] [--libs ..] [--out dir] ...
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleBenchmark } from '../../../tooling/bench/bundle.mjs';

// The command line and progress bar are CommonJS packages: loaded as they are.
const bundle = await bundleBenchmark(build, new URL('./run.ts', import.meta.url), {
  external: ['cac', 'cli-progress'],
});
const args = process.argv.slice(2);
// run.ts puts its results beside itself by default: keep them in this package.
if (!args.includes('--out')) args.push('--out', fileURLToPath(new URL('../bench-results', import.meta.url)));
process.argv = [process.argv[0], fileURLToPath(bundle), ...args];
await import(bundle);
