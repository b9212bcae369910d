/**
 * The write walk starts at the last write's leaf when a store lies strictly
 * inside it and no write since has moved node bounds or replaced nodes: these
 * interleave such stores with everything that must make the walk start at
 * the root again, and check each result against a fresh model.
 */
import { describe, expect, it } from 'vitest';
import { expectValid, leaves } from '../test/helpers.js';
import { RangeModel } from '../test/model.js';
import { MapleError } from './errors.js';
import { storeStats } from './stats.js';
import { MapleTree } from './tree.js';

function build(allocRange: boolean) {
  const t = new MapleTree<number>({ allocRange });
  const m = new RangeModel<number>();
  for (let i = 0; i < 400; i++) {
    t.storeRange(i * 10, i * 10 + 4, i);
    m.store(i * 10, i * 10 + 4, i);
  }
  return { t, m };
}

function same(t: MapleTree<number>, m: RangeModel<number>, what: string): void {
  expectValid(t, what);
  expect(
    [...t.entries()].map((e) => [e.first, e.last, e.value]),
    what,
  ).toEqual(m.ranges.map((r) => [r.first, r.last, r.value]));
}

describe('write walks that start at the last leaf', () => {
  for (const allocRange of [false, true]) {
    it(`grow and shrink in one leaf, then stores that change the shape in between (allocRange ${allocRange})`, () => {
      const { t, m } = build(allocRange);
      const op = (first: number, last: number, v: number | undefined, what: string) => {
        t.storeRange(first, last, v);
        m.store(first, last, v);
        same(t, m, what);
      };
      for (let round = 0; round < 60; round++) {
        const base = 1000 + (round % 7) * 10; // ranges 100..106, one leaf or two
        op(base, base + 6, round, `grow ${round}`);
        op(base + 5, base + 6, undefined, `shrink ${round}`);
        // Something that moves bounds or replaces nodes, every few rounds.
        switch (round % 5) {
          case 0:
            op(base + 7, base + 8, -round, `fill the hole ${round}`); // may split
            break;
          case 1:
            op(base - 200, base + 300, undefined, `span ${round}`); // spanning NULL store
            for (let j = 0; j < 50; j++)
              op(base - 200 + j * 10, base - 196 + j * 10, j, `refill ${round}.${j}`);
            break;
          case 2:
            op(0, 3000, undefined, `wide erase ${round}`); // rebalance and collapse
            for (let j = 0; j < 400; j++) op(j * 10, j * 10 + 4, j, `rebuild ${round}.${j}`);
            break;
          case 3:
            t.clear();
            m.store(0, Number.MAX_SAFE_INTEGER, undefined);
            for (let j = 0; j < 400; j++) op(j * 10, j * 10 + 4, j, `after clear ${round}.${j}`);
            break;
          default:
            op(base + 2, base + 2, round, `split the range ${round}`);
        }
      }
    });
  }

  it('a spanning store refused for want of nodes leaves no half-walked path behind', () => {
    const { t: tight, m } = build(true);
    // White-box: the budget tightened after the build, to one node more than the tree holds.
    tight.core.maxNodes = tight.nodeCount + 1;
    const k = 1500;
    tight.storeRange(k, k + 5, 7); // inside one leaf: the path is kept
    m.store(k, k + 5, 7);
    const spans = storeStats.spanningStore;
    // A store from the middle of the next leaf into the one after it: its walk leaves the
    // path at the level above the leaves, on another slot, and it needs more nodes than the
    // budget leaves, so it is refused after that walk.
    const ls = leaves(tight);
    const at = ls.findIndex((l) => l.min <= k && k <= l.max);
    const next = ls[at + 1]!;
    const after = ls[at + 2]!;
    const from = Math.floor((next.min + next.max) / 2);
    const to = Math.floor((after.min + after.max) / 2);
    expect(() => tight.storeRange(from, to, 1)).toThrow(MapleError);
    expect(storeStats.spanningStore).toBe(spans);
    tight.core.maxNodes = Number.POSITIVE_INFINITY;
    // Stores in the holes around k until the leaf splits: the split climbs the write path,
    // which must be the one to k's leaf, not the refused walk's.
    const splits = storeStats.splitStore;
    for (let j = 0; j < 12; j++) {
      const at = k + 6 + (j % 3) + 10 * Math.floor(j / 3);
      tight.storeRange(at, at, 100 + j);
      m.store(at, at, 100 + j);
      same(tight, m, `hole store ${j}`);
    }
    expect(storeStats.splitStore).toBeGreaterThan(splits);
  });

  it('two trees writing in turn each walk from their own root', () => {
    const a = build(true);
    const b = build(false);
    for (let j = 0; j < 200; j++) {
      // Same indices in both trees: one tree's path must never serve the other's store.
      const at = 2000 + (j % 9);
      for (const { t, m } of [a, b]) {
        t.storeRange(at, at, j);
        m.store(at, at, j);
        t.storeRange(at, at, undefined);
        m.store(at, at, undefined);
      }
      if (j % 20 === 0) {
        same(a.t, a.m, `a ${j}`);
        same(b.t, b.m, `b ${j}`);
      }
    }
    same(a.t, a.m, 'a');
    same(b.t, b.m, 'b');
  });
});
