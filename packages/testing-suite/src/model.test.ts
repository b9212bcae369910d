// Hand-worked examples for the reference model: each expectation below was
// worked out on paper from API.md's contract, not read back from the model.
import { MAPLE_MAX } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { expectCode } from '../test/kernel/helpers.js';
import { MapleModel } from './model.js';

const all = <V>(m: MapleModel<V>) => [...m].map((e) => [e.first, e.last, e.value]);

describe('MapleModel writes', () => {
  it('splits a range when a store lands inside it', () => {
    const m = new MapleModel<string>();
    m.storeRange(10, 20, 'a');
    m.storeRange(14, 15, 'b');
    expect(all(m)).toEqual([
      [10, 13, 'a'],
      [14, 15, 'b'],
      [16, 20, 'a'],
    ]);
    expect(m.size).toBe(3);
  });

  it('trims both neighbours and swallows what it covers', () => {
    const m = new MapleModel<string>();
    m.storeRange(0, 9, 'a');
    m.storeRange(10, 19, 'b');
    m.storeRange(20, 29, 'c');
    m.storeRange(5, 24, 'x');
    expect(all(m)).toEqual([
      [0, 4, 'a'],
      [5, 24, 'x'],
      [25, 29, 'c'],
    ]);
  });

  it('treats storing undefined as erasing exactly that span', () => {
    const m = new MapleModel<number>();
    m.storeRange(0, 100, 1);
    m.storeRange(40, 59, undefined);
    expect(all(m)).toEqual([
      [0, 39, 1],
      [60, 100, 1],
    ]);
    expect(m.load(40)).toBeUndefined();
    expect(m.load(39)).toBe(1);
  });

  it('keeps adjacent equal values as separate ranges', () => {
    const m = new MapleModel<number>();
    m.store(1, 7);
    m.store(2, 7);
    expect(m.size).toBe(2);
  });

  it('stores falsy values as real entries', () => {
    const m = new MapleModel<unknown>();
    m.store(1, 0);
    m.store(2, null);
    m.store(3, false);
    m.store(4, '');
    expect(m.size).toBe(4);
    expect(m.load(2)).toBeNull();
  });

  it('refuses an insert that touches any entry and changes nothing', () => {
    const m = new MapleModel<string>();
    m.storeRange(10, 15, 'a');
    expect(m.insertRange(15, 20, 'b')).toBe(false);
    expect(m.insertRange(0, 9, 'b')).toBe(true);
    expect(m.insert(16, 'c')).toBe(true);
    expect(m.insert(16, 'd')).toBe(false);
    expect(all(m)).toEqual([
      [0, 9, 'b'],
      [10, 15, 'a'],
      [16, 16, 'c'],
    ]);
  });

  it('erases the whole range holding the index', () => {
    const m = new MapleModel<string>();
    m.storeRange(10, 15, 'a');
    expect(m.erase(12)).toBe('a');
    expect(m.erase(12)).toBeUndefined();
    expect(m.isEmpty).toBe(true);
  });

  it('uses the whole index space, MAPLE_MAX included', () => {
    const m = new MapleModel<string>();
    m.storeRange(MAPLE_MAX - 1, MAPLE_MAX, 'top');
    m.storeRange(0, MAPLE_MAX - 2, 'rest');
    expect(m.load(MAPLE_MAX)).toBe('top');
    m.storeRange(0, MAPLE_MAX, undefined);
    expect(m.isEmpty).toBe(true);
  });
});

