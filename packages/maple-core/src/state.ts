/**
 * `MapleState<V>`: the allocation-free cursor (the kernel's ma_state, MA_STATE).
 *
 * `index` and `last` always hold the range of the last answer, empty ranges
 * included, with the kernel's meaning after each call (mas_walk, mas_find,
 * mas_next, ...). Stepping moves within the leaf and climbs only at node
 * edges (see walk.ts), so next/prev are O(1) amortised and allocate nothing.
 *
 * A tree with no node (empty, or one entry at index 0 kept in the root) is
 * walked as a virtual leaf: `[0, MAX]` empty, or `[0, 0]` and `[1, MAX]`.
 * There the calls answer as the kernel's ma_none / ma_root states do (what
 * mas_find_rev, mas_erase and a gap search leave the cursor on; see
 * state-rootless.test.ts).
 *
 * A cursor survives writes to the tree: it remembers the tree's write
 * sequence number and, when that moved, walks again before stepping (what
 * the kernel asks of callers with mas_pause()): to `last` before a step
 * forward, to `index` before a step back, the save points of the kernel's
 * mas_rewalk(). The fields, the steps and that walk again live in
 * cursor-base.ts; this file holds the calls.
 */

import { areaSearchCount, takeAreaLeaf } from './area.js';
import { RANGE64_SLOTS, SLOT_STRIDE } from './constants.js';
import { ACTIVE, CursorBase, NONE, OVERFLOW, PAUSE, START, UNDERFLOW } from './cursor-base.js';
import { checkArea, checkIndex, checkRange, MAPLE_MAX } from './errors.js';
import { innerPivot, pivotOf } from './pivots.js';
import { areaSearch, traceRootRead, traceWalkerRead } from './trace.js';
import type { MapleTree } from './tree.js';
import { lookupHit, lookupSlot } from './walk.js';
import { ws } from './write.js';

/** A cursor on a {@link MapleTree}: the kernel's ma_state. */
export class MapleState<V> extends CursorBase<V> {
  /** @internal Use `tree.state(first, last)`. */
  constructor(tree: MapleTree<V>, first: number, last: number) {
    super(tree, first, last);
  }

  /** Walks to `index` and sets index/last to the range holding it. Mirrors mas_walk(). */
  walk(): V | undefined {
    checkIndex(this.index, 'index');
    this.rewalked = 0;
    const core = this.core;
    if (core.root !== 0 && core.trace === null) {
      // The leaf and slot only (mtree_range_walk): a step out of the leaf completes the path.
      const v = lookupSlot(core, this.index);
      const w = this.w;
      const d = core.height - 1;
      w.depth = d;
      w.node[d] = lookupHit.node;
      w.off[d] = lookupHit.off;
      w.min[d] = lookupHit.min;
      w.max[d] = lookupHit.max;
      this.leafOnly = d > 0;
      this.leafSearch = -1;
      this.seq = core.seq;
      this.status = ACTIVE;
      this.index = lookupHit.lo;
      this.last = lookupHit.hi;
      return core.values.get(v);
    }
    this.position(this.index);
    if (core.trace !== null) {
      if (core.root === 0) traceRootRead(core, 'mas_walk', this.index, MAPLE_MAX);
      else traceWalkerRead(core, 'mas_walk', this.w);
    }
    this.status = ACTIVE;
    if (core.root === 0) {
      this.index = this.curLo();
      this.last = this.curHi();
      return core.values.get(this.curVal());
    }
    // The leaf level of the walk, read once (slotMin / slotMax / slotValue inlined).
    const w = this.w;
    const arena = core.arena;
    const d = w.depth;
    const h = w.node[d] as number;
    const o = w.off[d] as number;
    this.index = o > 0 ? innerPivot(arena, h, o - 1) + 1 : (w.min[d] as number);
    // A leaf's end pivot holds its max, so only a full leaf's last slot needs w.max.
    this.last = o < RANGE64_SLOTS - 1 ? pivotOf(arena, h, o) : (w.max[d] as number);
    return core.values.get(arena.slots[h * SLOT_STRIDE + o] as number);
  }

  /**
   * First call: the entry at or after `index` up to `max`; then the next entry.
   * Mirrors mas_find().
   */
  find(max: number): V | undefined {
    checkIndex(max, 'max');
    this.revalidate(true);
    switch (this.status) {
      case ACTIVE:
        if (this.onIndexZero()) {
          // On index 0 of a tree with no node (the kernel's ma_root): mas_find answers
          // nothing and moves past it to [1, MAPLE_MAX], whatever max (ptr_out_of_range).
          this.index = 1;
          this.last = MAPLE_MAX;
          this.status = NONE;
          this.vRoot = false;
          return undefined;
        }
        if (this.last >= max) return undefined;
        break;
      case PAUSE:
        if (this.last >= max) return undefined;
        this.index = ++this.last;
        this.status = START;
        break;
      case NONE:
        if (this.last >= max) return undefined;
        this.index = this.last;
        this.status = START;
        break;
      case UNDERFLOW: {
        if (this.index >= max) {
          this.status = OVERFLOW;
          return undefined;
        }
        const v = this.walk();
        if (v !== undefined) return v;
        break;
      }
      case OVERFLOW: {
        if (this.last >= max) return undefined;
        const v = this.walk();
        if (v !== undefined) return v;
        break;
      }
    }
    if (this.status === START) {
      if (this.index > max) return undefined;
      const v = this.walk();
      if (v !== undefined) return v;
    }
    if (this.index === max) return undefined;
    const v = this.stepNext(max, false);
    this.status = ACTIVE;
    return v;
  }

