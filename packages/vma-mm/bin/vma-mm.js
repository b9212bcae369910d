#!/usr/bin/env node
// The `vma-mm` command. An installed package (no src/ in it) runs its build,
// dist/cli.js. In a source checkout the command runs the sources instead, so
// that it never runs a stale build: it bundles src/cli.ts, with the workspace
// sources it imports (the `@maple-tree/source` condition), through esbuild, a
// dev dependency of the package, into node_modules/.cache and runs that, so
// `pnpm exec vma-mm` also works straight after `pnpm install`.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = new URL('../dist/cli.js', import.meta.url);
const source = new URL('../src/cli.ts', import.meta.url);

async function sourceCli() {
  const dir = new URL('../node_modules/.cache/vma-mm-cli/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const outfile = fileURLToPath(new URL('cli.mjs', dir));
  const { build } = await import('esbuild');
  await build({
    entryPoints: [fileURLToPath(source)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    conditions: ['@maple-tree/source'],
    logLevel: 'error',
  });
  return pathToFileURL(outfile).href;
}

const { runCli } = await import(existsSync(source) ? await sourceCli() : dist.href);
process.exitCode = runCli(process.argv.slice(2));
