/**
 * Pushing an overflowing node's entries into a sibling in place, outside RCU
 * mode (mas_push_data above the leaves: leaf-split.ts does the leaves).
 *
 * The big node holds the node's new contents (its entries with the split
 * child replaced by the two halves). The general push (split.ts pushData)
 * lays the sibling into the big node beside them and writes both nodes back
 * whole, every child's parent pointer included. When no reader can see a
 * node half-written, the sibling keeps its entries where they are (or moves
 * them up, for a push into the right sibling) and only the entries that cross
 * over are written into it; the node itself is written from the big node as
 * before.
 *
 * ```
 *   push left:   sib [a b c] + big [d e f g ...]   ->  sib [a b c d e]   cur [f g ...]
 *   push right:  big [... p q r s] + sib [x y]     ->  cur [... p q]     sib [r s x y]
 * ```
 *
 * The room test and the cut are pushData's, on the same combined entries, so
 * both nodes end up word for word as pushData leaves them (leaf-split.test.ts
 * compares whole trees with those of RCU mode, which always takes pushData).
 */

import type { NodeArena } from './arena.js';
import { bGap, big, bPivot, bSlot, writeBigInto } from './bignode.js';
import {
  ARANGE_64,
  LEAF_64,
  MT_MIN_SLOTS,
  MT_PIVOTS,
  MT_SLOTS,
  PIVOT_STRIDE,
  SLOT_STRIDE,
} from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
import { nodeMaxGap, refreshGapOffset, updateParentGapUp } from './gaps.js';
import { fitPivot, innerPivot, setPivot } from './pivots.js';
import { storeStats } from './stats.js';
import { wp } from './write.js';

/**
 * Offset in its parent of the sibling a push goes to: the node at `pOff`
 * of a parent whose end is `pEnd` pushes into the one before it (`left`)
 * or after it. Mirrors mas_push_data()'s choice of sibling.
 * @returns the sibling's offset, or -1 when there is none on that side
 */
function pushSibling(pOff: number, pEnd: number, left: boolean): number {
  if (left) return pOff === 0 ? -1 : pOff - 1;
  return pOff >= pEnd ? -1 : pOff + 1;
}

/**
 * mas_push_data()'s room test: `total` (the new contents' entries less one,
 * plus the sibling's end) fits two nodes of `type` with a slot to spare, one
 * more for a leaf and one more again for a node that ends the tree (`atMax`).
 */
function pushFits(type: number, total: number, atMax: boolean): boolean {
  let space = 2 * (MT_SLOTS[type] as number) - 2;
  if (type === LEAF_64) space--;
  if (atMax) space--;
  return total < space;
}

/** Where a push goes, as {@link pushTarget} found it (node handles, offsets and counts). */
export const pushTo = {
  /** The parent of the node pushing, its offset there and the parent's end. */
  parent: 0,
  pOff: 0,
  pEnd: 0,
  /** The sibling, its offset in the parent and its end. */
  sibOff: 0,
  sib: 0,
  sibEnd: 0,
  /** The new contents' entries less one, plus the sibling's end. */
  total: 0,
};

/**
 * The sibling that `count` new entries of a node of `type` at depth `d` of
 * the write path push into, on the left or the right, when there is one and
 * the two fit (`atMax`: the node ends the tree). The push paths share it
 * (leaf-split.ts pushLeaf, pushInPlace below, split.ts pushData), as the
 * kernel's mas_push_data() makes one choice for all of them.
 * @returns false when there is no sibling on that side or no room; else true, with {@link pushTo} filled
 */
export function pushTarget(
  arena: NodeArena,
  d: number,
  left: boolean,
  type: number,
  count: number,
  atMax: boolean,
): boolean {
  const parent = wp.node[d - 1] as number;
  const pOff = wp.off[d - 1] as number;
  const pEnd = arena.end[parent] as number;
  const sibOff = pushSibling(pOff, pEnd, left);
  if (sibOff < 0) return false;
  const sib = arena.slots[parent * SLOT_STRIDE + sibOff] as number;
  const sibEnd = arena.end[sib] as number;
  const total = count - 1 + sibEnd;
  if (!pushFits(type, total, atMax)) return false;
  pushTo.parent = parent;
  pushTo.pOff = pOff;
  pushTo.pEnd = pEnd;
  pushTo.sibOff = sibOff;
  pushTo.sib = sib;
  pushTo.sibEnd = sibEnd;
  pushTo.total = total;
  return true;
}

/**
 * Tries to push the big node's entries (the new contents of node `cur`, at
 * depth `d` of the write path, covering `[curMin, curMax]`) into its left or
 * right sibling, in place. Outside RCU mode only. Mirrors mas_push_data().
 * @returns true when the entries were pushed and the split is over
 */
