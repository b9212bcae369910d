/**
 * Walking the tree: descent to the leaf holding an index, and stepping from
 * slot to slot along the leaves.
 *
 * A {@link Walker} records the path from the root as per-level arrays (node,
 * its min and max, and the offset taken in it), so stepping to the next or
 * previous slot moves within the leaf and climbs only at node edges, and never
 * reads parent pointers: a walker started on an old root keeps reading that
 * version (what RCU snapshots need).
 *
 * ```
 *   depth 0   node[0] (root, [0, MAX])  ── off[0] ──┐
 *   depth 1                          node[1] [min[1], max[1]] ── off[1] ──┐
 *   depth d                                                         node[d] (leaf)
 * ```
 */

import {
  ARANGE64_SLOTS,
  LEAF_64,
  MAPLE_HEIGHT_MAX,
  PIVOT_STRIDE,
  RANGE64_SLOTS,
  SLOT_STRIDE,
} from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
import { innerPivot, narrowKey, scanKey, slotFor, wordValue } from './pivots.js';

/** A root-to-leaf path with per-level bounds (allocation-free once built). */
export class Walker {
  readonly node = new Int32Array(MAPLE_HEIGHT_MAX + 1);
  readonly min = new Float64Array(MAPLE_HEIGHT_MAX + 1);
  readonly max = new Float64Array(MAPLE_HEIGHT_MAX + 1);
  readonly off = new Uint8Array(MAPLE_HEIGHT_MAX + 1);
  /** Depth of the leaf, -1 when the walker is not on a node. */
  depth = -1;
}

/**
 * Descends from `root` to the leaf slot holding `index`, recording the path.
 * Mirrors mtree_range_walk().
 */
export function descend<V>(core: TreeCore<V>, w: Walker, root: number, index: number): void {
  if (root === core.root) descendLive(core, w, index);
  else descendFrom(core, w, 0, root, 0, MAPLE_MAX, index);
}

/**
 * The rest of a descent: from node `h` at depth `d` (covering `[min, max]`)
 * down to the leaf slot holding `index`, recording levels `d` onwards of the
 * path in `w` (the levels above are the caller's). Scans stop at each node's
 * `end` and the leaf is known by its type, so any version's nodes will do.
 */
export function descendFrom<V>(
  core: TreeCore<V>,
  w: Walker,
  d: number,
  h: number,
  min: number,
  max: number,
  index: number,
): void {
  const arena = core.arena;
  const slots = arena.slots;
  const types = arena.type;
  const ends = arena.end;
  // Pivot words read in place (pivots.ts: scanKey; words before the end are their values).
  const pivots = arena.pivots;
  const key = scanKey(arena, index);
  const wNode = w.node;
  const wMin = w.min;
  const wMax = w.max;
  const wOff = w.off;
  while (true) {
    const end = ends[h] as number;
    const p = h * PIVOT_STRIDE;
    let off = 0;
    while (off < end && (pivots[p + off] as number) < key) off++;
    wNode[d] = h;
    wMin[d] = min;
    wMax[d] = max;
    wOff[d] = off;
    if (types[h] === LEAF_64) break;
    if (off > 0) min = (pivots[p + off - 1] as number) + 1;
    if (off < end) max = pivots[p + off] as number;
    h = slots[h * SLOT_STRIDE + off] as number;
    d++;
  }
  w.depth = d;
}

/**
 * {@link descend} from the live root, whose height is known: as in {@link lookup},
 * levels come from the height and each scan stops at the end pivot (which holds
 * the node max), so neither `type` nor `end` is read on the way down.
 */
function descendLive<V>(core: TreeCore<V>, w: Walker, index: number): void {
  const arena = core.arena;
  // 32-bit pivot words with a 32-bit key, as in lookup().
  if (arena.wide) descendWords(core, w, arena.pivots, index);
  else descendWords(core, w, arena.pivots, narrowKey(index));
}

/** {@link descendLive} comparing the pivot words with `key` (pivots.ts: scanKey). */
function descendWords<V>(core: TreeCore<V>, w: Walker, pivots: Int32Array | Float64Array, key: number): void {
  const arena = core.arena;
  const slots = arena.slots;
  const wNode = w.node;
  const wMin = w.min;
  const wMax = w.max;
  const wOff = w.off;
  const internalPivots = core.alloc ? ARANGE64_SLOTS - 1 : RANGE64_SLOTS - 1;
  const leafDepth = core.height - 1;
  let h = core.root;
  let min = 0;
  // MAPLE_MAX, typed so that `max` stays a double (pivots.ts: "Typed constants").
  let max = Number.MAX_SAFE_INTEGER;
  for (let d = 0; ; d++) {
    const npiv = d === leafDepth ? RANGE64_SLOTS - 1 : internalPivots;
    const p = h * PIVOT_STRIDE;
    let off = 0;
    while (off < npiv && (pivots[p + off] as number) < key) off++;
    wNode[d] = h;
    wMin[d] = min;
    wMax[d] = max;
    wOff[d] = off;
    if (d === leafDepth) {
      w.depth = d;
      return;
    }
    // Only the end pivot, read as the max, is decoded (pivots.ts).
    if (off > 0) min = (pivots[p + off - 1] as number) + 1;
    // The end pivot is the node max, so no `end` test is needed here either.
    if (off < npiv) max = wordValue(arena, pivots[p + off] as number);
    h = slots[h * SLOT_STRIDE + off] as number;
  }
}

