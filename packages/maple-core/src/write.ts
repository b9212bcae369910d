/**
 * The write path: classify a store into one of the kernel's store cases
 * (6.12 `mas_wr_store_type`, checked in this order) and carry it out.
 *
 * 1. store root   empty tree or the entry kept in the root pointer
 * 2. spanning     the range runs past the leaf              -> spanning.ts
 * 3. exact fit    the range is exactly one slot: rewrite the slot
 * 4. new root     the range is 0..MAPLE_MAX: one leaf, or nothing
 * 5. rebalance    the leaf falls under mt_min_slots         -> rebalance.ts
 * 6. split        the leaf overflows                        -> split.ts
 * 7. append       writing at the node's end (not in RCU mode)
 * 8. slot store   the number of slots stays the same
 * 9. node store   rebuild the leaf
 *
 * This file classifies and holds what the cases share (the big-node fill,
 * publishing a replacement node); store.ts carries the cases out.
 *
 * In RCU mode a node a reader may reach is never changed: the leaf is rebuilt
 * in a new node and the path above it is copied up to a new root, published
 * with one write of the root ({@link publish}); replaced nodes are retired.
 */

import { big, bigCopyIn, bPivot, bSlot } from './bignode.js';
import {
  ARANGE64_SLOTS,
  LEAF_64,
  MT_MIN_SLOTS,
  MT_SLOTS,
  PIVOT_STRIDE,
  RANGE64_SLOTS,
  SLOT_STRIDE,
} from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
import { updateGapUp } from './gaps.js';
import { innerPivot, scanKey, setPivot, wordValue } from './pivots.js';
import { storeStats } from './stats.js';
import { Walker } from './walk.js';

/** Store case codes (the kernel's enum store_type). */
export const WR_STORE_ROOT = 0;
export const WR_SPANNING = 1;
export const WR_EXACT_FIT = 2;
export const WR_NEW_ROOT = 3;
export const WR_REBALANCE = 4;
export const WR_SPLIT = 5;
export const WR_APPEND = 6;
export const WR_SLOT = 7;
export const WR_NODE = 8;

/** The write walk's path to the leaf. */
export const wp = new Walker();

/** The write state (the kernel's ma_wr_state), reused by every write. */
export const ws = {
  /** Range being written (after NULL extension). */
  index: 0,
  last: 0,
  /** Value index being written, 0 for NULL. */
  entry: 0,
  /** Store case chosen by {@link classifyStore}. */
  storeType: 0,
  /** Leaf node, its depth, bounds and end. */
  node: 0,
  depth: 0,
  min: 0,
  max: 0,
  end: 0,
  /** First and last slot touched, the range of the first and the end of the last. */
  offset: 0,
  offsetEnd: 0,
  rMin: 0,
  rMax: 0,
  endPiv: 0,
  /** Value index in the first touched slot. */
  content: 0,
  /** Last slot offset of the leaf after the store. */
  newEnd: 0,
};

/**
 * Counts write walks from the root and stores that move node bounds or
 * replace nodes. A tree whose `pathWalk` equals it had the last such walk,
 * and nothing has reshaped any tree since: {@link wp} still holds that
 * walk's path to a leaf, and a store inside that leaf's bounds walks to the
 * same leaf, so the walk starts there (as the kernel's mas_wr_prealloc_setup
 * keeps an active ma_state's node when the range lies inside it). The mark
 * lives on the tree, so nothing here keeps a dropped tree alive.
 */
let walks = 0;

/**
 * A store is about to move node bounds or replace nodes (every case but an
 * in-place leaf rewrite, and every store in RCU mode): no recorded path stays valid.
 */
export function forgetWritePaths(): void {
  walks++;
}

/**
 * Walks to the leaf for `[index, last]` and picks the store case.
 * Changes nothing in the tree. Mirrors mas_wr_store_type().
 * @returns the store case code
 */
