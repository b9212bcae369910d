/**
 * The file format of the kernel shape fixtures (test/kernel/fixtures/shapes-*.json):
 * for each seeded {@link ShapeCase}, the kernel's node count and height after
 * every operation and a checksum of its full shape at a few checkpoints.
 * tools/kernel-oracle/compare.ts writes them from the kernel oracle's output;
 * test/kernel/kernel-shapes.test.ts replays them against core.
 *
 * Node counts and heights are stored as run-length encoded differences,
 * `"1,0*15,1,0*15,-2"`: each token is the change from the previous value
 * (starting at 0), `D*K` being the change D repeated K times.
 */
import type { ShapeCase } from './sequences.js';

/** One case's kernel facts. */
export interface ShapeFixtureCase extends ShapeCase {
  /** Nodes after each operation, run-length encoded differences. */
  readonly nodes: string;
  /** mt_height after each operation, run-length encoded differences. */
  readonly heights: string;
  /** Operation indices (0-based) after which the shape was taken; the last is the final operation. */
  readonly checkpoints: readonly number[];
  /** {@link shapeChecksum} of the kernel's dump after each checkpoint. */
  readonly shapes: readonly string[];
  /** The kernel's final dump itself, kept for small trees (a readable sample). */
  readonly finalDump?: readonly string[];
}

/** A fixture file. */
export interface ShapeFixture {
  /** Where the facts come from (kernel version and tool). */
  readonly source: string;
  readonly cases: readonly ShapeFixtureCase[];
}

/** Encodes a sequence of integers as run-length encoded differences. */
export function encodeRuns(values: readonly number[]): string {
  const tokens: string[] = [];
  let previous = 0;
  let i = 0;
  while (i < values.length) {
    const delta = (values[i] as number) - previous;
    let run = 1;
    // A run goes on while each next value changes by the same step.
    while (
      i + run < values.length &&
      (values[i + run] as number) - (values[i + run - 1] as number) === delta
    ) {
      run++;
    }
    tokens.push(run === 1 ? String(delta) : `${delta}*${run}`);
    previous = values[i + run - 1] as number;
    i += run;
  }
  return tokens.join(',');
}

/** Decodes {@link encodeRuns}. @throws Error on a malformed token */
export function decodeRuns(text: string): number[] {
  const values: number[] = [];
  if (text === '') return values;
  let current = 0;
  for (const token of text.split(',')) {
    const match = /^(-?\d+)(?:\*(\d+))?$/.exec(token);
    if (!match) throw new Error(`bad run token ${JSON.stringify(token)}`);
    const delta = Number(match[1]);
    const run = match[2] === undefined ? 1 : Number(match[2]);
    for (let k = 0; k < run; k++) {
      current += delta;
      values.push(current);
    }
  }
  return values;
}

/** FNV-1a (32 bits) of a dump's lines joined by newlines, as 8 hex digits. */
export function shapeChecksum(lines: readonly string[]): string {
  let hash = 0x811c9dc5;
  const text = lines.join('\n');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
