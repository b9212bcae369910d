#!/usr/bin/env node
// Launcher for `pnpm demo`: runs the TypeScript CLI (src/cli/main.ts) through
// tsx with the `@maple-tree/source` condition, so that a fresh clone needs no
// build step. Arguments, exit code and signals pass straight through.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const tsxCli = require.resolve('tsx/cli');
const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const child = spawn(
  process.execPath,
  [tsxCli, '--conditions=@maple-tree/source', main, ...process.argv.slice(2)],
  // pnpm runs scripts in the package's folder; resolve --trace paths against where the user typed.
  { stdio: 'inherit', cwd: process.env.INIT_CWD || process.cwd() },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
