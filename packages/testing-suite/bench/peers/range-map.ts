/**
 * The range-map surface every benchmarked library is wrapped in, and the
 * hand-written parts a user of an ordinary sorted map has to add: the
 * split-on-overwrite store and the gap scans.
 *
 * Each peer keys its map by a range's first index and keeps `{ last, value }`
 * beside it; lookups go to the entry with the greatest key at or below the
 * index and check that its `last` reaches the index.
 */

/** A stored range as the peers hand it around. */
export interface Span {
  first: number;
  last: number;
  value: number;
}

/** What the benchmarks call. Answers are values (numbers) or undefined. */
export interface RangeMap {
  /** Stores `value` over `[first, last]`, trimming and splitting what it overlaps. */
  store(first: number, last: number, value: number): void;
  /** Value at `index`. */
  load(index: number): number | undefined;
  /** Removes the whole range holding `index`. */
  erase(index: number): void;
  /** Visits ranges overlapping `[first, last]` in order; returns the sum of their values. */
  scan(first: number, last: number): number;
  /** Value of the first range after the one holding `index`. */
  next(index: number): number | undefined;
  /** Value of the last range before the one holding `index`. */
  prev(index: number): number | undefined;
  /** Lowest start of `size` free indices in `[min, max]`. */
  emptyArea(min: number, max: number, size: number): number | undefined;
  /** Highest start of `size` free indices in `[min, max]`. */
  emptyAreaRev(min: number, max: number, size: number): number | undefined;
  /** An independent copy. */
  clone(): RangeMap;
  readonly size: number;
}

/** A library under benchmark. */
export interface Peer {
  readonly name: string;
  /** False for read-only structures (the static array floor). */
  readonly writable: boolean;
  /** Builds a map from sorted, non-overlapping ranges (the bulk load). */
  build(ranges: readonly Span[]): RangeMap;
}

/**
 * First-fit over ranges in ascending order, starting with any range that
 * holds `min`: the loop a user writes over a sorted map.
 */
export function firstFit(
  ascending: Iterable<Span>,
  min: number,
  max: number,
  size: number,
): number | undefined {
  let start = min;
  for (const r of ascending) {
    if (r.last < start) continue;
    if (r.first > max) break;
    if (r.first - start >= size) return start;
    start = r.last + 1;
    if (start > max) return undefined;
  }
  return max - start + 1 >= size ? start : undefined;
}

/** Top-down fit over ranges in descending order, starting with any range that holds `max`. */
export function lastFit(
  descending: Iterable<Span>,
  min: number,
  max: number,
  size: number,
): number | undefined {
  let end = max;
  for (const r of descending) {
    if (r.first > end) continue;
    if (r.last < min) break;
    if (end - r.last >= size) return end - size + 1;
    if (r.first === 0) return undefined;
    end = r.first - 1;
    if (end < min) return undefined;
  }
  return end - min + 1 >= size ? end - size + 1 : undefined;
}

/**
 * The pieces of `[first, last]`-overlapping ranges that survive a store:
 * the left stub of one that starts before `first` and the right stub of one
 * that ends after `last`.
 */
export function survivors(overlapping: readonly Span[], first: number, last: number): Span[] {
  const out: Span[] = [];
  for (const r of overlapping) {
    if (r.first < first) out.push({ first: r.first, last: first - 1, value: r.value });
    if (r.last > last) out.push({ first: last + 1, last: r.last, value: r.value });
  }
  return out;
}
