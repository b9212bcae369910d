/**
 * A leaf that overflows, outside RCU mode, handled in place (the leaf level
 * of the kernel's mas_split and mas_push_data).
 *
 * The general path (split.ts) lays the leaf's new contents (the old entries
 * with the store written over them) into the big node, lays a sibling beside
 * them to push into it, and writes every node it keeps back whole. When no
 * reader can see a node half-written, the new contents need not be laid out
 * anywhere: entry `v` of them is an old entry of the leaf, or one of the one
 * to three ranges the store writes ({@link view}), and the cuts are
 * chosen by reading them where they are. Then only the entries that change
 * place move:
 *
 * ```
 *   push left:   sib [a b c] + new [d e f g ...]    ->  sib [a b c d e]   cur [f g ...]
 *   push right:  new [... p q r s] + sib [x y]      ->  cur [... p q]     sib [r s x y]
 *   split:       new [a ... h i ... q]              ->  cur [a ... h]     right [i ... q]
 * ```
 *
 * The cuts follow the same rules (mas_push_data's room test and cut,
 * mab_calc_split, mab_no_null_split) on the same entries, so every node ends
 * up word for word as the general path leaves it; the tests compare the trees
 * with those of RCU mode, which always takes the general path. A split whose
 * parent must split in turn hands the two halves to split.ts, which goes on
 * up through the big node.
 */

