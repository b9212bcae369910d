/**
 * What the api-audit tests check the package against: a deliberately simple
 * model of a range map (a sorted array of non-overlapping inclusive ranges,
 * changed by splicing), the `code()` helper that names a thrown MapleError's
 * code, and small helpers shared by the audit files. Nothing here imports the
 * package's internals.
 */

import { MAPLE_MAX, type MapleEntry, MapleError } from '@maple-tree/core';

/** The MapleError code `fn` throws, or undefined when it returns; anything else is rethrown. */
export function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof MapleError) return error.code;
    throw error;
  }
  return undefined;
}

/** Entries as [first, last, value] triples, for readable comparisons. */
export function triples<V>(entries: Iterable<MapleEntry<V>>): [number, number, V][] {
  return [...entries].map((e) => [e.first, e.last, e.value]);
}

/** Indices no API may accept (undefined aside: an omitted optional argument takes its default). */
export const BAD_INDICES: readonly unknown[] = [
  -1,
  -0.5,
  0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  MAPLE_MAX + 1,
  2 ** 64,
  '3',
  3n,
  null,
  {},
];

/** A range map as a sorted array of ranges; every operation is a linear scan and a splice. */
export class RangeModel<V> {
  constructor(private ranges: MapleEntry<V>[] = []) {}

  /** An independent copy (the model's own "snapshot"). */
  copy(): RangeModel<V> {
    return new RangeModel(this.ranges.slice());
  }

  get size(): number {
    return this.ranges.length;
  }

  list(): readonly MapleEntry<V>[] {
    return this.ranges;
  }

  /** Index of the range holding `index`, or -1. */
  private at(index: number): number {
    for (let i = 0; i < this.ranges.length; i++) {
      const r = this.ranges[i] as MapleEntry<V>;
      if (r.first > index) return -1;
      if (r.last >= index) return i;
    }
    return -1;
  }

  load(index: number): V | undefined {
    const i = this.at(index);
    return i < 0 ? undefined : (this.ranges[i] as MapleEntry<V>).value;
  }

  /** The whole range holding `index`, or undefined. */
  rangeAt(index: number): MapleEntry<V> | undefined {
    const i = this.at(index);
    return i < 0 ? undefined : this.ranges[i];
  }

  storeRange(first: number, last: number, value: V | undefined): void {
    const kept: MapleEntry<V>[] = [];
    for (const r of this.ranges) {
      if (r.last < first || r.first > last) {
        kept.push(r);
        continue;
      }
      if (r.first < first) kept.push({ first: r.first, last: first - 1, value: r.value });
      if (r.last > last) kept.push({ first: last + 1, last: r.last, value: r.value });
    }
    if (value !== undefined) kept.push({ first, last, value });
    kept.sort((a, b) => a.first - b.first);
    this.ranges = kept;
  }

  /** Erases the whole range holding `index`; returns its value. */
  erase(index: number): V | undefined {
    const i = this.at(index);
    if (i < 0) return undefined;
    const [r] = this.ranges.splice(i, 1);
    return (r as MapleEntry<V>).value;
  }

  /** True when no range overlaps `[first, last]`. */
  isFree(first: number, last: number): boolean {
    return this.ranges.every((r) => r.last < first || r.first > last);
  }

  /** mt_find: the first range overlapping `[index, max]`. */
  find(index: number, max: number): MapleEntry<V> | undefined {
    return this.ranges.find((r) => r.last >= index && r.first <= max);
  }

  /** mt_next: the first range after the one (or the gap) holding `index`, starting at most at `max`. */
  next(index: number, max: number): MapleEntry<V> | undefined {
    const from = this.rangeAt(index)?.last ?? index;
    return this.ranges.find((r) => r.first > from && r.first <= max);
  }

  /** mt_prev: the last range before the one (or the gap) holding `index`, ending at least at `min`. */
  prev(index: number, min: number): MapleEntry<V> | undefined {
    const to = this.rangeAt(index)?.first ?? index;
    for (let i = this.ranges.length - 1; i >= 0; i--) {
      const r = this.ranges[i] as MapleEntry<V>;
      if (r.last < to) return r.last >= min ? r : undefined;
    }
    return undefined;
  }

  /** mt_for_each: the ranges overlapping `[first, last]`. */
  entries(first: number, last: number): MapleEntry<V>[] {
    return this.ranges.filter((r) => r.last >= first && r.first <= last);
  }

  /** The empty runs of `[0, MAPLE_MAX]`, in order. */
  private gaps(): [number, number][] {
    const out: [number, number][] = [];
    let at = 0;
    for (const r of this.ranges) {
      if (r.first > at) out.push([at, r.first - 1]);
      at = r.last + 1;
    }
    if (at <= MAPLE_MAX) out.push([at, MAPLE_MAX]);
    return out;
  }

  /** mas_empty_area: the lowest start of `size` empty indices inside `[min, max]`. */
  emptyArea(min: number, max: number, size: number): number | undefined {
    for (const [a, b] of this.gaps()) {
      const lo = Math.max(a, min);
      const hi = Math.min(b, max);
      if (lo <= hi && hi - lo + 1 >= size) return lo;
    }
    return undefined;
  }

  /** mas_empty_area_rev: the highest start of `size` empty indices inside `[min, max]`. */
  emptyAreaRev(min: number, max: number, size: number): number | undefined {
    const gaps = this.gaps();
    for (let i = gaps.length - 1; i >= 0; i--) {
      const [a, b] = gaps[i] as [number, number];
      const lo = Math.max(a, min);
      const hi = Math.min(b, max);
      if (lo <= hi && hi - lo + 1 >= size) return hi - size + 1;
    }
    return undefined;
  }
}
