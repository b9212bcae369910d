/**
 * What the stress test's writer and reader workers share: the op log (every
 * published version's write, in order, so a reader can rebuild any version it
 * was answered from), the control words, and the value encoding.
 *
 * ```
 *  log:     Float64 [kind, a, b] per version:  version v = ops 0 .. v-1 applied
 *  control: Int32   [STOP, LOG_LENGTH, PROGRESS(reader 1), PROGRESS(reader 2), ...]
 * ```
 */

import type { MapleTree } from '@maple-tree/core';

export const C_STOP = 0;
export const C_LOG_LENGTH = 1;
/** Reader n (1-based) publishes how many distinct versions it has checked at C_PROGRESS + n - 1. */
export const C_PROGRESS = 2;
export const MAX_READERS = 4;
export const CONTROL_WORDS = C_PROGRESS + MAX_READERS;

export const OP_STORE = 1;
export const OP_ERASE = 2;
export const OP_CLEAR = 3;
export const OP_WORDS = 3;

/** Values encode the range they were stored over: first * 2^14 + (last - first), exact in a double. */
export const LEN_SPAN = 1 << 14;

export function encode(first: number, last: number): number {
  return first * LEN_SPAN + (last - first);
}

/** True when `value`, found on `[first, last]`, was stored over a range containing it. */
export function plausible(value: number, first: number, last: number): boolean {
  const f = Math.floor(value / LEN_SPAN);
  const l = f + (value % LEN_SPAN);
  return f <= first && last <= l;
}

/** Applies op `i` of the log to `tree`: store [a, b] := encode(a, b), erase(a), or store [a, b] := undefined. */
export function applyOp(tree: MapleTree<number>, log: Float64Array, i: number): void {
  const kind = log[i * OP_WORDS] as number;
  const a = log[i * OP_WORDS + 1] as number;
  const b = log[i * OP_WORDS + 2] as number;
  if (kind === OP_ERASE) tree.erase(a);
  else if (kind === OP_CLEAR) tree.storeRange(a, b, undefined);
  else tree.storeRange(a, b, encode(a, b));
}
