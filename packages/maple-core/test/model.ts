/**
 * A reference model for differential tests: the tree's contents as a sorted
 * array of disjoint ranges, updated by brute force.
 */

import { MAPLE_MAX } from '../src/errors.js';

/** One range of the model. */
export interface ModelRange<V> {
  first: number;
  last: number;
  value: V;
}

/** A sorted array of disjoint non-empty ranges. */
export class RangeModel<V> {
  ranges: ModelRange<V>[] = [];

  store(first: number, last: number, value: V | undefined): void {
    const out: ModelRange<V>[] = [];
    for (const r of this.ranges) {
      if (r.last < first || r.first > last) {
        out.push(r);
        continue;
      }
      if (r.first < first) out.push({ first: r.first, last: first - 1, value: r.value });
      if (r.last > last) out.push({ first: last + 1, last: r.last, value: r.value });
    }
    if (value !== undefined) out.push({ first, last, value });
    out.sort((a, b) => a.first - b.first);
    this.ranges = out;
  }

  load(index: number): V | undefined {
    for (const r of this.ranges) if (r.first <= index && index <= r.last) return r.value;
    return undefined;
  }

  /** The range holding index, if any. */
  rangeAt(index: number): ModelRange<V> | undefined {
    for (const r of this.ranges) if (r.first <= index && index <= r.last) return r;
    return undefined;
  }

  /** First range overlapping [first, last]. */
  find(first: number, last: number): ModelRange<V> | undefined {
    for (const r of this.ranges) if (r.last >= first && r.first <= last) return r;
    return undefined;
  }

  /** Lowest (or highest) start of `size` empty indices within [min, max]. */
  emptyArea(min: number, max: number, size: number, rev: boolean): number | undefined {
    // Empty runs: complements of the ranges, clipped to [min, max].
    const runs: [number, number][] = [];
    let start = 0;
    for (const r of this.ranges) {
      if (r.first > start) runs.push([start, r.first - 1]);
      start = r.last + 1;
    }
    if (
      start <= MAPLE_MAX &&
      (this.ranges.length === 0 || this.ranges[this.ranges.length - 1]!.last < MAPLE_MAX)
    ) {
      runs.push([start, MAPLE_MAX]);
    }
    let best: number | undefined;
    for (const [a0, b0] of runs) {
      const a = Math.max(a0, min);
      const b = Math.min(b0, max);
      if (a > b || b - a + 1 < size) continue;
      const s = rev ? b - size + 1 : a;
      if (best === undefined || (rev ? s > best : s < best)) best = s;
    }
    return best;
  }
}
