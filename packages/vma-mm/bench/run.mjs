// Builds the benchmark (bench/main.ts and the package sources, with the
// `@maple-tree/source` condition) into one ES module with esbuild, as a
// production bundle would be, and runs it in this Node process.
//
//   node bench/run.mjs [--quick] [--only <substring>] [--json <file>] [--md <file>]
//
// Why a bundle: loaders that transform TypeScript per module (tsx, vitest)
// turn every imported constant of @maple-tree/core into a property getter,
// which made the tree look several times slower than it is.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const dir = mkdtempSync(join(tmpdir(), 'vma-mm-bench-'));
const outfile = join(dir, 'bench.mjs');
try {
  await build({
    entryPoints: [fileURLToPath(new URL('./main.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    conditions: ['@maple-tree/source'],
    logLevel: 'warning',
  });
  const { main } = await import(pathToFileURL(outfile).href);
  await main(process.argv.slice(2), new URL('../fixtures/traces/', import.meta.url));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
