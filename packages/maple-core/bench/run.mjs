// Builds the benchmark (bench/run.ts and the sources) into one ES module with
// esbuild, as a production bundle would be, and runs it in this Node process:
//
//   node bench/run.mjs [--quick] [--only=lookup,gap,step,build,churn,memory]
//
// Why a bundle: loaders that transform TypeScript per module (tsx, vitest)
// turn constants imported across modules into property getters, which the
// tree reads in every loop (the testing-suite's lookups ran a fifth slower
// that way); sorted-btree, the peer, is plain JavaScript either way.
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
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);
