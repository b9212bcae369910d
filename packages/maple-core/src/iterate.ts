/**
 * The entry iterator behind `tree.entries()` / `for...of` (mt_for_each).
 *
 * It walks leaf slots with its own {@link Walker}. Each step checks the
 * tree's write sequence number: after a write it re-walks from just past the
 * last range it returned (the kernel's mas_pause discipline, done for the user).
 */

import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
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

  constructor(core: TreeCore<V>, first: number, last: number) {
    this.core = core;
    this.from = first;
    this.last = last;
  }

  next(): IteratorResult<MapleEntry<V>> {
    const core = this.core;
    const from = this.from;
    if (from < 0 || from > this.last) return this.finish();
    if (core.root === 0) {
      this.from = -1;
      if (from === 0 && core.rootValue !== 0) {
        return { done: false, value: { first: 0, last: 0, value: core.values.get(core.rootValue) as V } };
      }
      return this.finish();
    }
    const w = this.w;
    if (this.seq !== core.seq) {
      descend(core, w, core.root, from);
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
