/**
 * Outside RCU mode, the level-by-level rebuild of a spanning store or a
 * rebalance (spanning.ts: rebuildLevels) often ends in nodes that can be
 * rewritten where they stand instead of replaced: one node whose new contents
 * fit in it, a pair of neighbours that stays a pair, or a pair that merges into
 * its left node. This file holds those in-place endings and the writer they
 * share, which leaves alone what a node already holds.
 *
 * The big node often begins with a node's own first entries, copied in
 * unchanged (the left leaf's head before the store, a parent's entries before
 * the rebuilt children, a whole borrowed left neighbour): {@link bigKeep}
 * records that node and how many. Written back into that same node at the same
 * place, those entries are skipped: their slots, pivots, child links and gaps
 * are already there.
 *
 * ```
 *   big node:   [ k0 k1 k2 | new ... ]        bigKeep = { node: L, count: 3 }
 *   node L:     [ k0 k1 k2 | old ... ]   ->   [ k0 k1 k2 | new ... ]  (only the tail written)
 * ```
 *
 * A leaf's largest gap is worked out while it is written, from the big node,
 * so the leaf is not scanned again for its parent's gap entry.
 */

import { bGap, bPivot, bSlot } from './bignode.js';
import {
  ARANGE_64,
  LEAF_64,
  MT_MIN_SLOTS,
  MT_PIVOTS,
  PIVOT_STRIDE,
  RANGE64_SLOTS,
  SLOT_STRIDE,
} from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
import { refreshGapOffset, refreshOffsetsUp, updateParentGapUp } from './gaps.js';
import { clearPivot, fitPivot, movePivots, pivotWord, setPivot } from './pivots.js';
import type { Walker } from './walk.js';

/**
 * Big-node entries `0..count-1` are node `node`'s slots `0..count-1` as they
 * stand, each before the node's end (so each pivot is an inner one, stored
 * as its value). `node` 0: no such prefix. Set by whoever fills the big node
 * (spanning.ts, rebalance.ts) and read by {@link writeKept}.
 */
export const bigKeep = { node: 0, count: 0 };

/** Records that the big node starts with node `h`'s first `count` entries, unchanged. */
export function keepPrefix(h: number, count: number): void {
  bigKeep.node = h;
  bigKeep.count = count;
}

/**
 * Writes big-node entries `from..to` into existing node `h` of `type` (of
 * the same type), clearing what lay beyond, as bignode.ts writeBigInto does,
 * but skipping the entries {@link bigKeep} says `h` already holds. A leaf covers `[min, max]`.
 * @returns the node's largest gap (a leaf's longest empty range, an arange
 *   node's largest child gap; 0 when the tree keeps no gaps)
 */
