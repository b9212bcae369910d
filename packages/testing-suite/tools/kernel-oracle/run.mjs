// `node tools/kernel-oracle/run.mjs [options]` (from packages/testing-suite):
// bundles compare.ts with the workspace sources through esbuild, as the
// benchmarks are run (tooling/bench/bundle.mjs says why), and runs it with
// the same options. The bundle goes to node_modules/.cache/kernel-oracle.
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const dir = new URL('../../node_modules/.cache/kernel-oracle/', import.meta.url);
mkdirSync(dir, { recursive: true });
const outfile = fileURLToPath(new URL('compare.mjs', dir));
await build({
  entryPoints: [fileURLToPath(new URL('./compare.ts', import.meta.url))],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  conditions: ['@maple-tree/source'],
  // The command line parser is a CommonJS package: loaded as it is.
  external: ['cac'],
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);
