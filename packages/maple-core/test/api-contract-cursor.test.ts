/**
 * The cursor contract of @maple-tree/core (API.md, MapleState: the kernel's
 * ma_state): what each call returns and where it leaves `index`/`last`,
 * following Linux 6.12's mas_* status machine, on trees with nodes, on an
 * empty tree and on a tree whose only entry (index 0) lives in the root.
 * Imports only from the package entry point.
 */

import { MAPLE_MAX, type MapleState, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';

const TOP = MAPLE_MAX - 9;

/** Slots: [0,9] -, [10,19] a, [20,29] -, [30,39] b, [40,TOP-1] -, [TOP,MAX] top. */
function tree3(): MapleTree<string> {
  const tree = new MapleTree<string>();
  tree.storeRange(10, 19, 'a');
  tree.storeRange(30, 39, 'b');
  tree.storeRange(TOP, MAPLE_MAX, 'top');
  return tree;
}

/** The answer and where the cursor was left. */
function at<V>(mas: MapleState<V>, value: V | undefined): [V | undefined, number, number] {
  return [value, mas.index, mas.last];
}

describe('walk (mas_walk)', () => {
  it('sets index/last to the range holding index, entry or hole', () => {
    const tree = tree3();
    const mas = tree.state(15);
    expect(at(mas, mas.walk())).toEqual(['a', 10, 19]);
    mas.set(0);
    expect(at(mas, mas.walk())).toEqual([undefined, 0, 9]);
    mas.set(MAPLE_MAX);
    expect(at(mas, mas.walk())).toEqual(['top', TOP, MAPLE_MAX]);
    mas.set(TOP - 1);
    expect(at(mas, mas.walk())).toEqual([undefined, 40, TOP - 1]);
  });

  it('on an empty tree and on a root entry', () => {
    const empty = new MapleTree<string>().state(5);
    expect(at(empty, empty.walk())).toEqual([undefined, 0, MAPLE_MAX]);
    const tree = new MapleTree<string>();
    tree.store(0, 'r');
    const mas = tree.state(0);
    expect(at(mas, mas.walk())).toEqual(['r', 0, 0]);
    mas.set(7);
    expect(at(mas, mas.walk())).toEqual([undefined, 1, MAPLE_MAX]);
  });
});

describe('find / findRev (mas_find, mas_find_rev)', () => {
  it('find: entry at or after index, then each next entry, up to max', () => {
    const tree = tree3();
    const mas = tree.state(0);
    expect(at(mas, mas.find(MAPLE_MAX))).toEqual(['a', 10, 19]);
    expect(at(mas, mas.find(MAPLE_MAX))).toEqual(['b', 30, 39]);
    expect(at(mas, mas.find(MAPLE_MAX))).toEqual(['top', TOP, MAPLE_MAX]);
    expect(at(mas, mas.find(MAPLE_MAX))).toEqual([undefined, TOP, MAPLE_MAX]);
    expect(at(mas, mas.find(MAPLE_MAX))).toEqual([undefined, TOP, MAPLE_MAX]);
  });

  it('find stops at max; the cursor keeps the hole it stopped in', () => {
    const tree = tree3();
    const mas = tree.state(12);
    expect(at(mas, mas.find(29))).toEqual(['a', 10, 19]);
    expect(at(mas, mas.find(29))).toEqual([undefined, 20, 29]);
    // A larger max goes on from there.
    expect(at(mas, mas.find(MAPLE_MAX))).toEqual(['b', 30, 39]);
    const past = tree.state(40);
    expect(at(past, past.find(39))).toEqual([undefined, 40, 40]);
  });

  it('findRev: entry at or before index, then each previous entry, down to min', () => {
    const tree = tree3();
    const mas = tree.state(MAPLE_MAX);
    expect(at(mas, mas.findRev(0))).toEqual(['top', TOP, MAPLE_MAX]);
    expect(at(mas, mas.findRev(0))).toEqual(['b', 30, 39]);
    expect(at(mas, mas.findRev(0))).toEqual(['a', 10, 19]);
    expect(at(mas, mas.findRev(0))).toEqual([undefined, 0, 9]);
    const low = tree.state(25);
    expect(at(low, low.findRev(20))).toEqual([undefined, 20, 29]);
  });

  it('on a root entry', () => {
    const tree = new MapleTree<string>();
    tree.store(0, 'r');
    const mas = tree.state(0);
    expect(at(mas, mas.find(MAPLE_MAX))).toEqual(['r', 0, 0]);
    expect(at(mas, mas.find(MAPLE_MAX))).toEqual([undefined, 1, MAPLE_MAX]);
    const rev = tree.state(9);
    expect(at(rev, rev.findRev(0))).toEqual(['r', 0, 0]);
    expect(rev.findRev(0)).toBeUndefined();
    const none = tree.state(5);
    expect(at(none, none.find(MAPLE_MAX))).toEqual([undefined, 1, MAPLE_MAX]);
  });
});

describe('next / prev / nextRange / prevRange (mas_next, mas_prev, mas_*_range)', () => {
  it('next and prev step over holes; underflow and overflow keep the cursor', () => {
    const tree = tree3();
    const mas = tree.state(15);
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['b', 30, 39]);
    expect(at(mas, mas.prev(0))).toEqual(['a', 10, 19]);
    expect(at(mas, mas.prev(0))).toEqual([undefined, 0, 9]);
    // After an underflow the next call steps from the range it stopped in.
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['a', 10, 19]);
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['b', 30, 39]);
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['top', TOP, MAPLE_MAX]);
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual([undefined, TOP, MAPLE_MAX]);
    // After an overflow with no move, prev first answers the range the cursor is on.
    expect(at(mas, mas.prev(0))).toEqual(['top', TOP, MAPLE_MAX]);
    expect(at(mas, mas.prev(0))).toEqual(['b', 30, 39]);
  });

  it('next(max): an entry starting above max is not returned; the hole before it is kept', () => {
    const tree = tree3();
    const mas = tree.state(15);
    expect(at(mas, mas.next(29))).toEqual([undefined, 20, 29]);
    expect(at(mas, mas.next(30))).toEqual(['b', 30, 39]);
    expect(at(mas, mas.next(39))).toEqual([undefined, 30, 39]);
    const low = tree.state(35);
    expect(at(low, low.prev(20))).toEqual([undefined, 20, 29]);
    expect(at(low, low.prev(19))).toEqual(['a', 10, 19]);
  });

  it('nextRange / prevRange visit holes too', () => {
    const tree = tree3();
    const mas = tree.state(15);
    mas.walk();
    expect(at(mas, mas.nextRange(MAPLE_MAX))).toEqual([undefined, 20, 29]);
    expect(at(mas, mas.nextRange(MAPLE_MAX))).toEqual(['b', 30, 39]);
    expect(at(mas, mas.nextRange(MAPLE_MAX))).toEqual([undefined, 40, TOP - 1]);
    expect(at(mas, mas.nextRange(MAPLE_MAX))).toEqual(['top', TOP, MAPLE_MAX]);
    expect(at(mas, mas.nextRange(MAPLE_MAX))).toEqual([undefined, TOP, MAPLE_MAX]);
    mas.set(15);
    expect(at(mas, mas.prevRange(0))).toEqual([undefined, 0, 9]);
    expect(at(mas, mas.prevRange(0))).toEqual([undefined, 0, 9]);
  });

  it('on an empty tree nothing is found and the cursor spans everything', () => {
    const mas = new MapleTree<string>().state(5);
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual([undefined, 0, MAPLE_MAX]);
    mas.set(5);
    expect(at(mas, mas.prev(0))).toEqual([undefined, 0, MAPLE_MAX]);
    mas.set(5);
    expect(at(mas, mas.find(MAPLE_MAX))).toEqual([undefined, 0, MAPLE_MAX]);
  });

  it('on a root entry: prev from above finds it, next from it finds nothing', () => {
    const tree = new MapleTree<string>();
    tree.store(0, 'r');
    const mas = tree.state(5);
    expect(at(mas, mas.prev(0))).toEqual(['r', 0, 0]);
    expect(at(mas, mas.prev(0))).toEqual([undefined, 0, 0]);
    // After an underflow the kernel's mas_next walks to index first: the entry there is the answer.
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['r', 0, 0]);
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual([undefined, 1, MAPLE_MAX]);
    const range = tree.state(0);
    expect(at(range, range.nextRange(MAPLE_MAX))).toEqual([undefined, 1, MAPLE_MAX]);
  });

  it('keys above 2^32 and ranges ending at MAPLE_MAX, across many leaves', () => {
    const tree = new MapleTree<number>();
    const base = 2 ** 45;
    for (let i = 0; i < 400; i++) tree.storeRange(base + i * 1000, base + i * 1000 + 499, i);
    tree.store(MAPLE_MAX, -1);
    const mas = tree.state(0);
    const seen: number[] = [];
    for (let v = mas.find(MAPLE_MAX); v !== undefined; v = mas.find(MAPLE_MAX)) seen.push(v);
    expect(seen).toEqual([...Array.from({ length: 400 }, (_, i) => i), -1]);
    expect([mas.index, mas.last]).toEqual([MAPLE_MAX, MAPLE_MAX]);
    const back: number[] = [];
    for (let v = mas.prev(0); v !== undefined; v = mas.prev(0)) back.push(v);
    expect(back).toEqual(Array.from({ length: 400 }, (_, i) => 399 - i));
    expect([mas.index, mas.last]).toEqual([0, base - 1]);
  });
});

