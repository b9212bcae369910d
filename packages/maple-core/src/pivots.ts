/**
 * Reading and writing pivots. Every pivot word is written through these
 * functions, and read either through them or, in the hot loops (walks,
 * scans, gap searches), in place from `arena.pivots` by the two rules this
 * file states: compare words with {@link scanKey}, and decode only a word
 * that may be a node's end pivot ({@link wordValue}; {@link innerPivot}).
 * The width of the stored words is otherwise this file's and the arena's
 * business alone.
 *
 * ```
 *   narrow (32-bit words, while every pivot is below 2^31 - 1 or is MAPLE_MAX):
 *     word w < 2^31 - 1     pivot w
 *     word 2^31 - 1         MAPLE_MAX (PIVOT_TOP)
 *   wide (64-bit words, for good once a pivot needs them):
 *     word w                pivot w
 *   either: an unused pivot is 0, as the kernel's are
 * ```
 *
 * Narrow words take half the bytes, and scanning them compares 32-bit
 * integers: a key at or above PIVOT_TOP is first clamped to it
 * ({@link slotFrom}), which leaves every comparison as it was, because no
 * other pivot reaches PIVOT_TOP and MAPLE_MAX is never below a key. The scans
 * keep one loop per width, so each loop reads one kind of typed array. A write
 * of a pivot that does not fit turns the arena wide first ({@link setPivot},
 * {@link fillPivots}): every value stays exact whatever is stored.
 */

import { type NodeArena, PIVOT_TOP } from './arena.js';
import { PIVOT_STRIDE } from './constants.js';
import { MAPLE_MAX } from './errors.js';

/**
 * The key a scan compares stored words with: `index`, clamped to PIVOT_TOP
 * while the words are 32-bit. A hot walk may read `a.pivots` itself, for as
 * long as nothing writes: word < scanKey(a, index) is pivot < index, and
 * {@link wordValue} gives a word's pivot (a word below the scan key is its
 * own pivot: only PIVOT_TOP needs decoding).
 */
export function scanKey(a: NodeArena, index: number): number {
  return a.wide ? index : narrowKey(index);
}

/**
 * {@link scanKey} for 32-bit words, as a 32-bit integer: a loop that holds
 * one, and 32-bit words, compares integers.
 */
export function narrowKey(index: number): number {
  return index < PIVOT_TOP ? index | 0 : PIVOT_TOP;
}

/*
 * Typed constants. A bundle (tsup, esbuild) turns an imported `const` into a
 * module variable, which TurboFan types as anything: a conditional or loop
 * variable mixing MAPLE_MAX or PIVOT_TOP with a double is then kept tagged,
 * and past 2^31 every double flowing into it is boxed in a fresh heap number.
 * Where such a value merges with a pivot, the store path writes MAPLE_MAX as
 * `Number.MAX_SAFE_INTEGER` (its definition, which TurboFan folds) and
 * PIVOT_TOP as the literal 0x7fffffff.
 */

/** The pivot a stored word stands for. */
export function wordValue(a: NodeArena, w: number): number {
  // MAPLE_MAX, typed (see "Typed constants" above).
  return w !== PIVOT_TOP || a.wide ? w : Number.MAX_SAFE_INTEGER;
}

/**
 * Makes sure pivot value `v` can be stored (the arena turns wide if not).
 * A writer that holds `a.pivots` in a local calls this for every new value
 * first, then stores {@link pivotWord}s into the local.
 */
export function fitPivot(a: NodeArena, v: number): void {
  if (v >= PIVOT_TOP && v !== MAPLE_MAX && !a.wide) a.widen();
}

/** The word that stores pivot `v` (which {@link fitPivot} has let in). */
export function pivotWord(a: NodeArena, v: number): number {
  // PIVOT_TOP, typed (see "Typed constants" above).
  return v !== MAPLE_MAX || a.wide ? v : 0x7fffffff;
}

/** Pivot `i` of node `h`. */
export function pivotOf(a: NodeArena, h: number, i: number): number {
  return wordValue(a, a.pivots[h * PIVOT_STRIDE + i] as number);
}