export function classifyStore<V>(core: TreeCore<V>, index: number, last: number, isNull: boolean): number {
  ws.index = index;
  ws.last = last;
  if (core.root === 0) return (ws.storeType = WR_STORE_ROOT);
  const arena = core.arena;
  const slots = arena.slots;
  // As in lookup(): levels come from the height and the scan stops at the end
  // pivot (which holds the node max), so neither `type` nor `end` is read on the way down.
  const internalPivots = core.alloc ? ARANGE64_SLOTS - 1 : RANGE64_SLOTS - 1;
  const leafDepth = core.height - 1;
  const wNode = wp.node;
  const wMin = wp.min;
  const wMax = wp.max;
  const wOff = wp.off;
  let h = core.root;
  let min = 0;
  // MAPLE_MAX, typed so that `max` stays a double (pivots.ts: "Typed constants").
  let max = Number.MAX_SAFE_INTEGER;
  let d = 0;
  if (
    core.pathWalk === walks &&
    !core.rcu &&
    index >= (wMin[leafDepth] as number) &&
    last < (wMax[leafDepth] as number)
  ) {
    // Strictly inside the last write's leaf, nothing reshaped since: the walk would end there
    // by the same path (no level can see a spanning store), so only the leaf is searched.
    d = leafDepth;
    h = wNode[d] as number;
    min = wMin[d] as number;
    max = wMax[d] as number;
  } else {
    // A walk from the root rewrites the path level by level: until it reaches a leaf
    // (a spanning store stops above), the recorded path is no one's.
    walks++;
  }
  // Internal levels: mas_is_span_wr against the slot's range. The pivot words
  // are read here directly (pivots.ts), compared with the scan key, and only a
  // word that may be the end pivot is decoded.
  const pivots = arena.pivots;
  const key = scanKey(arena, index);
  for (; d < leafDepth; d++) {
    const p = h * PIVOT_STRIDE;
    let o = 0;
    while (o < internalPivots && (pivots[p + o] as number) < key) o++;
    const w = pivots[p + o] as number;
    const hi = o < internalPivots ? wordValue(arena, w) : max;
    wNode[d] = h;
    wMin[d] = min;
    wMax[d] = max;
    wOff[d] = o;
    if (last >= hi && !(last === hi && (!isNull || last === MAPLE_MAX))) {
      wp.depth = d;
      return (ws.storeType = WR_SPANNING);
    }
    if (o > 0) min = (pivots[p + o - 1] as number) + 1;
    max = hi;
    h = slots[h * SLOT_STRIDE + o] as number;
  }
  // The leaf: against the node max (a NULL ending the leaf spans, to merge with the next).
  const pl = h * PIVOT_STRIDE;
  let off = 0;
  while (off < RANGE64_SLOTS - 1 && (pivots[pl + off] as number) < key) off++;
  const wl = pivots[pl + off] as number;
  const rMax = off < RANGE64_SLOTS - 1 ? wordValue(arena, wl) : max;
  const rMin = off > 0 ? (pivots[pl + off - 1] as number) + 1 : min;
  wNode[d] = h;
  wMin[d] = min;
  wMax[d] = max;
  wOff[d] = off;
  if (last >= max && !(last === max && (!isNull || last === MAPLE_MAX))) {
    wp.depth = d;
    return (ws.storeType = WR_SPANNING);
  }
  const end = arena.end[h] as number;
  wp.depth = d;
  core.pathWalk = walks;
  ws.node = h;
  ws.depth = d;
  ws.min = min;
  ws.max = max;
  ws.end = end;
  ws.offset = off;
  ws.rMin = rMin;
  ws.rMax = rMax;
  ws.content = slots[h * SLOT_STRIDE + off] as number;
  // mas_wr_end_piv
  const lastKey = scanKey(arena, last);
  let offsetEnd = off;
  while (offsetEnd < end && (pivots[pl + offsetEnd] as number) < lastKey) offsetEnd++;
  ws.offsetEnd = offsetEnd;
  // An inner pivot (before the end one) is never MAPLE_MAX: its word is its value.
  ws.endPiv = offsetEnd < end ? (pivots[pl + offsetEnd] as number) : max;
  if (isNull) extendNull(core);
  const newEnd =
    end + 2 - (ws.offsetEnd - ws.offset) - (ws.rMin === ws.index ? 1 : 0) - (ws.endPiv === ws.last ? 1 : 0);
  ws.newEnd = newEnd;
  if (ws.rMin === ws.index && ws.rMax === ws.last) return (ws.storeType = WR_EXACT_FIT);
  if (ws.index === 0 && ws.last === MAPLE_MAX) return (ws.storeType = WR_NEW_ROOT);
  if (newEnd < (MT_MIN_SLOTS[LEAF_64] as number)) return (ws.storeType = d > 0 ? WR_REBALANCE : WR_NODE);
  if (newEnd >= (MT_SLOTS[LEAF_64] as number)) return (ws.storeType = WR_SPLIT);
  if (!core.rcu && ws.offset === end) return (ws.storeType = WR_APPEND);
  if (newEnd === end && (!core.rcu || ws.offsetEnd - ws.offset === 1)) return (ws.storeType = WR_SLOT);
  return (ws.storeType = WR_NODE);
}