describe('pause / reset / set / setRange (mas_pause, mas_reset, mas_set, mas_set_range)', () => {
  it('pause: find resumes after last, findRev before index', () => {
    const tree = tree3();
    const mas = tree.state(0);
    expect(mas.find(MAPLE_MAX)).toBe('a');
    mas.pause();
    expect(at(mas, mas.find(MAPLE_MAX))).toEqual(['b', 30, 39]);
    const rev = tree.state(MAPLE_MAX);
    expect(rev.findRev(0)).toBe('top');
    rev.pause();
    expect(at(rev, rev.findRev(0))).toEqual(['b', 30, 39]);
  });

  it('pause: next and prev walk again to the range and step from it', () => {
    const tree = tree3();
    const mas = tree.state(15);
    mas.walk();
    mas.pause();
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['b', 30, 39]);
    mas.pause();
    expect(at(mas, mas.prev(0))).toEqual(['a', 10, 19]);
  });

  it('reset keeps index/last and walks again: find answers the same entry again', () => {
    const tree = tree3();
    const mas = tree.state(0);
    expect(mas.find(MAPLE_MAX)).toBe('a');
    expect(mas.reset()).toBe(mas);
    expect([mas.index, mas.last]).toEqual([10, 19]);
    expect(at(mas, mas.find(MAPLE_MAX))).toEqual(['a', 10, 19]);
  });

  it('after set, a call that stops at its limit before walking leaves no old position to step from', () => {
    // The kernel clears mas->node in mas_set and would step from nothing here.
    // The cursor goes on from the range it was set to, as after a write: the
    // next answer is the range holding last + 1 (index - 1 going back).
    const tree = tree3();
    const mas = tree.state(0);
    expect(mas.find(MAPLE_MAX)).toBe('a');
    mas.set(35);
    expect(at(mas, mas.next(1))).toEqual([undefined, 35, 35]);
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['b', 30, 39]);
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['top', TOP, MAPLE_MAX]);
    const back = tree.state(MAPLE_MAX);
    expect(back.walk()).toBe('top');
    back.setRange(15, 16);
    expect(at(back, back.prev(20))).toEqual([undefined, 15, 16]);
    expect(at(back, back.prev(0))).toEqual(['a', 10, 19]);
    expect(back.prev(0)).toBeUndefined();
    back.set(45);
    expect(back.prev(50)).toBeUndefined();
    expect(at(back, back.prev(0))).toEqual(['b', 30, 39]);
  });

  it('set and setRange move the cursor and restart it', () => {
    const tree = tree3();
    const mas = tree.state(0);
    expect(mas.find(MAPLE_MAX)).toBe('a');
    expect(mas.set(35)).toBe(mas);
    expect([mas.index, mas.last]).toEqual([35, 35]);
    expect(at(mas, mas.find(MAPLE_MAX))).toEqual(['b', 30, 39]);
    expect(mas.setRange(20, 25)).toBe(mas);
    expect([mas.index, mas.last]).toEqual([20, 25]);
    mas.store('x');
    expect(tree.load(25)).toBe('x');
    expect(tree.load(26)).toBeUndefined();
  });
});

