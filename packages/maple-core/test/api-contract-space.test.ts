/**
 * The public contract of @maple-tree/core (shared/design/API.md), continued
 * from api-contract.test.ts: gap searches and allocation, clone and clear,
 * bulk building and node limits, from the package entry point only.
 */

import { MAPLE_MAX, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { all, BIG, code } from './contract-helpers.js';

describe('emptyArea / emptyAreaRev (mas_empty_area, mas_empty_area_rev)', () => {
  for (const allocRange of [false, true]) {
    describe(allocRange ? 'gap-tracking tree' : 'plain tree', () => {
      it('an empty tree: size 1, the whole space, and windows at both ends', () => {
        const tree = new MapleTree<string>({ allocRange });
        expect(tree.emptyArea(0, MAPLE_MAX, 1)).toBe(0);
        expect(tree.emptyAreaRev(0, MAPLE_MAX, 1)).toBe(MAPLE_MAX);
        expect(tree.emptyArea(0, MAPLE_MAX, MAPLE_MAX)).toBe(0);
        expect(tree.emptyAreaRev(0, MAPLE_MAX, MAPLE_MAX)).toBe(1);
        expect(tree.emptyArea(MAPLE_MAX, MAPLE_MAX, 1)).toBe(MAPLE_MAX);
        expect(tree.emptyAreaRev(0, 0, 1)).toBe(0);
        expect(tree.emptyArea(5, 9, 5)).toBe(5);
        expect(tree.emptyAreaRev(5, 9, 5)).toBe(5);
      });

      it('a root entry at 0 takes index 0 only', () => {
        const tree = new MapleTree<string>({ allocRange });
        tree.store(0, 'r');
        expect(tree.emptyArea(0, MAPLE_MAX, 1)).toBe(1);
        expect(tree.emptyArea(0, 0, 1)).toBeUndefined();
        expect(tree.emptyArea(0, 1, 2)).toBeUndefined();
        expect(tree.emptyArea(0, 1, 1)).toBe(1);
        expect(tree.emptyAreaRev(0, 0, 1)).toBeUndefined();
        expect(tree.emptyAreaRev(0, MAPLE_MAX, MAPLE_MAX)).toBe(1);
        expect(tree.emptyArea(0, MAPLE_MAX, MAPLE_MAX)).toBe(1);
      });

      it('fits between, before and after entries; a window inside one entry has none', () => {
        const tree = new MapleTree<string>({ allocRange });
        tree.storeRange(10, 19, 'a');
        tree.storeRange(30, 39, 'b');
        tree.storeRange(MAPLE_MAX - 9, MAPLE_MAX, 'top');
        expect(tree.emptyArea(0, MAPLE_MAX, 10)).toBe(0);
        expect(tree.emptyArea(0, MAPLE_MAX, 11)).toBe(40);
        expect(tree.emptyArea(5, MAPLE_MAX, 10)).toBe(20);
        expect(tree.emptyArea(12, 29, 10)).toBe(20);
        expect(tree.emptyArea(12, 28, 10)).toBeUndefined();
        expect(tree.emptyArea(12, 17, 1)).toBeUndefined();
        expect(tree.emptyArea(MAPLE_MAX - 9, MAPLE_MAX, 1)).toBeUndefined();
        expect(tree.emptyAreaRev(0, MAPLE_MAX, 1)).toBe(MAPLE_MAX - 10);
        expect(tree.emptyAreaRev(0, 39, 10)).toBe(20);
        expect(tree.emptyAreaRev(0, 29, 10)).toBe(20);
        expect(tree.emptyAreaRev(0, 29, 11)).toBeUndefined();
        expect(tree.emptyAreaRev(0, 19, 10)).toBe(0);
        expect(tree.emptyAreaRev(0, 35, 10)).toBe(20);
        expect(tree.emptyAreaRev(0, 9, 10)).toBe(0);
        expect(code(() => tree.emptyAreaRev(0, 8, 10))).toBe('EINVAL'); // size > max - min + 1
        expect(tree.emptyAreaRev(40, MAPLE_MAX - 10, MAPLE_MAX - 49)).toBe(40);
        expect(tree.emptyArea(40, MAPLE_MAX - 10, MAPLE_MAX - 49)).toBe(40);
        expect(tree.emptyArea(40, MAPLE_MAX, MAPLE_MAX - 48)).toBeUndefined();
      });

      it('size equal to the window is a fit only when the whole window is empty', () => {
        const tree = new MapleTree<string>({ allocRange });
        tree.store(100, 'x');
        expect(tree.emptyArea(0, 99, 100)).toBe(0);
        expect(tree.emptyAreaRev(0, 99, 100)).toBe(0);
        expect(tree.emptyArea(0, 100, 101)).toBeUndefined();
        expect(tree.emptyArea(101, MAPLE_MAX, MAPLE_MAX - 100)).toBe(101);
        expect(tree.emptyAreaRev(101, MAPLE_MAX, MAPLE_MAX - 100)).toBe(101);
      });

      it('no room is undefined (-EBUSY) and changes nothing', () => {
        const tree = new MapleTree<string>({ allocRange });
        for (let i = 0; i < 200; i++) tree.storeRange(i * 10, i * 10 + 8, `v${i}`);
        const before = tree.dump();
        expect(tree.emptyArea(0, 1999, 2)).toBeUndefined();
        expect(tree.emptyAreaRev(0, 1999, 2)).toBeUndefined();
        expect(tree.emptyArea(0, 1999, 1)).toBe(9);
        expect(tree.emptyAreaRev(0, 1999, 1)).toBe(1999);
        expect(tree.emptyAreaRev(0, 1998, 1)).toBe(1989);
        expect(tree.dump()).toBe(before);
      });
    });
  }
});

describe('allocRange / allocRangeRev (mtree_alloc_range, mtree_alloc_rrange)', () => {
  it('stores in the lowest / highest fit and returns its start', () => {
    const tree = new MapleTree<string>({ allocRange: true });
    expect(tree.allocRange('a', 10, 0, MAPLE_MAX)).toBe(0);
    expect(tree.allocRange('b', 1, 0, MAPLE_MAX)).toBe(10);
    expect(tree.allocRangeRev('c', 1, 0, MAPLE_MAX)).toBe(MAPLE_MAX);
    expect(tree.allocRangeRev('d', 2, 0, MAPLE_MAX)).toBe(MAPLE_MAX - 2);
    expect(tree.allocRangeRev('e', 5, 0, 20)).toBe(16);
    expect(all(tree)).toEqual([
      [0, 9, 'a'],
      [10, 10, 'b'],
      [16, 20, 'e'],
      [MAPLE_MAX - 2, MAPLE_MAX - 1, 'd'],
      [MAPLE_MAX, MAPLE_MAX, 'c'],
    ]);
    tree.validate();
  });

  it('no room returns undefined and leaves the tree as it was', () => {
    const tree = new MapleTree<string>({ allocRange: true });
    tree.storeRange(0, 100, 'full');
    const before = tree.dump();
    expect(tree.allocRange('x', 1, 0, 100)).toBeUndefined();
    expect(tree.allocRangeRev('x', 1, 50, 100)).toBeUndefined();
    expect(tree.dump()).toBe(before);
  });

  it('on a tree made without allocRange: EINVAL, tree unchanged', () => {
    const tree = new MapleTree<string>();
    tree.store(5, 'x');
    const before = tree.dump();
    expect(code(() => tree.allocRange('a', 1, 0, 10))).toBe('EINVAL');
    expect(code(() => tree.allocRangeRev('a', 1, 0, 10))).toBe('EINVAL');
    expect(tree.dump()).toBe(before);
  });

  it('size 1 at the very top and the whole space', () => {
    const tree = new MapleTree<string>({ allocRange: true });
    expect(tree.allocRange('all', MAPLE_MAX, 1, MAPLE_MAX)).toBe(1);
    expect(tree.allocRange('zero', 1, 0, MAPLE_MAX)).toBe(0);
    expect(tree.allocRangeRev('none', 1, 0, MAPLE_MAX)).toBeUndefined();
    expect(tree.size).toBe(2);
  });
});

describe('clone / clear / properties', () => {
  it('clone (__mt_dup) is independent of the original, with the same entries and options', () => {
    const tree = new MapleTree<string>({ allocRange: true });
    for (let i = 0; i < 300; i++) tree.storeRange(i * 4, i * 4 + 1, `v${i}`);
    const copy = tree.clone();
    expect(copy).toBeInstanceOf(MapleTree);
    expect(all(copy)).toEqual(all(tree));
    expect(copy.height).toBe(tree.height);
    expect(copy.nodeCount).toBe(tree.nodeCount);
    copy.storeRange(0, 1000, 'big');
    tree.erase(4);
    expect(copy.load(4)).toBe('big');
    expect(tree.load(4)).toBeUndefined();
    expect(tree.load(8)).toBe('v2');
    // [1000, 1001] held v250: the big store left it [1001, 1001].
    expect(copy.allocRange('a', 1, 0, MAPLE_MAX)).toBe(1002);
    copy.validate();
    tree.validate();
  });

  it('clear (mtree_destroy) empties the tree, which stays usable', () => {
    const tree = new MapleTree<string>({ allocRange: true });
    for (let i = 0; i < 500; i++) tree.store(i * 3, `v${i}`);
    tree.clear();
    expect(tree.isEmpty).toBe(true);
    expect(tree.size).toBe(0);
    expect(tree.height).toBe(0);
    expect(tree.nodeCount).toBe(0);
    expect([...tree]).toEqual([]);
    expect(tree.load(3)).toBeUndefined();
    expect(tree.emptyArea(0, MAPLE_MAX, MAPLE_MAX)).toBe(0);
    tree.clear();
    expect(tree.allocRange('a', 2, 0, 10)).toBe(0);
    expect(all(tree)).toEqual([[0, 1, 'a']]);
    tree.validate();
  });

  it('size counts stored ranges; height and nodeCount follow mt_height and the nodes', () => {
    const tree = new MapleTree<number>();
    expect([tree.size, tree.height, tree.nodeCount, tree.isEmpty]).toEqual([0, 0, 0, true]);
    tree.store(7, 1);
    expect([tree.size, tree.height, tree.nodeCount, tree.isEmpty]).toEqual([1, 1, 1, false]);
    for (let i = 0; i < 1000; i++) tree.store(i * 2, i);
    expect(tree.size).toBe(1001);
    expect(tree.height).toBeGreaterThan(1);
    expect(tree.nodeCount).toBeGreaterThan(tree.height);
    tree.storeRange(0, 999, undefined);
    expect(tree.size).toBe(500);
    tree.storeRange(0, MAPLE_MAX, undefined);
    expect([tree.size, tree.height, tree.nodeCount, tree.isEmpty]).toEqual([0, 0, 0, true]);
  });

  it('validate passes on good trees; dump is a string naming the entries', () => {
    const tree = new MapleTree<string>();
    tree.validate();
    tree.storeRange(BIG, BIG + 3, 'dumped');
    tree.validate();
    const text = tree.dump();
    expect(typeof text).toBe('string');
    expect(text).toContain('dumped');
  });
});

describe('MapleTree.from (bulk build from sorted entries)', () => {
  it('builds the same contents as storing one by one, with options', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({ first: i * 10, last: i * 10 + 4, value: i }));
    entries.push({ first: MAPLE_MAX, last: MAPLE_MAX, value: -1 });
    const tree = MapleTree.from(entries, { allocRange: true });
    expect(all(tree)).toEqual(entries.map((e) => [e.first, e.last, e.value]));
    expect(tree.size).toBe(1001);
    expect(tree.allocRange(7, 5, 0, MAPLE_MAX)).toBe(5);
    tree.validate();
    const fromIterable = MapleTree.from(new Set(entries));
    expect(all(fromIterable)).toEqual(all(MapleTree.from(entries)));
  });

  it('a lone entry at 0 and an empty input', () => {
    const root = MapleTree.from([{ first: 0, last: 0, value: 'r' }]);
    expect(all(root)).toEqual([[0, 0, 'r']]);
    expect(root.load(0)).toBe('r');
    const empty = MapleTree.from<string>([]);
    expect(empty.isEmpty).toBe(true);
  });

  it('rejects unsorted, overlapping and malformed entries with EINVAL', () => {
    const bad: unknown[][] = [
      [
        { first: 5, last: 6, value: 1 },
        { first: 1, last: 2, value: 2 },
      ],
      [
        { first: 1, last: 5, value: 1 },
        { first: 5, last: 6, value: 2 },
      ],
      [{ first: 6, last: 5, value: 1 }],
      [{ first: -1, last: 5, value: 1 }],
      [{ first: 0, last: MAPLE_MAX + 1, value: 1 }],
      [{ first: 0.5, last: 1, value: 1 }],
      [{ first: '1', last: 2, value: 1 }],
      [null],
      [5],
    ];
    for (const entries of [null, 5, { length: 1 }]) {
      expect(code(() => MapleTree.from(entries as never))).toBe('EINVAL');
    }
    for (const entries of bad) expect(code(() => MapleTree.from(entries as never))).toBe('EINVAL');
  });
});

