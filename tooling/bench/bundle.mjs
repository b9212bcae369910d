// The one way this repository runs a TypeScript benchmark: bundle its entry
// (and every workspace source it imports, through the `@maple-tree/source`
// condition) into one ES module with esbuild, as a production build would,
// and hand back the bundle's URL to import.
//
// Why: loaders that transform TypeScript per module (tsx, vitest) turn
// constants imported across modules into property getters. The maple tree
// reads several in every loop and the peer libraries, plain JavaScript
// packages, read none, so running the sources through tsx slowed maple's
// lookups by about a fifth and no peer's (46.8 -> 38.6 ns at 10^5 ranges in
// the testing-suite, sorted-btree 79.4 / 79.5).
//
// The caller passes esbuild's `build` (esbuild resolves from the package that
// depends on it), and the bundle goes to the package's node_modules/.cache,
// so the packages it leaves `external` resolve as usual.
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * @param {(options: object) => Promise<unknown>} build esbuild's build function
 * @param {URL} entry the benchmark's entry file
 * @param {{ external?: string[] }} [options] packages to load as they are (CommonJS tools)
 * @returns {Promise<string>} the bundle's file URL, for `import()`
 */
export async function bundleBenchmark(build, entry, options = {}) {
  const dir = new URL('../node_modules/.cache/maple-bench/', entry);
  mkdirSync(dir, { recursive: true });
  const outfile = fileURLToPath(new URL('bench.mjs', dir));
  await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    conditions: ['@maple-tree/source'],
    external: options.external ?? [],
    logLevel: 'warning',
  });
  return pathToFileURL(outfile).href;
}
