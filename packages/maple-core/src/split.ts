/**
 * Splitting a node that overflows (the kernel's mas_split / mas_push_data).
 *
 * The maple tree splits upward: the leaf's new contents sit in the big node;
 * at each level, first try to push entries into the left sibling, then the
 * right one (which stops the split there); otherwise cut the big node in two
 * near the middle, and carry the two halves into the parent's big node. A
 * level whose contents fit one node ends the walk; a split of the root grows
 * a new root above it. Outside RCU mode a leaf's own split or push is done
 * in place by leaf-split.ts, which hands a split on to {@link splitAbove}.
 *
 * ```
 *   parent:  [ ... | cur | ... ]          parent': [ ... | L | R | ... ]
 *                     |            ==>                    |   |
 *                  big node                             left right
 * ```
 */

import {
  big,
  bigBuildNode,
  bigCopyIn,
  bigPushChild,
  bigShiftRight,
  bPivot,
  calcSplit,
  noNullSplit,
  writeBigInto,
} from './bignode.js';
import { MT_PIVOTS, MT_SLOTS, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
import { nodeMaxGap, refreshGapOffset, updateGapUp, updateParentGapUp } from './gaps.js';
import { innerPivot, movePivots, setPivot } from './pivots.js';
import { pushInPlace, pushTarget, pushTo } from './push-in-place.js';
import { storeStats } from './stats.js';
import { growRoot, publish, wp } from './write.js';

/**
 * Commits the big node (holding the leaf's new contents) when it is too big
 * for one node. Mirrors mas_split().
 */
export function splitStore<V>(core: TreeCore<V>): void {
  const d = wp.depth;
  splitLevels(core, d, wp.node[d] as number, wp.min[d] as number, wp.max[d] as number);
}

/**
 * The split loop from depth `depth` up: `node` (covering `[min, max]`) takes
 * the big node's contents, pushes some into a sibling, or splits, and a
 * split carries on into the parent.
 */
function splitLevels<V>(core: TreeCore<V>, depth: number, node: number, min: number, max: number): void {
  let d = depth;
  let cur = node;
  let curMin = min;
  let curMax = max;
  while (true) {
    const slotCount = MT_SLOTS[big.type] as number;
    if (big.count <= slotCount) {
      replaceFromBig(core, cur, d);
      return;
    }
    // Outside RCU mode a push rewrites the two nodes in place (push-in-place.ts).
    const push = core.rcu ? pushData : pushInPlace;
    if (d > 0 && (push(core, d, cur, curMin, curMax, true) || push(core, d, cur, curMin, curMax, false)))
      return;
    const split = calcSplit(slotCount);
    const type = big.type;
    // Outside RCU mode the left half goes back into the node being split.
    const left = buildOrReuse(core, cur, 0, split);
    const right = bigBuildNode(core, type, split + 1, big.count - 1);
    const leftMax = bPivot[split] as number;
    if (left !== cur) core.retire(cur);
    if (!carryUp(core, d, left, right, leftMax, curMin, curMax)) return;
    d--;
    cur = wp.node[d] as number;
    curMin = wp.min[d] as number;
    curMax = wp.max[d] as number;
  }
}

/**
 * The rest of a split made at depth `d` by leaf-split.ts: node `left` (the
 * one split, covering `[curMin, curMax]`, now up to `leftMax`) and the new
 * `right` take its place in the parent, which may split in turn.
 */
export function splitAbove<V>(
  core: TreeCore<V>,
  d: number,
  left: number,
  right: number,
  leftMax: number,
  curMin: number,
  curMax: number,
): void {
  if (carryUp(core, d, left, right, leftMax, curMin, curMax))
    splitLevels(core, d - 1, wp.node[d - 1] as number, wp.min[d - 1] as number, wp.max[d - 1] as number);
}

/**
 * Puts the halves of a split at depth `d` in place of the node split: under
 * a new root, straight into a parent with room (outside RCU mode), or else
 * into the big node with the rest of the parent's entries.
 * @returns true when the big node now holds the parent's new contents, to be written in turn
 */
function carryUp<V>(
  core: TreeCore<V>,
  d: number,
  left: number,
  right: number,
  leftMax: number,
  curMin: number,
  curMax: number,
): boolean {
  const arena = core.arena;
  big.count = 0;
  if (d === 0) {
    // The root split: a new root above holds the two halves.
    big.type = core.internalType;
    bigPushChild(core, left, 0, leftMax);
    bigPushChild(core, right, leftMax + 1, MAPLE_MAX);
    const root = bigBuildNode(core, core.internalType, 0, 1);
    growRoot(core, root);
    return false;
  }
  const parent = wp.node[d - 1] as number;
  const pOff = wp.off[d - 1] as number;
  const pMax = wp.max[d - 1] as number;
  if (!core.rcu && (arena.end[parent] as number) + 1 < (MT_SLOTS[arena.type[parent] as number] as number)) {
    insertChild(core, parent, pOff, left, curMin, leftMax, right, curMax);
    return false;
  }
  if (pOff > 0) bigCopyIn(core, parent, 0, pOff - 1, pMax, 0);
  big.count = pOff;
  bigPushChild(core, left, curMin, leftMax);
  bigPushChild(core, right, leftMax + 1, curMax);
  const pEnd = arena.end[parent] as number;
  if (pOff < pEnd) {
    bigCopyIn(core, parent, pOff + 1, pEnd, pMax, big.count);
    big.count += pEnd - pOff;
  }
  big.type = arena.type[parent] as number;
  return true;
}

/**
 * Tries to absorb the overflow into a sibling (mas_push_data), in RCU mode
 * (push-in-place.ts does it outside): when the big node and the sibling
 * together fit two nodes with room to spare, build both anew as two nodes and
 * the parent around them.
 * @returns true when the data was pushed and the split is over
 */
function pushData<V>(
  core: TreeCore<V>,
  d: number,
  cur: number,
  curMin: number,
  curMax: number,
  left: boolean,
): boolean {
  const arena = core.arena;
  if (!pushTarget(arena, d, left, big.type, big.count, curMax === MAPLE_MAX)) return false;
  const { parent, pOff, pEnd, sibOff, sib, sibEnd, total } = pushTo;
  const pMin = wp.min[d - 1] as number;
  const pMax = wp.max[d - 1] as number;
  const sibMin = sibOff > 0 ? innerPivot(arena, parent, sibOff - 1) + 1 : pMin;
  const sibMax = sibOff < pEnd ? innerPivot(arena, parent, sibOff) : pMax;
  const slotCount = MT_SLOTS[big.type] as number;

  let split: number;
  let lMin: number;
  let rMax: number;
  if (left) {
    bigShiftRight(big.count, sibEnd + 1);
    bigCopyIn(core, sib, 0, sibEnd, sibMax, 0);
    big.count += sibEnd + 1;
    split = noNullSplit(slotCount - 2, slotCount, total + 1);
    lMin = sibMin;
    rMax = curMax;
    storeStats.pushLeft++;
  } else {
    bigCopyIn(core, sib, 0, sibEnd, sibMax, big.count);
    big.count += sibEnd + 1;
    // The kernel's b_end here counts entries (one past the last), hence total + 2.
    split = noNullSplit(total - (slotCount - 2), slotCount, total + 2);
    lMin = curMin;
    rMax = sibMax;
    storeStats.pushRight++;
  }
  const lNode = bigBuildNode(core, big.type, 0, split);
  const rNode = bigBuildNode(core, big.type, split + 1, big.count - 1);
  const lMax = bPivot[split] as number;
  core.retire(cur);
  core.retire(sib);
  const first = left ? sibOff : pOff;
  // Rebuild the parent with the pair in place of the two old children.
  big.count = 0;
  if (first > 0) bigCopyIn(core, parent, 0, first - 1, pMax, 0);
  big.count = first;
  bigPushChild(core, lNode, lMin, lMax);
  bigPushChild(core, rNode, lMax + 1, rMax);
  if (first + 1 < pEnd) {
    bigCopyIn(core, parent, first + 2, pEnd, pMax, big.count);
    big.count += pEnd - first - 1;
  }
  big.type = arena.type[parent] as number;
  replaceFromBig(core, parent, d - 1);
  return true;
}

/**
 * Big node entries `from..to` as a node: a new one in RCU mode; otherwise
 * written into `reuse`, whose old contents the big node already holds.
 * @returns the node holding them
 */
function buildOrReuse<V>(core: TreeCore<V>, reuse: number, from: number, to: number): number {
  if (core.rcu) return bigBuildNode(core, big.type, from, to);
  writeBigInto(core, reuse, big.type, from, to);
  return reuse;
}

/**
 * Gives node `h` (depth `d` of the write path) the big node's contents. In RCU
 * mode that is a new node published in its place; otherwise `h` is rewritten
 * in place (no reader can see it half-written), which saves an allocation.
 */
function replaceFromBig<V>(core: TreeCore<V>, h: number, d: number): void {
  if (core.rcu) {
    const n = bigBuildNode(core, big.type, 0, big.count - 1);
    publish(core, h, n, d, wp);
    return;
  }
  writeBigInto(core, h, big.type, 0, big.count - 1);
  updateGapUp(core, h, wp.min[d] as number, wp.max[d] as number);
}

/**
 * Outside RCU mode, the last step of a split whose parent has room: the right
 * half goes into the parent after the left one (which kept the split node's
 * handle and slot), moving the later slots, pivots and gaps over by one. The
 * parent ends up as the big-node rebuild would leave it.
 */
function insertChild<V>(
  core: TreeCore<V>,
  parent: number,
  pOff: number,
  left: number,
  leftMin: number,
  leftMax: number,
  right: number,
  rightMax: number,
): void {
  const arena = core.arena;
  const slots = arena.slots;
  const s = parent * SLOT_STRIDE;
  const end = arena.end[parent] as number;
  const npiv = MT_PIVOTS[arena.type[parent] as number] as number;
  // Pivots pOff..end move up one (the end pivot, the node max, only while there is room for it).
  movePivots(arena, parent, pOff, pOff + 1, Math.min(end, npiv - 2) - pOff + 1);
  setPivot(arena, parent, pOff, leftMax);
  for (let i = end; i > pOff; i--) {
    const child = slots[s + i] as number;
    slots[s + i + 1] = child;
    arena.parentSlot[child] = i + 1;
  }
  slots[s + pOff + 1] = right;
  arena.parent[right] = parent;
  arena.parentSlot[right] = pOff + 1;
  arena.end[parent] = end + 1;
  if (core.alloc) {
    const gaps = arena.gaps;
    const g = arena.gapBase[parent] as number;
    for (let i = end; i > pOff; i--) gaps[g + i + 1] = gaps[g + i] as number;
    gaps[g + pOff] = nodeMaxGap(core, left, leftMin, leftMax);
    gaps[g + pOff + 1] = nodeMaxGap(core, right, leftMax + 1, rightMax);
    refreshGapOffset(core, parent);
    updateParentGapUp(core, parent);
  }
}