describe('store / erase through the cursor (mas_store, mas_erase)', () => {
  it('store writes [index, last]; the cursor stays on it and steps from it', () => {
    const tree = tree3();
    const mas = tree.state(22, 24);
    mas.store('x');
    expect([mas.index, mas.last]).toEqual([22, 24]);
    expect(mas.next(MAPLE_MAX)).toBe('b');
    mas.setRange(22, 24);
    mas.store('y');
    expect(mas.prev(0)).toBe('a');
  });

  it('storing undefined widens the range over the holes beside it', () => {
    const tree = tree3();
    const mas = tree.state(10, 19);
    mas.store(undefined);
    expect([mas.index, mas.last]).toEqual([0, 29]);
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['b', 30, 39]);
  });

  it('erase removes the whole range holding index and reports the widened hole', () => {
    const tree = tree3();
    const mas = tree.state(15);
    expect(mas.erase()).toBe('a');
    expect([mas.index, mas.last]).toEqual([0, 29]);
    expect(tree.load(10)).toBeUndefined();
    expect(mas.erase()).toBeUndefined();
    mas.set(MAPLE_MAX);
    expect(mas.erase()).toBe('top');
    expect([mas.index, mas.last]).toEqual([40, MAPLE_MAX]);
    expect([...tree].map((e) => e.value)).toEqual(['b']);
  });

  it('a loop erasing each entry it finds visits every entry once', () => {
    const tree = new MapleTree<number>();
    for (let i = 0; i < 300; i++) tree.storeRange(i * 5, i * 5 + 2, i);
    const mas = tree.state(0);
    const seen: number[] = [];
    for (let v = mas.find(MAPLE_MAX); v !== undefined; v = mas.find(MAPLE_MAX)) {
      seen.push(v);
      mas.erase();
    }
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(tree.isEmpty).toBe(true);
  });
});