export function writeKept<V>(
  core: TreeCore<V>,
  h: number,
  type: number,
  from: number,
  to: number,
  min: number,
  max: number,
): number {
  const arena = core.arena;
  const count = to - from + 1;
  let keep = 0;
  if (h === bigKeep.node && from === 0) keep = bigKeep.count < count ? bigKeep.count : count - 1;
  // Past its old end a node's slots, pivots and gaps are clear (validate checks
  // it), so only what lay between the new end and the old one is cleared.
  const oldEnd = arena.end[h] as number;
  arena.type[h] = type;
  arena.end[h] = count - 1;
  const bs = bSlot;
  const bp = bPivot;
  // Pivots: only the last used one can be MAPLE_MAX, which has a word of its own.
  const n = MT_PIVOTS[type] as number;
  const used = Math.min(count, n);
  const top = bp[from + used - 1] === MAPLE_MAX ? 1 : 0;
  const plain = used - top;
  if (plain > keep) fitPivot(arena, bp[from + plain - 1] as number);
  const pivots = arena.pivots;
  const slots = arena.slots;
  const s = h * SLOT_STRIDE;
  const p = h * PIVOT_STRIDE;
  for (let i = keep; i < plain; i++) {
    slots[s + i] = bs[from + i] as number;
    pivots[p + i] = bp[from + i] as number;
  }
  if (top === 1) pivots[p + plain] = pivotWord(arena, MAPLE_MAX);
  for (let i = Math.max(plain, keep); i < count; i++) slots[s + i] = bs[from + i] as number;
  for (let i = count; i <= oldEnd; i++) slots[s + i] = 0;
  for (let i = used; i <= oldEnd && i < PIVOT_STRIDE - 1; i++) pivots[p + i] = 0;
  if (type === LEAF_64) {
    if (!core.alloc) return 0;
    // The largest empty range, from the big node (leafMaxGap of what was just
    // written). As there, each size comes from the pivots on either side, not
    // from a running start that began as the tagged `min` (which would box a
    // double per entry past 2^31).
    const last = from + count - 1;
    let best = 0;
    if (bs[from] === 0) best = (count > 1 ? (bp[from] as number) : max) - min + 1;
    for (let i = from + 1; i < last; i++) {
      if (bs[i] !== 0) continue;
      const gap = (bp[i] as number) - (bp[i - 1] as number);
      if (gap > best) best = gap;
    }
    if (count > 1 && bs[last] === 0) {
      const gap = max - (bp[last - 1] as number);
      if (gap > best) best = gap;
    }
    return best;
  }
  const parent = arena.parent;
  const parentSlot = arena.parentSlot;
  for (let i = keep; i < count; i++) {
    const child = bs[from + i] as number;
    parent[child] = h;
    parentSlot[child] = i;
  }
  if (type !== ARANGE_64) return 0;
  const gaps = arena.gaps;
  const g = arena.gapBase[h] as number;
  const bg = bGap;
  for (let i = keep; i < count; i++) gaps[g + i] = bg[from + i] as number;
  for (let i = count; i <= oldEnd; i++) gaps[g + i] = 0;
  // mab_mas_cp's metadata for a node filled whole (the kept entries' gaps are already there).
  return refreshGapOffset(core, h);
}

/**
 * A level whose old contents are two neighbours in one parent and whose new
 * contents are two nodes again: both are rewritten in place, and the parent
 * (which keeps its entry count, so would be rebuilt unchanged but for the
 * pivot between them and their gaps, and then end the climb) gets just those.
 * Declines, leaving everything as it was, when the parent would have been
 * short of entries (the general path borrows there). Outside RCU mode only.
 * @returns true when done
 */
export function inPlacePair<V>(
  core: TreeCore<V>,
  lp: Walker,
  rp: Walker,
  d: number,
  type: number,
  split: number,
  bEnd: number,
): boolean {
  const arena = core.arena;
  const parent = lp.node[d - 1] as number;
  const lo = lp.off[d - 1] as number;
  if (rp.node[d - 1] !== parent || rp.off[d - 1] !== lo + 1) return false;
  if (
    d - 1 > 0 &&
    (arena.end[parent] as number) + 1 <= (MT_MIN_SLOTS[arena.type[parent] as number] as number)
  )
    return false;
  const a = lp.node[d] as number;
  const b = rp.node[d] as number;
  const lMin = lp.min[d] as number;
  const rMax = rp.max[d] as number;
  const lMax = bPivot[split] as number;
  const aGap = writeKept(core, a, type, 0, split, lMin, lMax);
  const bGap = writeKept(core, b, type, split + 1, bEnd, lMax + 1, rMax);
  pairParent(core, lp, d, lMax, aGap, bGap);
  return true;
}

/**
 * The parent's side of a pair rewritten in place at level `d` (the left node
 * now ending at `lMax`, the two holding largest gaps `aGap` and `bGap`): the
 * pivot between them, their gap entries, and the gaps above.
 */
