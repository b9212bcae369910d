/**
 * Finding and shrinking a difference between the kernel oracle and core on
 * one sequence: {@link firstDivergence} compares the two outputs line by line
 * and names the operation after which they part; {@link shrink} cuts the
 * sequence down (delta debugging, then dropping what follows the first
 * difference) while the two still disagree somewhere.
 */
import { replayOnCore, scriptOf } from '../../src/shapes/replay.js';
import type { ShapeCase, ShapeOp } from '../../src/shapes/sequences.js';
import { runOracle } from './oracle-process.js';

/** Where two outputs of the same script part. */
export interface Divergence {
  /** Index of the first differing output line. */
  readonly line: number;
  /** 0-based index of the operation that line answers or follows. */
  readonly op: number;
  /** The kernel's and core's output from that line (a whole dump when it is one). */
  readonly kernel: readonly string[];
  readonly core: readonly string[];
}

/** Operation indices after which to dump: every operation for short sequences, else about 16 checkpoints. */
export function checkpoints(size: number, every = 300): Set<number> {
  const step = size <= every ? 1 : Math.max(1, Math.floor(size / 16));
  const at = new Set<number>();
  for (let i = step - 1; i < size; i += step) at.add(i);
  return at;
}

const NODE_LINE = /^\d+ (leaf|range|arange)_64 /;

/** The lines from `from` to the end of the answer or dump there. */
function chunk(lines: readonly string[], from: number): string[] {
  const first = lines[from];
  if (first === undefined) return ['(nothing)'];
  if (/^\d+ \d+( \S+)?$/.test(first) || first === 'tree') return [first];
  let to = from;
  while (to < lines.length && lines[to] !== 'end') to++;
  return lines.slice(from, to + 1);
}

/** Which operation the output line `line` belongs to, walking `script` against `output`. */
function opOfLine(script: readonly string[], output: readonly string[], line: number): number {
  let at = 1; // output line 0 is 'tree'
  let op = -1;
  for (let s = 1; s < script.length && at <= line; s++) {
    if (script[s] === 'dump') {
      while (at < output.length && output[at] !== 'end') at++;
      at++;
    } else {
      op++;
      at++;
    }
  }
  return Math.max(op, 0);
}

/**
 * The first place where `kernel` and `core` (outputs of `script`) differ, or
 * null when they agree everywhere.
 */
export function compareOutputs(
  script: readonly string[],
  kernel: readonly string[],
  core: readonly string[],
): Divergence | null {
  const n = Math.max(kernel.length, core.length);
  for (let i = 0; i < n; i++) {
    if (kernel[i] === core[i]) continue;
    // Back up to the start of the dump the line is in, to show all of it.
    let start = i;
    while (start > 0 && NODE_LINE.test(kernel[start - 1] ?? '')) start--;
    return { line: i, op: opOfLine(script, core, i), kernel: chunk(kernel, start), core: chunk(core, start) };
  }
  return null;
}

/** Runs each sequence on both sides, dumping after the operations in `dumps[i]`, and compares. */
function compareRuns(
  oracle: string,
  c: ShapeCase,
  sequences: readonly (readonly ShapeOp[])[],
  dumps: readonly Set<number>[],
): (Divergence | null)[] {
  const scripts = sequences.map((ops, i) => scriptOf(c, ops, dumps[i]));
  const kernel = runOracle(oracle, scripts);
  return sequences.map((ops, i) => {
    let core: string[];
    try {
      core = replayOnCore(c, ops, dumps[i]);
    } catch (error) {
      core = ['tree', `threw: ${(error as Error).message}`];
    }
    return compareOutputs(scripts[i] as string[], kernel[i] as string[], core);
  });
}

/**
 * Runs each sequence on both sides (dumping at {@link checkpoints}), the
 * kernel's in one process, and compares. A difference first seen in a dump
 * may have arisen at any operation since the checkpoint before it: those
 * operations are run again with a dump after each, so `op` is the operation
 * that made the difference.
 */
export function firstDivergences(
  oracle: string,
  c: ShapeCase,
  sequences: readonly (readonly ShapeOp[])[],
): (Divergence | null)[] {
  const dumps = sequences.map((ops) => checkpoints(ops.length));
  const found = compareRuns(oracle, c, sequences, dumps);
  return found.map((d, i) => {
    if (
      d === null ||
      d.op === 0 ||
      !NODE_LINE.test(d.kernel[0] ?? '') ||
      (dumps[i] as Set<number>).has(d.op - 1)
    ) {
      return d;
    }
    const ops = sequences[i] as readonly ShapeOp[];
    const before = Math.max(-1, ...[...(dumps[i] as Set<number>)].filter((k) => k < d.op));
    const window = new Set<number>();
    for (let k = before + 1; k <= d.op; k++) window.add(k);
    return compareRuns(oracle, c, [ops.slice(0, d.op + 1)], [window])[0] ?? d;
  });
}

/**
 * A short sequence that still diverges: first the prefix up to the first
 * divergence, then chunks removed (ddmin: each round tries every chunk of the
 * current size in one oracle run) while some divergence remains, cutting
 * after the first divergence again each time. At most `rounds` rounds and
 * about `seconds` seconds: what is left then is returned.
 * @throws Error when `ops` does not diverge
 */
export function shrink(
  oracle: string,
  c: ShapeCase,
  ops: readonly ShapeOp[],
  rounds = 200,
  seconds = 60,
): { ops: ShapeOp[]; divergence: Divergence } {
  const until = Date.now() + seconds * 1000;
  let found = firstDivergences(oracle, c, [ops])[0];
  if (!found) throw new Error('shrink: the sequence does not diverge');
  let best = ops.slice(0, found.op + 1);
  let parts = 2;
  for (let round = 0; best.length > 1 && round < rounds && Date.now() < until; round++) {
    const size = Math.ceil(best.length / parts);
    const candidates: ShapeOp[][] = [];
    for (let start = 0; start < best.length; start += size) {
      const candidate = [...best.slice(0, start), ...best.slice(start + size)];
      if (candidate.length > 0) candidates.push(candidate);
    }
    const results = firstDivergences(oracle, c, candidates);
    const k = results.findIndex((d) => d !== null);
    if (k >= 0) {
      found = results[k] as Divergence;
      best = (candidates[k] as ShapeOp[]).slice(0, found.op + 1);
      parts = Math.max(2, parts - 1);
    } else if (size <= 1) {
      break;
    } else {
      parts = Math.min(best.length, parts * 2);
    }
  }
  return { ops: best, divergence: found };
}