  /**
   * First call: the entry at or before `index` down to `min`; then the previous
   * entry. Mirrors mas_find_rev().
   */
  findRev(min: number): V | undefined {
    checkIndex(min, 'min');
    this.revalidate(false);
    switch (this.status) {
      case ACTIVE:
        if (this.onIndexZero()) {
          // On index 0 of a tree with no node (ma_root): mas_find_rev_setup answers nothing
          // and leaves the cursor at ma_none, from where the next call walks again.
          this.status = NONE;
          return undefined;
        }
        // At min, nothing at or above min lies below the range it stands on: it underflows
        // there, as mas_prev_slot does, even when a write made that range reach below index.
        // (Below min, the check after the switch answers nothing and leaves it as it is.)
        if (this.index === min) {
          this.status = UNDERFLOW;
          return undefined;
        }
        break;
      case PAUSE:
        if (this.index <= min) {
          this.status = UNDERFLOW;
          return undefined;
        }
        this.last = --this.index;
        this.status = START;
        break;
      case NONE:
        if (this.index <= min) return undefined;
        this.last = this.index;
        this.status = START;
        break;
      case OVERFLOW:
        if (this.index <= min) {
          this.status = UNDERFLOW;
          return undefined;
        }
        this.reposition(false);
        break;
      case UNDERFLOW:
        if (this.index <= min) return undefined;
        this.reposition(false);
        break;
    }
    if (this.status === START) {
      if (this.index < min) return undefined;
      const v = this.walk();
      if (v !== undefined) return v;
      if (this.core.root === 0 && this.core.rootValue === 0) {
        // Nothing at or below index in an empty tree: as mas_find_rev_setup, the cursor
        // goes to 0, where an entry in the root would be, and answers nothing.
        this.index = 0;
        this.last = 0;
        this.vRoot = true;
        return undefined;
      }
    }
    if (this.index < min) return undefined;
    return this.stepPrev(min, false);
  }

  /** The next entry after the current range, starting at most at `max`. Mirrors mas_next(). */
  next(max: number): V | undefined {
    return this.nextCommon(max, false);
  }

  /** The next range (empty ones too) after the current one, up to `max`. Mirrors mas_next_range(). */
  nextRange(max: number): V | undefined {
    return this.nextCommon(max, true);
  }

  /** The previous entry before the current range, ending at least at `min`. Mirrors mas_prev(). */
  prev(min: number): V | undefined {
    return this.prevCommon(min, false);
  }

  /** The previous range (empty ones too), down to `min`. Mirrors mas_prev_range(). */
  prevRange(min: number): V | undefined {
    return this.prevCommon(min, true);
  }

  /**
   * Stores `value` over `[index, last]` (undefined erases). Mirrors mas_store().
   * Afterwards index/last hold the range written (a NULL store widened over
   * its empty neighbours).
   */
  store(value: V | undefined): void {
    checkRange(this.index, this.last);
    this.tree.write(this.index, this.last, value);
    this.afterWrite();
  }

  /**
   * Erases the whole range holding `index`. Mirrors mas_erase().
   * @returns the value erased; index/last hold the (now empty) range
   */
  erase(): V | undefined {
    const { index, last } = this;
    const value = this.walk();
    if (value === undefined) {
      if (this.core.root === 0) {
        // A tree with no node holds nothing at index: mas_erase's walk stops at the
        // root (mas_start) and leaves index and last as they were.
        this.index = index;
        this.last = last;
        this.atRootState();
      }
      return undefined;
    }
    this.tree.write(this.index, this.last, undefined);
    this.afterWrite();
    return value;
  }

  /**
   * Finds the lowest fit for `size` empty indices in `[min, max]`; on success
   * index/last hold it. Mirrors mas_empty_area().
   * @returns false when there is no room (-EBUSY)
   */
  emptyArea(min: number, max: number, size: number): boolean {
    return this.area(min, max, size, false);
  }

  /** As {@link emptyArea}, the highest fit. Mirrors mas_empty_area_rev(). */
  emptyAreaRev(min: number, max: number, size: number): boolean {
    return this.area(min, max, size, true);
  }

  /** On slot [0, 0] of a tree with no node (the kernel's ma_root): its root entry, or vRoot. */
  private onIndexZero(): boolean {
    return this.core.root === 0 && this.vOff === 0 && this.curHi() === 0 && this.seq === this.core.seq;
  }

  /** {@link onIndexZero} on a tree whose root holds an entry. */
  private onRootEntry(): boolean {
    return this.onIndexZero() && this.core.rootValue !== 0;
  }

