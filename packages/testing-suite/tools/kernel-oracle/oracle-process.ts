/**
 * Runs scripts through the kernel oracle binary (oracle.c, built by
 * build.sh): one process for a batch of scripts, each starting with its
 * `tree` line, and the output cut back into one list of lines per script.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where build.sh puts the binary unless told otherwise. */
export const DEFAULT_ORACLE = '/tmp/kernel-oracle/oracle';

/** @throws Error when `path` is not there, saying how to build it */
export function checkOracle(path: string): void {
  if (!existsSync(path)) {
    throw new Error(
      `no kernel oracle at ${path}: build it with tools/kernel-oracle/build.sh KERNEL_TREE (see its README)`,
    );
  }
}

/**
 * Runs the scripts (each a list of lines starting with `tree ...`) in one
 * oracle process and returns each one's output lines, `tree` first.
 * @throws Error when the oracle fails or answers a different number of scripts
 */
export function runOracle(path: string, scripts: readonly (readonly string[])[]): string[][] {
  const input = `${scripts.map((s) => s.join('\n')).join('\n')}\n`;
  const result = spawnSync(path, [], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
  // A crash mid-input shows as EPIPE: report how the oracle ended instead.
  if (result.error && (result.error as NodeJS.ErrnoException).code !== 'EPIPE') throw result.error;
  if (result.status !== 0) {
    const tail = result.stdout.split('\n').slice(-3).join(' / ');
    throw new Error(
      `kernel oracle exited with ${result.status ?? result.signal} (${result.stderr.trim()}), output ending ${tail}`,
    );
  }
  const outputs: string[][] = [];
  for (const line of result.stdout.split('\n')) {
    if (line === 'tree') outputs.push([]);
    if (line === '') continue;
    const current = outputs[outputs.length - 1];
    if (current === undefined)
      throw new Error(`kernel oracle printed ${JSON.stringify(line)} before any tree`);
    current.push(line);
  }
  if (outputs.length !== scripts.length) {
    throw new Error(`kernel oracle answered ${outputs.length} scripts of ${scripts.length}`);
  }
  return outputs;
}
