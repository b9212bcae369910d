/**
 * The maple VMA index's hole record: a run of pages known to hold no VMA,
 * with the VMAs bounding it once they are known, kept true through every
 * write the index makes (instead of being forgotten at the first one).
 *
 *   below          [lo ............. hi]          above
 *   [ heap )       no VMA in here                 [ lib )
 *        ^ lo = below.endPage          hi + 1 = above.startPage ^
 *
 * A side whose VMA is known is exact: `lo` is the end of `below` (0 when
 * there is no VMA below, `below` undefined), `hi + 1` the start of `above`
 * (`hi` MAPLE_MAX when there is none). A side not known (null) may reach
 * further than `lo` or `hi` in truth; the record only claims [lo, hi].
 *
 * The writes keep it so: a VMA taking pages of the hole shrinks it and
 * becomes its neighbour on that side; a neighbour moving its facing edge
 * (the heap growing or shrinking under brk, a VMA merged down over the top)
 * moves the hole's edge with it; a neighbour that goes leaves that side
 * unknown; a write elsewhere changes nothing. Everything is about the
 * current VMAs, not the tree: pending NULL stores (maple-clears.ts) do not
 * enter into it.
 */
import { MAPLE_MAX } from '@maple-tree/core';
import type { Vma } from '../vma.js';

/** Pages [lo, hi] hold no VMA (lo > hi: nothing is known). */
export class HoleRecord {
  /**
   * @param keptThroughWrites - false: every write (taken, removed, moved)
   *   forgets the record instead of keeping it true, so that only what one
   *   look-up learnt is reused until the next write (the maple index's
   *   `vmaCache: false`, Linux 6.1's own path)
   */
  constructor(readonly keptThroughWrites = true) {}

  lo = 1;
  hi = 0;
  /** The VMA ending at `lo` (undefined: none, `lo` is 0; null: not known). */
  below: Vma | undefined | null = null;
  /** The VMA starting at `hi + 1` (undefined: none, `hi` is MAPLE_MAX; null: not known). */
  above: Vma | undefined | null = null;

  /** `page` lies in the recorded hole. */
  holds(page: number): boolean {
    return page >= this.lo && page <= this.hi;
  }

  /** Records that [lo, hi] holds no VMA, with the neighbours known so far (null: not known). */
  set(lo: number, hi: number, below: Vma | undefined | null, above: Vma | undefined | null): void {
    this.lo = lo;
    this.hi = hi;
    this.below = below;
    this.above = above;
  }

  /** The VMA above the hole is now known (`hi` becomes exact). */
  setAbove(vma: Vma | undefined): void {
    this.hi = vma === undefined ? MAPLE_MAX : vma.startPage - 1;
    this.above = vma;
  }

  /** The VMA below the hole is now known (`lo` becomes exact). */
  setBelow(vma: Vma | undefined): void {
    this.lo = vma === undefined ? 0 : vma.endPage;
    this.below = vma;
  }

  /** Nothing is known any more. */
  forget(): void {
    this.set(1, 0, null, null);
  }

  /** A new VMA now holds its pages (mm insert). */
  taken(vma: Vma): void {
    if (!this.keptThroughWrites) {
      this.forget();
      return;
    }
    const first = vma.startPage;
    const last = vma.endPage - 1;
    const lo = this.lo;
    const hi = this.hi;
    if (last < lo || first > hi || lo > hi) return;
    if (first > lo) {
      // The part below the VMA stays empty, and the VMA bounds it.
      this.hi = first - 1;
      this.above = vma;
    } else if (last < hi) {
      this.lo = last + 1;
      this.below = vma;
    } else this.forget();
  }

  /** `vma` goes (mm remove): the hole reaches past it, up to a VMA not known. */
  removed(vma: Vma): void {
    if (!this.keptThroughWrites) {
      this.forget();
      return;
    }
    if (vma === this.below) this.below = null;
    if (vma === this.above) this.above = null;
  }

  /** A stored VMA has moved its bounds (the caller keeps VMAs disjoint). */
  moved(vma: Vma): void {
    if (!this.keptThroughWrites) {
      this.forget();
      return;
    }
    const start = vma.startPage;
    const end = vma.endPage;
    if (vma === this.below) {
      // The VMA below moves its end (brk): the hole now starts there.
      if (end <= this.hi) this.lo = end;
      else this.forget();
    } else if (vma === this.above) {
      if (start > this.lo) this.hi = start - 1;
      else this.forget();
    } else this.taken(vma);
  }
}
