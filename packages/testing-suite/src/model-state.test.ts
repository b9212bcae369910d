// The cursor model against cursor walks whose answers the kernel's own tests
// state (lib/test_maple_tree.c next_prev_test, check_rev_find, check_iteration).
import { MAPLE_MAX } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { MapleModel } from './model.js';

/** Entries [10i, 10i+5] = i for i = 0..n. */
function tens(n: number): MapleModel<number> {
  const m = new MapleModel<number>();
  for (let i = 0; i <= n; i++) m.storeRange(i * 10, i * 10 + 5, i);
  return m;
}

describe('ModelState', () => {
  it('steps next and prev from an empty slot', () => {
    const s = tens(200).state(686);
    expect(s.walk()).toBeUndefined();
    expect([s.index, s.last]).toEqual([686, 689]);
    expect(s.next(1000)).toBe(69);
    expect(s.prev(0)).toBe(68);
    expect([s.index, s.last]).toEqual([680, 685]);
    expect(s.next(1000)).toBe(69);
    expect(s.next(1000)).toBe(70);
  });

  it('runs off the end into the last empty slot and back', () => {
    const s = tens(200).state(2000);
    expect(s.walk()).toBe(200);
    expect(s.next(MAPLE_MAX)).toBeUndefined();
    expect([s.index, s.last, s.status]).toEqual([2006, MAPLE_MAX, 'overflow']);
    expect(s.prev(0)).toBe(200);
    expect([s.index, s.last]).toEqual([2000, 2005]);
  });

  it('underflows at the first entry and keeps its range', () => {
    const m = tens(200);
    const s = m.state(10);
    expect(s.walk()).toBe(1);
    expect(s.prev(0)).toBe(0);
    expect(s.prev(0)).toBeUndefined();
    expect([s.index, s.last, s.status]).toEqual([0, 5, 'underflow']);
    m.storeRange(0, 5, undefined);
    s.set(10);
    s.walk();
    expect(s.prev(0)).toBeUndefined();
    expect([s.index, s.last]).toEqual([0, 9]);
  });

  it('prev stops at min', () => {
    const s = tens(16).state(80);
    expect(s.walk()).toBe(8);
    expect(s.prev(76)).toBeUndefined();
  });

  it('findRev returns the entry at index first, then earlier ones', () => {
    const s = tens(200).state(1000);
    expect(s.findRev(1000)).toBe(100);
    expect(s.findRev(1000)).toBeUndefined();
    s.set(999);
    expect(s.findRev(997)).toBeUndefined();
    s.set(1000);
    expect(s.findRev(900)).toBe(100);
    expect(s.findRev(900)).toBe(99);
    s.set(20);
    expect([s.findRev(0), s.findRev(0), s.findRev(0), s.findRev(0)]).toEqual([2, 1, 0, undefined]);
  });

  it('find resumes after a store through the cursor', () => {
    const m = new MapleModel<number>();
    for (let i = 0; i <= 125; i++) m.storeRange(i * 10, i * 10 + 9, i);
    const s = m.state(0);
    let i = 0;
    for (let v = s.find(925); v !== undefined; v = s.find(925)) {
      expect([s.index, s.last]).toEqual([i * 10, i * 10 + 9]);
      if (i === 92) {
        s.index = 925;
        s.last = 929;
        s.store(v);
      }
      i++;
    }
    expect(s.find(MAPLE_MAX)).toBe(93);
  });

  it('pause makes find continue after the last range', () => {
    const m = tens(5);
    const s = m.state(0);
    const seen: number[] = [];
    for (let v = s.find(MAPLE_MAX); v !== undefined; v = s.find(MAPLE_MAX)) {
      seen.push(v);
      s.pause();
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('nextRange and prevRange visit empty slots too', () => {
    const s = tens(2).state(0);
    expect(s.walk()).toBe(0);
    expect(s.nextRange(100)).toBeUndefined();
    expect([s.index, s.last]).toEqual([6, 9]);
    expect(s.nextRange(100)).toBe(1);
    expect(s.prevRange(0)).toBeUndefined();
    expect([s.index, s.last]).toEqual([6, 9]);
  });

  it('emptyArea leaves the cursor on the found run', () => {
    const s = tens(3).state(0);
    expect(s.emptyArea(0, 100, 4)).toBe(true);
    expect([s.index, s.last]).toEqual([6, 9]);
    expect(s.emptyAreaRev(0, 29, 4)).toBe(true);
    expect([s.index, s.last]).toEqual([26, 29]);
    expect(s.emptyArea(0, 35, 5)).toBe(false);
  });
});
