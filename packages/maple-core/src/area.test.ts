import { describe, expect, it } from 'vitest';
import { expectValid } from '../test/helpers.js';
import { RangeModel } from '../test/model.js';
import { MAPLE_MAX } from './errors.js';
import { MapleTree } from './tree.js';

describe('empty-area search', () => {
  it('answers the same on gap-tracking and plain trees, and as brute force', () => {
    const alloc = new MapleTree<number>({ allocRange: true });
    const plain = new MapleTree<number>();
    const model = new RangeModel<number>();
    let seed = 3;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      const a = rnd(100_000);
      const b = a + rnd(60);
      const v = rnd(5) === 0 ? undefined : i;
      alloc.storeRange(a, b, v);
      plain.storeRange(a, b, v);
      model.store(a, b, v);
    }
    expectValid(alloc);
    for (let q = 0; q < 300; q++) {
      const min = rnd(100_000);
      const max = min + rnd(20_000);
      const size = 1 + rnd(40);
      if (size > max - min + 1) continue;
      for (const rev of [false, true]) {
        const want = model.emptyArea(min, max, size, rev);
        expect(rev ? alloc.emptyAreaRev(min, max, size) : alloc.emptyArea(min, max, size)).toBe(want);
        expect(rev ? plain.emptyAreaRev(min, max, size) : plain.emptyArea(min, max, size)).toBe(want);
      }
    }
  });

  it('reverse search: windows ending anywhere in a node, fits one index wide, and no fit', () => {
    // Ranges six wide, gaps of four, every 13th gap 24 wide (the benchmark's layout, denser).
    const alloc = new MapleTree<number>({ allocRange: true });
    const plain = new MapleTree<number>();
    const model = new RangeModel<number>();
    let at = 0;
    for (let i = 0; i < 2000; i++) {
      alloc.storeRange(at, at + 5, i);
      plain.storeRange(at, at + 5, i);
      model.store(at, at + 5, i);
      at += 6 + (i % 13 === 12 ? 24 : 4);
    }
    expectValid(alloc);
    for (let max = 0; max < at; max += 7) {
      for (const [span, size] of [
        [0, 1],
        [200, 4],
        [400, 24],
        [400, 25],
        [max, 25],
      ] as const) {
        const min = Math.max(0, max - span);
        if (size > max - min + 1) continue;
        const want = model.emptyArea(min, max, size, true);
        expect(alloc.emptyAreaRev(min, max, size)).toBe(want);
        expect(plain.emptyAreaRev(min, max, size)).toBe(want);
      }
    }
    expect(alloc.emptyAreaRev(0, at - 1, 25)).toBeUndefined();
  });

  it('handles the empty tree, the root entry and the top of the index space', () => {
    const t = new MapleTree<number>({ allocRange: true });
    expect(t.emptyArea(0, MAPLE_MAX, 10)).toBe(0);
    expect(t.emptyAreaRev(0, MAPLE_MAX, 10)).toBe(MAPLE_MAX - 9);
    t.store(0, 1);
    expect(t.emptyArea(0, 10, 10)).toBe(1);
    expect(t.emptyArea(0, 9, 10)).toBeUndefined();
    expect(t.emptyAreaRev(0, 10, 10)).toBe(1);
    t.storeRange(MAPLE_MAX - 5, MAPLE_MAX, 2);
    expect(t.emptyAreaRev(0, MAPLE_MAX, 3)).toBe(MAPLE_MAX - 8);
    expect(t.emptyArea(MAPLE_MAX - 7, MAPLE_MAX, 2)).toBe(MAPLE_MAX - 7);
    expect(t.emptyArea(MAPLE_MAX - 7, MAPLE_MAX, 3)).toBeUndefined();
    expect(t.emptyArea(0, MAPLE_MAX, MAPLE_MAX - 6)).toBe(1);
  });

  it('allocRange / allocRangeRev store at the lowest / highest fit and report no room', () => {
    const t = new MapleTree<string>({ allocRange: true });
    t.storeRange(0, 99, 'low');
    t.storeRange(200, 299, 'mid');
    expect(t.allocRange('a', 50, 0, 1000)).toBe(100);
    expect(t.allocRange('b', 60, 0, 1000)).toBe(300);
    expect(t.allocRangeRev('c', 10, 0, 1000)).toBe(991);
    expect(t.allocRangeRev('d', 50, 0, 199)).toBe(150);
    expect(t.allocRange('e', 1, 0, 199)).toBeUndefined();
    expect(t.load(100)).toBe('a');
    expect(t.load(359)).toBe('b');
    expect(t.load(1000)).toBe('c');
    expect(t.load(199)).toBe('d');
    expectValid(t);
  });

  it('keeps gaps exact through splits, spanning stores and rebalances (validate checks them)', () => {
    const t = new MapleTree<number>({ allocRange: true });
    for (let i = 0; i < 2000; i++) t.storeRange(i * 8, i * 8 + 3, i);
    expectValid(t);
    expect(t.emptyArea(0, MAPLE_MAX, 5)).toBe(1999 * 8 + 4);
    t.storeRange(800, 4000, undefined);
    expectValid(t);
    // The NULL store joins the empty run before it: [796, 4000] is empty.
    expect(t.emptyArea(0, MAPLE_MAX, 100)).toBe(796);
    expect(t.emptyAreaRev(0, 7999, 100)).toBe(4000 - 99);
    for (let i = 0; i < 1000; i++) t.erase(i * 16 + 4000);
    expectValid(t);
  });
});