describe('maxNodes (ENOMEM)', () => {
  it('a store needing more nodes than maxNodes throws ENOMEM and changes nothing', () => {
    const tree = new MapleTree<number>({ maxNodes: 1 });
    let i = 0;
    let failed: string | undefined;
    let before = '';
    for (; i < 100; i++) {
      before = tree.dump();
      failed = code(() => tree.store(i * 2, i));
      if (failed !== undefined) break;
    }
    expect(failed).toBe('ENOMEM');
    expect(tree.dump()).toBe(before);
    expect(tree.size).toBe(i);
    expect(tree.load(i * 2)).toBeUndefined();
    tree.validate();
    // Writes that need no new node still work.
    tree.store(0, -1);
    expect(tree.load(0)).toBe(-1);
  });

  it('a bulk build over maxNodes is ENOMEM', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({ first: i * 2, last: i * 2, value: i }));
    expect(code(() => MapleTree.from(entries, { maxNodes: 2 }))).toBe('ENOMEM');
    expect(MapleTree.from(entries, { maxNodes: 1000 }).size).toBe(1000);
  });

  it('maxNodes 0 holds only a root entry', () => {
    const tree = new MapleTree<number>({ maxNodes: 0 });
    tree.store(0, 1);
    expect(code(() => tree.store(1, 2))).toBe('ENOMEM');
    expect(all(tree)).toEqual([[0, 0, 1]]);
  });
});
