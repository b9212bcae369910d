/**
 * The public contract of @maple-tree/core (shared/design/API.md), checked from
 * outside: everything here comes from the package entry point only, as a user
 * would import it. Each block names the kernel function whose documented
 * behaviour it pins (lib/maple_tree.c, Linux 6.12). Gap searches, clone and
 * clear, bulk building and node limits are in api-contract-space.test.ts,
 * cursor behaviour in api-contract-cursor.test.ts, bad arguments in
 * api-contract-args.test.ts.
 */

import { MAPLE_MAX, type MapleEntry, MapleError, MapleState, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';

import { all, BIG, code } from './contract-helpers.js';

describe('exports', () => {
  it('MAPLE_MAX is the largest exact integer, 2^53 - 1', () => {
    expect(MAPLE_MAX).toBe(2 ** 53 - 1);
    expect(Number.isSafeInteger(MAPLE_MAX)).toBe(true);
  });

  it('MapleError is an Error with a readonly errno code', () => {
    const tree = new MapleTree<number>();
    let caught: unknown;
    try {
      tree.load(-1);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught).toBeInstanceOf(MapleError);
    expect((caught as MapleError).code).toBe('EINVAL');
    expect((caught as MapleError).message).toMatch(/EINVAL/);
  });

  it('tree.state() returns a MapleState', () => {
    expect(new MapleTree<number>().state(3)).toBeInstanceOf(MapleState);
  });
});

describe('options (mt_init_flags)', () => {
  it('accepts allocRange, rcu and maxNodes (Infinity: no cap, the default)', () => {
    const all = [
      {},
      { allocRange: true },
      { rcu: true },
      { maxNodes: 10 },
      { maxNodes: Number.POSITIVE_INFINITY },
    ];
    for (const options of [...all, undefined]) {
      const tree = new MapleTree<number>(options);
      tree.storeRange(10, 20, 1);
      expect(tree.load(15)).toBe(1);
    }
  });

  it('rejects options of the wrong type with EINVAL', () => {
    const bad: unknown[] = [
      null,
      5,
      { allocRange: 'yes' },
      { allocRange: 1 },
      { rcu: 'true' },
      { rcu: 0 },
      { maxNodes: -1 },
      { maxNodes: 1.5 },
      { maxNodes: Number.NaN },
      { maxNodes: Number.NEGATIVE_INFINITY },
      { maxNodes: '10' },
    ];
    for (const options of bad) {
      expect(code(() => new MapleTree<number>(options as never))).toBe('EINVAL');
      expect(code(() => MapleTree.from<number>([], options as never))).toBe('EINVAL');
    }
  });
});

describe('load / store / storeRange (mtree_load, mtree_store, mtree_store_range)', () => {
  it('stores ranges, inclusive at both ends', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(10, 20, 'a');
    expect(tree.load(9)).toBeUndefined();
    expect(tree.load(10)).toBe('a');
    expect(tree.load(20)).toBe('a');
    expect(tree.load(21)).toBeUndefined();
  });

  it('a store over part of a range splits it; the rest keeps its value', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(0, 100, 'a');
    tree.storeRange(40, 60, 'b');
    expect(all(tree)).toEqual([
      [0, 39, 'a'],
      [40, 60, 'b'],
      [61, 100, 'a'],
    ]);
    expect(tree.size).toBe(3);
  });

  it('storing undefined erases exactly that range', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(0, 100, 'a');
    tree.storeRange(40, 60, undefined);
    expect(all(tree)).toEqual([
      [0, 39, 'a'],
      [61, 100, 'a'],
    ]);
    tree.store(0, undefined);
    expect(all(tree)).toEqual([
      [1, 39, 'a'],
      [61, 100, 'a'],
    ]);
  });

  it('adjacent ranges with the same value stay separate entries (no merging)', () => {
    const tree = new MapleTree<string>();
    tree.store(1, 'a');
    tree.store(2, 'a');
    tree.storeRange(3, 9, 'a');
    expect(all(tree)).toEqual([
      [1, 1, 'a'],
      [2, 2, 'a'],
      [3, 9, 'a'],
    ]);
    expect(tree.size).toBe(3);
  });

  it('any value but undefined is an entry: null, 0, false, "" and NaN are stored', () => {
    const tree = new MapleTree<unknown>();
    const values = [null, 0, false, '', Number.NaN, {}];
    values.forEach((v, i) => {
      tree.store(i, v);
    });
    expect(tree.size).toBe(values.length);
    values.forEach((v, i) => {
      expect(Object.is(tree.load(i), v)).toBe(true);
    });
  });

  it('0 and -0 are different values: a store over or beside one keeps the other', () => {
    const tree = new MapleTree<number>();
    tree.storeRange(0, 10, 0);
    tree.store(5, -0);
    tree.storeRange(10, 20, -0);
    expect(Object.is(tree.load(5), -0)).toBe(true);
    expect(Object.is(tree.load(4), 0)).toBe(true);
    expect(Object.is(tree.load(6), 0)).toBe(true);
    expect(Object.is(tree.load(15), -0)).toBe(true);
    tree.storeRange(15, 30, 0);
    expect(Object.is(tree.load(14), -0)).toBe(true);
    expect(Object.is(tree.load(30), 0)).toBe(true);
    tree.storeRange(40, 50, Number.NaN);
    tree.storeRange(45, 60, Number.NaN);
    expect(Number.isNaN(tree.load(42))).toBe(true);
    expect(Number.isNaN(tree.load(60))).toBe(true);
  });

  it('a single entry at index 0 lives in the root (height 0, no node)', () => {
    const tree = new MapleTree<string>();
    tree.store(0, 'zero');
    expect(tree.height).toBe(0);
    expect(tree.nodeCount).toBe(0);
    expect(tree.size).toBe(1);
    expect(tree.isEmpty).toBe(false);
    expect(tree.load(0)).toBe('zero');
    expect(tree.load(1)).toBeUndefined();
    expect(tree.load(MAPLE_MAX)).toBeUndefined();
    expect(all(tree)).toEqual([[0, 0, 'zero']]);
    tree.store(1, 'one');
    expect(tree.height).toBe(1);
    expect(all(tree)).toEqual([
      [0, 0, 'zero'],
      [1, 1, 'one'],
    ]);
  });

  it('ranges touching 0 and MAPLE_MAX, and keys above 2^31 and 2^32', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(MAPLE_MAX - 1, MAPLE_MAX, 'top');
    tree.storeRange(0, 1, 'bottom');
    tree.storeRange(2 ** 31 - 1, 2 ** 31, 'smi edge');
    tree.storeRange(2 ** 32 - 1, 2 ** 32 + 1, 'u32 edge');
    expect(tree.load(MAPLE_MAX)).toBe('top');
    expect(tree.load(MAPLE_MAX - 1)).toBe('top');
    expect(tree.load(MAPLE_MAX - 2)).toBeUndefined();
    expect(tree.load(2 ** 31)).toBe('smi edge');
    expect(tree.load(2 ** 31 + 1)).toBeUndefined();
    expect(tree.load(2 ** 32)).toBe('u32 edge');
    expect(all(tree)).toEqual([
      [0, 1, 'bottom'],
      [2 ** 31 - 1, 2 ** 31, 'smi edge'],
      [2 ** 32 - 1, 2 ** 32 + 1, 'u32 edge'],
      [MAPLE_MAX - 1, MAPLE_MAX, 'top'],
    ]);
    tree.validate();
  });

  it('one range over the whole index space', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(0, MAPLE_MAX, 'all');
    expect(tree.load(0)).toBe('all');
    expect(tree.load(MAPLE_MAX)).toBe('all');
    expect(all(tree)).toEqual([[0, MAPLE_MAX, 'all']]);
    expect(tree.emptyArea(0, MAPLE_MAX, 1)).toBeUndefined();
    tree.storeRange(0, MAPLE_MAX, undefined);
    expect(tree.isEmpty).toBe(true);
    expect(tree.size).toBe(0);
    expect(all(tree)).toEqual([]);
  });

  it('-0 is index 0', () => {
    const tree = new MapleTree<string>();
    tree.store(-0, 'z');
    expect(tree.load(0)).toBe('z');
  });
});

