/**
 * sorted-btree 2.1.0 as a range map: a B+ tree keyed by first index, value
 * `{ last, value }`; lookups through `getPairOrNextLower`, stepping through
 * `nextHigherPair` / `nextLowerPair`, `clone()` is copy-on-write.
 */
import BTreeImport from 'sorted-btree';

import { firstFit, lastFit, type Peer, type RangeMap, type Span, survivors } from './range-map.js';

type Slot = { last: number; value: number };

// sorted-btree is CommonJS with `exports.default`: under plain Node ESM the
// default import is the whole module object, under a bundler it is the class.
const BTree: typeof BTreeImport =
  (BTreeImport as unknown as { default?: typeof BTreeImport }).default ?? BTreeImport;
type BTree<K, V> = BTreeImport<K, V>;

class BTreeRanges implements RangeMap {
  constructor(private readonly tree: BTree<number, Slot>) {}

  get size(): number {
    return this.tree.size;
  }

  private holding(index: number): [number, Slot] | undefined {
    const p = this.tree.getPairOrNextLower(index);
    return p !== undefined && p[1].last >= index ? p : undefined;
  }

  load(index: number): number | undefined {
    return this.holding(index)?.[1].value;
  }

  store(first: number, last: number, value: number): void {
    const hit: Span[] = [];
    const left = this.holding(first);
    if (left !== undefined) hit.push({ first: left[0], last: left[1].last, value: left[1].value });
    this.tree.forRange(first, last, true, (k, s) => {
      if (k !== left?.[0]) hit.push({ first: k, last: s.last, value: s.value });
    });
    for (const r of hit) this.tree.delete(r.first);
    for (const r of survivors(hit, first, last)) this.tree.set(r.first, { last: r.last, value: r.value });
    this.tree.set(first, { last, value });
  }

  erase(index: number): void {
    const p = this.holding(index);
    if (p !== undefined) this.tree.delete(p[0]);
  }

  scan(first: number, last: number): number {
    let sum = 0;
    const left = this.holding(first);
    if (left !== undefined && left[0] < first) sum += left[1].value;
    this.tree.forRange(first, last, true, (_k, s) => {
      sum += s.value;
    });
    return sum;
  }

  next(index: number): number | undefined {
    const at = this.holding(index);
    return this.tree.nextHigherPair(at === undefined ? index : at[0])?.[1].value;
  }

  prev(index: number): number | undefined {
    const at = this.holding(index);
    return this.tree.nextLowerPair(at === undefined ? index + 1 : at[0])?.[1].value;
  }

  private *ascending(min: number): Generator<Span> {
    const start = this.tree.getPairOrNextLower(min)?.[0] ?? min;
    for (const [first, s] of this.tree.entries(start)) yield { first, last: s.last, value: s.value };
  }

  private *descending(max: number): Generator<Span> {
    for (const [first, s] of this.tree.entriesReversed(max)) yield { first, last: s.last, value: s.value };
  }

  emptyArea(min: number, max: number, size: number): number | undefined {
    return firstFit(this.ascending(min), min, max, size);
  }

  emptyAreaRev(min: number, max: number, size: number): number | undefined {
    return lastFit(this.descending(max), min, max, size);
  }

  clone(): RangeMap {
    return new BTreeRanges(this.tree.clone());
  }
}

export const sortedBtree: Peer = {
  name: 'sorted-btree',
  writable: true,
  build: (ranges) =>
    new BTreeRanges(new BTree(ranges.map((r) => [r.first, { last: r.last, value: r.value }]))),
};