  /** Points the cursor at `index` and restarts it. Mirrors mas_set(). */
  set(index: number): this {
    checkIndex(index, 'index');
    this.index = index;
    this.last = index;
    return this.reset();
  }

  /** Points the cursor at `[first, last]` and restarts it. Mirrors mas_set_range(). */
  setRange(first: number, last: number): this {
    checkRange(first, last);
    this.index = first;
    this.last = last;
    return this.reset();
  }

  /**
   * Restarts the cursor: the next call walks from the root. Mirrors mas_reset().
   * The walker is forgotten too (the kernel clears mas->node): a call that
   * overflows or underflows before walking leaves nothing to step from, so
   * the call after it walks again instead of stepping from an old position.
   */
  reset(): this {
    this.status = START;
    this.seq = -1;
    this.rewalked = 0;
    return this;
  }

  /** Drops the position; the next call resumes after the last range. Mirrors mas_pause(). */
  pause(): this {
    this.status = PAUSE;
    this.seq = -1;
    this.rewalked = 0;
    return this;
  }

  /**
   * As the kernel after mas_store / mas_erase, the cursor stays active on the
   * range written, so find/next continue after it and prev before it. The
   * walker is stale (the write may have moved the range to new nodes): the
   * next step walks again first, to `last` going forward or `index` going back.
   */
  private afterWrite(): void {
    this.index = ws.index;
    this.last = ws.last;
    this.status = ACTIVE;
    this.seq = -1;
    this.rewalked = 0;
    const core = this.core;
    if (core.root === 0) {
      // The write left no node. Erasing the entry kept in the root leaves the kernel's
      // cursor on index 0 (ma_root, mas_store_root); a NULL store over everything
      // (mas_new_root) leaves it at ma_start: the next call walks again.
      if (this.index === 0 && this.last === 0) {
        this.seq = core.seq;
        this.leafOnly = false;
        this.vOff = 0;
        this.vRoot = core.rootValue === 0;
      } else {
        this.status = START;
      }
    }
  }

  /**
   * On a tree with no node, the state mas_start leaves the kernel's cursor in
   * (index and last untouched): ma_none on an empty tree, where the next
   * call walks again; ma_root on a tree whose entry at 0 is kept in the root,
   * the cursor standing on that entry's slot whatever index and last say.
   */
  private atRootState(): void {
    this.rewalked = 0;
    if (this.core.rootValue === 0) {
      this.status = NONE;
      return;
    }
    this.status = ACTIVE;
    this.seq = this.core.seq;
    this.leafOnly = false;
    this.vOff = 0;
    this.vRoot = false;
  }

  private area(min: number, max: number, size: number, rev: boolean): boolean {
    checkArea(min, max, size);
    const core = this.core;
    const start = areaSearch(core, min, max, size, rev);
    if (start === undefined) return false;
    this.index = start;
    this.last = start + size - 1;
    this.rewalked = 0;
    if (core.root === 0) {
      // mas_sparse_area: the cursor stays where mas_start put it.
      this.atRootState();
    } else {
      // As the kernel, the cursor stays on the leaf slot of the fit: next() and
      // prev() step on from it without a walk from the root (and complete the
      // path first if they leave the leaf).
      this.leafOnly = takeAreaLeaf(this.w) > 0;
      this.leafSearch = areaSearchCount();
      this.seq = core.seq;
      this.status = ACTIVE;
    }
    return true;
  }

  private nextCommon(max: number, empty: boolean): V | undefined {
    checkIndex(max, 'max');
    this.revalidate(true);
    if (this.last >= max) {
      this.status = OVERFLOW;
      return undefined;
    }
    switch (this.status) {
      case NONE:
        this.walk();
        // From ma_none onto the entry kept in the root: mas_next_setup answers nothing
        // and stays on index 0.
        if (this.onRootEntry() && this.index === 0) return undefined;
        break;
      case START:
      case PAUSE:
        this.walk();
        break;
      case OVERFLOW:
        this.reposition(true);
        break;
      case UNDERFLOW: {
        const v = this.walk();
        if (v !== undefined) return v;
        break;
      }
    }
    return this.stepNext(max, empty);
  }

  private prevCommon(min: number, empty: boolean): V | undefined {
    checkIndex(min, 'min');
    this.revalidate(false);
    if (this.index <= min) {
      this.status = UNDERFLOW;
      return undefined;
    }
    if (this.status === ACTIVE && this.onRootEntry() && this.index > 0 && min === 0) {
      // On the slot of an entry kept in the root with index past it (after a gap
      // search or an erase that found nothing): mas_prev_setup answers that entry.
      // (6.12 answers it for any min; below a min above 0 this answers nothing.)
      this.index = 0;
      this.last = 0;
      return this.core.values.get(this.core.rootValue);
    }
    switch (this.status) {
      case START:
      case NONE:
      case PAUSE:
        this.walk();
        break;
      case UNDERFLOW:
        this.reposition(false);
        break;
      case OVERFLOW: {
        const v = this.walk();
        if (v !== undefined) return v;
        break;
      }
    }
    return this.stepPrev(min, empty);
  }
}