describe('insert / insertRange (mtree_insert, mtree_insert_range)', () => {
  it('inserts into empty ranges and refuses any overlap with false (-EEXIST), tree unchanged', () => {
    const tree = new MapleTree<string>();
    expect(tree.insertRange(10, 20, 'a')).toBe(true);
    const before = tree.dump();
    expect(tree.insertRange(0, 10, 'b')).toBe(false);
    expect(tree.insertRange(20, 30, 'b')).toBe(false);
    expect(tree.insertRange(0, MAPLE_MAX, 'b')).toBe(false);
    expect(tree.insert(15, 'b')).toBe(false);
    expect(tree.dump()).toBe(before);
    expect(tree.insertRange(0, 9, 'c')).toBe(true);
    expect(tree.insertRange(21, MAPLE_MAX, 'd')).toBe(true);
    expect(all(tree)).toEqual([
      [0, 9, 'c'],
      [10, 20, 'a'],
      [21, MAPLE_MAX, 'd'],
    ]);
    expect(tree.emptyArea(0, MAPLE_MAX, 1)).toBeUndefined();
  });

  it('insert at 0, at MAPLE_MAX and above 2^32', () => {
    const tree = new MapleTree<number>();
    expect(tree.insert(0, 1)).toBe(true);
    expect(tree.insert(0, 2)).toBe(false);
    expect(tree.insert(MAPLE_MAX, 3)).toBe(true);
    expect(tree.insert(MAPLE_MAX, 4)).toBe(false);
    expect(tree.insert(BIG, 5)).toBe(true);
    expect(all(tree)).toEqual([
      [0, 0, 1],
      [BIG, BIG, 5],
      [MAPLE_MAX, MAPLE_MAX, 3],
    ]);
  });

  it('inserting undefined is EINVAL (the kernel refuses a NULL insert), tree unchanged', () => {
    const tree = new MapleTree<string>();
    tree.store(3, 'x');
    const before = tree.dump();
    expect(code(() => tree.insert(5, undefined as unknown as string))).toBe('EINVAL');
    expect(code(() => tree.insertRange(5, 9, undefined as unknown as string))).toBe('EINVAL');
    expect(tree.dump()).toBe(before);
  });
});