describe('a cursor goes on after the range it returned when the tree is written', () => {
  it('find / next continue after last even when a write split the returned range', () => {
    const tree = tree3();
    const mas = tree.state(0);
    expect(mas.find(MAPLE_MAX)).toBe('a');
    tree.store(15, 'inside'); // inside the range already returned
    tree.erase(30);
    // The kernel walks again from its save point, last, so [15, 15] is not returned.
    expect(at(mas, mas.find(MAPLE_MAX))).toEqual(['top', TOP, MAPLE_MAX]);
  });

  it('a range written across last is the next answer, not skipped (as mas_find after mas_pause)', () => {
    const tree = tree3();
    const mas = tree.state(15);
    expect(mas.walk()).toBe('a');
    tree.storeRange(17, 25, 'across');
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['across', 17, 25]);
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['b', 30, 39]);
    tree.storeRange(5, 32, 'under');
    expect(at(mas, mas.prev(0))).toEqual(['under', 5, 32]);
    const range = tree.state(33);
    expect(at(range, range.walk())).toEqual(['b', 33, 39]);
    tree.storeRange(36, 50, undefined);
    expect(at(range, range.nextRange(MAPLE_MAX))).toEqual([undefined, 36, TOP - 1]);
    const find = tree.state(0);
    expect(find.find(MAPLE_MAX)).toBe('under');
    tree.storeRange(30, 40, 'x');
    expect(at(find, find.find(MAPLE_MAX))).toEqual(['x', 30, 40]);
  });

  it('next after a write inside the current range', () => {
    const tree = tree3();
    const mas = tree.state(15);
    mas.walk();
    tree.store(17, 'q');
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['b', 30, 39]);
  });

  it('findRev(min) at index = min underflows, even when a write made the range reach below min', () => {
    const tree = new MapleTree<string>();
    tree.storeRange(10, 19, 'a');
    tree.storeRange(30, 39, 'b');
    const still = tree.state(15);
    still.walk();
    expect(at(still, still.findRev(10))).toEqual([undefined, 10, 19]);
    const mas = tree.state(15);
    expect(mas.walk()).toBe('a');
    tree.storeRange(5, 12, 'x'); // the range holding 10 now reaches down to 5
    // As mas_prev_slot: nothing at or above min lies below the cursor's range.
    expect(at(mas, mas.findRev(10))).toEqual([undefined, 10, 19]);
    // Below a lower min, that range is the next answer.
    expect(at(mas, mas.findRev(0))).toEqual(['x', 5, 12]);
  });

  it('prev / findRev continue before index', () => {
    const tree = tree3();
    const mas = tree.state(35);
    mas.walk();
    tree.store(37, 'q');
    tree.store(5, 'low');
    expect(at(mas, mas.prev(0))).toEqual(['a', 10, 19]);
    const rev = tree.state(35);
    expect(rev.findRev(0)).toBe('b');
    tree.store(32, 'r');
    expect(at(rev, rev.findRev(0))).toEqual(['a', 10, 19]);
  });

  it('new entries after the cursor are found, and ones behind it are not', () => {
    const tree = tree3();
    const mas = tree.state(0);
    expect(mas.find(MAPLE_MAX)).toBe('a');
    tree.store(5, 'behind');
    tree.store(25, 'ahead');
    expect(mas.find(MAPLE_MAX)).toBe('ahead');
    expect(mas.find(MAPLE_MAX)).toBe('b');
    tree.clear();
    expect(mas.find(MAPLE_MAX)).toBeUndefined();
  });
});

