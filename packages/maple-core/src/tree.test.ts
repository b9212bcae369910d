import { describe, expect, it } from 'vitest';
import { contents, expectValid } from '../test/helpers.js';
import { RangeModel } from '../test/model.js';
import { MAPLE_MAX, MapleError } from './errors.js';
import { MapleTree } from './tree.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof MapleError ? error.code : 'not a MapleError';
  }
  return undefined;
}

describe('kernel shapes', () => {
  // lib/test_maple_tree.c pins these node counts for sequential single-index inserts.
  it('0..1000 in order: 73 nodes, height 3 (plain)', () => {
    const t = new MapleTree<number>();
    for (let i = 0; i <= 1000; i++) expect(t.insert(i, i)).toBe(true);
    expectValid(t);
    expect(t.nodeCount).toBe(73);
    expect(t.height).toBe(3);
    expect(t.size).toBe(1001);
  });

  it('0..1000 in order: 76 nodes, height 3 (gap tracking)', () => {
    const t = new MapleTree<number>({ allocRange: true });
    for (let i = 0; i <= 1000; i++) t.insert(i, i);
    expectValid(t);
    expect(t.nodeCount).toBe(76);
    expect(t.height).toBe(3);
  });

  it('1000..0 in reverse: 76 nodes, height 3 (gap tracking)', () => {
    const t = new MapleTree<number>({ allocRange: true });
    for (let i = 1000; i >= 0; i--) t.insert(i, i);
    expectValid(t);
    expect(t.nodeCount).toBe(76);
    expect(t.height).toBe(3);
  });
});

describe('root entry and height', () => {
  it('keeps a lone entry at 0 in the root (height 0, no node)', () => {
    const t = new MapleTree<string>();
    expect(t.isEmpty).toBe(true);
    t.store(0, 'a');
    expect(t.height).toBe(0);
    expect(t.nodeCount).toBe(0);
    expect(t.load(0)).toBe('a');
    expect(t.load(1)).toBeUndefined();
    expectValid(t);
    t.store(5, 'b');
    expect(t.height).toBe(1);
    expect(t.nodeCount).toBe(1);
    expect(contents(t)).toBe('0-0:a,5-5:b');
    expectValid(t);
  });

  it('storing [0, MAPLE_MAX] collapses the tree to one leaf; NULL over that leaf is an exact fit', () => {
    const t = new MapleTree<number>();
    for (let i = 0; i < 300; i++) t.storeRange(i * 10, i * 10 + 5, i);
    expect(t.height).toBeGreaterThan(1);
    t.storeRange(0, MAPLE_MAX, 7);
    expect(t.height).toBe(1);
    expect(t.nodeCount).toBe(1);
    expect(t.load(123456)).toBe(7);
    expectValid(t);
    // As in the kernel: exact fit is checked before new root, so the leaf stays with one empty slot.
    t.storeRange(0, MAPLE_MAX, undefined);
    expect(t.height).toBe(1);
    expect(t.size).toBe(0);
    expect(t.isEmpty).toBe(true);
    expectValid(t);
    // With more than one range in the leaf the same store is a new-root store: no node left.
    t.store(5, 1);
    t.storeRange(0, MAPLE_MAX, undefined);
    expect(t.height).toBe(0);
    expect(t.nodeCount).toBe(0);
    expectValid(t);
  });

  it('the retire queue is kept across ordinary writes and given back after clearing a large tree', () => {
    const t = new MapleTree<number>();
    for (let i = 0; i < 20000; i++) t.storeRange(i * 4, i * 4 + 1, i);
    const queue = t.core.retired;
    t.clear();
    // More than a thousand nodes went at once: the queue's storage is not kept.
    expect(queue.length).toBe(0);
    expect(t.core.retiredCount).toBe(0);
    for (let i = 0; i < 200; i++) t.storeRange(i * 4, i * 4 + 1, i);
    t.storeRange(0, MAPLE_MAX, undefined);
    // A small write that retires nodes leaves them in the kept array (no new array per write).
    expect(queue.length).toBeGreaterThan(0);
    expect(queue.length).toBeLessThanOrEqual(1024);
    expect(t.isEmpty).toBe(true);
    expectValid(t);
  });

  it('erasing everything one by one shrinks the tree back to nothing', () => {
    const t = new MapleTree<number>({ allocRange: true });
    for (let i = 1; i <= 500; i++) t.store(i * 3, i);
    for (let i = 1; i <= 500; i++) {
      expect(t.erase(i * 3)).toBe(i);
      if (i % 50 === 0) expectValid(t, `erase ${i * 3}`);
    }
    expect(t.isEmpty).toBe(true);
    expect(t.height).toBe(0);
    expect(t.nodeCount).toBe(0);
  });
});

