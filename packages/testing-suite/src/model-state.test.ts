// The cursor model against cursor walks whose answers the kernel's own tests
// state (lib/test_maple_tree.c next_prev_test, check_rev_find, check_iteration),
// and against @maple-tree/core's cursor where API.md leaves the kernel's
// details to it (steps after a gap search).
import { MAPLE_MAX, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { MapleModel } from './model.js';
import type { ModelState } from './model-state.js';

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

const TOP = MAPLE_MAX - 9;

/** Slots: [0,9] -, [10,19] a, [20,29] -, [30,39] b, [40,TOP-1] -, [TOP,MAX] top (api-contract-cursor's tree). */
function tree3(): MapleModel<string> {
  const m = new MapleModel<string>();
  m.storeRange(10, 19, 'a');
  m.storeRange(30, 39, 'b');
  m.storeRange(TOP, MAPLE_MAX, 'top');
  return m;
}

/** The answer and where the cursor was left. */
function at<V>(s: ModelState<V>, value: V | undefined): [V | undefined, number, number] {
  return [value, s.index, s.last];
}

describe('ModelState after a gap search', () => {
  it('steps from the empty slot holding the fit, not from inside it', () => {
    const s = tree3().state(0);
    expect(s.emptyArea(0, MAPLE_MAX, 5)).toBe(true);
    expect([s.index, s.last]).toEqual([0, 4]);
    expect(at(s, s.nextRange(MAPLE_MAX))).toEqual(['a', 10, 19]);
    expect(s.emptyArea(22, 100, 3)).toBe(true);
    expect(at(s, s.prevRange(0))).toEqual(['a', 10, 19]);
    expect(s.emptyAreaRev(0, 35, 4)).toBe(true);
    expect([s.index, s.last]).toEqual([26, 29]);
    expect(at(s, s.prevRange(0))).toEqual(['a', 10, 19]);
    expect(s.emptyAreaRev(0, 9, 3)).toBe(true);
    expect(at(s, s.findRev(0))).toEqual([undefined, 7, 9]);
    expect(s.status).toBe('underflow');
  });

  it('a limit inside the slot stops the step with the fit kept, and a later step goes on from the slot', () => {
    const s = tree3().state(0);
    expect(s.emptyArea(20, 29, 2)).toBe(true);
    expect(at(s, s.next(25))).toEqual([undefined, 20, 21]);
    expect(s.status).toBe('overflow');
    expect(at(s, s.nextRange(MAPLE_MAX))).toEqual(['b', 30, 39]);
    expect(s.emptyAreaRev(20, 29, 2)).toBe(true);
    expect(at(s, s.prev(24))).toEqual([undefined, 28, 29]);
    expect(at(s, s.findRev(0))).toEqual(['a', 10, 19]);
  });

  it('a write to the tree makes it continue after the fit instead', () => {
    const m = tree3();
    const s = m.state(0);
    expect(s.emptyArea(40, 100, 5)).toBe(true);
    m.store(60, 'c');
    expect(at(s, s.nextRange(MAPLE_MAX))).toEqual([undefined, 40, 59]);
    expect(s.emptyArea(40, 100, 5)).toBe(true);
    m.store(39, 'b2');
    expect(at(s, s.prevRange(0))).toEqual(['b2', 39, 39]);
    // a refused write (undone with assign) is no write
    expect(s.emptyArea(61, 100, 5)).toBe(true);
    const before = m.clone();
    m.store(80, 'x');
    m.assign(before);
    expect(at(s, s.nextRange(MAPLE_MAX))).toEqual(['top', TOP, MAPLE_MAX]);
  });

  it('agrees with @maple-tree/core call by call', () => {
    const model = tree3();
    const tree = new MapleTree<string>();
    for (const e of model) tree.storeRange(e.first, e.last, e.value);
    const ms = model.state(0);
    const ts = tree.state(0);
    type Call = [keyof ModelState<string> & string, ...number[]];
    const script: Call[] = [
      ['emptyArea', 0, MAPLE_MAX, 5],
      ['nextRange', MAPLE_MAX],
      ['emptyArea', 20, 29, 2],
      ['next', 25],
      ['prev', 0],
      ['emptyAreaRev', 0, 35, 4],
      ['prevRange', 0],
      ['emptyAreaRev', 0, 9, 3],
      ['findRev', 0],
      ['find', MAPLE_MAX],
      ['emptyAreaRev', 0, MAPLE_MAX, 100],
      ['nextRange', MAPLE_MAX],
      ['emptyArea', 40, 100, 5],
      ['find', 45],
      ['prevRange', 0],
    ];
    for (const [name, ...args] of script) {
      const call = (o: object) => (o as Record<string, (...a: number[]) => unknown>)[name]!.apply(o, args);
      const expected = [call(ms), ms.index, ms.last];
      expect([call(ts), ts.index, ts.last], `${name}(${args.join(', ')})`).toEqual(expected);
    }
  });
});
