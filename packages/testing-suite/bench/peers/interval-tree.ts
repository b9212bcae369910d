/**
 * @flatten-js/interval-tree 2.0.3 as a range map: an augmented red-black
 * tree of intervals; point lookups are stabbing queries (`search([i, i])`),
 * ordered walks use `iterate`, which starts at the nearest interval at or
 * after the one given. It has no copy: `clone()` rebuilds.
 */
import IntervalTree from '@flatten-js/interval-tree';
import { firstFit, lastFit, type Peer, type RangeMap, type Span, survivors } from './range-map.js';

class IntervalRanges implements RangeMap {
  constructor(private readonly tree: IntervalTree<Span>) {}

  get size(): number {
    return this.tree.size;
  }

  private holding(index: number): Span | undefined {
    return this.tree.search([index, index])[0];
  }

  load(index: number): number | undefined {
    return this.holding(index)?.value;
  }

  store(first: number, last: number, value: number): void {
    const hit = this.tree.search([first, last]);
    for (const r of hit) this.tree.remove([r.first, r.last], r);
    for (const r of survivors(hit, first, last)) this.tree.insert([r.first, r.last], r);
    const span = { first, last, value };
    this.tree.insert([first, last], span);
  }

  erase(index: number): void {
    const r = this.holding(index);
    if (r !== undefined) this.tree.remove([r.first, r.last], r);
  }

  scan(first: number, last: number): number {
    let sum = 0;
    for (const r of this.tree.search([first, last])) sum += r.value;
    return sum;
  }

  next(index: number): number | undefined {
    const at = this.holding(index);
    const from = at === undefined ? index : at.last + 1;
    for (const r of this.tree.iterate([from, from])) if (r.first >= from) return r.value;
    return undefined;
  }

  prev(index: number): number | undefined {
    const at = this.holding(index);
    const before = (at === undefined ? index : at.first) - 1;
    for (const r of this.descending(before, 0)) return r.value;
    return undefined;
  }

  /**
   * Ranges with `first <= max` in descending order, down to `min`. The tree
   * cannot iterate backwards, so this asks for windows below `max` that grow
   * fourfold until they reach `min`: O(log distance) stabbing queries.
   */
  private *descending(max: number, min: number): Generator<Span> {
    let hi = max;
    let floor = Number.POSITIVE_INFINITY; // lowest first already yielded
    for (let width = 64; hi >= min; width *= 4) {
      const lo = Math.max(min, hi - width + 1);
      const found = this.tree.search([lo, hi]);
      for (let i = found.length - 1; i >= 0; i--) {
        const r = found[i]!;
        if (r.first < floor && r.first <= max) {
          floor = r.first;
          yield r;
        }
      }
      hi = lo - 1;
    }
  }

  private *ascending(min: number): Generator<Span> {
    const at = this.holding(min);
    if (at !== undefined) yield at;
    yield* this.tree.iterate([min, min]);
  }

  emptyArea(min: number, max: number, size: number): number | undefined {
    return firstFit(this.ascending(min), min, max, size);
  }

  emptyAreaRev(min: number, max: number, size: number): number | undefined {
    return lastFit(this.descending(max, min), min, max, size);
  }

  clone(): RangeMap {
    const copy = new IntervalTree<Span>();
    this.tree.forEach((_key, r) => {
      copy.insert([r.first, r.last], r);
    });
    return new IntervalRanges(copy);
  }
}

export const intervalTree: Peer = {
  name: 'interval-tree',
  writable: true,
  build: (ranges) => {
    const tree = new IntervalTree<Span>();
    for (const r of ranges) tree.insert([r.first, r.last], { ...r });
    return new IntervalRanges(tree);
  },
};
