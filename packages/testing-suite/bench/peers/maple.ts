/**
 * `@maple-tree/core` in the same range-map wrapper as the peers, in its two
 * configurations: `maple`, the default tree (16-slot internal nodes, no gap
 * tracking: what a user who wants a range map gets from `new MapleTree()`),
 * and `maple+gaps`, a gap-tracking tree (`allocRange: true`, 10-slot internal
 * nodes keeping each subtree's largest gap, as the VMA tree is). Both are bulk
 * loaded with `MapleTree.from` as the other peers use their bulk paths. Reads that
 * return a bare value go through one reused `MapleState` cursor, the
 * allocation-free form API.md offers beside `find`/`next`/`prev`.
 */
import { MAPLE_MAX, type MapleState, MapleTree } from '@maple-tree/core';
import type { Peer, RangeMap, Span } from './range-map.js';

class MapleRanges implements RangeMap {
  private readonly mas: MapleState<number>;

  constructor(readonly tree: MapleTree<number>) {
    this.mas = tree.state(0, 0);
  }

  get size(): number {
    return this.tree.size;
  }

  load(index: number): number | undefined {
    return this.tree.load(index);
  }

  store(first: number, last: number, value: number): void {
    this.tree.storeRange(first, last, value);
  }

  erase(index: number): void {
    this.tree.erase(index);
  }

  scan(first: number, last: number): number {
    // The public ordered scan: tree.forEach walks leaf slots without allocating.
    let sum = 0;
    this.tree.forEach(
      (v) => {
        sum += v;
      },
      first,
      last,
    );
    return sum;
  }

  next(index: number): number | undefined {
    this.mas.set(index);
    return this.mas.next(MAPLE_MAX);
  }

  prev(index: number): number | undefined {
    this.mas.set(index);
    return this.mas.prev(0);
  }

  emptyArea(min: number, max: number, size: number): number | undefined {
    return this.tree.emptyArea(min, max, size);
  }

  emptyAreaRev(min: number, max: number, size: number): number | undefined {
    return this.tree.emptyAreaRev(min, max, size);
  }

  clone(): RangeMap {
    return new MapleRanges(this.tree.clone());
  }
}

/** The default maple tree (no gap tracking) as a benchmark peer. */
export const maple: Peer = {
  name: 'maple',
  writable: true,
  build(ranges: readonly Span[]): RangeMap {
    return new MapleRanges(MapleTree.from(ranges));
  },
};

/** The gap-tracking maple tree (`allocRange: true`, as the VMA tree) as a benchmark peer. */
export const mapleGaps: Peer = {
  name: 'maple+gaps',
  writable: true,
  build(ranges: readonly Span[]): RangeMap {
    return new MapleRanges(MapleTree.from(ranges, { allocRange: true }));
  },
};
