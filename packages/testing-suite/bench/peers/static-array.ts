/**
 * The static floor: sorted Float64Arrays of range starts and ends and a
 * values array, queried by binary search over the ends. Nothing can be
 * faster to read without changing layout, and nothing can be written:
 * write benchmarks mark it n/a.
 */
import type { Peer, RangeMap, Span } from './range-map.js';

class StaticRanges implements RangeMap {
  constructor(
    private readonly firsts: Float64Array,
    private readonly lasts: Float64Array,
    private readonly values: Int32Array,
  ) {}

  get size(): number {
    return this.firsts.length;
  }

  /** Index of the first range whose last >= index. */
  private lowerBound(index: number): number {
    const lasts = this.lasts;
    let lo = 0;
    let hi = lasts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lasts[mid]! < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  load(index: number): number | undefined {
    const i = this.lowerBound(index);
    return i < this.firsts.length && this.firsts[i]! <= index ? this.values[i] : undefined;
  }

  store(): void {
    throw new Error('static ranges are read-only');
  }

  erase(): void {
    throw new Error('static ranges are read-only');
  }

  scan(first: number, last: number): number {
    let sum = 0;
    for (let i = this.lowerBound(first); i < this.firsts.length && this.firsts[i]! <= last; i++)
      sum += this.values[i]!;
    return sum;
  }

  next(index: number): number | undefined {
    const i = this.lowerBound(index);
    const j = i < this.firsts.length && this.firsts[i]! <= index ? i + 1 : i;
    return j < this.firsts.length ? this.values[j] : undefined;
  }

  prev(index: number): number | undefined {
    const i = this.lowerBound(index);
    return i > 0 ? this.values[i - 1] : undefined;
  }

  emptyArea(min: number, max: number, size: number): number | undefined {
    let start = min;
    for (let i = this.lowerBound(min); i < this.firsts.length; i++) {
      const f = this.firsts[i]!;
      if (f > max) break;
      if (f - start >= size) return start;
      start = this.lasts[i]! + 1;
      if (start > max) return undefined;
    }
    return max - start + 1 >= size ? start : undefined;
  }

  emptyAreaRev(min: number, max: number, size: number): number | undefined {
    let end = max;
    let i = this.lowerBound(max);
    if (i === this.firsts.length || this.firsts[i]! > max) i--;
    for (; i >= 0; i--) {
      const l = this.lasts[i]!;
      if (l < min) break;
      if (end - l >= size) return end - size + 1;
      const f = this.firsts[i]!;
      if (f === 0) return undefined;
      end = f - 1;
      if (end < min) return undefined;
    }
    return end - min + 1 >= size ? end - size + 1 : undefined;
  }

  clone(): RangeMap {
    return new StaticRanges(this.firsts.slice(), this.lasts.slice(), this.values.slice());
  }
}

export const staticArray: Peer = {
  name: 'static array',
  writable: false,
  build: (ranges: readonly Span[]) =>
    new StaticRanges(
      Float64Array.from(ranges, (r) => r.first),
      Float64Array.from(ranges, (r) => r.last),
      Int32Array.from(ranges, (r) => r.value),
    ),
};