describe('emptyArea / emptyAreaRev on the cursor', () => {
  it('sets index/last to the fit; next/prev step from it', () => {
    const tree = tree3();
    const mas = tree.state(0);
    expect(mas.emptyArea(0, MAPLE_MAX, 5)).toBe(true);
    expect([mas.index, mas.last]).toEqual([0, 4]);
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['a', 10, 19]);
    expect(mas.emptyAreaRev(0, MAPLE_MAX, 5)).toBe(true);
    expect([mas.index, mas.last]).toEqual([TOP - 5, TOP - 1]);
    expect(at(mas, mas.next(MAPLE_MAX))).toEqual(['top', TOP, MAPLE_MAX]);
    expect(mas.emptyAreaRev(0, 35, 10)).toBe(true);
    expect([mas.index, mas.last]).toEqual([20, 29]);
    // The kernel sets last to index - 1 here (mas_prev_slot after a gap search);
    // the contract's "range of the last answer" is the entry's own range.
    expect(at(mas, mas.prev(0))).toEqual(['a', 10, 19]);
  });

  it('no fit: false, and index/last are left alone', () => {
    const tree = tree3();
    const mas = tree.state(12, 13);
    expect(mas.emptyArea(10, 19, 1)).toBe(false);
    expect(mas.emptyAreaRev(0, 29, 11)).toBe(false);
    expect([mas.index, mas.last]).toEqual([12, 13]);
  });

  it('a found area can be stored into', () => {
    const tree = new MapleTree<string>({ allocRange: true });
    tree.store(0, 'r');
    const mas = tree.state(0);
    expect(mas.emptyArea(0, MAPLE_MAX, 3)).toBe(true);
    expect([mas.index, mas.last]).toEqual([1, 3]);
    mas.store('x');
    expect(mas.emptyAreaRev(0, MAPLE_MAX, MAPLE_MAX - 3)).toBe(true);
    expect([mas.index, mas.last]).toEqual([4, MAPLE_MAX]);
    mas.store('y');
    expect([...tree].map((e) => [e.first, e.last, e.value])).toEqual([
      [0, 0, 'r'],
      [1, 3, 'x'],
      [4, MAPLE_MAX, 'y'],
    ]);
    tree.validate();
  });
});
