/**
 * The NULL stores the maple VMA index has not made yet: page ranges that
 * hold no VMA any more but whose old entry is still in the tree.
 *
 * The kernel does not clear a VMA's range the moment it is taken apart:
 * vms_gather_munmap_vmas detaches the VMAs, and mmap_region then stores the
 * new VMA straight over them (the NULL store happens only if nothing is
 * stored there), just as __split_vma stores the new part over the old VMA's
 * range instead of clearing it first. The index does the same with this
 * list: removing a VMA, or shrinking one, adds the pages it gave up here; a
 * later store over those pages drops them from the list (the store replaces
 * the stale entry, so no NULL store is needed), and whatever is left is
 * cleared in one NULL store per run of pages when the index is synced.
 *
 * The invariant every read relies on: outside the listed ranges the tree
 * holds exactly the current VMAs; inside them it may hold stale entries and
 * must be read as empty. Touching or overlapping ranges are kept merged, so
 * a run of pages that is empty in truth lies inside one listed range.
 *
 *   tree:    | A | B (removed) | C (shrunk to its top half) |
 *   clears:      [-----------------------]
 *   truth:   | A |        (empty)        | C |
 */

/** Ranges cleared in truth but not yet in the tree, at most `limit` of them. */
export class PendingClears {
  /** Number of ranges listed. */
  size = 0;
  private readonly lo: number[] = [];
  private readonly hi: number[] = [];

  /** @param limit - most ranges listed at once; `add` reports when the list is over it. */
  constructor(readonly limit = 8) {}

  /**
   * Lists [first, last] (pages) as cleared, merged with any listed range it
   * touches or overlaps.
   * @returns true when the list is now longer than `limit` (the caller syncs)
   */
  add(first: number, last: number): boolean {
    const lo = this.lo;
    const hi = this.hi;
    let i = 0;
    while (i < this.size) {
      const a = lo[i] as number;
      const b = hi[i] as number;
      if (a <= last + 1 && first <= b + 1) {
        if (a < first) first = a;
        if (b > last) last = b;
        this.removeAt(i);
        i = 0;
      } else i++;
    }
    lo[this.size] = first;
    hi[this.size] = last;
    this.size++;
    return this.size > this.limit;
  }

  /** [first, last] is about to be stored over: no listed page in it needs clearing any more. */
  cut(first: number, last: number): void {
    const lo = this.lo;
    const hi = this.hi;
    for (let i = 0; i < this.size; ) {
      const a = lo[i] as number;
      const b = hi[i] as number;
      if (b < first || a > last) {
        i++;
        continue;
      }
      this.removeAt(i);
      // Keep what sticks out on either side (both sides when the store is inside the range).
      if (a < first) {
        lo[this.size] = a;
        hi[this.size] = first - 1;
        this.size++;
      }
      if (b > last) {
        lo[this.size] = last + 1;
        hi[this.size] = b;
        this.size++;
      }
    }
  }

  /** True when every page of [first, last] is listed (it is empty in truth). */
  covers(first: number, last: number): boolean {
    for (let i = 0; i < this.size; i++) {
      if ((this.lo[i] as number) <= first && last <= (this.hi[i] as number)) return true;
    }
    return false;
  }

  /** First page of listed range `i` (0 <= i < size). */
  first(i: number): number {
    return this.lo[i] as number;
  }

  /** Last page of listed range `i`. */
  last(i: number): number {
    return this.hi[i] as number;
  }

  /** Empties the list (every range was stored). */
  reset(): void {
    this.size = 0;
  }

  private removeAt(i: number): void {
    const last = this.size - 1;
    this.lo[i] = this.lo[last] as number;
    this.hi[i] = this.hi[last] as number;
    this.size = last;
  }
}