export function pushInPlace<V>(
  core: TreeCore<V>,
  d: number,
  cur: number,
  curMin: number,
  curMax: number,
  left: boolean,
): boolean {
  const arena = core.arena;
  const type = big.type;
  const count = big.count;
  if (!pushTarget(arena, d, left, type, count, curMax === MAPLE_MAX)) return false;
  const { parent, pOff, pEnd, sibOff, sib, sibEnd, total } = pushTo;
  const slots = arena.slots;
  const slotCount = MT_SLOTS[type] as number;
  // The combined entries are sib's then the big node's (left), or the other way round;
  // pushData's cut, moved off an empty entry as mab_no_null_split moves it.
  const ss = sib * SLOT_STRIDE;
  let split = left ? slotCount - 2 : total - (slotCount - 2);
  const bEnd = left ? total + 1 : total + 2;
  const cutSlot = left
    ? split <= sibEnd
      ? (slots[ss + split] as number)
      : (bSlot[split - sibEnd - 1] as number)
    : split < count
      ? (bSlot[split] as number)
      : (slots[ss + split - count] as number);
  if (cutSlot === 0)
    split = split < slotCount - 1 && bEnd - split > (MT_MIN_SLOTS[type] as number) ? split + 1 : split - 1;
  // Entries crossing into sib: the big node's first `moved` (left) or its last (right).
  // The room test bounds sib's end (by slotCount - 3 when the big node holds a full
  // node and one more, by 29 - count for a leaf's 17 or 18), so at least one crosses
  // and each node ends with at most slotCount entries.
  const moved = left ? split - sibEnd : count - 1 - split;

  // Every pivot the big node holds below the top is let in before words are held.
  const top = bPivot[count - 1] as number;
  fitPivot(arena, top === MAPLE_MAX ? (bPivot[count - 2] as number) : top);
  const pivots = arena.pivots;
  const sp = sib * PIVOT_STRIDE;
  const lastPivot = (MT_PIVOTS[type] as number) - 1;
  const withGaps = core.alloc && type === ARANGE_64;
  const gaps = arena.gaps;
  const sg = withGaps ? (arena.gapBase[sib] as number) : 0;
  const parentOf = arena.parent;
  const slotOf = arena.parentSlot;
  const internal = type !== LEAF_64;
  const pMin = wp.min[d - 1] as number;
  const pMax = wp.max[d - 1] as number;
  let lMax: number;
  let lMin: number;
  let rMax: number;
  if (left) {
    lMin = sibOff > 0 ? innerPivot(arena, parent, sibOff - 1) + 1 : pMin;
    // sib's end pivot (its max) becomes an inner one; the moved entries follow.
    pivots[sp + sibEnd] = curMin - 1;
    for (let i = 0; i < moved; i++) {
      const at = sibEnd + 1 + i;
      const child = bSlot[i] as number;
      slots[ss + at] = child;
      if (at <= lastPivot) pivots[sp + at] = bPivot[i] as number;
      if (internal) {
        parentOf[child] = sib;
        slotOf[child] = at;
      }
      if (withGaps) gaps[sg + at] = bGap[i] as number;
    }
    arena.end[sib] = split;
    lMax = bPivot[moved - 1] as number;
    writeBigInto(core, cur, type, moved, count - 1);
    rMax = curMax;
    storeStats.pushLeft++;
  } else {
    rMax = sibOff < pEnd ? innerPivot(arena, parent, sibOff) : pMax;
    // sib's entries move up by `moved` (its end pivot too, unless sib then ends full).
    for (let i = sibEnd; i >= 0; i--) {
      const child = slots[ss + i] as number;
      slots[ss + i + moved] = child;
      if (i + moved <= lastPivot) pivots[sp + i + moved] = pivots[sp + i] as number;
      if (internal) slotOf[child] = i + moved;
      if (withGaps) gaps[sg + i + moved] = gaps[sg + i] as number;
    }
    for (let j = 0; j < moved; j++) {
      const child = bSlot[split + 1 + j] as number;
      slots[ss + j] = child;
      pivots[sp + j] = bPivot[split + 1 + j] as number;
      if (internal) {
        parentOf[child] = sib;
        slotOf[child] = j;
      }
      if (withGaps) gaps[sg + j] = bGap[split + 1 + j] as number;
    }
    arena.end[sib] = sibEnd + moved;
    lMax = bPivot[split] as number;
    writeBigInto(core, cur, type, 0, split);
    lMin = curMin;
    storeStats.pushRight++;
  }
  if (withGaps) refreshGapOffset(core, sib);
  // Both nodes keep their handles and places: only the pivot between them and their gaps change.
  const first = left ? sibOff : pOff;
  setPivot(arena, parent, first, lMax);
  if (core.alloc) {
    const g = arena.gapBase[parent] as number;
    arena.gaps[g + first] = nodeMaxGap(core, left ? sib : cur, lMin, lMax);
    arena.gaps[g + first + 1] = nodeMaxGap(core, left ? cur : sib, lMax + 1, rMax);
    refreshGapOffset(core, parent);
    updateParentGapUp(core, parent);
  }
  return true;
}