/**
 * Pivot `i` of node `h`, for an `i` before the node's end (or a pivot found
 * below a key): only the end pivot can be MAPLE_MAX, so this one's word is
 * its value. Hot loops read such words from `a.pivots` the same way.
 */
export function innerPivot(a: NodeArena, h: number, i: number): number {
  return a.pivots[h * PIVOT_STRIDE + i] as number;
}

/**
 * The first of node `h`'s first `n` pivots that is at least `index` (the
 * offset of the slot holding `index`), or `n` when there is none.
 */
export function slotFor(a: NodeArena, h: number, n: number, index: number): number {
  return slotFrom(a, h, 0, n, index);
}

/** As {@link slotFor}, starting the scan at pivot `from`. */
export function slotFrom(a: NodeArena, h: number, from: number, n: number, index: number): number {
  const p = h * PIVOT_STRIDE;
  let off = from;
  if (a.wide) {
    const pivots = a.pivots;
    while (off < n && (pivots[p + off] as number) < index) off++;
  } else {
    // 32-bit words against a 32-bit key: an integer comparison.
    const pivots = a.pivots;
    const k = narrowKey(index);
    while (off < n && (pivots[p + off] as number) < k) off++;
  }
  return off;
}

/**
 * The slot of node `h` holding `key`, as {@link slotFor} finds it, but
 * scanning down from slot `off` (the node's end): a reverse search's key
 * usually lies near a node's top, so this reads a pivot or two where the
 * upward scan reads most of them.
 */
export function slotDownTo(a: NodeArena, h: number, off: number, key: number): number {
  const p = h * PIVOT_STRIDE;
  let s = off;
  if (a.wide) {
    const pivots = a.pivots;
    while (s > 0 && (pivots[p + s - 1] as number) >= key) s--;
  } else {
    const pivots = a.pivots;
    const k = narrowKey(key);
    while (s > 0 && (pivots[p + s - 1] as number) >= k) s--;
  }
  return s;
}

/** Sets pivot `i` of node `h` to `v` (the arena turns wide first if `v` needs it). */
export function setPivot(a: NodeArena, h: number, i: number, v: number): void {
  fitPivot(a, v);
  a.pivots[h * PIVOT_STRIDE + i] = pivotWord(a, v);
}

/** Marks pivot `i` of node `h` unused (0, as the kernel zeroes unused pivots). */
export function clearPivot(a: NodeArena, h: number, i: number): void {
  a.pivots[h * PIVOT_STRIDE + i] = 0;
}

/** True when pivot `i` of node `h` is marked unused. */
export function pivotClear(a: NodeArena, h: number, i: number): boolean {
  return a.pivots[h * PIVOT_STRIDE + i] === 0;
}

/**
 * Refills node `h`'s pivots: the first `count` of its `n` pivots from
 * `src[from..]` (ascending), the rest unused.
 */
export function fillPivots(
  a: NodeArena,
  h: number,
  src: Float64Array,
  from: number,
  count: number,
  n: number,
): void {
  const used = Math.min(count, n);
  // Ascending: the last pivot is the largest; MAPLE_MAX has a word of its own, so then the one before it.
  const top = used > 0 && src[from + used - 1] === MAPLE_MAX ? 1 : 0;
  const plain = used - top;
  if (plain > 0) fitPivot(a, src[from + plain - 1] as number);
  const pivots = a.pivots;
  const p = h * PIVOT_STRIDE;
  for (let i = 0; i < plain; i++) pivots[p + i] = src[from + i] as number;
  if (top === 1) pivots[p + plain] = pivotWord(a, MAPLE_MAX);
  for (let i = used; i < PIVOT_STRIDE - 1; i++) pivots[p + i] = 0;
}

/**
 * Moves `count` pivots of node `h` from `from` to `to` (overlapping ranges
 * allowed, as copyWithin): the stored words move as they are.
 */
export function movePivots(a: NodeArena, h: number, from: number, to: number, count: number): void {
  const pivots = a.pivots;
  const at = h * PIVOT_STRIDE;
  if (to < from) {
    for (let i = 0; i < count; i++) pivots[at + to + i] = pivots[at + from + i] as number;
  } else {
    for (let i = count - 1; i >= 0; i--) pivots[at + to + i] = pivots[at + from + i] as number;
  }
}