/** Widens a NULL store over the NULL ranges next to it (mas_wr_extend_null). */
function extendNull<V>(core: TreeCore<V>): void {
  const arena = core.arena;
  const h = ws.node;
  const s = h * SLOT_STRIDE;
  const slots = arena.slots;
  if (slots[s + ws.offsetEnd] === 0) {
    ws.last = ws.endPiv;
  } else if (ws.last === ws.endPiv && ws.end !== ws.offsetEnd && slots[s + ws.offsetEnd + 1] === 0) {
    ws.offsetEnd++;
    ws.last = ws.offsetEnd === ws.end ? ws.max : innerPivot(arena, h, ws.offsetEnd);
    ws.endPiv = ws.last;
  }
  if (ws.content === 0) {
    ws.index = ws.rMin;
  } else if (ws.index === ws.rMin && ws.offset > 0 && slots[s + ws.offset - 1] === 0) {
    ws.offset--;
    ws.rMin = ws.offset > 0 ? innerPivot(arena, h, ws.offset - 1) + 1 : ws.min;
    ws.index = ws.rMin;
    ws.rMax = innerPivot(arena, h, ws.offset);
  }
}

/**
 * Worst-case number of new nodes the classified store may allocate (mas_prealloc_calc,
 * plus the copied path in RCU mode).
 */
export function nodesNeeded<V>(core: TreeCore<V>, entry: number): number {
  const h = core.height;
  const copyPath = core.rcu ? h : 0;
  switch (ws.storeType) {
    case WR_STORE_ROOT:
      return entry !== 0 && (ws.index !== 0 || ws.last !== 0) ? 1 : 0;
    case WR_NEW_ROOT:
      return entry !== 0 ? 1 : 0;
    case WR_SPANNING:
      return h * 3 + 1;
    case WR_SPLIT:
      return h * 2 + 1 + copyPath;
    case WR_REBALANCE:
      // Merging with a sibling (and at most one borrowed neighbour per level) never
      // grows a level: at most two nodes per level and one root, as the kernel counts.
      // A fixed arena cannot fail half-way, so it is asked for the spanning-store bound.
      return core.arena.isFixed ? h * 3 + 1 : h * 2 - 1;
    case WR_NODE:
    case WR_SLOT:
    case WR_EXACT_FIT:
      return copyPath;
    default:
      return 0;
  }
}

/**
 * Fills the big node with the leaf's contents with `[index, last]` stored in
 * it. Mirrors mas_store_b_node(); `offsetEnd` is the last old slot overwritten.
 */
export function fillStoreBig<V>(
  core: TreeCore<V>,
  h: number,
  nodeMin: number,
  nodeMax: number,
  offset: number,
  offsetEnd: number,
  index: number,
  last: number,
  entry: number,
  content: number,
): void {
  const arena = core.arena;
  const end = arena.end[h] as number;
  big.type = arena.type[h] as number;
  let b = 0;
  let piv = nodeMin - 1;
  if (offset > 0) {
    bigCopyIn(core, h, 0, offset - 1, nodeMax, 0);
    b = offset;
    piv = bPivot[b - 1] as number;
  }
  if (piv + 1 < index) {
    bSlot[b] = content;
    bPivot[b] = index - 1;
    b++;
  }
  bSlot[b] = entry;
  bPivot[b] = last;
  if (last >= nodeMax) {
    big.count = b + 1;
    return;
  }
  piv = offsetEnd < end ? innerPivot(arena, h, offsetEnd) : nodeMax;
  if (piv > last) {
    b++;
    bSlot[b] = offsetEnd !== offset ? (arena.slots[h * SLOT_STRIDE + offsetEnd] as number) : content;
    bPivot[b] = piv;
  }
  const from = offsetEnd + 1;
  if (from > end) {
    big.count = b + 1;
    return;
  }
  bigCopyIn(core, h, from, end, nodeMax, b + 1);
  big.count = b + 1 + (end - from + 1);
}

