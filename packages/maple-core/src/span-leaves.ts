/**
 * Outside RCU mode, a spanning store between two neighbouring leaves of one
 * parent, done where the leaves stand. The general path (spanning.ts) lays the
 * left leaf's head, the new entries and the right leaf's tail into the big
 * node, cuts it in one or two (rebuildLevels), and writes the pieces back
 * into the two leaves (inplace.ts). When that is how it would end, the same
 * leaves come out of moving entries between the two nodes directly: the big
 * node is only looked at through {@link entryAt}, to choose the cut.
 *
 * ```
 *   big node (virtual):  L[0..lOff-1] | head? new | R[rOff..rEnd]
 *   cut after `split`:   left leaf = entries 0..split, right leaf = the rest
 *   one node:            left leaf = everything, the right leaf leaves the parent
 * ```
 *
 * Declines (changing nothing) whenever the general path would do anything
 * else: borrow from a neighbour, cut in three, or climb past the parent.
 */

import { LEAF_64, MT_MIN_SLOTS, MT_SLOTS, PIVOT_STRIDE, RANGE64_SLOTS, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
import { leafMaxGap } from './gaps.js';
import { mergeIntoLeft, pairParent } from './inplace.js';
import { fitPivot, pivotWord } from './pivots.js';
import type { Walker } from './walk.js';
import { ws } from './write.js';

/** The store's view of the two leaves: set by {@link spanLeavesInPlace}, read by {@link entryAt}. */
const v = {
  /** Left and right leaf, and the right leaf's end. */
  l: 0,
  r: 0,
  rEnd: 0,
  /** Entries taken from the left leaf (its first `lOff`), and where the right leaf's part begins. */
  lOff: 0,
  rBase: 0,
  rOff: 0,
  /** The optional head entry (left content up to `first - 1`) and the new entry. */
  head: 0,
  headSlot: 0,
  headPivot: 0,
  entry: 0,
  last: 0,
  rMax: 0,
};

/** Slot of virtual big-node entry `i`. */
function slotAt<V>(core: TreeCore<V>, i: number): number {
  const slots = core.arena.slots;
  if (i < v.lOff) return slots[v.l * SLOT_STRIDE + i] as number;
  if (i >= v.rBase) return slots[v.r * SLOT_STRIDE + v.rOff + i - v.rBase] as number;
  return v.head === 1 && i === v.lOff ? v.headSlot : v.entry;
}

/** Pivot (inclusive end) of virtual big-node entry `i`. */
export function entryAt<V>(core: TreeCore<V>, i: number): number {
  const pivots = core.arena.pivots;
  if (i < v.lOff) return pivots[v.l * PIVOT_STRIDE + i] as number;
  if (i >= v.rBase) {
    const j = v.rOff + i - v.rBase;
    return j < v.rEnd ? (pivots[v.r * PIVOT_STRIDE + j] as number) : v.rMax;
  }
  return v.head === 1 && i === v.lOff ? v.headPivot : v.last;
}

/** bignode.ts noNullSplit over the virtual entries. */
function noNullSplit<V>(core: TreeCore<V>, split: number, bEnd: number): number {
  if (slotAt(core, split) !== 0) return split;
  if (split < RANGE64_SLOTS - 1 && bEnd - split > (MT_MIN_SLOTS[LEAF_64] as number)) return split + 1;
  return split - 1;
}

/**
 * Tries the spanning store of `entry` over `[first, last]` (`ws.index` and
 * `ws.last`, NULL-extended) in place: the left
 * leaf `lp.node[d]` keeps its first `lOff` entries, then come the head entry
 * (`lContent` up to `first - 1`, when the store starts inside a range), the new
 * entry, and the right leaf `rp.node[d]`'s entries from `rOff` on (when the
 * right leaf reaches past `last`). `last` is at least the left leaf's max.
 * @returns true when done; false (nothing changed) when the general path must run
 */
export function spanLeavesInPlace<V>(
  core: TreeCore<V>,
  lp: Walker,
  rp: Walker,
  d: number,
  entry: number,
  lContent: number,
  lOff: number,
  rOff: number,
): boolean {
  if (core.rcu || d === 0) return false;
  // The range is read from the write state rather than passed: a call's double
  // arguments are boxed past 2^31 (this one is too large to inline). For the
  // same reason fitPivot is called only while the arena is still 32-bit.
  const first = ws.index;
  const last = ws.last;
  const parent = lp.node[d - 1] as number;
  const lo = lp.off[d - 1] as number;
  if (rp.node[d - 1] !== parent || rp.off[d - 1] !== lo + 1) return false;
  const arena = core.arena;
  const l = lp.node[d] as number;
  const r = rp.node[d] as number;
  const lMin = lp.min[d] as number;
  const lMax = lp.max[d] as number;
  const rMax = rp.max[d] as number;
  if (last < lMax) return false;
  const lEnd = arena.end[l] as number;
  const rEnd = arena.end[r] as number;
  const before = lOff > 0 ? (arena.pivots[l * PIVOT_STRIDE + lOff - 1] as number) : lMin - 1;
  const head = before + 1 < first ? 1 : 0;
  // A right leaf the store covers to its end leaves nothing to move: the general path takes it.
  if (rMax <= last) return false;
  const tail = rEnd - rOff + 1;
  const count = lOff + head + 1 + tail;
  const bEnd = count - 1;
  // rebuildLevels: too few entries borrow a neighbour (outside a lone root).
  if (!(lMin === 0 && rMax === MAPLE_MAX) && count <= (MT_MIN_SLOTS[LEAF_64] as number)) return false;
  v.l = l;
  v.r = r;
  v.rEnd = rEnd;
  v.lOff = lOff;
  v.rBase = lOff + head + 1;
  v.rOff = rOff;
  v.head = head;
  v.headSlot = lContent;
  v.headPivot = first - 1;
  v.entry = entry;
  v.last = last;
  v.rMax = rMax;
  const pEnd = arena.end[parent] as number;
  const pType = arena.type[parent] as number;
  const slotCount = MT_SLOTS[LEAF_64] as number;
  if (bEnd < slotCount) {
    // One node: inplace.ts inPlaceMerge's conditions.
    if (d - 1 > 0 ? pEnd <= (MT_MIN_SLOTS[pType] as number) : pEnd < 2) return false;
    if (!arena.wide) {
      fitPivot(arena, first - 1);
      fitPivot(arena, last);
    }
    writeLeft(core, bEnd);
    const gap = core.alloc ? leafMaxGap(core, l, lMin, rMax) : 0;
    mergeIntoLeft(core, lp, rp, d, gap);
    return true;
  }
  // bignode.ts calcSplit, declining a three-way cut.
  let split = bEnd >> 1;
  if (bEnd >= 2 * slotCount || (slotAt(core, split) === 0 && bEnd >= 2 * slotCount - 1)) return false;
  split = noNullSplit(core, split, bEnd);
  // inplace.ts inPlacePair's condition.
  if (d - 1 > 0 && pEnd + 1 <= (MT_MIN_SLOTS[pType] as number)) return false;
  if (!arena.wide) {
    fitPivot(arena, first - 1);
    fitPivot(arena, last);
  }
  const aMax = entryAt(core, split);
  if (split >= v.rBase - 1) {
    // The left leaf keeps its head and takes the new entries and some of the
    // right leaf's; the right leaf keeps the rest, moved to its start.
    const moved = split - v.rBase + 1;
    writeLeft(core, split);
    moveRightEntries(core, rOff + moved, 0);
  } else {
    // The left leaf is cut short (keeping, at most, the head entry); the right
    // leaf takes the rest of its head and the new entries before its own tail.
    const lead = v.rBase - split - 1;
    moveRightEntries(core, rOff, lead);
    const slots = arena.slots;
    const pivots = arena.pivots;
    const rs = r * SLOT_STRIDE;
    const rpv = r * PIVOT_STRIDE;
    // Entries before the right leaf's part are never its last: inner pivots.
    for (let k = 0; k < lead; k++) {
      slots[rs + k] = slotAt(core, split + 1 + k);
      pivots[rpv + k] = pivotWord(arena, entryAt(core, split + 1 + k));
    }
    const ls = l * SLOT_STRIDE;
    const lpv = l * PIVOT_STRIDE;
    for (let i = lOff; i <= split; i++) {
      slots[ls + i] = slotAt(core, i);
      pivots[lpv + i] = pivotWord(arena, entryAt(core, i));
    }
    truncate(core, l, split, lEnd);
  }
  let lGap = 0;
  let rGap = 0;
  if (core.alloc) {
    lGap = leafMaxGap(core, l, lMin, aMax);
    rGap = leafMaxGap(core, r, aMax + 1, rMax);
  }
  pairParent(core, lp, d, aMax, lGap, rGap);
  return true;
}

/**
 * Writes virtual entries `lOff..to` into the left leaf (its entries before
 * `lOff` are already there) and clears what lay past `to`.
 */
function writeLeft<V>(core: TreeCore<V>, to: number): void {
  const arena = core.arena;
  const l = v.l;
  const slots = arena.slots;
  const pivots = arena.pivots;
  const s = l * SLOT_STRIDE;
  const p = l * PIVOT_STRIDE;
  const oldEnd = arena.end[l] as number;
  let at = v.lOff;
  if (v.head === 1) {
    slots[s + at] = v.headSlot;
    pivots[p + at] = pivotWord(arena, v.headPivot);
    at++;
  }
  if (at <= to) {
    slots[s + at] = v.entry;
    if (at < RANGE64_SLOTS - 1) pivots[p + at] = pivotWord(arena, v.last);
    at++;
  }
  // Entries from the right leaf: inner pivots as stored, the right leaf's last one its max.
  const rs = v.r * SLOT_STRIDE;
  const rpv = v.r * PIVOT_STRIDE;
  // Two stores rather than one of `cond ? word : pivotWord(...)`: the call's
  // result is tagged, and a conditional merging it with a 64-bit word would box the word.
  for (let j = v.rOff; at <= to; j++, at++) {
    slots[s + at] = slots[rs + j] as number;
    if (at >= RANGE64_SLOTS - 1) continue;
    if (j < v.rEnd) pivots[p + at] = pivots[rpv + j] as number;
    else pivots[p + at] = pivotWord(arena, v.rMax);
  }
  for (let i = to + 1; i <= oldEnd; i++) {
    slots[s + i] = 0;
    if (i < RANGE64_SLOTS - 1) pivots[p + i] = 0;
  }
  arena.end[l] = to;
}

/**
 * Moves the right leaf's entries from `from` on to start at `to` (either
 * way), its end following, and clears what they left past the new end.
 */
function moveRightEntries<V>(core: TreeCore<V>, from: number, to: number): void {
  const arena = core.arena;
  const r = v.r;
  const slots = arena.slots;
  const pivots = arena.pivots;
  const s = r * SLOT_STRIDE;
  const p = r * PIVOT_STRIDE;
  const rEnd = v.rEnd;
  const newEnd = rEnd - from + to;
  const top = RANGE64_SLOTS - 1;
  // The old last entry's pivot is the leaf max (stored only below a full leaf).
  const maxWord = pivotWord(arena, v.rMax);
  if (to < from) {
    for (let j = from; j <= rEnd; j++) {
      const k = j - from + to;
      slots[s + k] = slots[s + j] as number;
      if (k < top) pivots[p + k] = j < rEnd ? (pivots[p + j] as number) : maxWord;
    }
    for (let i = newEnd + 1; i <= rEnd; i++) {
      slots[s + i] = 0;
      if (i < top) pivots[p + i] = 0;
    }
  } else if (to > from) {
    for (let j = rEnd; j >= from; j--) {
      const k = j - from + to;
      slots[s + k] = slots[s + j] as number;
      if (k < top) pivots[p + k] = j < rEnd ? (pivots[p + j] as number) : maxWord;
    }
  }
  arena.end[r] = newEnd;
}

/** Cuts leaf `h` down to entries `0..end` (its pivot `end` already holds the new max), clearing `end+1..oldEnd`. */
function truncate<V>(core: TreeCore<V>, h: number, end: number, oldEnd: number): void {
  const arena = core.arena;
  const s = h * SLOT_STRIDE;
  const p = h * PIVOT_STRIDE;
  for (let i = end + 1; i <= oldEnd; i++) {
    arena.slots[s + i] = 0;
    if (i < RANGE64_SLOTS - 1) arena.pivots[p + i] = 0;
  }
  arena.end[h] = end;
}
