/**
 * A reference model of the maple state (`struct ma_state`), the kernel's
 * cursor, following the status machine of Linux 6.12's lib/maple_tree.c.
 *
 * The cursor sits on one slot of the tree: a stored range or a maximal empty
 * run (see {@link MapleModel.slotAt}). `index`/`last` hold that slot's range,
 * and `status` says how the next call must treat it:
 *
 * ```
 *   start ──walk──> active ──next past max──> overflow
 *     ^               │  └───prev below min──> underflow
 *     └─ set/reset ───┘      pause ──(next call walks again from index/last)
 * ```
 *
 * - `start`: nothing walked yet; the next call walks to `index`.
 * - `active`: on the slot `[index, last]`.
 * - `pause`: the caller dropped the lock; find resumes after `last`,
 *   findRev before `index`, next/prev walk to `index` again.
 * - `overflow` / `underflow`: the last move ran into `max` / `min`; the
 *   cursor still holds the range where it stopped.
 * - `none`: the tree was empty when walked.
 *
 * Where the next step starts (API.md: cursors continue after the last range
 * they returned): forward from the slot holding `last + 1`, back from the one
 * holding `index - 1`, in the tree as it is at that step, so a write between
 * two steps needs no special case: a range written across `last` is the next
 * answer, one written inside `[index, last]` is not. The one exception is a
 * successful gap search: `[index, last]` is then the fit, which may be only
 * part of an empty slot, and the cursor stands on that whole slot, as the
 * kernel's mas_empty_area leaves mas->offset on it. Until the tree is written
 * or the cursor moves, steps start from the slot's ends, not from the fit's
 * (`@maple-tree/core` state.ts does the same).
 *
 * The model does not reproduce the kernel's root-pointer special cases (a tree
 * whose only entry is index 0, kept in the root itself): callers compare it
 * only on trees with some other entry.
 */
import { MAPLE_MAX } from '@maple-tree/core';
import { checkModelArea, checkModelIndex, checkModelRange, type MapleModel } from './model.js';

/** The cursor's status (the kernel's `enum maple_status`, less the root and error states). */
export type ModelStatus = 'start' | 'active' | 'pause' | 'none' | 'overflow' | 'underflow';

/** Returned by the setup steps when the move still has to step through slots. */
const GO_ON: unique symbol = Symbol('go on');

/** Cursor model with the same calls as `MapleState`. */
export class ModelState<V> {
  index: number;
  last: number;
  status: ModelStatus = 'start';
  /**
   * After a gap search: the empty slot holding the fit, and the tree's write
   * count then. Steps start from its ends while that count holds.
   */
  private standing: { first: number; last: number; writes: number } | undefined;

  constructor(
    private readonly tree: MapleModel<V>,
    first: number,
    last: number,
  ) {
    checkModelRange(first, last);
    this.index = first;
    this.last = last;
  }

  /** Moves to the slot holding `index` and returns its value (`mas_walk`). */
  walk(): V | undefined {
    this.standing = undefined;
    if (this.tree.isEmpty) {
      this.status = 'none';
      this.index = 0;
      this.last = MAPLE_MAX;
      return undefined;
    }
    const slot = this.tree.slotAt(this.index);
    this.index = slot.first;
    this.last = slot.last;
    this.status = 'active';
    return slot.value;
  }

  /** Next entry after the cursor, up to `max` (`mas_next`). */
  next(max: number): V | undefined {
    checkModelIndex(max, 'max');
    const setup = this.nextSetup(max);
    return setup === GO_ON ? this.nextSlot(max, false) : setup;
  }

  /** Next slot, empty or not, up to `max` (`mas_next_range`). */
  nextRange(max: number): V | undefined {
    checkModelIndex(max, 'max');
    const setup = this.nextSetup(max);
    return setup === GO_ON ? this.nextSlot(max, true) : setup;
  }

  /** Previous entry before the cursor, down to `min` (`mas_prev`). */
  prev(min: number): V | undefined {
    checkModelIndex(min, 'min');
    const setup = this.prevSetup(min);
    return setup === GO_ON ? this.prevSlot(min, false) : setup;
  }

