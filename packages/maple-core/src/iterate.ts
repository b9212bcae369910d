/**
 * The entry iterator behind `tree.entries()` / `for...of` (mt_for_each).
 *
 * It walks leaf slots with its own {@link Walker}. Each step checks the
 * tree's write sequence number: after a write it re-walks from just past the
 * last range it returned (the kernel's mas_pause discipline, done for the user).
 *
 * Pinned to a version instead (a root and root entry kept from an earlier
 * moment, RCU mode with retired nodes not yet reclaimed), it walks that
 * version only and never re-walks: what a snapshot reader needs.
 */

import { PIVOT_STRIDE, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX, MapleError } from './errors.js';
import type { MapleEntry } from './tree.js';
import { descend, nextSlot, Walker } from './walk.js';

/** A walker for {@link forEachEntry}, lent to one call at a time (a callback may scan again). */
let spareWalker: Walker | null = new Walker();

/**
 * Calls `fn(value, first, last)` for each entry overlapping `[first, last]`
 * in order: the loop behind `tree.forEach` (mt_for_each with a callback).
 *
 * It steps along a leaf's slots reading the pivots directly and climbs only
 * at the leaf's end, allocating nothing. When `fn` writes the tree, the next
 * step walks again from just past the range it was given, as the iterator does.
 */
export function forEachEntry<V>(
  core: TreeCore<V>,
  first: number,
  last: number,
  fn: (value: V, first: number, last: number) => void,
): void {
  let from = first;
  if (core.root === 0) {
    if (first !== 0 || core.rootValue === 0) return;
    fn(core.values.get(core.rootValue) as V, 0, 0);
    // The callback may have given the tree a node, and entries after index 0.
    if (core.root === 0 || last === 0) return;
    from = 1;
  }
  const w = spareWalker ?? new Walker();
  spareWalker = null;
  try {
    walkLeaves(core, w, from, last, fn);
  } finally {
    spareWalker = w;
  }
}

function walkLeaves<V>(
  core: TreeCore<V>,
  w: Walker,
  first: number,
  last: number,
  fn: (value: V, first: number, last: number) => void,
): void {
  let seq = core.seq;
  descend(core, w, core.root, first);
  // The leaf being read, kept in locals: a step to a sibling leaf under the
  // same parent touches only the parent's offset in the walker.
  let d = w.depth;
  let h = w.node[d] as number;
  let min = w.min[d] as number;
  let max = w.max[d] as number;
  let o = w.off[d] as number;
  while (true) {
    // One leaf: its arrays and bounds read once (a write in fn may replace them).
    const arena = core.arena;
    const slots = arena.slots;
    // Every pivot read here lies before its node's end: its word is its value (pivots.ts).
    const pivots = arena.pivots;
    // Read again per leaf: a write in fn ends the leaf's loop and may have replaced it.
    const values = core.values.array;
    const end = arena.end[h] as number;
    const s = h * SLOT_STRIDE;
    const p = h * PIVOT_STRIDE;
    let rewalk = -1;
    if (max < last) {
      // The whole leaf is in range: an empty slot costs one load, and a
      // range's bounds are read only when it is handed to fn. The last slot,
      // which ends at the leaf max rather than at a pivot, is taken apart.
      for (; o < end; o++) {
        const v = slots[s + o] as number;
        if (v === 0) continue;
        const hi = pivots[p + o] as number;
        fn(values[v] as V, o > 0 ? (pivots[p + o - 1] as number) + 1 : min, hi);
        if (core.seq !== seq) {
          rewalk = hi + 1;
          break;
        }
      }
      if (rewalk < 0) {
        const v = slots[s + end] as number;
        if (v !== 0) {
          fn(values[v] as V, end > 0 ? (pivots[p + end - 1] as number) + 1 : min, max);
          if (core.seq !== seq) rewalk = max + 1;
        }
      }
    } else {
      let lo = o > 0 ? (pivots[p + o - 1] as number) + 1 : min;
      for (; o <= end; o++) {
        const hi = o < end ? (pivots[p + o] as number) : max;
        const v = slots[s + o] as number;
        if (v !== 0) {
          fn(values[v] as V, lo, hi);
          if (hi >= last) return;
          if (core.seq !== seq) {
            rewalk = hi + 1;
            break;
          }
        } else if (hi >= last) {
          return;
        }
        lo = hi + 1;
      }
    }
    if (rewalk >= 0) {
      // Written during fn: walk again from just past the range fn was given.
      // A tree back to no node keeps at most index 0, which is behind us.
      if (core.root === 0) return;
      seq = core.seq;
      descend(core, w, core.root, rewalk);
    } else {
      if (d > 0) {
        const ph = w.node[d - 1] as number;
        const po = (w.off[d - 1] as number) + 1;
        const pend = arena.end[ph] as number;
        if (po <= pend) {
          // The next leaf is a sibling: it starts just past this one.
          w.off[d - 1] = po;
          h = slots[ph * SLOT_STRIDE + po] as number;
          min = max + 1;
          max = po < pend ? (pivots[ph * PIVOT_STRIDE + po] as number) : (w.max[d - 1] as number);
          o = 0;
          continue;
        }
      }
      // Climb: hand the walker this leaf, finished, and let it find the next.
      w.node[d] = h;
      w.min[d] = min;
      w.max[d] = max;
      w.off[d] = end;
      if (!nextSlot(core, w)) return;
    }
    d = w.depth;
    h = w.node[d] as number;
    min = w.min[d] as number;
    max = w.max[d] as number;
    o = w.off[d] as number;
  }
}