/** First index of the slot the walker is on. */
export function slotMin<V>(core: TreeCore<V>, w: Walker): number {
  const d = w.depth;
  const o = w.off[d] as number;
  return o > 0 ? innerPivot(core.arena, w.node[d] as number, o - 1) + 1 : (w.min[d] as number);
}

/** Last index of the slot the walker is on. */
export function slotMax<V>(core: TreeCore<V>, w: Walker): number {
  const d = w.depth;
  const h = w.node[d] as number;
  const o = w.off[d] as number;
  return o < (core.arena.end[h] as number) ? innerPivot(core.arena, h, o) : (w.max[d] as number);
}

/** Value index in the slot the walker is on. */
export function slotValue<V>(core: TreeCore<V>, w: Walker): number {
  const d = w.depth;
  return core.arena.slots[(w.node[d] as number) * SLOT_STRIDE + (w.off[d] as number)] as number;
}

/** Fills level `j` of the walker with child `off[j-1]` of level `j-1` (its node, min and max). */
export function enterChild<V>(core: TreeCore<V>, w: Walker, j: number): void {
  const arena = core.arena;
  const parent = w.node[j - 1] as number;
  const o = w.off[j - 1] as number;
  const end = arena.end[parent] as number;
  w.node[j] = arena.slots[parent * SLOT_STRIDE + o] as number;
  w.min[j] = o > 0 ? innerPivot(arena, parent, o - 1) + 1 : (w.min[j - 1] as number);
  w.max[j] = o < end ? innerPivot(arena, parent, o) : (w.max[j - 1] as number);
}

/**
 * Steps to the next slot, crossing into the next leaf at a node edge.
 * @returns false (walker unchanged) at the end of the tree
 */
export function nextSlot<V>(core: TreeCore<V>, w: Walker): boolean {
  const ends = core.arena.end;
  const d = w.depth;
  if ((w.off[d] as number) < (ends[w.node[d] as number] as number)) {
    w.off[d] = (w.off[d] as number) + 1;
    return true;
  }
  let k = d - 1;
  while (k >= 0 && (w.off[k] as number) >= (ends[w.node[k] as number] as number)) k--;
  if (k < 0) return false;
  w.off[k] = (w.off[k] as number) + 1;
  for (let j = k + 1; j <= d; j++) {
    enterChild(core, w, j);
    w.off[j] = 0;
  }
  return true;
}

/**
 * Steps to the previous slot, crossing into the previous leaf at a node edge.
 * @returns false (walker unchanged) at the start of the tree
 */
export function prevSlot<V>(core: TreeCore<V>, w: Walker): boolean {
  const ends = core.arena.end;
  const d = w.depth;
  if ((w.off[d] as number) > 0) {
    w.off[d] = (w.off[d] as number) - 1;
    return true;
  }
  let k = d - 1;
  while (k >= 0 && w.off[k] === 0) k--;
  if (k < 0) return false;
  w.off[k] = (w.off[k] as number) - 1;
  for (let j = k + 1; j <= d; j++) {
    enterChild(core, w, j);
    w.off[j] = ends[w.node[j] as number] as number;
  }
  return true;
}

/**
 * Looks up the value index stored at `index` (0 when empty). Mirrors mtree_lookup_walk().
 */
export function lookup<V>(core: TreeCore<V>, index: number): number {
  const root = core.root;
  if (root === 0) return index === 0 ? core.rootValue : 0;
  const arena = core.arena;
  // A node's end pivot holds its max (>= index), so the scan stops there without
  // reading `end`; a full node scans all its pivots. Internal levels are known
  // from the height, so `type` is not read either (mtree_lookup_walk). The
  // pivot words are compared in place with the scan key (pivots.ts); 32-bit
  // words with a 32-bit key, so each loop compares integers.
  if (arena.wide) return lookupWords(core, arena.pivots, index);
  return lookupWords(core, arena.pivots, narrowKey(index));
}

