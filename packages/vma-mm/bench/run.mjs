// `pnpm --filter @maple-tree/vma-mm bench`: runs bench/main.ts bundled with
// the package and workspace sources (tooling/bench/bundle.mjs says why):
//
//   node bench/run.mjs [--quick] [--only <substring>] [--json <file>] [--md <file>]
import { build } from 'esbuild';
import { bundleBenchmark } from '../../../tooling/bench/bundle.mjs';

const { main } = await import(await bundleBenchmark(build, new URL('./main.ts', import.meta.url)));
await main(process.argv.slice(2), new URL('../fixtures/traces/', import.meta.url));