/**
 * Makes `root`, a node just built above the replacements of the old root, the
 * tree's root: the tree grows a level (a split or spanning store reaching the top).
 */
export function growRoot<V>(core: TreeCore<V>, root: number): void {
  core.root = root;
  core.arena.parent[root] = 0;
  core.arena.parentSlot[root] = 0;
  core.height++;
  storeStats.grow++;
}

/**
 * Puts node `neu` in the place of node `old` at depth `d` of the write path.
 * In RCU mode the path above is copied up to a new root so that no node a
 * reader can reach changes; otherwise the parent slot is rewritten. The old
 * node (and copied ancestors) are retired; gaps are brought up to date.
 */
export function publish<V>(core: TreeCore<V>, old: number, neu: number, d: number, path: Walker): void {
  const arena = core.arena;
  if (d === 0) {
    core.root = neu;
    arena.parent[neu] = 0;
    arena.parentSlot[neu] = 0;
  } else if (!core.rcu) {
    const p = arena.parent[old] as number;
    const s = arena.parentSlot[old] as number;
    arena.slots[p * SLOT_STRIDE + s] = neu;
    arena.parent[neu] = p;
    arena.parentSlot[neu] = s;
  } else {
    let child = neu;
    for (let k = d - 1; k >= 0; k--) {
      const op = path.node[k] as number;
      const np = arena.alloc(arena.type[op] as number);
      arena.copyNode(np, op);
      arena.slots[np * SLOT_STRIDE + (path.off[k] as number)] = child;
      adoptChildren(core, np);
      core.retire(op);
      path.node[k] = np;
      child = np;
    }
    core.root = child;
    arena.parent[child] = 0;
    arena.parentSlot[child] = 0;
  }
  if (old !== neu) core.retire(old);
  path.node[d] = neu;
  updateGapUp(core, neu, path.min[d] as number, path.max[d] as number);
}

/** Points every child of internal node `h` back at `h` (mas_adopt_children). */
export function adoptChildren<V>(core: TreeCore<V>, h: number): void {
  const arena = core.arena;
  const end = arena.end[h] as number;
  const s = h * SLOT_STRIDE;
  for (let i = 0; i <= end; i++) {
    const child = arena.slots[s + i] as number;
    arena.parent[child] = h;
    arena.parentSlot[child] = i;
  }
}

/** Frees (retires) every node of the subtree under `h`. */
export function retireSubtree<V>(core: TreeCore<V>, h: number): void {
  const arena = core.arena;
  // The retire queue doubles as the walk's work list.
  const stack = core.retired;
  const start = core.retiredCount;
  core.retire(h);
  for (let i = start; i < core.retiredCount; i++) {
    const x = stack[i] as number;
    if (arena.type[x] === LEAF_64) continue;
    const end = arena.end[x] as number;
    for (let j = 0; j <= end; j++) core.retire(arena.slots[x * SLOT_STRIDE + j] as number);
  }
}

/** wr_new_root: the store covers everything; the old tree goes. Mirrors mas_new_root(). */
export function newRoot<V>(core: TreeCore<V>, entry: number): void {
  const arena = core.arena;
  forgetWritePaths();
  if (core.root !== 0) retireSubtree(core, core.root);
  if (entry === 0) {
    core.root = 0;
    core.rootValue = 0;
    core.height = 0;
    return;
  }
  const h = arena.alloc(LEAF_64);
  arena.slots[h * SLOT_STRIDE] = entry;
  setPivot(arena, h, 0, MAPLE_MAX);
  arena.end[h] = 0;
  core.root = h;
  core.rootValue = 0;
  core.height = 1;
}
