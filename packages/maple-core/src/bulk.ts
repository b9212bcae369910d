/**
 * Bulk build (`MapleTree.from`): a tree made bottom-up, in O(n), from sorted
 * disjoint ranges, instead of one store per range.
 *
 * The leaf slots are the entries with the empty ranges between them (never
 * two empty ranges in a row). They are dealt evenly into leaves of at most
 * 15 slots (one leaf of up to 16 when that holds them all), and a cut that
 * would end a leaf on an empty range moves one slot left: as in the kernel,
 * only the rightmost leaf may end on an empty range, so a NULL store at a
 * leaf's end can merge with the next leaf's first range. Dealt leaves hold 8
 * to 15 slots, moved ones 7 to 16; each
 * level above is dealt the same way into nodes of 16 (or 10, with gap
 * tracking) children until one node is left: the root. Even dealing keeps
 * every node at 8 or more of 16 (5 or more of 10) entries, above the kernel's
 * minimum, so the result validates like any other tree.
 *
 * One pass checks the input and lays out the leaf slots in two typed arrays
 * (no object per entry); a second writes the leaves straight into the arena,
 * each leaf's largest gap taken on the way, and every level above is built
 * from the summaries (handle, min, max, gap) of the level below.
 */

import { ARANGE_64, LEAF_64, MT_PIVOTS, MT_SLOTS, RANGE64_SLOTS, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';
import { checkRange, MAPLE_MAX, MapleError } from './errors.js';
import { fillPivots } from './pivots.js';
import type { MapleEntry } from './tree.js';

/** Where each cut of `count` items into nodes of at most `fanout` falls (exclusive ends). */
function dealEvenly(count: number, fanout: number): Int32Array {
  const nodes = Math.ceil(count / fanout);
  const ends = new Int32Array(nodes);
  for (let i = 1; i <= nodes; i++) ends[i - 1] = Math.floor((count * i) / nodes);
  return ends;
}

/**
 * Leaf slots dealt to each leaf: one short of full when there is more than one
 * leaf, so that a cut can always move one slot left off an empty range.
 */
function leafFanout(slotCount: number): number {
  return slotCount <= RANGE64_SLOTS ? RANGE64_SLOTS : RANGE64_SLOTS - 1;
}

/** Number of leaves a bulk build of `slotCount` leaf slots makes. */
function leafCount(slotCount: number): number {
  return Math.ceil(slotCount / leafFanout(slotCount));
}

/** Number of nodes a bulk build of `slotCount` leaf slots makes. */
function nodesFor(slotCount: number, internalFanout: number): number {
  let level = leafCount(slotCount);
  let total = level;
  while (level > 1) {
    level = Math.ceil(level / internalFanout);
    total += level;
  }
  return total;
}

/** Throws the EINVAL that entry `[first, last]` after one ending at `prevLast` deserves. */
function badEntry(first: unknown, last: unknown, prevLast: number): never {
  checkRange(first, last);
  throw new MapleError(
    'EINVAL',
    `entries must be sorted and disjoint: [${first}, ${last}] after ${prevLast}`,
  );
}

/**
 * Builds the tree in the empty `core` from `entries`, sorted by `first` and
 * disjoint; an entry whose value is undefined is an empty range (nothing stored).
 * @throws MapleError EINVAL on a bad, unsorted or overlapping entry; ENOMEM when
 *   the nodes would exceed maxNodes (either way nothing is built)
 */
export function bulkBuild<V>(core: TreeCore<V>, entries: readonly MapleEntry<V>[]): void {
  const n = entries.length;
  // Leaf slots: entries and the empty ranges between them (at most 2n + 1);
  // slotVal holds the entry number, -1 for an empty range.
  const slotLast = new Float64Array(2 * n + 1);
  const slotVal = new Int32Array(2 * n + 1);
  const values: V[] = [];
  let slotCount = 0;
  let next = 0;
  let prevLast = -1;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const e = entries[i] as MapleEntry<V>;
    if (typeof e !== 'object' || e === null) {
      throw new MapleError('EINVAL', `entry ${i} is not a { first, last, value } object`);
    }
    const first = e.first;
    const last = e.last;
    // One test: integers (NaN and fractions fail floor) in [0, MAPLE_MAX], sorted, disjoint.
    if (
      !(
        typeof first === 'number' &&
        typeof last === 'number' &&
        first > prevLast &&
        first <= last &&
        last <= MAPLE_MAX &&
        Math.floor(first) === first &&
        Math.floor(last) === last
      )
    ) {
      badEntry(first, last, prevLast);
    }
    prevLast = last;
    const value = e.value;
    if (value === undefined) continue;
    if (first > next) {
      slotLast[slotCount] = first - 1;
      slotVal[slotCount++] = -1;
    }
    slotLast[slotCount] = last;
    slotVal[slotCount++] = k;
    values.push(value);
    k++;
    next = last + 1;
  }
  if (k === 0) return;
  if (k === 1 && slotCount === 1 && slotLast[0] === 0) {
    // One entry at index 0: it lives in the root, as a store would put it.
    core.rootValue = core.values.add(values[0] as V);
    core.count = 1;
    return;
  }
  if (next <= MAPLE_MAX) {
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
  const gapped = internalType === ARANGE_64;
  // Every internal node of a gap-tracking tree takes a gap block; the leaves take none.
  arena.reserve(need, gapped ? need - leafCount(slotCount) : 0);

  // Leaves.
  const cuts = dealEvenly(slotCount, leafFanout(slotCount));
  const leaves = cuts.length;
  for (let c = 0; c < leaves - 1; c++) {
    // No leaf but the last ends on an empty range; empty ranges are never adjacent,
    // so one slot left ends on an entry (the leaf keeps 7+, the next gets 16 at most).
    if (slotVal[(cuts[c] as number) - 1] === -1) cuts[c] = (cuts[c] as number) - 1;
  }
  // Summaries of the level being built on: handle, min, max, largest gap.
  let level = new Int32Array(leaves);
  let levelMin = new Float64Array(leaves);
  let levelMax = new Float64Array(leaves);
  let levelGap = new Float64Array(gapped ? leaves : 0);
  const slots = arena.slots;
  let from = 0;
  let start = 0; // first index of slot `from`
  for (let c = 0; c < leaves; c++) {
    const to = cuts[c] as number;
    // Every slot and pivot is written below: no clearing in alloc.
    const h = arena.alloc(LEAF_64, false);
    const s = h * SLOT_STRIDE - from;
    const pivotStop = Math.min(to, from + RANGE64_SLOTS - 1);
    const min = start;
    fillPivots(arena, h, slotLast, from, pivotStop - from, RANGE64_SLOTS - 1);
    let best = 0;
    for (let i = from; i < to; i++) {
      const v = slotVal[i] as number;
      const stop = slotLast[i] as number;
      if (v < 0) {
        slots[s + i] = 0;
        if (stop - start + 1 > best) best = stop - start + 1;
      } else {
        slots[s + i] = base + v;
      }
      start = stop + 1;
    }
    for (let i = to; i < from + SLOT_STRIDE; i++) slots[s + i] = 0;
    arena.end[h] = to - from - 1;
    level[c] = h;
    levelMin[c] = min;
    levelMax[c] = start - 1;
    if (gapped) levelGap[c] = best;
    from = to;
  }
  let height = 1;
  // Internal levels, from the summaries of the level below.
  const npiv = MT_PIVOTS[internalType] as number;
  const gaps = arena.gaps;
  const gapBase = arena.gapBase;
  const parent = arena.parent;
  const parentSlot = arena.parentSlot;
  while (level.length > 1) {
    const ends = dealEvenly(level.length, fanout);
    const count = ends.length;
    const upper = new Int32Array(count);
    const upperMin = new Float64Array(count);
    const upperMax = new Float64Array(count);
    const upperGap = new Float64Array(gapped ? count : 0);
    let first = 0;
    for (let u = 0; u < count; u++) {
      const to = ends[u] as number;
      const h = arena.alloc(internalType);
      const s = h * SLOT_STRIDE;
      fillPivots(arena, h, levelMax, first, to - first, npiv);
      let best = 0;
      let bestGap = -1;
      for (let i = first; i < to; i++) {
        const child = level[i] as number;
        const j = i - first;
        slots[s + j] = child;
        parent[child] = h;
        parentSlot[child] = j;
        if (gapped) {
          const gap = levelGap[i] as number;
          gaps[(gapBase[h] as number) + j] = gap;
          if (gap > bestGap) {
            bestGap = gap;
            best = j;
          }
        }
      }
      arena.end[h] = to - first - 1;
      arena.gapOffset[h] = best;
      upper[u] = h;
      upperMin[u] = levelMin[first] as number;
      upperMax[u] = levelMax[to - 1] as number;
      if (gapped) upperGap[u] = bestGap;
      first = to;
    }
    level = upper;
    levelMin = upperMin;
    levelMax = upperMax;
    levelGap = upperGap;
    height++;
  }
  core.root = level[0] as number;
  parent[core.root] = 0;
  core.height = height;
  core.count = k;
}