export function pairParent<V>(
  core: TreeCore<V>,
  lp: Walker,
  d: number,
  lMax: number,
  aGap: number,
  bGap: number,
): void {
  const arena = core.arena;
  const parent = lp.node[d - 1] as number;
  const lo = lp.off[d - 1] as number;
  setPivot(arena, parent, lo, lMax);
  if (core.alloc) {
    const g = arena.gapBase[parent] as number;
    arena.gaps[g + lo] = aGap;
    arena.gaps[g + lo + 1] = bGap;
    refreshGapOffset(core, parent);
    updateParentGapUp(core, parent);
    refreshOffsetsUp(core, parent);
  }
}

/**
 * A level whose old contents are two neighbours in one parent and whose new
 * contents fit in one node: the left one is rewritten in place and the right
 * one leaves the parent, whose later slots move down by one. The general path
 * would rebuild the parent with one entry fewer and, as that parent keeps
 * enough entries (or is a root keeping two or more), put it in the old one's
 * place and end the climb: the tree ends up the same. Declines, leaving
 * everything as it was, when the parent would run short. Outside RCU mode only.
 * @returns true when done
 */
export function inPlaceMerge<V>(
  core: TreeCore<V>,
  lp: Walker,
  rp: Walker,
  d: number,
  type: number,
  bEnd: number,
): boolean {
  const arena = core.arena;
  const parent = lp.node[d - 1] as number;
  const lo = lp.off[d - 1] as number;
  if (rp.node[d - 1] !== parent || rp.off[d - 1] !== lo + 1) return false;
  const pEnd = arena.end[parent] as number;
  const pType = arena.type[parent] as number;
  // The parent keeps pEnd entries: the general path borrows below the minimum
  // (or, for a root, collapses a root left with one child).
  if (d - 1 > 0 ? pEnd <= (MT_MIN_SLOTS[pType] as number) : pEnd < 2) return false;
  const a = lp.node[d] as number;
  mergeIntoLeft(core, lp, rp, d, writeKept(core, a, type, 0, bEnd, lp.min[d] as number, rp.max[d] as number));
  return true;
}

/**
 * The parent's side of a pair merged in place into its left node at level `d`
 * (now holding largest gap `aGap`): the right node leaves the parent, whose
 * later slots move down by one, and is retired; gaps are brought up to date.
 */
export function mergeIntoLeft<V>(core: TreeCore<V>, lp: Walker, rp: Walker, d: number, aGap: number): void {
  const arena = core.arena;
  const parent = lp.node[d - 1] as number;
  const lo = lp.off[d - 1] as number;
  const pEnd = arena.end[parent] as number;
  const b = rp.node[d] as number;
  const rMax = rp.max[d] as number;
  const pMax = lp.max[d - 1] as number;
  const slots = arena.slots;
  const s = parent * SLOT_STRIDE;
  setPivot(arena, parent, lo, rMax);
  movePivots(arena, parent, lo + 2, lo + 1, pEnd - lo - 2);
  // The new end pivot holds the parent's max (a full parent had no end pivot).
  setPivot(arena, parent, pEnd - 1, pMax);
  if (pEnd < RANGE64_SLOTS - 1) clearPivot(arena, parent, pEnd);
  const gaps = arena.gaps;
  const g = core.alloc ? (arena.gapBase[parent] as number) : 0;
  const alloc = core.alloc;
  for (let i = lo + 1; i < pEnd; i++) {
    const child = slots[s + i + 1] as number;
    slots[s + i] = child;
    arena.parentSlot[child] = i;
    if (alloc) gaps[g + i] = gaps[g + i + 1] as number;
  }
  slots[s + pEnd] = 0;
  if (alloc) gaps[g + pEnd] = 0;
  arena.end[parent] = pEnd - 1;
  core.retire(b);
  if (alloc) {
    gaps[g + lo] = aGap;
    refreshGapOffset(core, parent);
    updateParentGapUp(core, parent);
    refreshOffsetsUp(core, parent);
  }
}
