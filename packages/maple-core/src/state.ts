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
 *
 * A cursor survives writes to the tree: it remembers the tree's write
 * sequence number and, when that moved, walks again before stepping (what
 * the kernel asks of callers with mas_pause()): to `last` before a step
 * forward, to `index` before a step back, the save points of the kernel's
 * mas_rewalk().
 */

import { areaSearchCount, takeAreaLeaf, takeAreaUpper } from './area.js';
import { PIVOT_STRIDE, RANGE64_SLOTS, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';
import { checkArea, checkIndex, checkRange, MAPLE_MAX } from './errors.js';
import { innerPivot, pivotOf } from './pivots.js';
import { areaSearch, traceRootRead, traceWalkerRead } from './trace.js';
import type { MapleTree } from './tree.js';
import { descend, lookupHit, lookupSlot, nextSlot, prevSlot, Walker } from './walk.js';
import { ws } from './write.js';

/** Cursor status, as the kernel's enum maple_status. */
const START = 0;
const ACTIVE = 1;
const PAUSE = 2;
const NONE = 3;
const OVERFLOW = 4;
const UNDERFLOW = 5;

/** A cursor on a {@link MapleTree}: the kernel's ma_state. */
export class MapleState<V> {
  /** First index of the range of the last answer (or of the range to operate on). */
  index: number;
  /** Last index of that range. */
  last: number;
  private readonly tree: MapleTree<V>;
  private readonly core: TreeCore<V>;
  private readonly w = new Walker();
  private status = START;
  /** Tree write sequence number when the walker was positioned. */
  private seq = -1;
  /** Slot in the virtual leaf of a node-less tree. */
  private vOff = 0;
  /**
   * The walker holds only its leaf level (a plain {@link walk} or a gap
   * search found it without recording the path); the levels above are
   * filled in by {@link completePath} before a step climbs out of the leaf.
   */
  private leafOnly = false;
  /** The gap search whose path the walker's leaf came from (-1: a walk), see {@link completePath}. */
  private leafSearch = -1;
  /**
   * 1 (-1) when the tree was written since the cursor's last answer and the
   * walker was put back on the range holding `last` for a step forward
   * (`index`, back): when that range reaches past `last` (before `index`),
   * the write made it, and it is the next answer rather than stepped over.
   */
  private rewalked: -1 | 0 | 1 = 0;

  /** @internal Use `tree.state(first, last)`. */
  constructor(tree: MapleTree<V>, first: number, last: number) {
    this.tree = tree;
    this.core = tree.core;
    this.index = first;
    this.last = last;
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
    const value = this.walk();
    if (value === undefined) return undefined;
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
      this.status = START;
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
      case START:
      case NONE:
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

  /**
   * mas_next_slot(): steps forward to the next entry (or range, when `empty`).
   * Within a leaf it only moves the offset; {@link nextSlot} climbs at leaf edges.
   */
  private stepNext(max: number, empty: boolean): V | undefined {
    const core = this.core;
    if (core.root === 0) return this.stepNextVirtual(max, empty);
    const w = this.w;
    const arena = core.arena;
    // Pivots before a node's end are their own words (pivots.ts); nothing writes during the step.
    const pivots = arena.pivots;
    const d = w.depth;
    let h = w.node[d] as number;
    let o = w.off[d] as number;
    let end = arena.end[h] as number;
    let hi = o < end ? (pivots[h * PIVOT_STRIDE + o] as number) : (w.max[d] as number);
    if (this.rewalked !== 0) {
      this.rewalked = 0;
      // A write made this range reach past `last`: it holds last + 1 (<= max), so it is next.
      if (hi > this.last) {
        this.index = o > 0 ? (pivots[h * PIVOT_STRIDE + o - 1] as number) + 1 : (w.min[d] as number);
        this.last = hi;
        const v = arena.slots[h * SLOT_STRIDE + o] as number;
        if (v !== 0 || empty) return core.values.get(v);
      }
    }
    if (hi >= max) {
      this.status = OVERFLOW;
      return undefined;
    }
    while (true) {
      if (o < end) {
        w.off[d] = ++o;
      } else {
        if (this.leafOnly) this.completePath();
        if (!nextSlot(core, w)) {
          this.status = OVERFLOW;
          return undefined;
        }
        h = w.node[d] as number;
        o = 0;
        end = arena.end[h] as number;
      }
      hi = o < end ? (pivots[h * PIVOT_STRIDE + o] as number) : (w.max[d] as number);
      this.index = o > 0 ? (pivots[h * PIVOT_STRIDE + o - 1] as number) + 1 : (w.min[d] as number);
      this.last = hi;
      const v = arena.slots[h * SLOT_STRIDE + o] as number;
      if (v !== 0 || empty) return core.values.get(v);
      if (hi >= max) {
        this.status = OVERFLOW;
        return undefined;
      }
    }
  }

  /** {@link stepNext} on the virtual leaf of a tree with no node. */
  private stepNextVirtual(max: number, empty: boolean): V | undefined {
    if (this.rewalked !== 0) {
      this.rewalked = 0;
      if (this.curHi() > this.last) {
        this.index = this.curLo();
        this.last = this.curHi();
        const v = this.curVal();
        if (v !== 0 || empty) return this.core.values.get(v);
      }
    }
    if (this.curHi() >= max) {
      this.status = OVERFLOW;
      return undefined;
    }
    while (true) {
      if (!this.advance()) {
        this.status = OVERFLOW;
        return undefined;
      }
      this.index = this.curLo();
      this.last = this.curHi();
      const v = this.curVal();
      if (v !== 0 || empty) return this.core.values.get(v);
      if (this.last >= max) {
        this.status = OVERFLOW;
        return undefined;
      }
    }
  }

  /** mas_prev_slot(): steps back to the previous entry (or range, when `empty`). */
  private stepPrev(min: number, empty: boolean): V | undefined {
    const core = this.core;
    if (core.root === 0) return this.stepPrevVirtual(min, empty);
    const w = this.w;
    const arena = core.arena;
    // Pivots before a node's end are their own words (pivots.ts); nothing writes during the step.
    const pivots = arena.pivots;
    const d = w.depth;
    let h = w.node[d] as number;
    let o = w.off[d] as number;
    let lo = o > 0 ? (pivots[h * PIVOT_STRIDE + o - 1] as number) + 1 : (w.min[d] as number);
    if (this.rewalked !== 0) {
      this.rewalked = 0;
      // A write made this range reach below `index`: it holds index - 1 (>= min), so it is next.
      if (lo < this.index) {
        this.index = lo;
        this.last =
          o < (arena.end[h] as number) ? (pivots[h * PIVOT_STRIDE + o] as number) : (w.max[d] as number);
        const v = arena.slots[h * SLOT_STRIDE + o] as number;
        if (v !== 0 || empty) return core.values.get(v);
      }
    }
    if (lo <= min) {
      this.status = UNDERFLOW;
      return undefined;
    }
    while (true) {
      if (o > 0) {
        w.off[d] = --o;
      } else {
        if (this.leafOnly) this.completePath();
        if (!prevSlot(core, w)) {
          this.status = UNDERFLOW;
          return undefined;
        }
        h = w.node[d] as number;
        o = w.off[d] as number;
      }
      lo = o > 0 ? (pivots[h * PIVOT_STRIDE + o - 1] as number) + 1 : (w.min[d] as number);
      this.index = lo;
      this.last =
        o < (arena.end[h] as number) ? (pivots[h * PIVOT_STRIDE + o] as number) : (w.max[d] as number);
      const v = arena.slots[h * SLOT_STRIDE + o] as number;
      if (v !== 0 || empty) return core.values.get(v);
      if (lo <= min) {
        this.status = UNDERFLOW;
        return undefined;
      }
    }
  }

  /** {@link stepPrev} on the virtual leaf of a tree with no node. */
  private stepPrevVirtual(min: number, empty: boolean): V | undefined {
    if (this.rewalked !== 0) {
      this.rewalked = 0;
      if (this.curLo() < this.index) {
        this.index = this.curLo();
        this.last = this.curHi();
        const v = this.curVal();
        if (v !== 0 || empty) return this.core.values.get(v);
      }
    }
    if (this.curLo() <= min) {
      this.status = UNDERFLOW;
      return undefined;
    }
    while (true) {
      if (!this.retreat()) {
        this.status = UNDERFLOW;
        return undefined;
      }
      this.index = this.curLo();
      this.last = this.curHi();
      const v = this.curVal();
      if (v !== 0 || empty) return this.core.values.get(v);
      if (this.index <= min) {
        this.status = UNDERFLOW;
        return undefined;
      }
    }
  }

  /**
   * An active cursor whose tree changed since it was positioned walks again,
   * so that it goes on after the range it returned (API.md), wherever the
   * write moved the ranges: to `last` before a step forward, to `index`
   * before a step back (the save points of the kernel's mas_rewalk()). The
   * step then starts with the range holding last + 1 (index - 1), which may
   * be the range the walk landed on when a write made it reach past `last`
   * (see {@link rewalked}): as mas_find() after mas_pause(), a range written
   * across `last` is not skipped; one written inside the returned range is.
   */
  private revalidate(forward: boolean): void {
    if (
      (this.status === ACTIVE || this.status === OVERFLOW || this.status === UNDERFLOW) &&
      this.stale(forward)
    ) {
      this.position(forward ? this.last : this.index);
      this.rewalked = forward ? 1 : -1;
    }
  }

  /** Puts the walker back on the range holding `last` (forward) or `index`, without touching index/last. */
  private reposition(forward: boolean): void {
    if (this.stale(forward)) {
      this.position(forward ? this.last : this.index);
      this.rewalked = forward ? 1 : -1;
    }
    this.status = ACTIVE;
  }

  /**
   * True when the walker cannot be stepped from in this direction: the tree
   * was written since it was placed, or it was placed again after a write for
   * a step the other way (on `last` instead of `index`, or the reverse) that
   * has not happened.
   */
  private stale(forward: boolean): boolean {
    return this.seq !== this.core.seq || this.rewalked === (forward ? -1 : 1);
  }

  /**
   * Fills in the levels above the leaf that {@link walk} or a gap search
   * left unrecorded: copied from the search's scratch when it is still
   * there, else walked again: a walk to the leaf's max lands on the same
   * leaf (its parent's pivot for it is that max), at the slot the cursor is
   * on when that is the last one; the cursor's offset is kept either way.
   */
  private completePath(): void {
    this.leafOnly = false;
    const w = this.w;
    // Straight from the gap search's scratch while no other search has overwritten it.
    if (this.leafSearch >= 0 && takeAreaUpper(w, this.leafSearch)) return;
    const d = w.depth;
    const off = w.off[d] as number;
    descend(this.core, w, this.core.root, w.max[d] as number);
    w.off[d] = off;
  }

  private position(index: number): void {
    const core = this.core;
    this.seq = core.seq;
    this.leafOnly = false;
    if (core.root === 0) {
      this.vOff = core.rootValue !== 0 && index > 0 ? 1 : 0;
      return;
    }
    descend(core, this.w, core.root, index);
  }

  // The virtual leaf of a tree with no node: slot 0 is [0, 0] when the root
  // holds an entry (else [0, MAPLE_MAX] empty), slot 1 the rest, [1, MAPLE_MAX].

  private curLo(): number {
    return this.vOff === 0 ? 0 : 1;
  }

  private curHi(): number {
    return this.vOff === 0 && this.core.rootValue !== 0 ? 0 : MAPLE_MAX;
  }

  private curVal(): number {
    return this.vOff === 0 ? this.core.rootValue : 0;
  }

  private advance(): boolean {
    if (this.vOff !== 0 || this.core.rootValue === 0) return false;
    this.vOff = 1;
    return true;
  }

  private retreat(): boolean {
    if (this.vOff !== 1) return false;
    this.vOff = 0;
    return true;
  }
}
