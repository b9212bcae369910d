// Builds the benchmark (bench/run.ts, the peers and the workspace sources,
// with the `@maple-tree/source` condition) into one ES module with esbuild,
// as a production bundle would be, and runs it in this Node process.
//
//   node bench/run.mjs [the options of bench/run.ts]   (the package's `bench` script)
//
// Why a bundle: loaders that transform TypeScript per module (tsx, vitest)
// turn constants imported across modules into property getters. The maple
// tree reads several in every loop (node strides, the pivot top word), the
// peers are plain JavaScript packages and read none, so running the sources
// through tsx slowed maple's lookups by about a fifth and no peer's: at 10^5
// ranges `load` took 46.8 ns through tsx and 38.6 bundled, sorted-btree 79.4
// and 79.5. The bundle lives in node_modules/.cache so that the command-line
// packages it leaves out resolve as usual.
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const outDir = new URL('../node_modules/.cache/maple-bench/', import.meta.url);
mkdirSync(outDir, { recursive: true });
const outfile = fileURLToPath(new URL('run.mjs', outDir));
await build({
  entryPoints: [fileURLToPath(new URL('./run.ts', import.meta.url))],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  conditions: ['@maple-tree/source'],
  // The command line and progress bar are CommonJS packages: loaded as they are.
  external: ['cac', 'cli-progress'],
  logLevel: 'warning',
});
const args = process.argv.slice(2);
// run.ts puts its results beside itself by default: keep them in this package.
if (!args.includes('--out')) args.push('--out', fileURLToPath(new URL('../bench-results', import.meta.url)));
process.argv = [process.argv[0], outfile, ...args];
await import(pathToFileURL(outfile).href);