/** Iterates the non-empty ranges overlapping `[first, last]`. */
export class EntryIterator<V> implements IterableIterator<MapleEntry<V>> {
  private readonly core: TreeCore<V>;
  private readonly w = new Walker();
  private readonly last: number;
  /** Next index to look at; -1 once finished. */
  private from: number;
  private seq = -1;
  /** Pinned version: root node and root entry, or -1 to follow the live tree. */
  private readonly pinnedRoot: number;
  private readonly pinnedValue: number;
  private readonly pinnedGen: number;

  /**
   * @param pin - optional version to walk: `{ root, rootValue }` as they were in the core, and
   *   the root's `generation` then, so that walking a version whose nodes were reclaimed
   *   (a stale handle) throws instead of reading reused nodes
   */
  constructor(
    core: TreeCore<V>,
    first: number,
    last: number,
    pin?: { root: number; rootValue: number; generation?: number },
  ) {
    this.core = core;
    this.from = first;
    this.last = last;
    this.pinnedRoot = pin ? pin.root : -1;
    this.pinnedValue = pin ? pin.rootValue : 0;
    this.pinnedGen = pin?.generation ?? -1;
  }

  next(): IteratorResult<MapleEntry<V>> {
    const core = this.core;
    const from = this.from;
    if (from < 0 || from > this.last) return this.finish();
    const pinned = this.pinnedRoot >= 0;
    const root = pinned ? this.pinnedRoot : core.root;
    if (pinned && root !== 0 && this.pinnedGen >= 0 && !core.arena.isCurrent(root, this.pinnedGen)) {
      throw new MapleError('EINVAL', `the version rooted at node ${root} was reclaimed`);
    }
    if (root === 0) {
      const rootValue = pinned ? this.pinnedValue : core.rootValue;
      if (from === 0 && rootValue !== 0) {
        // Go on from index 1: a write before the next step may give the tree a node and more entries.
        this.from = 1;
        return this.yield(0, 0, rootValue);
      }
      return this.finish();
    }
    const w = this.w;
    if (pinned ? w.depth < 0 : this.seq !== core.seq) {
      descend(core, w, root, from);
      this.seq = core.seq;
    } else if (!nextSlot(core, w)) {
      return this.finish();
    }
    while (true) {
      // The leaf slot the walker is on (slotMin / slotValue / slotMax inlined).
      const arena = core.arena;
      // Pivots before the end: their words are their values (pivots.ts).
      const pivots = arena.pivots;
      const d = w.depth;
      const h = w.node[d] as number;
      const end = arena.end[h] as number;
      const s = h * SLOT_STRIDE;
      const p = h * PIVOT_STRIDE;
      let o = w.off[d] as number;
      let lo = o > 0 ? (pivots[p + o - 1] as number) + 1 : (w.min[d] as number);
      for (; o <= end; o++) {
        if (lo > this.last) return this.finish();
        const hi = o < end ? (pivots[p + o] as number) : (w.max[d] as number);
        const v = arena.slots[s + o] as number;
        if (v !== 0) {
          w.off[d] = o;
          this.from = hi === MAPLE_MAX ? -1 : hi + 1;
          return this.yield(lo, hi, v);
        }
        lo = hi + 1;
      }
      w.off[d] = end;
      if (!nextSlot(core, w)) return this.finish();
    }
  }

  [Symbol.iterator](): IterableIterator<MapleEntry<V>> {
    return this;
  }

  /**
   * A new result per step, as built-in iterators give: a caller may keep the
   * results (not only their values) and read them after later steps.
   */
  private yield(first: number, last: number, v: number): IteratorResult<MapleEntry<V>> {
    return { done: false, value: { first, last, value: this.core.values.get(v) as V } };
  }

  private finish(): IteratorResult<MapleEntry<V>> {
    this.from = -1;
    return { done: true, value: undefined };
  }
}
