/**
 * The big node: a module-level scratch buffer (the kernel's maple_big_node)
 * that holds the contents of up to two nodes plus a store, before they are
 * cut into new nodes. Entry i covers `(pivot[i-1], pivot[i]]`; every entry's
 * pivot is stored, the last one included.
 */

import {
  ARANGE_64,
  BIG_NODE_SLOTS,
  GAP_STRIDE,
  LEAF_64,
  MT_MIN_SLOTS,
  MT_PIVOTS,
  PIVOT_STRIDE,
  SLOT_STRIDE,
} from './constants.js';
import type { TreeCore } from './core.js';
import { nodeMaxGap, refreshGapOffset } from './gaps.js';
import { fillPivots } from './pivots.js';

/** Slots (value index or child handle) of the big node. */
export const bSlot = new Int32Array(BIG_NODE_SLOTS);
/** Inclusive end of each entry. */
export const bPivot = new Float64Array(BIG_NODE_SLOTS);
/** Largest gap below each entry (internal levels of gap-tracking trees). */
export const bGap = new Float64Array(BIG_NODE_SLOTS);
/** Number of entries and node type of the big node. */
export const big = { count: 0, type: LEAF_64 };

/**
 * Copies entries `from..to` of node `h` (whose maximum is `max`) into the big node at `at`.
 * Mirrors mas_mab_cp().
 */
export function bigCopyIn<V>(
  core: TreeCore<V>,
  h: number,
  from: number,
  to: number,
  max: number,
  at: number,
): void {
  const arena = core.arena;
  const slots = arena.slots;
  const end = arena.end[h] as number;
  const s = h * SLOT_STRIDE;
  const withGaps = core.alloc && arena.type[h] === ARANGE_64;
  const g = withGaps ? (arena.gapBase[h] as number) : 0;
  // Pivots from..to, the end slot's being the node max. Pivots before the end
  // are their own words (pivots.ts: innerPivot), so they are copied as read.
  const stop = to < end ? to + 1 : end;
  const pivots = arena.pivots;
  const shift = at - from;
  const p = h * PIVOT_STRIDE;
  for (let i = from; i < stop; i++) bPivot[i + shift] = pivots[p + i] as number;
  if (to >= end) bPivot[end + shift] = max;
  for (let i = from; i <= to; i++) bSlot[i + shift] = slots[s + i] as number;
  if (!withGaps) return;
  const gaps = arena.gaps;
  for (let i = from; i <= to; i++) bGap[i + shift] = gaps[g + i] as number;
}

/** Shifts the first `count` big-node entries right by `by` (mab_shift_right). */
export function bigShiftRight(count: number, by: number): void {
  // Right to left, so that the overlap is safe; plain loops beat copyWithin at this size.
  for (let i = count - 1; i >= 0; i--) {
    bSlot[i + by] = bSlot[i] as number;
    bPivot[i + by] = bPivot[i] as number;
    bGap[i + by] = bGap[i] as number;
  }
}

/**
 * Appends child `h` (covering `[min, max]`) to the big node, with its largest gap.
 * Mirrors mab_set_b_end().
 */
export function bigPushChild<V>(core: TreeCore<V>, h: number, min: number, max: number): void {
  const i = big.count++;
  bSlot[i] = h;
  bPivot[i] = max;
  if (core.alloc) bGap[i] = nodeMaxGap(core, h, min, max);
}

/**
 * Builds a new node of `type` from big-node entries `from..to`; adopts the
 * children of an internal node and fills in its gaps. Mirrors mab_mas_cp().
 * @returns the new node handle
 */
export function bigBuildNode<V>(core: TreeCore<V>, type: number, from: number, to: number): number {
  const arena = core.arena;
  // writeBigInto writes every slot and pivot, so the allocation need not clear them.
  const h = arena.alloc(type, false);
  writeBigInto(core, h, type, from, to);
  return h;
}

/** Writes big-node entries `from..to` into existing node `h` (clearing what was there). */
export function writeBigInto<V>(core: TreeCore<V>, h: number, type: number, from: number, to: number): void {
  const arena = core.arena;
  const slots = arena.slots;
  const s = h * SLOT_STRIDE;
  const count = to - from + 1;
  arena.type[h] = type;
  // Copy the used part and clear the rest (plain loops: cheaper than fill() on 16 elements).
  for (let i = 0; i < SLOT_STRIDE; i++) slots[s + i] = i < count ? (bSlot[from + i] as number) : 0;
  fillPivots(arena, h, bPivot, from, count, MT_PIVOTS[type] as number);
  arena.end[h] = count - 1;
  if (type === LEAF_64) return;
  const parent = arena.parent;
  const parentSlot = arena.parentSlot;
  for (let i = 0; i < count; i++) {
    const child = slots[s + i] as number;
    parent[child] = h;
    parentSlot[child] = i;
  }
  if (type === ARANGE_64) {
    const gaps = arena.gaps;
    const g = arena.gapBase[h] as number;
    for (let i = 0; i < count; i++) gaps[g + i] = bGap[from + i] as number;
    for (let i = count; i < GAP_STRIDE; i++) gaps[g + i] = 0;
    // mab_mas_cp's metadata for a node filled whole.
    refreshGapOffset(core, h);
  }
}

/**
 * Moves a split point off an empty entry so that no node ends on a NULL
 * (mab_no_null_split). `bEnd` is the kernel's b_end at the call site.
 */
export function noNullSplit(split: number, slotCount: number, bEnd: number): number {
  if (bSlot[split] !== 0) return split;
  if (split < slotCount - 1 && bEnd - split > (MT_MIN_SLOTS[big.type] as number)) return split + 1;
  return split - 1;
}

/** The middle split of a three-way split, or 0 (set by {@link calcSplit}). */
export const splitResult = { mid: 0 };

/**
 * Chooses where to cut the big node (mab_calc_split): near the middle, a
 * three-way cut when two nodes cannot hold it, never ending a node on a NULL.
 * @returns the last entry of the left node; `splitResult.mid` the last of the middle one
 */
export function calcSplit(slotCount: number): number {
  const bEnd = big.count - 1;
  let split = bEnd >> 1;
  let mid = 0;
  if (bEnd >= 2 * slotCount || (bSlot[split] === 0 && bEnd >= 2 * slotCount - 1)) {
    split = Math.floor(bEnd / 3);
    mid = split * 2;
  }
  split = noNullSplit(split, slotCount, bEnd);
  if (mid !== 0) mid = noNullSplit(mid, slotCount, bEnd);
  splitResult.mid = mid;
  return split;
}
