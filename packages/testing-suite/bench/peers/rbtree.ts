/**
 * functional-red-black-tree 1.0.1 as a range map: a persistent red-black
 * tree, so every write returns a new root and `clone()` is free. Lookups
 * through `le` (greatest key <= index).
 */
import createRBTree from 'functional-red-black-tree';
import { firstFit, lastFit, type Peer, type RangeMap, type Span, survivors } from './range-map.js';

type Slot = { last: number; value: number };
type Tree = createRBTree.Tree<number, Slot>;

class PersistentRanges implements RangeMap {
  constructor(private tree: Tree) {}

  get size(): number {
    return this.tree.length;
  }

  private holding(index: number): Span | undefined {
    const it = this.tree.le(index);
    if (!it.valid || it.value!.last < index) return undefined;
    return { first: it.key!, last: it.value!.last, value: it.value!.value };
  }

  load(index: number): number | undefined {
    const it = this.tree.le(index);
    return it.valid && it.value!.last >= index ? it.value!.value : undefined;
  }

  store(first: number, last: number, value: number): void {
    const hit: Span[] = [];
    const left = this.holding(first);
    if (left !== undefined) hit.push(left);
    for (const it = this.tree.ge(first); it.valid && it.key! <= last; it.next()) {
      if (it.key! !== left?.first) hit.push({ first: it.key!, last: it.value!.last, value: it.value!.value });
    }
    let t = this.tree;
    for (const r of hit) t = t.remove(r.first);
    for (const r of survivors(hit, first, last)) t = t.insert(r.first, { last: r.last, value: r.value });
    this.tree = t.insert(first, { last, value });
  }

  erase(index: number): void {
    const at = this.holding(index);
    if (at !== undefined) this.tree = this.tree.remove(at.first);
  }

  scan(first: number, last: number): number {
    let sum = 0;
    const left = this.holding(first);
    const it = this.tree.ge(left?.first ?? first);
    for (; it.valid && it.key! <= last; it.next()) sum += it.value!.value;
    return sum;
  }

  next(index: number): number | undefined {
    const it = this.tree.gt(this.holding(index)?.first ?? index);
    return it.valid ? it.value!.value : undefined;
  }

  prev(index: number): number | undefined {
    const at = this.holding(index);
    const it = at === undefined ? this.tree.le(index) : this.tree.lt(at.first);
    return it.valid ? it.value!.value : undefined;
  }

  private *ascending(min: number): Generator<Span> {
    const it = this.tree.ge(this.holding(min)?.first ?? min);
    for (; it.valid; it.next()) yield { first: it.key!, last: it.value!.last, value: it.value!.value };
  }

  private *descending(max: number): Generator<Span> {
    for (const it = this.tree.le(max); it.valid; it.prev()) {
      yield { first: it.key!, last: it.value!.last, value: it.value!.value };
    }
  }

  emptyArea(min: number, max: number, size: number): number | undefined {
    return firstFit(this.ascending(min), min, max, size);
  }

  emptyAreaRev(min: number, max: number, size: number): number | undefined {
    return lastFit(this.descending(max), min, max, size);
  }

  clone(): RangeMap {
    return new PersistentRanges(this.tree);
  }
}

export const functionalRbtree: Peer = {
  name: 'functional-rbtree',
  writable: true,
  build: (ranges) => {
    let t: Tree = createRBTree<number, Slot>((a, b) => a - b);
    for (const r of ranges) t = t.insert(r.first, { last: r.last, value: r.value });
    return new PersistentRanges(t);
  },
};