describe('MapleModel reads', () => {
  const m = new MapleModel<string>();
  m.storeRange(10, 19, 'a');
  m.storeRange(30, 39, 'b');
  m.storeRange(50, 59, 'c');

  it('find returns the first entry overlapping [index, max]', () => {
    expect(m.find(0)).toEqual({ first: 10, last: 19, value: 'a' });
    expect(m.find(15)).toEqual({ first: 10, last: 19, value: 'a' });
    expect(m.find(20, 29)).toBeUndefined();
    expect(m.find(20, 30)).toEqual({ first: 30, last: 39, value: 'b' });
    expect(m.find(60)).toBeUndefined();
    expectCode(() => m.find(15, 12), 'EINVAL'); // API.md: a reversed range is EINVAL (the kernel returns NULL)
  });

  it('next skips the range holding the index', () => {
    expect(m.next(15)).toEqual({ first: 30, last: 39, value: 'b' });
    expect(m.next(20)).toEqual({ first: 30, last: 39, value: 'b' });
    expect(m.next(20, 29)).toBeUndefined();
    expect(m.next(55)).toBeUndefined();
  });

  it('prev skips the range holding the index', () => {
    expect(m.prev(35)).toEqual({ first: 10, last: 19, value: 'a' });
    expect(m.prev(45)).toEqual({ first: 30, last: 39, value: 'b' });
    expect(m.prev(45, 40)).toBeUndefined();
    expect(m.prev(15)).toBeUndefined();
  });

  it('entries and forEach report overlapping ranges in order', () => {
    expect([...m.entries(15, 30)].map((e) => e.value)).toEqual(['a', 'b']);
    const seen: string[] = [];
    m.forEach(
      (v, f, l) => {
        seen.push(`${v}${f}-${l}`);
      },
      40,
      59,
    );
    expect(seen).toEqual(['c50-59']);
  });

  it('slotAt reports empty runs as slots', () => {
    expect(m.slotAt(0)).toEqual({ first: 0, last: 9, value: undefined });
    expect(m.slotAt(25)).toEqual({ first: 20, last: 29, value: undefined });
    expect(m.slotAt(99)).toEqual({ first: 60, last: MAPLE_MAX, value: undefined });
  });
});

describe('MapleModel gap search', () => {
  const m = new MapleModel<string>({ allocRange: true });
  m.storeRange(10, 19, 'a'); // gaps: [0,9] [20,29] [40,MAX]
  m.storeRange(30, 39, 'b');

  it('finds the lowest and highest starts', () => {
    expect(m.emptyArea(0, 100, 10)).toBe(0);
    expect(m.emptyArea(5, 100, 10)).toBe(20);
    expect(m.emptyArea(5, 100, 11)).toBe(40);
    expect(m.emptyAreaRev(0, 100, 10)).toBe(91);
    expect(m.emptyAreaRev(0, 39, 10)).toBe(20);
    expect(m.emptyAreaRev(0, 28, 10)).toBe(0);
    expect(m.emptyAreaRev(0, 28, 11)).toBeUndefined();
  });

  it('clips the window to [min, max]', () => {
    expect(m.emptyArea(25, 29, 5)).toBe(25);
    expect(m.emptyArea(25, 29, 1)).toBe(25);
    expect(m.emptyAreaRev(20, 24, 5)).toBe(20);
  });

  it('allocRange stores where the search says, or returns undefined', () => {
    const t = m.clone();
    expect(t.allocRange('x', 10, 0, 100)).toBe(0);
    expect(t.allocRangeRev('y', 10, 0, 100)).toBe(91);
    expect(t.allocRange('z', 11, 0, 39)).toBeUndefined();
    expect(t.load(95)).toBe('y');
    expect(m.load(95)).toBeUndefined(); // the clone is independent
  });

  it('allocRange needs a gap-tracking tree', () => {
    expectCode(() => new MapleModel<string>().allocRange('x', 1, 0, 10), 'EINVAL');
  });

  it('rejects bad arguments with EINVAL', () => {
    expectCode(() => m.emptyArea(10, 5, 1), 'EINVAL');
    expectCode(() => m.emptyArea(0, 5, 0), 'EINVAL');
    expectCode(() => m.emptyArea(0, 5, 7), 'EINVAL');
    expectCode(() => m.storeRange(5, 4, 'x'), 'EINVAL');
    expectCode(() => m.load(-1), 'EINVAL');
    expectCode(() => m.load(1.5), 'EINVAL');
    expectCode(() => m.load(MAPLE_MAX + 1), 'EINVAL');
    expect(m.size).toBe(2);
  });
});