  /** Previous slot, empty or not, down to `min` (`mas_prev_range`). */
  prevRange(min: number): V | undefined {
    checkModelIndex(min, 'min');
    const setup = this.prevSetup(min);
    return setup === GO_ON ? this.prevSlot(min, true) : setup;
  }

  /** First call: entry at or after `index`; later calls: the next entry; up to `max` (`mas_find`). */
  find(max: number): V | undefined {
    checkModelIndex(max, 'max');
    switch (this.status) {
      case 'active':
        if (this.last >= max) return undefined;
        return this.findNext(max);
      case 'start':
        break;
      case 'pause':
        if (this.last >= max) return undefined;
        this.index = ++this.last;
        this.status = 'start';
        break;
      case 'none':
        if (this.last >= max) return undefined;
        this.index = this.last;
        this.status = 'start';
        break;
      case 'underflow': {
        if (this.index >= max) {
          this.status = 'overflow';
          return undefined;
        }
        const value = this.walk();
        if (value !== undefined) return value;
        break;
      }
      case 'overflow': {
        if (this.last >= max) return undefined;
        const value = this.walk();
        if (value !== undefined) return value;
        break;
      }
    }
    if (this.status === 'start') {
      if (this.index > max) return undefined;
      const value = this.walk();
      if (value !== undefined) return value;
    }
    if ((this.status as ModelStatus) === 'none' || this.index === max) return undefined;
    return this.findNext(max);
  }

  /** First call: entry at or before `index`; later calls: the previous entry; down to `min` (`mas_find_rev`). */
  findRev(min: number): V | undefined {
    checkModelIndex(min, 'min');
    switch (this.status) {
      case 'active':
        return this.index < min ? undefined : this.prevSlot(min, false);
      case 'start':
        break;
      case 'pause':
        if (this.index <= min) {
          this.status = 'underflow';
          return undefined;
        }
        this.last = --this.index;
        this.status = 'start';
        break;
      case 'none':
        if (this.index <= min) return undefined;
        this.last = this.index;
        this.status = 'start';
        break;
      case 'overflow':
        if (this.index <= min) {
          this.status = 'underflow';
          return undefined;
        }
        this.status = 'active';
        break;
      case 'underflow':
        if (this.index <= min) return undefined;
        this.status = 'active';
        break;
    }
    if (this.status === 'start') {
      if (this.index < min) return undefined;
      const value = this.walk();
      if (value !== undefined) return value;
    }
    if ((this.status as ModelStatus) === 'none') {
      this.index = 0;
      this.last = 0;
      return undefined;
    }
    return this.index < min ? undefined : this.prevSlot(min, false);
  }

  /**
   * Stores over `[index, last]` (`mas_store`); the cursor then sits on the
   * range written: an erasing store widened over the empty runs beside it.
   */
  store(value: V | undefined): void {
    this.tree.storeRange(this.index, this.last, value);
    this.status = 'active';
    this.standing = undefined;
    if (value === undefined) {
      const slot = this.tree.slotAt(this.index);
      this.index = slot.first;
      this.last = slot.last;
    }
  }

  /**
   * Erases the range holding `index` and returns its value (`mas_erase`);
   * the cursor is left on the empty run there.
   */
  erase(): V | undefined {
    const value = this.walk();
    if (value !== undefined) this.store(undefined);
    return value;
  }

  /** Lowest free run of `size` in `[min, max]`; on success the cursor holds it (`mas_empty_area`). */
  emptyArea(min: number, max: number, size: number): boolean {
    checkModelArea(min, max, size);
    const start = this.tree.emptyArea(min, max, size);
    return this.found(start, size);
  }

  /** Highest free run of `size` in `[min, max]`; on success the cursor holds it (`mas_empty_area_rev`). */
  emptyAreaRev(min: number, max: number, size: number): boolean {
    checkModelArea(min, max, size);
    const start = this.tree.emptyAreaRev(min, max, size);
    return this.found(start, size);
  }

  /** Restarts at `index` (`mas_set`). */
  set(index: number): this {
    return this.setRange(index, index);
  }

  /** Restarts over `[first, last]` (`mas_set_range`). */
  setRange(first: number, last: number): this {
    checkModelRange(first, last);
    this.index = first;
    this.last = last;
    this.status = 'start';
    this.standing = undefined;
    return this;
  }