describe('erase (mtree_erase)', () => {
  it('erases the whole range holding the index and returns its value', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(10, 20, 'a');
    tree.storeRange(21, 30, 'b');
    expect(tree.erase(15)).toBe('a');
    expect(all(tree)).toEqual([[21, 30, 'b']]);
    expect(tree.erase(15)).toBeUndefined();
    expect(tree.erase(30)).toBe('b');
    expect(tree.isEmpty).toBe(true);
  });

  it('on an empty tree, the root entry, and at MAPLE_MAX', () => {
    const tree = new MapleTree<string>();
    expect(tree.erase(0)).toBeUndefined();
    expect(tree.erase(MAPLE_MAX)).toBeUndefined();
    tree.store(0, 'root');
    expect(tree.erase(1)).toBeUndefined();
    expect(tree.erase(0)).toBe('root');
    expect(tree.isEmpty).toBe(true);
    tree.storeRange(BIG, MAPLE_MAX, 'top');
    expect(tree.erase(BIG - 1)).toBeUndefined();
    expect(tree.erase(MAPLE_MAX)).toBe('top');
    expect(tree.size).toBe(0);
  });
});

describe('find / next / prev (mt_find, mt_next, mt_prev)', () => {
  const tree = new MapleTree<string>();
  tree.storeRange(10, 19, 'a');
  tree.storeRange(30, 39, 'b');
  tree.storeRange(BIG, BIG + 9, 'c');
  tree.store(MAPLE_MAX, 'top');

  it('find: the first entry overlapping [index, max]', () => {
    expect(tree.find(0)).toEqual({ first: 10, last: 19, value: 'a' });
    expect(tree.find(15)).toEqual({ first: 10, last: 19, value: 'a' });
    expect(tree.find(20)).toEqual({ first: 30, last: 39, value: 'b' });
    expect(tree.find(20, 29)).toBeUndefined();
    expect(tree.find(20, 30)).toEqual({ first: 30, last: 39, value: 'b' });
    expect(tree.find(40)).toEqual({ first: BIG, last: BIG + 9, value: 'c' });
    expect(tree.find(BIG + 10)).toEqual({ first: MAPLE_MAX, last: MAPLE_MAX, value: 'top' });
    expect(tree.find(MAPLE_MAX)).toEqual({ first: MAPLE_MAX, last: MAPLE_MAX, value: 'top' });
    expect(tree.find(BIG + 10, MAPLE_MAX - 1)).toBeUndefined();
    expect(tree.find(5, 5)).toBeUndefined();
  });

  it('next: the first entry after the range holding index, starting at most at max', () => {
    expect(tree.next(0)).toEqual({ first: 10, last: 19, value: 'a' });
    expect(tree.next(10)).toEqual({ first: 30, last: 39, value: 'b' });
    expect(tree.next(19)).toEqual({ first: 30, last: 39, value: 'b' });
    expect(tree.next(25)).toEqual({ first: 30, last: 39, value: 'b' });
    expect(tree.next(25, 29)).toBeUndefined();
    expect(tree.next(25, 30)).toEqual({ first: 30, last: 39, value: 'b' });
    expect(tree.next(BIG)).toEqual({ first: MAPLE_MAX, last: MAPLE_MAX, value: 'top' });
    expect(tree.next(MAPLE_MAX)).toBeUndefined();
    // MAPLE_MAX - 1 lies in the hole before the top entry, which starts at MAPLE_MAX <= max.
    expect(tree.next(MAPLE_MAX - 1)).toEqual({ first: MAPLE_MAX, last: MAPLE_MAX, value: 'top' });
    expect(tree.next(MAPLE_MAX - 1, MAPLE_MAX - 1)).toBeUndefined();
    // mt_next with max below index: nothing (the kernel's mas_next overflows).
    expect(tree.next(30, 20)).toBeUndefined();
  });

  it('prev: the last entry before the range holding index, ending at least at min', () => {
    expect(tree.prev(MAPLE_MAX)).toEqual({ first: BIG, last: BIG + 9, value: 'c' });
    expect(tree.prev(MAPLE_MAX - 1)).toEqual({ first: BIG, last: BIG + 9, value: 'c' });
    expect(tree.prev(BIG + 5)).toEqual({ first: 30, last: 39, value: 'b' });
    expect(tree.prev(35)).toEqual({ first: 10, last: 19, value: 'a' });
    expect(tree.prev(25)).toEqual({ first: 10, last: 19, value: 'a' });
    expect(tree.prev(25, 20)).toBeUndefined();
    expect(tree.prev(25, 19)).toEqual({ first: 10, last: 19, value: 'a' });
    expect(tree.prev(15)).toBeUndefined();
    expect(tree.prev(0)).toBeUndefined();
    // mt_prev with min above index: nothing (mas_prev underflows).
    expect(tree.prev(30, 40)).toBeUndefined();
  });

  it('on an empty tree and on a tree holding only index 0', () => {
    const empty = new MapleTree<string>();
    expect(empty.find(0)).toBeUndefined();
    expect(empty.next(0)).toBeUndefined();
    expect(empty.prev(MAPLE_MAX)).toBeUndefined();
    const root = new MapleTree<string>();
    root.store(0, 'r');
    expect(root.find(0)).toEqual({ first: 0, last: 0, value: 'r' });
    expect(root.find(1)).toBeUndefined();
    expect(root.next(0)).toBeUndefined();
    expect(root.prev(0)).toBeUndefined();
    expect(root.prev(1)).toEqual({ first: 0, last: 0, value: 'r' });
    expect(root.prev(MAPLE_MAX)).toEqual({ first: 0, last: 0, value: 'r' });
    // The kernel's mt_prev on a root entry ignores min (it returns the entry
    // for any min below index); the contract's "ending at least at min" wins.
    expect(root.prev(MAPLE_MAX, 1)).toBeUndefined();
  });
});

