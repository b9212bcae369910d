/**
 * The public contract of @maple-tree/core (shared/design/API.md), checked from
 * outside: everything here comes from the package entry point only, as a user
 * would import it. Each block names the kernel function whose documented
 * behaviour it pins (lib/maple_tree.c, Linux 6.12). Cursor behaviour is in
 * api-contract-cursor.test.ts, bad arguments in api-contract-args.test.ts.
 */

import { MAPLE_MAX, type MapleEntry, MapleError, MapleState, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';

const BIG = 2 ** 40;

function all<V>(tree: MapleTree<V>): [number, number, V][] {
  return [...tree].map((e) => [e.first, e.last, e.value]);
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof MapleError) return error.code;
    throw error;
  }
  return undefined;
}

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