/** {@link lookup}'s descent, comparing the pivot words with `key` (pivots.ts: scanKey). */
function lookupWords<V>(core: TreeCore<V>, pivots: Int32Array | Float64Array, key: number): number {
  const slots = core.arena.slots;
  const internalPivots = core.alloc ? ARANGE64_SLOTS - 1 : RANGE64_SLOTS - 1;
  let h = core.root;
  for (let d = core.height - 1; d > 0; d--) {
    const p = h * PIVOT_STRIDE;
    let off = 0;
    while (off < internalPivots && (pivots[p + off] as number) < key) off++;
    h = slots[h * SLOT_STRIDE + off] as number;
  }
  const p = h * PIVOT_STRIDE;
  let off = 0;
  while (off < RANGE64_SLOTS - 1 && (pivots[p + off] as number) < key) off++;
  return slots[h * SLOT_STRIDE + off] as number;
}

/** Where {@link lookupSlot} landed: the leaf, the slot, its range and the leaf's bounds. */
export const lookupHit = { node: 0, off: 0, lo: 0, hi: 0, min: 0, max: 0 };

/**
 * As {@link lookup}, also keeping the slot's range and the leaf's bounds in
 * {@link lookupHit}, without recording a path (mtree_range_walk, for mt_find's
 * common case). The tree has a root node.
 * @returns the value index, 0 when empty
 */
export function lookupSlot<V>(core: TreeCore<V>, index: number): number {
  const arena = core.arena;
  // 32-bit pivot words with a 32-bit key, as in lookup().
  if (arena.wide) return lookupSlotWords(core, arena.pivots, index);
  return lookupSlotWords(core, arena.pivots, narrowKey(index));
}

/** {@link lookupSlot} comparing the pivot words with `key` (pivots.ts: scanKey). */
function lookupSlotWords<V>(core: TreeCore<V>, pivots: Int32Array | Float64Array, key: number): number {
  const arena = core.arena;
  const slots = arena.slots;
  const internalPivots = core.alloc ? ARANGE64_SLOTS - 1 : RANGE64_SLOTS - 1;
  let h = core.root;
  let min = 0;
  // MAPLE_MAX, typed so that `max` stays a double (pivots.ts: "Typed constants").
  let max = Number.MAX_SAFE_INTEGER;
  for (let d = core.height - 1; d > 0; d--) {
    const p = h * PIVOT_STRIDE;
    let off = 0;
    while (off < internalPivots && (pivots[p + off] as number) < key) off++;
    // The end pivot holds the node max, so pivot[off] is the slot max below a full
    // node; only it may need decoding (pivots.ts).
    if (off > 0) min = (pivots[p + off - 1] as number) + 1;
    if (off < internalPivots) max = wordValue(arena, pivots[p + off] as number);
    h = slots[h * SLOT_STRIDE + off] as number;
  }
  const p = h * PIVOT_STRIDE;
  let off = 0;
  while (off < RANGE64_SLOTS - 1 && (pivots[p + off] as number) < key) off++;
  lookupHit.node = h;
  lookupHit.off = off;
  lookupHit.lo = off > 0 ? (pivots[p + off - 1] as number) + 1 : min;
  lookupHit.hi = off < RANGE64_SLOTS - 1 ? wordValue(arena, pivots[p + off] as number) : max;
  lookupHit.min = min;
  lookupHit.max = max;
  return slots[h * SLOT_STRIDE + off] as number;
}

/**
 * Looks up `index` under node `root`, which may be the root of an older
 * version (RCU mode: its nodes stay intact until reclaimed).
 * @returns the value index, 0 when empty
 */
export function lookupFrom<V>(core: TreeCore<V>, root: number, index: number): number {
  const arena = core.arena;
  const slots = arena.slots;
  const types = arena.type;
  const ends = arena.end;
  let h = root;
  while (true) {
    const next = slots[h * SLOT_STRIDE + slotFor(arena, h, ends[h] as number, index)] as number;
    if (types[h] === LEAF_64) return next;
    h = next;
  }
}

/**
 * The next node at the same level as `h`, found through parent links (write
 * side only: old nodes' links are intact while a write is in progress).
 * @returns 0 when `h` is the last node of its level
 */
export function levelNext<V>(core: TreeCore<V>, h: number): number {
  const arena = core.arena;
  let climb = 0;
  let x = h;
  while (true) {
    const p = arena.parent[x] as number;
    if (p === 0) return 0;
    const s = arena.parentSlot[x] as number;
    if (s < (arena.end[p] as number)) {
      x = arena.slots[p * SLOT_STRIDE + s + 1] as number;
      break;
    }
    x = p;
    climb++;
  }
  for (; climb > 0; climb--) x = arena.slots[x * SLOT_STRIDE] as number;
  return x;
}
