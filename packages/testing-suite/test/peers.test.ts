// The benchmark's peer range maps must be right before their times mean
// anything: each is driven with the same random operations as the
// reference model and must answer the same.
import { MAPLE_MAX } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { intervalTree } from '../bench/peers/interval-tree.js';
import { jsSdsl } from '../bench/peers/js-sdsl.js';
import { maple, mapleGaps } from '../bench/peers/maple.js';
import type { Peer, RangeMap, Span } from '../bench/peers/range-map.js';
import { functionalRbtree } from '../bench/peers/rbtree.js';
import { sortedBtree } from '../bench/peers/sorted-btree.js';
import { staticArray } from '../bench/peers/static-array.js';
import { MapleModel } from '../src/model.js';
import { Random } from '../src/random.js';

const peers: Peer[] = [maple, mapleGaps, sortedBtree, jsSdsl, functionalRbtree, intervalTree, staticArray];

function layout(n: number): Span[] {
  return Array.from({ length: n }, (_, i) => ({ first: i * 10, last: i * 10 + 5 + (i % 3), value: i }));
}

function compareReads(map: RangeMap, model: MapleModel<number>, r: Random, top: number): void {
  for (let q = 0; q < 60; q++) {
    const i = r.int(0, top);
    expect(map.load(i)).toBe(model.load(i));
    expect(map.next(i)).toBe(model.next(i)?.value);
    expect(map.prev(i)).toBe(model.prev(i)?.value);
    const j = Math.min(MAPLE_MAX, i + r.int(0, 60));
    let sum = 0;
    for (const e of model.entries(i, j)) sum += e.value;
    expect(map.scan(i, j)).toBe(sum);
    const size = r.int(1, 12);
    const max = Math.min(top + 40, i + r.int(size - 1, 300));
    expect(map.emptyArea(i, max, size)).toBe(model.emptyArea(i, max, size));
    expect(map.emptyAreaRev(i, max, size)).toBe(model.emptyAreaRev(i, max, size));
  }
  expect(map.size).toBe(model.size);
}

describe.each(peers)('$name as a range map', (peer) => {
  it('answers reads like the model after a bulk load', () => {
    const ranges = layout(300);
    const model = new MapleModel<number>();
    for (const s of ranges) model.storeRange(s.first, s.last, s.value);
    const map = peer.build(ranges);
    compareReads(map, model, new Random(11), 3100);
    expect(map.emptyArea(0, MAPLE_MAX, 50)).toBe(model.emptyArea(0, MAPLE_MAX, 50));
    expect(map.emptyAreaRev(0, MAPLE_MAX, 50)).toBe(model.emptyAreaRev(0, MAPLE_MAX, 50));
  });

  if (peer.writable)
    it('splits, trims and erases like the model, and clones independently', () => {
      const r = new Random(3);
      const model = new MapleModel<number>();
      const ranges = layout(100);
      for (const s of ranges) model.storeRange(s.first, s.last, s.value);
      const map = peer.build(ranges);
      for (let step = 0; step < 400; step++) {
        const first = r.int(0, 1100);
        if (r.below(4) === 0) {
          map.erase(first);
          model.erase(first);
        } else {
          const last = first + r.int(0, 25);
          map.store(first, last, 1000 + step);
          model.storeRange(first, last, 1000 + step);
        }
        if (step % 50 === 0) compareReads(map, model, r, 1200);
      }
      const copy = map.clone();
      copy.store(0, 2000, 1);
      expect(copy.size).toBe(1);
      compareReads(map, model, r, 1200);
    });
});
