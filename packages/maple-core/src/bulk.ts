/**
 * Bulk build (`MapleTree.from`): a tree made bottom-up, in O(n), from sorted
 * disjoint ranges, instead of one store per range.
 *
 * The leaf slots are the entries with the empty ranges between them (never
 * two empty ranges in a row). They are dealt evenly into ceil(slots / 16)
 * leaves, moving a cut by one where a leaf would end on an empty range (when
 * both leaves keep 8 to 16 slots); each
 * level above is dealt the same way into nodes of 16 (or 10, with gap
 * tracking) children until one node is left: the root. Even dealing keeps
 * every node at 8 or more of 16 (5 or more of 10) entries, above the kernel's
 * minimum, so the result validates like any other tree.
 */

import {
  ARANGE_64,
  GAP_STRIDE,
  LEAF_64,
  MT_PIVOTS,
  MT_SLOTS,
  PIVOT_STRIDE,
  RANGE64_SLOTS,
  SLOT_STRIDE,
} from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX, MapleError } from './errors.js';
import { leafMaxGap } from './gaps.js';

/** Where each cut of `count` items into nodes of at most `fanout` falls (exclusive ends). */
function dealEvenly(count: number, fanout: number): number[] {
  const nodes = Math.ceil(count / fanout);
  const ends: number[] = [];
  for (let i = 1; i <= nodes; i++) ends.push(Math.floor((count * i) / nodes));
  return ends;
}

/** Number of nodes a bulk build of `slotCount` leaf slots makes. */
function nodesFor(slotCount: number, internalFanout: number): number {
  let level = Math.ceil(slotCount / RANGE64_SLOTS);
  let total = level;
  while (level > 1) {
    level = Math.ceil(level / internalFanout);
    total += level;
  }
  return total;
}

/**
 * Builds the tree in the empty `core` from sorted, disjoint, non-empty ranges.
 * @throws MapleError ENOMEM (nothing built) when the nodes would exceed maxNodes
 */
export function bulkBuild<V>(
  core: TreeCore<V>,
  firsts: ArrayLike<number>,
  lasts: ArrayLike<number>,
  values: readonly V[],
): void {
  const n = firsts.length;
  if (n === 0) return;
  if (n === 1 && firsts[0] === 0 && lasts[0] === 0) {
    // One entry at index 0: it lives in the root, as a store would put it.
    core.rootValue = core.values.add(values[0] as V);
    core.count = 1;
    return;
  }
  // Leaf slots: entries and the empty ranges between them (at most 2n + 1);
  // slotVal holds the entry number, -1 for an empty range.
  const slotLast = new Float64Array(2 * n + 1);
  const slotVal = new Int32Array(2 * n + 1);
  let slotCount = 0;
  let next = 0;
  for (let i = 0; i < n; i++) {
    const first = firsts[i] as number;
    if (first > next) {
      slotLast[slotCount] = first - 1;
      slotVal[slotCount++] = -1;
    }
    const last = lasts[i] as number;
    slotLast[slotCount] = last;
    slotVal[slotCount++] = i;
    next = last + 1;
  }
  if ((lasts[n - 1] as number) < MAPLE_MAX) {
    slotLast[slotCount] = MAPLE_MAX;
    slotVal[slotCount++] = -1;
  }
  const internalType = core.internalType;
  const fanout = MT_SLOTS[internalType] as number;
  const need = nodesFor(slotCount, fanout);
  if (need > core.maxNodes || (core.arena.isFixed && need > core.arena.headroom)) {
    throw new MapleError('ENOMEM', `bulk build needs ${need} nodes; the limit is ${core.maxNodes}`);
  }
  // Entry i gets value index base + i (a new tree's value store has no free indices).
  const base = core.values.addAll(values);
  const arena = core.arena;
  arena.reserve(need);

  // Leaves.
  const cuts = dealEvenly(slotCount, RANGE64_SLOTS);
  for (let c = 0; c < cuts.length - 1; c++) {
    const cut = cuts[c] as number;
    if (slotVal[cut - 1] !== -1) continue;
    // Try not to end a leaf on an empty range (empty ranges are never adjacent, so
    // one step either way ends on an entry), keeping both leaves within 8..16 slots.
    const left = cut - (c > 0 ? (cuts[c - 1] as number) : 0);
    const right = (cuts[c + 1] as number) - cut;
    if (left - 1 >= 8 && right + 1 <= RANGE64_SLOTS) cuts[c] = cut - 1;
    else if (left + 1 <= RANGE64_SLOTS && right - 1 >= 8) cuts[c] = cut + 1;
  }
  let level: number[] = [];
  let levelMin: number[] = [];
  let levelMax: number[] = [];
  let from = 0;
  for (const to of cuts) {
    const h = arena.alloc(LEAF_64);
    const slots = arena.slots;
    const pivots = arena.pivots;
    const s = h * SLOT_STRIDE - from;
    const p = h * PIVOT_STRIDE - from;
    const pivotStop = Math.min(to, from + RANGE64_SLOTS - 1);
    for (let i = from; i < to; i++) {
      const v = slotVal[i] as number;
      slots[s + i] = v < 0 ? 0 : base + v;
      if (i < pivotStop) pivots[p + i] = slotLast[i] as number;
    }
    arena.end[h] = to - from - 1;
    level.push(h);
    levelMin.push(from > 0 ? (slotLast[from - 1] as number) + 1 : 0);
    levelMax.push(slotLast[to - 1] as number);
    from = to;
  }
  let height = 1;
  // Internal levels.
  while (level.length > 1) {
    const upper: number[] = [];
    const upperMin: number[] = [];
    const upperMax: number[] = [];
    const npiv = MT_PIVOTS[internalType] as number;
    let start = 0;
    for (const to of dealEvenly(level.length, fanout)) {
      const h = arena.alloc(internalType);
      const s = h * SLOT_STRIDE;
      const p = h * PIVOT_STRIDE;
      let best = 0;
      let bestGap = -1;
      for (let i = start; i < to; i++) {
        const child = level[i] as number;
        const k = i - start;
        arena.slots[s + k] = child;
        if (k < npiv) arena.pivots[p + k] = levelMax[i] as number;
        arena.parent[child] = h;
        arena.parentSlot[child] = k;
        if (internalType === ARANGE_64) {
          const gap =
            arena.type[child] === LEAF_64
              ? leafMaxGap(core, child, levelMin[i] as number, levelMax[i] as number)
              : (arena.gaps[child * GAP_STRIDE + (arena.gapOffset[child] as number)] as number);
          arena.gaps[h * GAP_STRIDE + k] = gap;
          if (gap > bestGap) {
            bestGap = gap;
            best = k;
          }
        }
      }
      arena.end[h] = to - start - 1;
      arena.gapOffset[h] = best;
      upper.push(h);
      upperMin.push(levelMin[start] as number);
      upperMax.push(levelMax[to - 1] as number);
      start = to;
    }
    level = upper;
    levelMin = upperMin;
    levelMax = upperMax;
    height++;
  }
  core.root = level[0] as number;
  arena.parent[core.root] = 0;
  core.height = height;
  core.count = n;
}