describe('entries / forEach / iteration (mt_for_each)', () => {
  function build(): MapleTree<string> {
    const tree = new MapleTree<string>();
    tree.storeRange(0, 4, 'a');
    tree.storeRange(10, 19, 'b');
    tree.storeRange(BIG, BIG + 1, 'c');
    tree.storeRange(MAPLE_MAX - 5, MAPLE_MAX, 'd');
    return tree;
  }

  it('yields every entry in order, with its whole range', () => {
    const tree = build();
    const expected = [
      [0, 4, 'a'],
      [10, 19, 'b'],
      [BIG, BIG + 1, 'c'],
      [MAPLE_MAX - 5, MAPLE_MAX, 'd'],
    ];
    expect(all(tree)).toEqual(expected);
    expect([...tree.entries()].map((e) => [e.first, e.last, e.value])).toEqual(expected);
    const seen: unknown[] = [];
    tree.forEach((value, first, last) => {
      seen.push([first, last, value]);
    });
    expect(seen).toEqual(expected);
  });

  it('a window yields the entries overlapping it, unclipped', () => {
    const tree = build();
    const inWindow = (first: number, last: number) =>
      [...tree.entries(first, last)].map((e: MapleEntry<string>) => e.value);
    expect(inWindow(3, 10)).toEqual(['a', 'b']);
    expect(inWindow(5, 9)).toEqual([]);
    expect(inWindow(19, BIG)).toEqual(['b', 'c']);
    expect(inWindow(MAPLE_MAX, MAPLE_MAX)).toEqual(['d']);
    expect(inWindow(0, 0)).toEqual(['a']);
    expect([...tree.entries(12, 12)]).toEqual([{ first: 10, last: 19, value: 'b' }]);
    const seen: string[] = [];
    tree.forEach(
      (v) => {
        seen.push(v);
      },
      19,
      BIG,
    );
    expect(seen).toEqual(['b', 'c']);
  });

  it('an empty tree and a root entry', () => {
    const tree = new MapleTree<string>();
    expect([...tree]).toEqual([]);
    tree.store(0, 'r');
    expect([...tree.entries(0, 0)]).toEqual([{ first: 0, last: 0, value: 'r' }]);
    expect([...tree.entries(1, MAPLE_MAX)]).toEqual([]);
    const seen: number[] = [];
    tree.forEach((_v, first) => {
      seen.push(first);
    }, 1);
    expect(seen).toEqual([]);
  });

  it('an iterator continues after the last range it returned when the tree is written', () => {
    const tree = build();
    const it = tree.entries();
    expect(it.next().value).toEqual({ first: 0, last: 4, value: 'a' });
    tree.storeRange(2, 12, 'x'); // overlaps what was returned and what is next
    tree.store(7, 'y');
    tree.erase(BIG);
    const rest = [];
    for (let r = it.next(); !r.done; r = it.next()) rest.push([r.value.first, r.value.last, r.value.value]);
    // Resumes at index 5: the whole range holding it, then on.
    expect(rest).toEqual([
      [2, 6, 'x'],
      [7, 7, 'y'],
      [8, 12, 'x'],
      [13, 19, 'b'],
      [MAPLE_MAX - 5, MAPLE_MAX, 'd'],
    ]);
  });

  it('forEach continues after the range it gave the callback when the callback writes', () => {
    const tree = build();
    const seen: [number, number, string][] = [];
    tree.forEach((value, first, last) => {
      seen.push([first, last, value]);
      if (value === 'a') {
        tree.erase(10);
        tree.store(6, 'new');
      }
      if (value === 'new') tree.storeRange(MAPLE_MAX, MAPLE_MAX, 'top');
    });
    expect(seen).toEqual([
      [0, 4, 'a'],
      [6, 6, 'new'],
      [BIG, BIG + 1, 'c'],
      [MAPLE_MAX - 5, MAPLE_MAX - 1, 'd'],
      [MAPLE_MAX, MAPLE_MAX, 'top'],
    ]);
  });

  it('each step returns its own result: results kept by the caller do not change', () => {
    const tree = build();
    const it = tree.entries();
    const results = [it.next(), it.next(), it.next(), it.next(), it.next(), it.next()];
    expect(results.map((r) => r.done)).toEqual([false, false, false, false, true, true]);
    expect(results.map((r) => r.value?.value)).toEqual(['a', 'b', 'c', 'd', undefined, undefined]);
    expect(results[0]?.value).toEqual({ first: 0, last: 4, value: 'a' });
  });

  it('an iterator that returned the entry at MAPLE_MAX is done, whatever is written after', () => {
    const tree = new MapleTree<string>();
    tree.store(MAPLE_MAX, 'top');
    const it = tree.entries();
    expect(it.next().value).toEqual({ first: MAPLE_MAX, last: MAPLE_MAX, value: 'top' });
    tree.store(5, 'late');
    expect(it.next().done).toBe(true);
    expect(it.next().done).toBe(true);
  });

  it('an iterator on a root entry goes on past index 0 when the tree grows', () => {
    const tree = new MapleTree<string>();
    tree.store(0, 'r');
    const it = tree.entries();
    expect(it.next().value).toEqual({ first: 0, last: 0, value: 'r' });
    tree.store(9, 'n');
    expect(it.next().value).toEqual({ first: 9, last: 9, value: 'n' });
    expect(it.next().done).toBe(true);
  });
});
