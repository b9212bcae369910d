/**
 * Spanning stores and the level-by-level rebuild they share with rebalancing
 * (the kernel's mas_wr_spanning_store / mas_spanning_rebalance).
 *
 * A store whose range leaves the leaf it starts in gathers the left leaf's
 * head, the new entry and the right leaf's tail into the big node; then, level
 * by level up to the root, the big node is cut into one, two or three new
 * nodes, which go into the big node of the level above together with the
 * untouched entries of the old left and right parents:
 *
 * ```
 *   level d-1:  [ a b | L-parent ... R-parent | c d ]  ->  [ a b | new... | c d ]
 *   level d:      [ head | (covered) | tail ]           ->  [ new nodes ]
 * ```
 *
 * A level left with too few entries borrows the whole next node (or, when
 * there is none, the previous one), found by climbing to the nearest ancestor
 * that has one (mast_spanning_rebalance). Old nodes of every level between the
 * left and right paths are retired. A single node covering everything becomes
 * the root (the tree may shrink); two or three at the root get a new root.
 */

import {
  big,
  bigBuildNode,
  bigCopyIn,
  bigPushChild,
  bigShiftRight,
  bPivot,
  calcSplit,
  splitResult,
} from './bignode.js';
import { LEAF_64, MT_MIN_SLOTS, MT_SLOTS, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
import { refreshOffsetsUp } from './gaps.js';
import { inPlaceMerge, inPlacePair, keepPrefix, writeKept } from './inplace.js';
import { innerPivot } from './pivots.js';
import { spanLeavesInPlace } from './span-leaves.js';
import { storeStats } from './stats.js';
import { descendFrom, enterChild, levelNext, slotMax, slotMin, Walker } from './walk.js';
import { fillStoreBig, growRoot, newRoot, publish, wp, ws } from './write.js';

/** Left and right paths of a spanning store or rebalance. */
export const lp = new Walker();
export const rp = new Walker();

/**
 * wr_spanning_store: stores `[ws.index, ws.last]` across leaves. Mirrors
 * mas_wr_spanning_store().
 */
export function spanningStore<V>(core: TreeCore<V>, entry: number): void {
  const arena = core.arena;
  const index = ws.index;
  let last = ws.last;
  // Right side: the slot just after the range, so its tail can be kept. The
  // write walk stopped above the leaves (classifyStore's test at an internal
  // level is the leaf's own test against the same bound, so it never gets
  // further for a spanning store): both sides walk down from where it stopped.
  // As in mas_wr_spanning_store, the right walk stays inside that node: a
  // range ending at its max ends at the slot holding `last` (the walk for
  // last + 1 stops at the node's last slot), and nothing of the next node
  // joins the store.
  const stopMax = wp.max[wp.depth] as number;
  descendBelowWrite(core, rp, last < stopMax ? last + 1 : last);
  const rd = rp.depth;
  const rLeaf = rp.node[rd] as number;
  let rOff = rp.off[rd] as number;
  const rContent = arena.slots[rLeaf * SLOT_STRIDE + rOff] as number;
  const rRangeMax = slotMax(core, rp);
  // Left side: the slot holding index.
  descendBelowWrite(core, lp, index);
  const ld = lp.depth;
  const lLeaf = lp.node[ld] as number;
  let lOff = lp.off[ld] as number;
  const lContent = arena.slots[lLeaf * SLOT_STRIDE + lOff] as number;
  const lRangeMin = slotMin(core, lp);
  let first = index;
  if (entry === 0) {
    // mas_extend_spanning_null: take in the NULL ranges on either side.
    if (lContent === 0) first = lRangeMin;
    if (first === lRangeMin && lOff > 0 && arena.slots[lLeaf * SLOT_STRIDE + lOff - 1] === 0) {
      first = lOff > 1 ? innerPivot(arena, lLeaf, lOff - 2) + 1 : (lp.min[ld] as number);
      lOff--;
      lp.off[ld] = lOff;
    }
    if (rContent === 0) {
      if (last < rRangeMax) last = rRangeMax;
      rOff++;
    } else if (
      last === rRangeMax &&
      last < (rp.max[rd] as number) &&
      arena.slots[rLeaf * SLOT_STRIDE + rOff + 1] === 0
    ) {
      last =
        rOff + 1 < (arena.end[rLeaf] as number) ? innerPivot(arena, rLeaf, rOff + 1) : (rp.max[rd] as number);
      rOff++;
    }
    rp.off[rd] = rOff;
  }
  ws.index = first;
  ws.last = last;
  if (first === 0 && last === MAPLE_MAX) {
    // The store (or the NULL grown over its neighbours) covers everything.
    newRoot(core, entry);
    return;
  }
  // Two neighbouring leaves of one parent that stay one or two: moved in place (span-leaves.ts).
  if (spanLeavesInPlace(core, lp, rp, ld, entry, lContent, lOff, rp.off[rd] as number)) return;
  fillStoreBig(
    core,
    lLeaf,
    lp.min[ld] as number,
    lp.max[ld] as number,
    lOff,
    arena.end[lLeaf] as number,
    first,
    last,
    entry,
    lContent,
  );
  // The big node starts with the left leaf's head, as the leaf holds it.
  keepPrefix(lLeaf, lOff);
  const rEnd = arena.end[rLeaf] as number;
  if ((rp.max[rd] as number) > last) {
    bigCopyIn(core, rLeaf, rOff, rEnd, rp.max[rd] as number, big.count);
    big.count += rEnd - rOff + 1;
  }
  big.type = LEAF_64;
  rebuildLevels(core, ld);
}

/**
 * Points `w` at the leaf slot holding `key` as a descent from the root would
 * (mtree_range_walk), but takes the write walk's path ({@link wp}) down to
 * the deepest level whose node covers `key` (a descent passes the same nodes
 * there) and scans only from that node on ({@link descendFrom}).
 */
function descendBelowWrite<V>(core: TreeCore<V>, w: Walker, key: number): void {
  let k = wp.depth;
  while (k > 0 && (key < (wp.min[k] as number) || key > (wp.max[k] as number))) k--;
  for (let j = 0; j < k; j++) {
    w.node[j] = wp.node[j] as number;
    w.min[j] = wp.min[j] as number;
    w.max[j] = wp.max[j] as number;
    w.off[j] = wp.off[j] as number;
  }
  descendFrom(core, w, k, wp.node[k] as number, wp.min[k] as number, wp.max[k] as number, key);
}

/** Copies walker `src`'s path (levels 0..depth) into `dst`. */
export function copyWalk(dst: Walker, src: Walker): void {
  const d = src.depth;
  for (let k = 0; k <= d; k++) {
    dst.node[k] = src.node[k] as number;
    dst.min[k] = src.min[k] as number;
    dst.max[k] = src.max[k] as number;
    dst.off[k] = src.off[k] as number;
  }
  dst.depth = d;
}

/** Retires the old nodes of one level from `a` to `b` inclusive. */
function retireRun<V>(core: TreeCore<V>, a: number, b: number): void {
  let x = a;
  core.retire(x);
  while (x !== b) {
    x = levelNext(core, x);
    if (x === 0) break;
    core.retire(x);
  }
}

/**
 * Turns the big node (the new contents of level `d` between the left and
 * right paths) into new nodes and carries them up to the root. Mirrors
 * mas_spanning_rebalance().
 */
export function rebuildLevels<V>(core: TreeCore<V>, depth: number): void {
  const arena = core.arena;
  let d = depth;
  if (
    !((lp.min[d] as number) === 0 && (rp.max[d] as number) === MAPLE_MAX) &&
    big.count <= (MT_MIN_SLOTS[big.type] as number)
  ) {
    borrow(core, d);
  }
  while (true) {
    const type = arena.type[lp.node[d] as number] as number;
    big.type = type;
    const bEnd = big.count - 1;
    const slotCount = MT_SLOTS[type] as number;
    const lMin = lp.min[d] as number;
    const rMax = rp.max[d] as number;
    const single = bEnd < slotCount;
    if (single && d > 0 && lp.node[d] === rp.node[d]) {
      // The two paths have met in one node and its new contents fit in one node
      // (and are enough: no neighbour was borrowed at this level), so the levels
      // above keep their contents: the new node just takes the old one's place.
      // Outside RCU mode it is written over the old node. 6.12's loop rebuilds
      // those levels all the same, up to the root, with the same contents (so
      // the same shape), which only refreshes their largest-gap offsets.
      const old = lp.node[d] as number;
      let neu = old;
      if (core.rcu) neu = bigBuildNode(core, type, 0, bEnd);
      else writeKept(core, old, type, 0, bEnd, lp.min[d] as number, rp.max[d] as number);
      publish(core, old, neu, d, lp);
      // The kernel goes on rebuilding the levels above, with their contents.
      refreshOffsetsUp(core, neu);
      return;
    }
    if (single && !core.rcu && d > 0 && inPlaceMerge(core, lp, rp, d, type, bEnd)) return;
    let split = bEnd;
    let mid = 0;
    if (!single) {
      split = calcSplit(slotCount);
      mid = splitResult.mid;
      if (mid !== 0) storeStats.threeWaySplit++;
    }
    if (!single && mid === 0 && !core.rcu && d > 0 && inPlacePair(core, lp, rp, d, type, split, bEnd)) return;
    const nL = bigBuildNode(core, type, 0, split);
    const lMax = single ? rMax : (bPivot[split] as number);
    let nM = 0;
    let mMax = 0;
    let nR = 0;
    if (mid !== 0) {
      nM = bigBuildNode(core, type, split + 1, mid);
      mMax = bPivot[mid] as number;
    }
    const rFirst = (mid !== 0 ? mid : split) + 1;
    if (!single) nR = bigBuildNode(core, type, rFirst, bEnd);
    retireRun(core, lp.node[d] as number, rp.node[d] as number);

    if (single && lMin === 0 && rMax === MAPLE_MAX) {
      // One node holds everything: it is the new root; every level above goes.
      for (let k = d - 1; k >= 0; k--) retireRun(core, lp.node[k] as number, rp.node[k] as number);
      core.root = nL;
      arena.parent[nL] = 0;
      arena.parentSlot[nL] = 0;
      if (d > 0) storeStats.collapse++;
      core.height -= d;
      return;
    }
    big.count = 0;
    if (d === 0) {
      // The root level produced two or three nodes: a new root above them.
      big.type = core.internalType;
      pushNew(core, nL, lMin, lMax, nM, mMax, nR, rMax);
      const root = bigBuildNode(core, core.internalType, 0, big.count - 1);
      growRoot(core, root);
      return;
    }
    // Ascend: the parents' untouched heads and tails around the new nodes.
    const pL = lp.node[d - 1] as number;
    const pR = rp.node[d - 1] as number;
    const lo = lp.off[d - 1] as number;
    const ro = rp.off[d - 1] as number;
    if (lo > 0) bigCopyIn(core, pL, 0, lo - 1, lp.max[d - 1] as number, 0);
    keepPrefix(pL, lo);
    big.count = lo;
    pushNew(core, nL, lMin, lMax, nM, mMax, nR, rMax);
    const pRMax = rp.max[d - 1] as number;
    if (rMax < pRMax) {
      const pREnd = arena.end[pR] as number;
      bigCopyIn(core, pR, ro + 1, pREnd, pRMax, big.count);
      big.count += pREnd - ro;
    }
    d--;
    big.type = arena.type[pL] as number;
    if (big.count > (MT_MIN_SLOTS[big.type] as number)) continue;
    if (big.count >= (MT_SLOTS[big.type] as number)) continue;
    if (d === 0) continue;
    borrow(core, d);
  }
}

/** Appends the one to three new nodes of a level to the big node. */
function pushNew<V>(
  core: TreeCore<V>,
  nL: number,
  lMin: number,
  lMax: number,
  nM: number,
  mMax: number,
  nR: number,
  rMax: number,
): void {
  bigPushChild(core, nL, lMin, lMax);
  if (nM !== 0) bigPushChild(core, nM, lMax + 1, mMax);
  if (nR !== 0) bigPushChild(core, nR, (nM !== 0 ? mMax : lMax) + 1, rMax);
}

/**
 * Brings the whole next node of level `d` (or, when there is none, the
 * previous one) into the big node, moving the right (left) path onto it.
 * Mirrors mast_spanning_rebalance().
 * @returns true when a neighbour was found
 */
function borrow<V>(core: TreeCore<V>, d: number): boolean {
  const arena = core.arena;
  const ends = arena.end;
  for (let k = d - 1; k >= 0; k--) {
    if ((rp.off[k] as number) < (ends[rp.node[k] as number] as number)) {
      rp.off[k] = (rp.off[k] as number) + 1;
      for (let j = k + 1; j <= d; j++) {
        enterChild(core, rp, j);
        if (j < d) rp.off[j] = 0;
      }
      const n = rp.node[d] as number;
      const e = ends[n] as number;
      bigCopyIn(core, n, 0, e, rp.max[d] as number, big.count);
      big.count += e + 1;
      storeStats.borrow++;
      return true;
    }
    if ((lp.off[k] as number) > 0) {
      lp.off[k] = (lp.off[k] as number) - 1;
      for (let j = k + 1; j <= d; j++) {
        enterChild(core, lp, j);
        if (j < d) lp.off[j] = ends[lp.node[j] as number] as number;
      }
      const n = lp.node[d] as number;
      const e = ends[n] as number;
      bigShiftRight(big.count, e + 1);
      bigCopyIn(core, n, 0, e, lp.max[d] as number, 0);
      // The borrowed node's entries before its end are where it holds them.
      keepPrefix(n, e);
      big.count += e + 1;
      storeStats.borrow++;
      return true;
    }
  }
  return false;
}
