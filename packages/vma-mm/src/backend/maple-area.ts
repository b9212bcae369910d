/**
 * The maple VMA index's area record: what the last gap search proved about
 * where a fit can lie, kept true through every write, so that the next search
 * of the same window only looks where a fit can still be. It plays the part
 * `mm->free_area_cache` and `cached_hole_size` played for get_unmapped_area
 * before Linux 3.9, with a claim that is exact instead of a heuristic.
 *
 * The claim, for a window [lo, hi] and a size `size`: every run of at least
 * `size` empty pages inside the window lies in [bottom, top].
 *
 *   lo        bottom                      top          hi
 *   |.........[  a fit may be here only   ].............|
 *                                   the last top-down fit ^ ends at `top`
 *
 * - A top-down search that found its fit at `start` proves that no run of
 *   `size` ends above `start + size - 1` (a later one would be higher); a
 *   bottom-up one that none starts below `start`; a search that found nothing,
 *   that there is no run at all.
 * - A search of the same window for `size` or more pages then searches
 *   [max(lo, bottom), min(hi, top)] and finds what the whole window would
 *   give: a run of more pages contains one of `size` at each of its ends.
 * - Writes keep the claim true. Pages a VMA takes cannot start a run, so a
 *   VMA over `top` lowers it to the VMA's start (over `bottom`, raises it past
 *   the VMA's end). Pages a VMA gives up can only make a new run outside
 *   [bottom, top] if one of them lies within `size - 1` pages of a bound (a
 *   run reaching past `top` that holds no freed page within that distance was
 *   already there), and only then is the claim dropped.
 *
 * A top-down mmap storm thus asks the tree about the hole under the last
 * mapping only, where a search of the whole window reads the leaves from the
 * window's top down to it. Everything is about the current VMAs, as the hole
 * record (maple-hole.ts); the index makes its pending NULL stores before
 * searching.
 */

/** What the last gap search proved, for one window and size. */
export class AreaRecord {
  /**
   * @param keptThroughWrites - false: every write forgets the claim, so that
   *   only a search with no write since reuses it (the maple index's
   *   `vmaCache: false`)
   */
  constructor(readonly keptThroughWrites = true) {}

  /** The window the claim is about (lo > hi: no claim). */
  private lo = 1;
  private hi = 0;
  /** The fewest pages the claim covers. */
  private size = 0;
  /** Every empty run of `size` pages or more inside the window lies in [bottom, top]. */
  bottom = 1;
  top = 0;

  /** The claim applies to a search of [lo, hi] for `size` pages. */
  covers(lo: number, hi: number, size: number): boolean {
    return lo === this.lo && hi === this.hi && size >= this.size;
  }

  /**
   * A search of [lo, hi] for `size` pages gave `start` (undefined: no fit).
   * `narrowed` says it searched only [bottom, top] under the claim; a search
   * for more pages than the claim's then proves nothing about smaller runs,
   * and the claim stays as it is.
   */
  searched(
    lo: number,
    hi: number,
    size: number,
    rev: boolean,
    start: number | undefined,
    narrowed: boolean,
  ): void {
    if (narrowed && size !== this.size) return;
    if (!narrowed) {
      this.lo = lo;
      this.hi = hi;
      this.size = size;
      this.bottom = lo;
      this.top = hi;
    }
    if (start === undefined) {
      this.bottom = lo;
      this.top = lo - 1;
    } else if (rev) this.top = start + size - 1;
    else this.bottom = start;
  }

  /** Pages [first, last] now hold a VMA. */
  taken(first: number, last: number): void {
    if (!this.keptThroughWrites) {
      this.forget();
      return;
    }
    if (first <= this.top && last >= this.top) this.top = first - 1;
    if (first <= this.bottom && last >= this.bottom) this.bottom = last + 1;
  }

  /** Pages [first, last] no longer hold a VMA. */
  freed(first: number, last: number): void {
    if (!this.keptThroughWrites) {
      this.forget();
      return;
    }
    if (last < this.lo || first > this.hi) return;
    const reach = this.size - 1;
    if (last > this.top - reach || first < this.bottom + reach) this.forget();
  }

  /** Nothing is claimed any more. */
  forget(): void {
    this.lo = 1;
    this.hi = 0;
  }
}