describe('normal API', () => {
  it('stores ranges, merges adjacent empty ranges, and answers loads', () => {
    const t = new MapleTree<string>();
    t.storeRange(10, 19, 'x');
    t.storeRange(30, 39, 'y');
    t.storeRange(15, 34, undefined);
    expect(contents(t)).toBe('10-14:x,35-39:y');
    expect(t.load(14)).toBe('x');
    expect(t.load(15)).toBeUndefined();
    expect(t.load(35)).toBe('y');
    expectValid(t);
  });

  it('insert refuses any overlap (kernel -EEXIST) and leaves the tree unchanged', () => {
    const t = new MapleTree<number>();
    expect(t.insertRange(10, 20, 1)).toBe(true);
    const before = t.dump();
    expect(t.insertRange(20, 30, 2)).toBe(false);
    expect(t.insertRange(0, 10, 2)).toBe(false);
    expect(t.insert(15, 2)).toBe(false);
    expect(t.dump()).toBe(before);
    expect(t.insertRange(21, 30, 2)).toBe(true);
    expect(t.insert(0, 0)).toBe(true);
    expect(t.insert(0, 9)).toBe(false);
    expect(contents(t)).toBe('0-0:0,10-20:1,21-30:2');
  });

  it('erase removes the whole range holding the index and returns its value', () => {
    const t = new MapleTree<string>();
    t.storeRange(100, 200, 'r');
    expect(t.erase(150)).toBe('r');
    expect(t.erase(150)).toBeUndefined();
    expect(t.isEmpty).toBe(true);
    t.store(0, 'z');
    expect(t.erase(0)).toBe('z');
    expect(t.isEmpty).toBe(true);
  });

  it('find agrees with the model at every index of a three-level tree, in and between leaves', () => {
    for (const allocRange of [false, true]) {
      const t = new MapleTree<number>({ allocRange });
      const model = new RangeModel<number>();
      // Ranges of 1..4 indices, gaps of 0..6: empty slots inside leaves and at their ends.
      let at = 3;
      for (let i = 0; i < 1500; i++) {
        const last = at + (i % 4);
        t.storeRange(at, last, i);
        model.store(at, last, i);
        at = last + 1 + ((i * 5) % 7);
      }
      expect(t.height).toBeGreaterThanOrEqual(3);
      for (let x = 0; x <= at + 2; x++) {
        for (const max of [x, x + 3, x + 9, MAPLE_MAX]) {
          const got = t.find(x, max);
          const want = model.find(x, max);
          expect(got && { first: got.first, last: got.last, value: got.value }).toEqual(
            want && { first: want.first, last: want.last, value: want.value },
          );
        }
      }
    }
  });

  it('find, next and prev follow mt_find / mt_next / mt_prev', () => {
    const t = new MapleTree<string>();
    t.storeRange(10, 19, 'a');
    t.storeRange(40, 49, 'b');
    t.storeRange(80, 89, 'c');
    expect(t.find(0)).toEqual({ first: 10, last: 19, value: 'a' });
    expect(t.find(15)).toEqual({ first: 10, last: 19, value: 'a' });
    expect(t.find(20, 39)).toBeUndefined();
    expect(t.find(20, 40)).toEqual({ first: 40, last: 49, value: 'b' });
    expect(t.next(15)).toEqual({ first: 40, last: 49, value: 'b' });
    expect(t.next(40, 79)).toBeUndefined();
    expect(t.next(40)).toEqual({ first: 80, last: 89, value: 'c' });
    expect(t.next(85)).toBeUndefined();
    expect(t.prev(85)).toEqual({ first: 40, last: 49, value: 'b' });
    expect(t.prev(85, 50)).toBeUndefined();
    expect(t.prev(12)).toBeUndefined();
  });

  it('entries, forEach and for..of walk ranges in order, bounded', () => {
    const t = new MapleTree<number>();
    for (let i = 0; i < 100; i++) t.storeRange(i * 10, i * 10 + 4, i);
    expect([...t].length).toBe(100);
    expect([...t.entries(23, 51)].map((e) => e.value)).toEqual([2, 3, 4, 5]);
    const seen: number[] = [];
    t.forEach(
      (v, first, last) => {
        seen.push(v, first, last);
      },
      900,
      1000,
    );
    expect(seen).toEqual([
      90, 900, 904, 91, 910, 914, 92, 920, 924, 93, 930, 934, 94, 940, 944, 95, 950, 954, 96, 960, 964, 97,
      970, 974, 98, 980, 984, 99, 990, 994,
    ]);
  });

  it('forEach agrees with entries across leaves, goes on after ranges its callback rewrites, and nests', () => {
    const t = new MapleTree<number>();
    for (let i = 0; i < 3000; i++) t.storeRange(i * 10, i * 10 + 4, i);
    for (const [a, b] of [
      [0, MAPLE_MAX],
      [7, 7],
      [5, 9],
      [1234, 20_003],
      [29_994, MAPLE_MAX],
    ] as const) {
      const seen: number[][] = [];
      t.forEach(
        (v, first, last) => {
          seen.push([v, first, last]);
        },
        a,
        b,
      );
      expect(seen).toEqual([...t.entries(a, b)].map((e) => [e.value, e.first, e.last]));
    }
    // Writes from the callback: erase ahead, store behind; the walk continues after the given range.
    const got: number[] = [];
    let inner = 0;
    t.forEach((v, first) => {
      got.push(v);
      if (v % 100 === 0) t.erase(first + 10);
      if (v === 1500) t.storeRange(0, 4, -1);
      if (v === 2000) {
        t.forEach(
          () => {
            inner++;
          },
          0,
          99,
        );
      }
    });
    const want = Array.from({ length: 3000 }, (_, i) => i).filter((i) => i % 100 !== 1);
    expect(got).toEqual(want);
    expect(inner).toBe(9);
    expect(t.load(0)).toBe(-1);
  });

  it('an iterator continues after the last range it returned when the tree changes under it', () => {
    const t = new MapleTree<number>();
    for (let i = 0; i < 200; i++) t.store(i * 2, i);
    const it = t.entries();
    const got: number[] = [];
    for (let r = it.next(); !r.done; r = it.next()) {
      got.push(r.value.first);
      if (r.value.first === 100) {
        t.store(101, -1); // ahead of the iterator: seen
        t.store(50, -2); // behind it: not seen
        for (let k = 102; k < 300; k += 2) t.erase(k); // rebuilds nodes under the iterator
      }
    }
    expect(got.slice(0, 51)).toEqual(Array.from({ length: 51 }, (_, i) => i * 2));
    expect(got.slice(51)).toEqual([101, ...Array.from({ length: 50 }, (_, i) => 300 + i * 2)]);
  });

  it('clear empties the tree', () => {
    const t = new MapleTree<number>({ allocRange: true });
    for (let i = 0; i < 1000; i++) t.store(i, i);
    t.clear();
    expect(t.isEmpty).toBe(true);
    expect(t.size).toBe(0);
    expect(t.nodeCount).toBe(0);
    expectValid(t);
  });

  it('clone copies shape and contents; the two trees are independent', () => {
    const t = new MapleTree<number>({ allocRange: true });
    for (let i = 0; i < 700; i++) t.storeRange(i * 4, i * 4 + 1, i);
    const c = t.clone();
    expectValid(c);
    expect(c.nodeCount).toBe(t.nodeCount);
    expect(c.height).toBe(t.height);
    expect(c.dump().replace(/#\d+/g, '#')).toBe(t.dump().replace(/#\d+/g, '#'));
    c.store(1, 99);
    expect(t.load(1)).toBe(0);
    expect(c.load(1)).toBe(99);
    t.erase(0);
    expect(c.load(0)).toBe(0);
  });

  it('from builds a tree from sorted entries and rejects unsorted ones', () => {
    const t = MapleTree.from([
      { first: 1, last: 2, value: 'a' },
      { first: 5, last: 9, value: 'b' },
    ]);
    expect(contents(t)).toBe('1-2:a,5-9:b');
    expect(
      codeOf(() =>
        MapleTree.from([
          { first: 5, last: 9, value: 'b' },
          { first: 1, last: 2, value: 'a' },
        ]),
      ),
    ).toBe('EINVAL');
  });

  it('dump shows types, ranges and values', () => {
    const t = new MapleTree<string>({ allocRange: true });
    for (let i = 0; i < 40; i++) t.storeRange(i * 10, i * 10 + 3, `v${i}`);
    const text = t.dump();
    expect(text).toMatch(/^maple tree: height 2, \d+ nodes, 40 entries, gap tracking/);
    expect(text).toContain('arange_64');
    expect(text).toContain('leaf_64');
    expect(text).toContain('[0, 3] "v0"');
    expect(text).toContain('gap ');
  });
});

describe('bad input', () => {
  const bad: unknown[] = [
    -1,
    0.5,
    Number.NaN,
    MAPLE_MAX + 1,
    Number.POSITIVE_INFINITY,
    '3',
    null,
    undefined,
    3n,
  ];

  it.each(bad)('rejects index %s with EINVAL and changes nothing', (b) => {
    const t = new MapleTree<number>();
    t.storeRange(5, 10, 1);
    const before = t.dump();
    const x = b as number;
    expect(codeOf(() => t.load(x))).toBe('EINVAL');
    expect(codeOf(() => t.store(x, 2))).toBe('EINVAL');
    expect(codeOf(() => t.storeRange(x, 20, 2))).toBe('EINVAL');
    expect(codeOf(() => t.storeRange(0, x, 2))).toBe('EINVAL');
    expect(codeOf(() => t.insert(x, 2))).toBe('EINVAL');
    expect(codeOf(() => t.erase(x))).toBe('EINVAL');
    expect(codeOf(() => t.find(x))).toBe('EINVAL');
    expect(codeOf(() => t.next(x))).toBe('EINVAL');
    expect(codeOf(() => t.prev(x))).toBe('EINVAL');
    if (b !== undefined) {
      // undefined is an omitted optional argument here
      expect(codeOf(() => t.entries(x))).toBe('EINVAL');
      expect(codeOf(() => t.state(x))).toBe('EINVAL');
    }
    expect(t.dump()).toBe(before);
  });

  it('rejects first > last and bad gap-search arguments', () => {
    const t = new MapleTree<number>({ allocRange: true });
    expect(codeOf(() => t.storeRange(9, 8, 1))).toBe('EINVAL');
    expect(codeOf(() => t.insertRange(9, 8, 1))).toBe('EINVAL');
    expect(codeOf(() => t.find(9, 8))).toBe('EINVAL');
    expect(codeOf(() => t.emptyArea(10, 5, 1))).toBe('EINVAL');
    expect(codeOf(() => t.emptyArea(0, 5, 0))).toBe('EINVAL');
    expect(codeOf(() => t.emptyArea(0, 5, 7))).toBe('EINVAL');
    expect(codeOf(() => t.emptyAreaRev(0, 5, 1.5))).toBe('EINVAL');
    expect(codeOf(() => t.allocRange(1, 0, 0, 10))).toBe('EINVAL');
    expect(codeOf(() => new MapleTree<number>().allocRange(1, 1, 0, 10))).toBe('EINVAL');
    expect(codeOf(() => new MapleTree<number>({ maxNodes: -1 }))).toBe('EINVAL');
    expect(t.isEmpty).toBe(true);
  });
});