import type { NodeArena } from './arena.js';
import { LEAF_64, MT_MIN_SLOTS, PIVOT_STRIDE, RANGE64_SLOTS, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
import { leafMaxGap, refreshGapOffset, updateParentGapUp } from './gaps.js';
import { fitPivot, pivotWord, setPivot, wordValue } from './pivots.js';
import { pushTarget, pushTo } from './push-in-place.js';
import { splitAbove } from './split.js';
import { storeStats } from './stats.js';
import { wp, ws } from './write.js';

/** Slots of a leaf, and the last of its pivot words (the last slot of a full leaf has none). */
const SLOTS = RANGE64_SLOTS;
const LAST_PIVOT = RANGE64_SLOTS - 2;
/** mt_min_slots of a leaf. */
const MIN_LEAF = MT_MIN_SLOTS[LEAF_64] as number;

/**
 * The leaf's contents after the store, read where they are: entries
 * `0..o-1` are the old ones, `o..rest-1` the new ranges (head of the first
 * touched range, the stored one, tail of the last), and from `rest` on the old
 * entries after the touched ones, `shift` places further on than they were.
 * Filled by {@link splitLeafInPlace} from the write state; valid until the
 * leaf changes.
 */
const view = {
  /** The leaf, its old end, its node max as a pivot word. */
  h: 0,
  end: 0,
  maxWord: 0,
  /** First new entry, first entry after them, and how far the later old ones move. */
  o: 0,
  rest: 0,
  shift: 0,
  /** Number of entries after the store. */
  count: 0,
};
/** The new ranges' slots and pivot words. */
const newSlot = new Int32Array(3);
const newWord = new Float64Array(3);

/** Slot of entry `v` of the leaf after the store. */
function vSlot(slots: Int32Array, v: number): number {
  if (v < view.o) return slots[view.h * SLOT_STRIDE + v] as number;
  if (v < view.rest) return newSlot[v - view.o] as number;
  return slots[view.h * SLOT_STRIDE + v - view.shift] as number;
}

/** Pivot word of entry `v` of the leaf after the store (the last one's is the node max). */
function vWord(pivots: Int32Array | Float64Array, v: number): number {
  if (v < view.o) return pivots[view.h * PIVOT_STRIDE + v] as number;
  if (v < view.rest) return newWord[v - view.o] as number;
  const u = v - view.shift;
  return u < view.end ? (pivots[view.h * PIVOT_STRIDE + u] as number) : view.maxWord;
}

/**
 * wr_split_store outside RCU mode: stores value index `entry` as classified
 * in `ws` (a leaf store that overflows the leaf) by pushing entries into a
 * sibling or splitting the leaf, in place. Mirrors mas_split() at the leaf.
 */
export function splitLeafInPlace<V>(core: TreeCore<V>, entry: number): void {
  const arena = core.arena;
  // New pivots first (the arena may turn wide); the tree holds the others already.
  fitPivot(arena, ws.index - 1);
  fitPivot(arena, ws.last);
  const h = ws.node;
  const slots = arena.slots;
  const head = ws.rMin < ws.index ? 1 : 0;
  const tail = ws.endPiv > ws.last ? 1 : 0;
  const o = ws.offset;
  let n = 0;
  if (head === 1) {
    newSlot[0] = ws.content;
    newWord[0] = ws.index - 1;
    n = 1;
  }
  newSlot[n] = entry;
  newWord[n] = pivotWord(arena, ws.last);
  n++;
  if (tail === 1) {
    newSlot[n] = ws.offsetEnd !== o ? (slots[h * SLOT_STRIDE + ws.offsetEnd] as number) : ws.content;
    newWord[n] = pivotWord(arena, ws.endPiv);
    n++;
  }
  view.h = h;
  view.end = ws.end;
  view.maxWord = pivotWord(arena, ws.max);
  view.o = o;
  view.rest = o + n;
  view.shift = o + n - (ws.offsetEnd + 1);
  view.count = ws.newEnd + 1;

  const d = ws.depth;
  const curMin = ws.min;
  const curMax = ws.max;
  if (d > 0 && (pushLeaf(core, d, true) || pushLeaf(core, d, false))) return;

  // mab_calc_split for a leaf (a three-way cut needs more than two leaves hold).
  const bEnd = view.count - 1;
  let split = bEnd >> 1;
  if (vSlot(slots, split) === 0) split = split < SLOTS - 1 && bEnd - split > MIN_LEAF ? split + 1 : split - 1;
  // The right half goes into a new leaf (allocated first: the arena may grow), the left stays.
  const right = arena.alloc(LEAF_64, false);
  writeViewInto(arena, right, 0, split + 1, bEnd, true);
  const leftMax = wordValue(arena, vWord(arena.pivots, split));
  rewriteLeaf(arena, 0, split);
  splitAbove(core, d, h, right, leftMax, curMin, curMax);
}

/**
 * mas_push_data for the leaf into its left or right sibling, in place.
 * @returns true when the entries were pushed
 */
function pushLeaf<V>(core: TreeCore<V>, d: number, left: boolean): boolean {
  const arena = core.arena;
  // Past 2^31 doubles are boxed when passed to a call that is not inlined, or
  // merged with a call's (tagged) result: the leaf's bounds are read from ws,
  // pivots are read in place, and a gap is stored by the branch that finds it.
  const curMin = ws.min;
  const curMax = ws.max;
  const count = view.count;
  if (!pushTarget(arena, d, left, LEAF_64, count, curMax === MAPLE_MAX)) return false;
  const { parent, pOff, pEnd, sibOff, sib, sibEnd, total } = pushTo;
  const slots = arena.slots;
  // The combined entries are sib's then the new ones (left), or the other way round;
  // the cut is moved off an empty entry as mab_no_null_split moves it.
  const ss = sib * SLOT_STRIDE;
  let split = left ? SLOTS - 2 : total - (SLOTS - 2);
  const bEnd = left ? total + 1 : total + 2;
  const cutSlot = left
    ? split <= sibEnd
      ? (slots[ss + split] as number)
      : vSlot(slots, split - sibEnd - 1)
    : split < count
      ? vSlot(slots, split)
      : (slots[ss + split - count] as number);
  if (cutSlot === 0) split = split < SLOTS - 1 && bEnd - split > MIN_LEAF ? split + 1 : split - 1;
  // Entries crossing into the sibling: the first `moved` new ones (left) or the last (right).
  const moved = left ? split - sibEnd : count - 1 - split;
  // The room test bounds sib's end by 29 - count (a leaf's new contents have 17 or 18
  // entries), so at least one entry crosses, and each leaf ends with at most 16.

  // The moved entries' largest gap, read before anything moves (gap-tracking trees only).
  let movedGap = 0;
  if (core.alloc) {
    movedGap = left
      ? viewGap(arena, 0, moved - 1, curMin)
      : viewGap(arena, split + 1, count - 1, wordValue(arena, vWord(arena.pivots, split)) + 1);
  }
  const pivots = arena.pivots;
  const sp = sib * PIVOT_STRIDE;
  const pMin = wp.min[d - 1] as number;
  const pMax = wp.max[d - 1] as number;
  const h = view.h;
  let lMax: number;
  let lMin: number;
  let rMax: number;
  if (left) {
    lMin = sibOff > 0 ? (pivots[parent * PIVOT_STRIDE + sibOff - 1] as number) + 1 : pMin;
    // sib's end pivot (its max) becomes an inner one; the moved entries follow.
    pivots[sp + sibEnd] = curMin - 1;
    writeViewInto(arena, sib, sibEnd + 1, 0, moved - 1, false);
    arena.end[sib] = split;
    lMax = wordValue(arena, vWord(pivots, moved - 1));
    rewriteLeaf(arena, moved, count - 1);
    rMax = curMax;
    storeStats.pushLeft++;
  } else {
    rMax = sibOff < pEnd ? (pivots[parent * PIVOT_STRIDE + sibOff] as number) : pMax;
    // sib's entries move up by `moved` (its end pivot too, unless sib then ends full).
    for (let i = sibEnd; i >= 0; i--) {
      slots[ss + i + moved] = slots[ss + i] as number;
      if (i + moved <= LAST_PIVOT) pivots[sp + i + moved] = pivots[sp + i] as number;
    }
    writeViewInto(arena, sib, 0, split + 1, count - 1, false);
    arena.end[sib] = sibEnd + moved;
    lMax = wordValue(arena, vWord(pivots, split));
    rewriteLeaf(arena, 0, split);
    lMin = curMin;
    storeStats.pushRight++;
  }
  // Both leaves keep their handles and places: only the pivot between them and their gaps change.
  const first = left ? sibOff : pOff;
  setPivot(arena, parent, first, lMax);
  if (core.alloc) {
    // sib kept its ranges and gained the moved ones: its largest gap is the larger of its
    // old one (the parent's, exact) and theirs. The leaf lost and gained ranges: rescanned.
    const g = arena.gapBase[parent] as number;
    const gaps = arena.gaps;
    const sibGap = Math.max(gaps[g + sibOff] as number, movedGap);
    if (left) {
      gaps[g + first] = sibGap;
      gaps[g + first + 1] = leafMaxGap(core, h, lMax + 1, rMax);
    } else {
      gaps[g + first] = leafMaxGap(core, h, lMin, lMax);
      gaps[g + first + 1] = sibGap;
    }
    refreshGapOffset(core, parent);
    updateParentGapUp(core, parent);
  }
  return true;
}

/**
 * The largest empty range among entries `from..to` of the leaf after the
 * store, the first of which starts at `lo` (mas_leaf_max_gap over them).
 * As gaps.ts's leafMaxGap, each range's size comes from the pivots on either
 * side of it, never from a running start that began as the (tagged) `lo`,
 * which would box every double past 2^31 - 1.
 */
function viewGap(arena: NodeArena, from: number, to: number, lo: number): number {
  const slots = arena.slots;
  const pivots = arena.pivots;
  const { h, o, rest, shift, end } = view;
  const hs = h * SLOT_STRIDE;
  const hp = h * PIVOT_STRIDE;
  let best = 0;
  if (vSlot(slots, from) === 0) best = wordValue(arena, vWord(pivots, from)) - lo + 1;
  // Then as writeViewInto: the old entries before the new ones (inner pivots: their words
  // are their values), the new ones, then the old ones after them (the last ending at the
  // node max).
  const leadEnd = Math.min(o, to + 1);
  for (let v = from + 1; v < leadEnd; v++) {
    if (slots[hs + v] !== 0) continue;
    const gap = (pivots[hp + v] as number) - (pivots[hp + v - 1] as number);
    if (gap > best) best = gap;
  }
  const newTo = Math.min(rest - 1, to);
  for (let v = Math.max(o, from + 1); v <= newTo; v++) {
    if (newSlot[v - o] !== 0) continue;
    const below = v > o ? wordValue(arena, newWord[v - o - 1] as number) : (pivots[hp + v - 1] as number);
    const gap = wordValue(arena, newWord[v - o] as number) - below;
    if (gap > best) best = gap;
  }
  for (let v = Math.max(rest, from + 1); v <= to; v++) {
    const u = v - shift;
    if (slots[hs + u] !== 0) continue;
    const hi = u < end ? (pivots[hp + u] as number) : wordValue(arena, view.maxWord);
    const below =
      v > rest ? (pivots[hp + u - 1] as number) : wordValue(arena, newWord[rest - 1 - o] as number);
    const gap = hi - below;
    if (gap > best) best = gap;
  }
  return best;
}

/**
 * Writes entries `from..to` of the leaf after the store into leaf `dst` (not
 * the leaf itself) from slot `at` on. A `fresh` leaf (new, written from slot
 * 0) gets its type, its end, and its other slots and pivots cleared.
 */
function writeViewInto(
  arena: NodeArena,
  dst: number,
  at: number,
  from: number,
  to: number,
  fresh: boolean,
): void {
  const slots = arena.slots;
  const pivots = arena.pivots;
  const s = dst * SLOT_STRIDE - from + at;
  const p = dst * PIVOT_STRIDE - from + at;
  const lastPivot = LAST_PIVOT + from - at;
  const { h, o, rest, shift, end } = view;
  const hs = h * SLOT_STRIDE;
  const hp = h * PIVOT_STRIDE;
  // Entry v goes to slot at + v - from: the old entries before the new ones, the new ones,
  // then the old ones after them (entry v being old entry v - shift).
  const leadEnd = Math.min(o, to + 1);
  for (let v = from; v < leadEnd; v++) {
    slots[s + v] = slots[hs + v] as number;
    if (v <= lastPivot) pivots[p + v] = pivots[hp + v] as number;
  }
  const newTo = Math.min(rest - 1, to);
  for (let v = Math.max(o, from); v <= newTo; v++) {
    slots[s + v] = newSlot[v - o] as number;
    if (v <= lastPivot) pivots[p + v] = newWord[v - o] as number;
  }
  for (let v = Math.max(rest, from); v <= to; v++) {
    const u = v - shift;
    slots[s + v] = slots[hs + u] as number;
    if (v <= lastPivot) pivots[p + v] = u < end ? (pivots[hp + u] as number) : view.maxWord;
  }
  if (!fresh) return;
  const ds = dst * SLOT_STRIDE;
  const dp = dst * PIVOT_STRIDE;
  const used = to - from + 1;
  for (let i = used; i < SLOTS; i++) slots[ds + i] = 0;
  for (let i = used; i <= LAST_PIVOT; i++) pivots[dp + i] = 0;
  arena.type[dst] = LEAF_64;
  arena.end[dst] = used - 1;
}

/**
 * Makes the leaf hold entries `from..to` of its contents after the store,
 * from slot 0, in place: the old entries before the store move down by
 * `from`, those after it by `from - shift`, and the new ranges go between.
 * Every entry wanted is read before anything overwrites it.
 */
function rewriteLeaf(arena: NodeArena, from: number, to: number): void {
  const slots = arena.slots;
  const pivots = arena.pivots;
  const h = view.h;
  const s = h * SLOT_STRIDE;
  const p = h * PIVOT_STRIDE;
  const { o, rest, shift, end } = view;
  // Old entries before the new ones: down by `from` (ascending, so none is overwritten first).
  const leadEnd = Math.min(o, to + 1);
  if (from > 0) {
    for (let v = from; v < leadEnd; v++) {
      slots[s + v - from] = slots[s + v] as number;
      pivots[p + v - from] = pivots[p + v] as number;
    }
  }
  // Old entries after the new ones: from old slot v - shift to v - from. Moving down they go
  // in ascending order, moving up in descending order. Their destinations lie after the
  // new ranges' and their sources after every slot the store touched.
  const restFrom = Math.max(rest, from);
  const by = shift - from;
  if (by < 0) {
    for (let v = restFrom; v <= to; v++) moveOld(slots, pivots, s, p, v - shift, v - from, end);
  } else if (by > 0) {
    for (let v = to; v >= restFrom; v--) moveOld(slots, pivots, s, p, v - shift, v - from, end);
  }
  const newFrom = Math.max(o, from);
  const newTo = Math.min(rest - 1, to);
  for (let v = newFrom; v <= newTo; v++) {
    const i = v - from;
    slots[s + i] = newSlot[v - o] as number;
    if (i <= LAST_PIVOT) pivots[p + i] = newWord[v - o] as number;
  }
  const used = to - from + 1;
  // The new end: the node max (push left) or the cut's pivot is its pivot word, written above.
  for (let i = used; i <= end; i++) {
    slots[s + i] = 0;
    if (i <= LAST_PIVOT) pivots[p + i] = 0;
  }
  arena.end[h] = used - 1;
}

/** Moves the leaf's old entry `u` to slot `i` (its pivot word too; the old end's is the node max). */
function moveOld(
  slots: Int32Array,
  pivots: Int32Array | Float64Array,
  s: number,
  p: number,
  u: number,
  i: number,
  end: number,
): void {
  slots[s + i] = slots[s + u] as number;
  if (i <= LAST_PIVOT) pivots[p + i] = u < end ? (pivots[p + u] as number) : view.maxWord;
}