  /** Forgets the walked position but keeps index/last (`mas_reset`). */
  reset(): this {
    this.status = 'start';
    this.standing = undefined;
    return this;
  }

  /** Marks the cursor paused: the next call walks again (`mas_pause`). */
  pause(): this {
    this.status = 'pause';
    this.standing = undefined;
    return this;
  }

  /**
   * A gap search's result: the cursor holds the fit and stands on the empty
   * slot around it; on a tree with no node (empty, or a lone entry at 0 kept
   * in the root) there is no slot to stand on and the next call walks.
   */
  private found(start: number | undefined, size: number): boolean {
    if (start === undefined) return false;
    this.index = start;
    this.last = start + size - 1;
    if (this.nodeless()) {
      this.status = 'start';
      this.standing = undefined;
    } else {
      const slot = this.tree.slotAt(start);
      this.status = 'active';
      this.standing = { first: slot.first, last: slot.last, writes: this.tree.writes };
    }
    return true;
  }

  /** True when the kernel's tree has no node: empty, or one entry `[0, 0]` kept in the root. */
  private nodeless(): boolean {
    const t = this.tree;
    if (t.isEmpty) return true;
    if (t.size > 1) return false;
    const only = t.slotAt(0);
    return only.value !== undefined && only.last === 0;
  }

  /**
   * The range a step starts from: the slot a gap search left the cursor on
   * while the tree is unchanged since, else `[index, last]`.
   */
  private origin(): { first: number; last: number } {
    const s = this.standing;
    return s !== undefined && s.writes === this.tree.writes ? s : { first: this.index, last: this.last };
  }

  /** `mas_find` after setup: step forward, and never leave the cursor in overflow. */
  private findNext(max: number): V | undefined {
    const value = this.nextSlot(max, false);
    this.status = 'active';
    return value;
  }

  /** `mas_next_setup`: the answer when it is already known, else GO_ON. */
  private nextSetup(max: number): V | undefined | typeof GO_ON {
    if (this.last >= max) {
      this.status = 'overflow';
      return undefined;
    }
    switch (this.status) {
      case 'active':
        return GO_ON;
      case 'none':
      case 'pause':
      case 'start':
        this.walk();
        break;
      case 'overflow':
        this.status = 'active';
        break;
      case 'underflow': {
        const value = this.walk();
        if (value !== undefined) return value;
        break;
      }
    }
    return this.status === 'none' ? undefined : GO_ON;
  }

  /** `mas_prev_setup`: as {@link nextSetup}, going down. */
  private prevSetup(min: number): V | undefined | typeof GO_ON {
    if (this.index <= min) {
      this.status = 'underflow';
      return undefined;
    }
    switch (this.status) {
      case 'active':
        return GO_ON;
      case 'start':
      case 'none':
      case 'pause':
        this.walk();
        break;
      case 'underflow':
        this.status = 'active';
        break;
      case 'overflow': {
        const value = this.walk();
        if (value !== undefined) return value;
        break;
      }
    }
    return this.status === 'none' ? undefined : GO_ON;
  }

  /** `mas_next_slot`: step to following slots until an entry (or any slot when `empty`). */
  private nextSlot(max: number, empty: boolean): V | undefined {
    let hi = this.origin().last;
    for (;;) {
      if (hi >= max) {
        this.status = 'overflow';
        return undefined;
      }
      const slot = this.tree.slotAt(hi + 1);
      this.standing = undefined;
      this.index = slot.first;
      this.last = hi = slot.last;
      if (slot.value !== undefined || empty) return slot.value;
    }
  }

  /** `mas_prev_slot`: step to earlier slots until an entry (or any slot when `empty`). */
  private prevSlot(min: number, empty: boolean): V | undefined {
    let lo = this.origin().first;
    for (;;) {
      if (lo <= min) {
        this.status = 'underflow';
        return undefined;
      }
      const slot = this.tree.slotAt(lo - 1);
      this.standing = undefined;
      this.index = lo = slot.first;
      this.last = slot.last;
      if (slot.value !== undefined || empty) return slot.value;
    }
  }
}
