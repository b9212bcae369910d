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

import type { TreeCore } from './core.js';
import { MAPLE_MAX, MapleError } from './errors.js';
import type { MapleEntry } from './tree.js';
import { descend, nextSlot, slotMax, slotMin, slotValue, Walker } from './walk.js';

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
      this.from = -1;
      const rootValue = pinned ? this.pinnedValue : core.rootValue;
      if (from === 0 && rootValue !== 0) {
        return { done: false, value: { first: 0, last: 0, value: core.values.get(rootValue) as V } };
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
      const lo = slotMin(core, w);
      if (lo > this.last) return this.finish();
      const v = slotValue(core, w);
      if (v !== 0) {
        const hi = slotMax(core, w);
        this.from = hi === MAPLE_MAX ? -1 : hi + 1;
        return { done: false, value: { first: lo, last: hi, value: core.values.get(v) as V } };
      }
      if (!nextSlot(core, w)) return this.finish();
    }
  }

  [Symbol.iterator](): IterableIterator<MapleEntry<V>> {
    return this;
  }

  private finish(): IteratorResult<MapleEntry<V>> {
    this.from = -1;
    return { done: true, value: undefined };
  }
}
