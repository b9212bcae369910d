/**
 * The stepping half of the cursor ({@link MapleState}, state.ts): its
 * fields, mas_next_slot / mas_prev_slot on the walker and on the virtual leaf
 * of a tree with no node, and the walk again after writes (the save points of
 * mas_rewalk). MapleState adds the public calls on top of it. Internal: the
 * package exports MapleState only.
 */

import { takeAreaUpper } from './area.js';
import { PIVOT_STRIDE, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
import type { MapleTree } from './tree.js';
import { descend, nextSlot, prevSlot, Walker } from './walk.js';

/** Cursor status, as the kernel's enum maple_status. */
export const START = 0;
export const ACTIVE = 1;
export const PAUSE = 2;
export const NONE = 3;
export const OVERFLOW = 4;
export const UNDERFLOW = 5;

/** @internal The cursor's state and its steps; the public calls are {@link MapleState}'s. */
export class CursorBase<V> {
  /** First index of the range of the last answer (or of the range to operate on). */
  index: number;
  /** Last index of that range. */
  last: number;
  protected readonly tree: MapleTree<V>;
  protected readonly core: TreeCore<V>;
  protected readonly w = new Walker();
  protected status = START;
  /** Tree write sequence number when the walker was positioned. */
  protected seq = -1;
  /** Slot in the virtual leaf of a node-less tree. */
  protected vOff = 0;
  /**
   * On an empty tree: the cursor stands on index 0 as it would on an entry
   * kept in the root (the kernel's ma_root, where mas_find_rev leaves it
   * when it finds nothing), so the virtual leaf is [0, 0] and [1, MAPLE_MAX],
   * both empty. Cleared by the next walk.
   */
  protected vRoot = false;
  /**
   * The walker holds only its leaf level (a plain {@link walk} or a gap
   * search found it without recording the path); the levels above are
   * filled in by {@link completePath} before a step climbs out of the leaf.
   */
  protected leafOnly = false;
  /** The gap search whose path the walker's leaf came from (-1: a walk), see {@link completePath}. */
  protected leafSearch = -1;
  /**
   * 1 (-1) when the tree was written since the cursor's last answer and the
   * walker was put back on the range holding `last` for a step forward
   * (`index`, back): when that range reaches past `last` (before `index`),
   * the write made it, and it is the next answer rather than stepped over.
   */
  protected rewalked: -1 | 0 | 1 = 0;

  /** @internal Use `tree.state(first, last)`. */
  constructor(tree: MapleTree<V>, first: number, last: number) {
    this.tree = tree;
    this.core = tree.core;
    this.index = first;
    this.last = last;
  }

  /**
   * mas_next_slot(): steps forward to the next entry (or range, when `empty`).
   * Within a leaf it only moves the offset; {@link nextSlot} climbs at leaf edges.
   */
  protected stepNext(max: number, empty: boolean): V | undefined {
    const core = this.core;
    if (core.root === 0) return this.stepVirtual(max, empty, true);
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

  /** mas_prev_slot(): steps back to the previous entry (or range, when `empty`). */
  protected stepPrev(min: number, empty: boolean): V | undefined {
    const core = this.core;
    if (core.root === 0) return this.stepVirtual(min, empty, false);
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

  /**
   * {@link stepNext} (`forward`) or {@link stepPrev} on the virtual leaf of a
   * tree with no node, up to `bound` (the step's max or min).
   */
  private stepVirtual(bound: number, empty: boolean, forward: boolean): V | undefined {
    const stop = forward ? OVERFLOW : UNDERFLOW;
    if (this.rewalked !== 0) {
      this.rewalked = 0;
      // A write made the range the cursor is on reach past last (before index): it is next.
      if (forward ? this.curHi() > this.last : this.curLo() < this.index) {
        this.index = this.curLo();
        this.last = this.curHi();
        const v = this.curVal();
        if (v !== 0 || empty) return this.core.values.get(v);
      }
    }
    if (forward ? this.curHi() >= bound : this.curLo() <= bound) {
      this.status = stop;
      return undefined;
    }
    while (true) {
      const leavingRoot = forward && this.vRoot;
      if (!(forward ? this.advance() : this.retreat())) {
        this.status = stop;
        return undefined;
      }
      this.index = this.curLo();
      this.last = this.curHi();
      if (leavingRoot) {
        // Past index 0 of an empty tree the kernel's cursor is at ma_none on [1, MAPLE_MAX]:
        // nothing there, and the next call walks again.
        this.status = NONE;
        return undefined;
      }
      const v = this.curVal();
      if (v !== 0 || empty) return this.core.values.get(v);
      if (forward ? this.last >= bound : this.index <= bound) {
        this.status = stop;
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
  protected revalidate(forward: boolean): void {
    if (
      (this.status === ACTIVE || this.status === OVERFLOW || this.status === UNDERFLOW) &&
      this.stale(forward)
    ) {
      this.position(forward ? this.last : this.index);
      this.rewalked = forward ? 1 : -1;
    }
  }

  /** Puts the walker back on the range holding `last` (forward) or `index`, without touching index/last. */
  protected reposition(forward: boolean): void {
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

  protected position(index: number): void {
    const core = this.core;
    this.seq = core.seq;
    this.leafOnly = false;
    this.vRoot = false;
    if (core.root === 0) {
      this.vOff = core.rootValue !== 0 && index > 0 ? 1 : 0;
      return;
    }
    descend(core, this.w, core.root, index);
  }

  // The virtual leaf of a tree with no node: slot 0 is [0, 0] when the root
  // holds an entry or vRoot is set (else [0, MAPLE_MAX] empty), slot 1 the
  // rest, [1, MAPLE_MAX].

  protected curLo(): number {
    return this.vOff === 0 ? 0 : 1;
  }

  protected curHi(): number {
    return this.vOff === 0 && (this.core.rootValue !== 0 || this.vRoot) ? 0 : MAPLE_MAX;
  }

  protected curVal(): number {
    return this.vOff === 0 ? this.core.rootValue : 0;
  }

  private advance(): boolean {
    if (this.vOff !== 0 || (this.core.rootValue === 0 && !this.vRoot)) return false;
    this.vOff = 1;
    this.vRoot = false;
    return true;
  }

  private retreat(): boolean {
    if (this.vOff !== 1) return false;
    this.vOff = 0;
    return true;
  }
}
