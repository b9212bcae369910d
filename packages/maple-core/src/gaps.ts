/**
 * Gap maintenance for gap-tracking trees (MT_FLAGS_ALLOC_RANGE).
 *
 * A gap is a run of empty indices. A leaf's largest gap is its longest NULL
 * range; an arange_64 node keeps, for each child, the largest gap anywhere
 * below it, and the offset of its own largest gap (the kernel's metadata):
 *
 * ```
 *   arange node:  gap[0] gap[1] ... gap[end]      gapOffset = argmax
 *                   |      |          |
 *                 child  child  ...  child
 * ```
 */

import { LEAF_64, PIVOT_STRIDE, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';

/**
 * The bounds of the leaf {@link leafMaxGap} scans: `[0]` its min, `[1]` its max.
 * A double passed to a call that is not inlined is boxed past 2^31, and the
 * scan is too large to inline: its small entry point (which is) puts the
 * bounds here, so only integers cross the call.
 */
const leafBounds = new Float64Array(2);

/**
 * Largest empty run in leaf `h` covering `[min, max]`. Mirrors mas_leaf_max_gap().
 */
export function leafMaxGap<V>(core: TreeCore<V>, h: number, min: number, max: number): number {
  leafBounds[0] = min;
  leafBounds[1] = max;
  return scanLeafGap(core, h);
}

/** {@link leafMaxGap} of leaf `h`, its bounds in {@link leafBounds}. */
function scanLeafGap<V>(core: TreeCore<V>, h: number): number {
  const min = leafBounds[0] as number;
  const max = leafBounds[1] as number;
  const arena = core.arena;
  // Pivots before the end: their words are their values (pivots.ts).
  const pivots = arena.pivots;
  const slots = arena.slots;
  const end = arena.end[h] as number;
  const s = h * SLOT_STRIDE;
  const p = h * PIVOT_STRIDE;
  // Each range's size comes from the pivots on either side of it, never from a
  // running start: a loop variable that begins as the (tagged) parameter would
  // box every double it is given past 2^31 - 1 (a Smi on 64-bit Node), one
  // allocation a slot.
  let best = 0;
  if (slots[s] === 0) best = (end > 0 ? (pivots[p] as number) : max) - min + 1;
  for (let i = 1; i < end; i++) {
    if (slots[s + i] !== 0) continue;
    const gap = (pivots[p + i] as number) - (pivots[p + i - 1] as number);
    if (gap > best) best = gap;
  }
  if (end > 0 && slots[s + end] === 0) {
    const gap = max - (pivots[p + end - 1] as number);
    if (gap > best) best = gap;
  }
  return best;
}

/**
 * Largest gap below node `h`: a leaf is scanned, an arange node answers from
 * its metadata. Mirrors mas_max_gap().
 */
export function nodeMaxGap<V>(core: TreeCore<V>, h: number, min: number, max: number): number {
  const arena = core.arena;
  if (arena.type[h] === LEAF_64) return leafMaxGap(core, h, min, max);
  return arena.gaps[(arena.gapBase[h] as number) + (arena.gapOffset[h] as number)] as number;
}

/**
 * Recomputes the offset of the largest gap of arange node `h`, which was just
 * (re)written as a whole, and returns that gap. Ties go to the last slot
 * holding the largest gap, and a node with no gap at all keeps offset 0, as
 * mab_mas_cp() sets the metadata of a node it fills (scanning down from the
 * end, taking only a strictly larger gap).
 */
export function refreshGapOffset<V>(core: TreeCore<V>, h: number): number {
  const arena = core.arena;
  const gaps = arena.gaps;
  const g = arena.gapBase[h] as number;
  let best = 0;
  let bestGap = 0;
  for (let i = arena.end[h] as number; i >= 0; i--) {
    const gap = gaps[g + i] as number;
    if (gap > bestGap) {
      bestGap = gap;
      best = i;
    }
  }
  arena.gapOffset[h] = best;
  return bestGap;
}

/**
 * Recomputes the largest-gap offset of every ancestor of node `h` (whose
 * gaps must already be right), as {@link refreshGapOffset} does for a node
 * written whole. After a spanning store or a rebalance the kernel (6.12's
 * mas_spanning_rebalance) rebuilds every level up to the root through
 * mab_mas_cp, even where the nodes above keep their contents; core writes
 * only the levels whose contents change, and this gives the ones above the
 * offsets their rebuilt copies would have.
 */
export function refreshOffsetsUp<V>(core: TreeCore<V>, h: number): void {
  if (!core.alloc) return;
  const parent = core.arena.parent;
  for (let p = parent[h] as number; p !== 0; p = parent[p] as number) refreshGapOffset(core, p);
}

/**
 * The metadata rescan when the slot holding the largest gap shrank: like
 * {@link refreshGapOffset}, but a node with no gap at all gets its last slot.
 * Mirrors ma_max_gap().
 */
function rescanGapOffset<V>(core: TreeCore<V>, h: number): number {
  const gap = refreshGapOffset(core, h);
  if (gap === 0) core.arena.gapOffset[h] = core.arena.end[h] as number;
  return gap;
}

/**
 * After node `h` (covering `[min, max]`) changed, sets its parent's gap entry
 * and carries the change upward while it changes a node's largest gap.
 * Mirrors mas_update_gap() / mas_parent_gap().
 */
export function updateGapUp<V>(core: TreeCore<V>, h: number, min: number, max: number): void {
  if (!core.alloc) return;
  const arena = core.arena;
  const p = arena.parent[h] as number;
  if (p === 0) return;
  // nodeMaxGap, written out: only a leaf's scan is passed `min` and `max` (a
  // call's double arguments are boxed past 2^31 when it is not inlined).
  const gap =
    arena.type[h] === LEAF_64
      ? leafMaxGap(core, h, min, max)
      : (arena.gaps[(arena.gapBase[h] as number) + (arena.gapOffset[h] as number)] as number);
  setChildGap(core, p, arena.parentSlot[h] as number, gap);
}

/**
 * {@link updateGapUp} for a node above the leaves, whose largest gap is in its
 * metadata: it needs no bounds, so a caller passes none to be boxed.
 * Mirrors mas_update_gap() on an internal node.
 */
export function updateParentGapUp<V>(core: TreeCore<V>, h: number): void {
  if (!core.alloc) return;
  const arena = core.arena;
  const p = arena.parent[h] as number;
  if (p === 0) return;
  const gap = arena.gaps[(arena.gapBase[h] as number) + (arena.gapOffset[h] as number)] as number;
  setChildGap(core, p, arena.parentSlot[h] as number, gap);
}

/**
 * Gap upkeep after a store rewrote leaf `h` in place, answered without
 * rescanning the leaf when the store says enough (as mas_update_gap skips
 * unchanged gaps). `newNull` is the size of the empty range the store wrote
 * (0 for an entry); `lostNull` the size of the largest empty range it
 * overwrote with an entry (0 when none). A NULL store makes the leaf's largest
 * gap the larger of the old one and `newNull` (the empty ranges it swallowed
 * were no larger than `newNull`); an entry that covers only empty ranges
 * smaller than the old largest gap leaves it as it was. Otherwise the leaf is
 * rescanned ({@link updateGapUp}). A store that overwrote no empty range
 * (`lostNull` 0) never needs the rescan.
 */
export function updateLeafGap<V>(
  core: TreeCore<V>,
  h: number,
  min: number,
  max: number,
  newNull: number,
  lostNull: number,
): void {
  if (!core.alloc) return;
  const arena = core.arena;
  const p = arena.parent[h] as number;
  if (p === 0) return;
  const slot = arena.parentSlot[h] as number;
  const old = arena.gaps[(arena.gapBase[p] as number) + slot] as number;
  // No empty range overwritten (lostNull 0): the largest gap can only grow, to newNull.
  if (lostNull < old || lostNull === 0) {
    if (newNull > old) setChildGap(core, p, slot, newNull);
    return;
  }
  setChildGap(core, p, slot, leafMaxGap(core, h, min, max));
}

/**
 * Sets the gap of child `slot` of arange node `p` and carries the change up
 * while it changes a node's largest gap (mas_parent_gap).
 */
function setChildGap<V>(core: TreeCore<V>, parent: number, childSlot: number, childGap: number): void {
  const arena = core.arena;
  let p = parent;
  let slot = childSlot;
  let gap = childGap;
  const gaps = arena.gaps;
  const gapBase = arena.gapBase;
  const gapOffset = arena.gapOffset;
  while (true) {
    const g = gapBase[p] as number;
    if (gaps[g + slot] === gap) return;
    const offset = gapOffset[p] as number;
    const before = gaps[g + offset] as number;
    gaps[g + slot] = gap;
    // As mas_parent_gap: the offset moves to a slot whose gap grew past the
    // largest (an equal one leaves it where it was), and only a drop of the
    // slot that held the largest gap needs a rescan.
    let after: number;
    if (gap > before) {
      gapOffset[p] = slot;
      after = gap;
    } else if (slot !== offset || gap === before) {
      return;
    } else {
      after = rescanGapOffset(core, p);
    }
    if (after === before) return;
    const up = arena.parent[p] as number;
    if (up === 0) return;
    slot = arena.parentSlot[p] as number;
    p = up;
    gap = after;
  }
}
