import { describe, expect, it } from 'vitest';
import { expectValid } from '../test/helpers.js';
import { RangeModel } from '../test/model.js';
import { MAPLE_MAX } from './errors.js';
import type { MapleState } from './state.js';
import { MapleTree } from './tree.js';

/** Expects the cursor's answer and its range. */
function at<V>(
  mas: MapleState<V>,
  got: V | undefined,
  value: V | undefined,
  index: number,
  last: number,
): void {
  expect({ value: got, index: mas.index, last: mas.last }).toEqual({ value, index, last });
}

describe('MapleState on a tree with only the root entry (kernel check_state_handling)', () => {
  const t = new MapleTree<string>();
  t.store(0, 'p');
  const mas = t.state(0);

  it('prev/next/find/findRev/walk answer with the kernel ranges', () => {
    expect(mas.prev(0)).toBeUndefined();
    mas.set(10);
    at(mas, mas.prev(0), 'p', 0, 0);
    mas.set(10).pause();
    at(mas, mas.prev(0), 'p', 0, 0);
    mas.set(0);
    at(mas, mas.next(MAPLE_MAX), undefined, 1, MAPLE_MAX);
    mas.set(10);
    at(mas, mas.next(MAPLE_MAX), undefined, 1, MAPLE_MAX);
    mas.set(0);
    at(mas, mas.find(MAPLE_MAX), 'p', 0, 0);
    at(mas, mas.find(MAPLE_MAX), undefined, 1, MAPLE_MAX);
    at(mas, mas.find(MAPLE_MAX), undefined, 1, MAPLE_MAX);
    mas.set(10);
    at(mas, mas.find(MAPLE_MAX), undefined, 1, MAPLE_MAX);
    at(mas, mas.findRev(0), 'p', 0, 0);
    mas.set(0);
    at(mas, mas.findRev(0), 'p', 0, 0);
    at(mas, mas.findRev(0), undefined, 0, 0);
    at(mas, mas.findRev(0), undefined, 0, 0);
    mas.set(10);
    at(mas, mas.findRev(0), 'p', 0, 0);
    mas.set(10);
    at(mas, mas.walk(), undefined, 1, MAPLE_MAX);
    mas.set(0).pause();
    at(mas, mas.walk(), 'p', 0, 0);
  });

  it('walks an empty tree as one empty range', () => {
    const e = new MapleTree<string>();
    const m = e.state(5);
    at(m, m.walk(), undefined, 0, MAPLE_MAX);
    m.set(5);
    at(m, m.find(MAPLE_MAX), undefined, 0, MAPLE_MAX);
    m.set(5);
    expect(m.prev(0)).toBeUndefined();
    expect(m.emptyArea(10, 20, 5)).toBe(true);
    at(m, undefined, undefined, 10, 14);
  });
});

describe('MapleState on a tree with nodes (kernel check_state_handling)', () => {
  const t = new MapleTree<string>();
  t.storeRange(0x1000, 0x1500, 'p1');
  t.storeRange(0x2000, 0x2500, 'p2');
  t.storeRange(0x3000, 0x3500, 'p3');

  it('next through limits, overflow and back', () => {
    const mas = t.state(0);
    at(mas, mas.next(MAPLE_MAX), 'p1', 0x1000, 0x1500);
    mas.set(0).pause();
    at(mas, mas.next(MAPLE_MAX), 'p1', 0x1000, 0x1500);
    at(mas, mas.next(0x2100), 'p2', 0x2000, 0x2500);
    at(mas, mas.next(0x2999), undefined, 0x2501, 0x2fff);
    at(mas, mas.next(MAPLE_MAX), 'p3', 0x3000, 0x3500);
    at(mas, mas.next(MAPLE_MAX), undefined, 0x3501, MAPLE_MAX);
    at(mas, mas.next(MAPLE_MAX), undefined, 0x3501, MAPLE_MAX);
    at(mas, mas.prev(0), 'p3', 0x3000, 0x3500);
  });

  it('prev through limits, underflow and back', () => {
    const mas = t.state(0);
    mas.next(MAPLE_MAX);
    mas.next(MAPLE_MAX);
    at(mas, mas.prev(0), 'p1', 0x1000, 0x1500);
    mas.next(MAPLE_MAX);
    at(mas, mas.prev(0x1200), 'p1', 0x1000, 0x1500);
    at(mas, mas.prev(0x1200), undefined, 0x1000, 0x1500);
    at(mas, mas.prev(0x100), undefined, 0, 0xfff);
    at(mas, mas.prev(0), undefined, 0, 0xfff);
    at(mas, mas.next(MAPLE_MAX), 'p1', 0x1000, 0x1500);
    at(mas, mas.prev(0x1000), undefined, 0x1000, 0x1500);
    at(mas, mas.find(MAPLE_MAX), 'p1', 0x1000, 0x1500);
    mas.set(0x3600);
    at(mas, mas.prev(0), 'p3', 0x3000, 0x3500);
    mas.pause();
    at(mas, mas.prev(0), 'p2', 0x2000, 0x2500);
    at(mas, mas.prev(0x1600), undefined, 0x1501, 0x1fff);
    at(mas, mas.prev(0), 'p1', 0x1000, 0x1500);
  });

  it('find and findRev', () => {
    const mas = t.state(0);
    at(mas, mas.find(MAPLE_MAX), 'p1', 0x1000, 0x1500);
    mas.set(0).pause();
    at(mas, mas.find(MAPLE_MAX), 'p1', 0x1000, 0x1500);
    mas.set(1200);
    at(mas, mas.find(MAPLE_MAX), 'p1', 0x1000, 0x1500);
    at(mas, mas.find(MAPLE_MAX), 'p2', 0x2000, 0x2500);
    at(mas, mas.find(0x2700), undefined, 0x2501, 0x2fff);
    at(mas, mas.find(0x5000), 'p3', 0x3000, 0x3500);
    at(mas, mas.find(MAPLE_MAX), undefined, 0x3501, MAPLE_MAX);
    at(mas, mas.findRev(0), 'p3', 0x3000, 0x3500);
    at(mas, mas.findRev(0), 'p2', 0x2000, 0x2500);
    mas.pause();
    at(mas, mas.findRev(0), 'p1', 0x1000, 0x1500);
    at(mas, mas.findRev(0), undefined, 0, 0xfff);
    mas.set(0x1200);
    at(mas, mas.findRev(0), 'p1', 0x1000, 0x1500);
  });

  it('walk gives the range holding index, empty ones included', () => {
    const mas = t.state(0x1200);
    at(mas, mas.walk(), 'p1', 0x1000, 0x1500);
    mas.set(0x1600);
    at(mas, mas.walk(), undefined, 0x1501, 0x1fff);
    mas.set(0x1600).pause();
    at(mas, mas.walk(), undefined, 0x1501, 0x1fff);
    mas.set(MAPLE_MAX);
    at(mas, mas.walk(), undefined, 0x3501, MAPLE_MAX);
  });

  it('nextRange and prevRange visit empty ranges too', () => {
    const mas = t.state(0);
    mas.walk();
    const seen: string[] = [];
    for (let v = mas.nextRange(MAPLE_MAX); mas.last < MAPLE_MAX; v = mas.nextRange(MAPLE_MAX))
      seen.push(`${mas.index}:${v ?? '-'}`);
    seen.push(`${mas.index}`);
    expect(seen).toEqual(['4096:p1', '5377:-', '8192:p2', '9473:-', '12288:p3', '13569']);
    const back: string[] = [];
    for (let v = mas.prevRange(0); mas.index > 0; v = mas.prevRange(0)) back.push(`${mas.index}:${v ?? '-'}`);
    expect(back).toEqual(['12288:p3', '9473:-', '8192:p2', '5377:-', '4096:p1']);
    expect(mas.index).toBe(0);
  });
});

describe('MapleState at the edges of the index space', () => {
  it('ranges touching 0 and MAPLE_MAX', () => {
    const t = new MapleTree<string>();
    t.storeRange(0, 4, 'bottom');
    t.storeRange(MAPLE_MAX - 1, MAPLE_MAX, 'top');
    const mas = t.state(MAPLE_MAX);
    at(mas, mas.walk(), 'top', MAPLE_MAX - 1, MAPLE_MAX);
    at(mas, mas.next(MAPLE_MAX), undefined, MAPLE_MAX - 1, MAPLE_MAX);
    // After an overflow the kernel treats the cursor as one past its range: prev gives that range.
    at(mas, mas.prev(0), 'top', MAPLE_MAX - 1, MAPLE_MAX);
    at(mas, mas.prev(0), 'bottom', 0, 4);
    at(mas, mas.prev(0), undefined, 0, 4);
    // Likewise after an underflow the cursor counts as one before its range.
    at(mas, mas.next(MAPLE_MAX), 'bottom', 0, 4);
    at(mas, mas.next(MAPLE_MAX), 'top', MAPLE_MAX - 1, MAPLE_MAX);
    mas.set(5);
    at(mas, mas.find(MAPLE_MAX), 'top', MAPLE_MAX - 1, MAPLE_MAX);
    at(mas, mas.find(MAPLE_MAX), undefined, MAPLE_MAX - 1, MAPLE_MAX);
    mas.set(MAPLE_MAX - 2);
    at(mas, mas.findRev(0), 'bottom', 0, 4);
    mas.set(0);
    at(mas, mas.findRev(0), 'bottom', 0, 4);
    mas.set(MAPLE_MAX).pause();
    at(mas, mas.find(MAPLE_MAX), undefined, MAPLE_MAX, MAPLE_MAX);
  });

  it('an empty tree answers nothing in every direction', () => {
    const t = new MapleTree<string>();
    const mas = t.state(7);
    expect(mas.next(MAPLE_MAX)).toBeUndefined();
    expect(mas.last).toBe(MAPLE_MAX);
    mas.set(7);
    expect(mas.prev(0)).toBeUndefined();
    mas.set(7);
    expect(mas.findRev(0)).toBeUndefined();
    mas.set(7);
    expect(mas.nextRange(MAPLE_MAX)).toBeUndefined();
  });
});

describe('MapleState writes and stays valid across writes', () => {
  it('store and erase set index/last to the range written', () => {
    const t = new MapleTree<number>();
    const mas = t.state(10, 19);
    mas.store(1);
    expect([mas.index, mas.last]).toEqual([10, 19]);
    mas.setRange(20, 29).store(2);
    mas.set(15);
    expect(mas.erase()).toBe(1);
    // The erased range joins the empty range before it.
    expect([mas.index, mas.last]).toEqual([0, 19]);
    expect(t.load(15)).toBeUndefined();
    mas.set(5);
    expect(mas.erase()).toBeUndefined();
    expect([mas.index, mas.last]).toEqual([0, 19]);
    expectValid(t);
  });

  it('after store / erase the cursor stays on the range written: find and next go on after it, prev before it (kernel mas_store, bench_forking)', () => {
    // Enough entries for a tree of several levels: each store rebuilds the
    // leaf the cursor was on, and the walk to the next entry must still move on.
    for (const n of [1, 135, 2_000]) {
      const t = new MapleTree<number>({ allocRange: true });
      for (let i = 0; i < n; i++) t.storeRange(i * 10, i * 10 + 5, i);
      const mas = t.state(0);
      const seen: number[] = [];
      for (let v = mas.find(MAPLE_MAX); v !== undefined; v = mas.find(MAPLE_MAX)) {
        seen.push(v);
        mas.store(v + 1);
        expect([mas.index, mas.last]).toEqual([v * 10, v * 10 + 5]);
        if (seen.length > n) break;
      }
      expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(t.load(10 * (n - 1))).toBe(n);
      expectValid(t);
    }
    const t = new MapleTree<number>();
    for (let i = 0; i < 300; i++) t.storeRange(i * 10, i * 10 + 5, i);
    const mas = t.state(100, 105);
    mas.store(-1);
    at(mas, mas.next(MAPLE_MAX), 11, 110, 115);
    mas.setRange(200, 205).store(-2);
    at(mas, mas.prev(0), 19, 190, 195);
    // A NULL store widens over its empty neighbours; the next entry is after them.
    mas.setRange(300, 305).store(undefined);
    expect([mas.index, mas.last]).toEqual([296, 309]);
    at(mas, mas.find(MAPLE_MAX), 31, 310, 315);
    mas.set(400);
    expect(mas.erase()).toBe(40);
    expect([mas.index, mas.last]).toEqual([396, 409]);
    at(mas, mas.next(MAPLE_MAX), 41, 410, 415);
    expectValid(t);
  });

  it('a cursor iterating with next keeps going after writes that rebuild the nodes it was on', () => {
    const t = new MapleTree<number>();
    for (let i = 0; i < 500; i++) t.storeRange(i * 10, i * 10 + 4, i);
    const mas = t.state(0);
    const seen: number[] = [];
    for (let v = mas.find(MAPLE_MAX); v !== undefined; v = mas.next(MAPLE_MAX)) {
      seen.push(v);
      if (v === 100) for (let k = 101; k < 400; k += 2) t.erase(k * 10);
      if (v === 200) t.storeRange(2006, 2007, -1);
    }
    const want: number[] = [];
    for (let i = 0; i < 500; i++) {
      if (i > 100 && i < 400 && i % 2 === 1) continue;
      want.push(i);
      if (i === 200) want.push(-1);
    }
    expect(seen).toEqual(want);
  });

  it('emptyArea / emptyAreaRev set index and last (kernel check_empty_area_window)', () => {
    const t = new MapleTree<number>({ allocRange: true });
    for (let i = 1; i <= 20; i++) t.storeRange(i * 10, i * 10 + 9, i);
    t.storeRange(160, 169, undefined);
    const mas = t.state(0);
    expect(mas.emptyAreaRev(5, 90, 10)).toBe(false);
    expect(mas.emptyAreaRev(6, 90, 5)).toBe(false);
    expect(mas.emptyAreaRev(5, 90, 5)).toBe(true);
    expect([mas.index, mas.last]).toEqual([5, 9]);
    expect(mas.emptyAreaRev(5, 217, 9)).toBe(true);
    expect([mas.index, mas.last]).toEqual([161, 169]);
    expect(mas.emptyAreaRev(100, 218, 3)).toBe(true);
    expect([mas.index, mas.last]).toEqual([216, 218]);
    expect(mas.emptyAreaRev(100, 218, 16)).toBe(false);
    expect(mas.emptyAreaRev(167, 200, 4)).toBe(false);
    expect(mas.emptyAreaRev(100, 162, 4)).toBe(false);
    expect(mas.emptyArea(0, 100, 9)).toBe(true);
    expect([mas.index, mas.last]).toEqual([0, 8]);
    expect(mas.emptyArea(0, 100, 4)).toBe(true);
    expect([mas.index, mas.last]).toEqual([0, 3]);
    expect(mas.emptyArea(0, 100, 11)).toBe(false);
    expect(mas.emptyArea(5, 100, 6)).toBe(false);
    expect(() => mas.emptyArea(0, 8, 10)).toThrow(/EINVAL/);
    expect(mas.emptyArea(100, 163, 6)).toBe(false);
    expect(mas.emptyArea(100, 165, 3)).toBe(true);
    expect([mas.index, mas.last]).toEqual([160, 162]);
  });

  it('after emptyArea / emptyAreaRev the cursor steps on from the fit without walking again', () => {
    for (const allocRange of [true, false]) {
      const t = new MapleTree<number>({ allocRange });
      const model = new RangeModel<number>();
      let seed = 11;
      const rnd = (n: number) => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      for (let i = 0; i < 1500; i++) {
        const a = rnd(60_000);
        const b = a + rnd(40);
        t.storeRange(a, b, i);
        model.store(a, b, i);
      }
      const events: string[] = [];
      t.trace = (e) => events.push(e.fn);
      const mas = t.state(0);
      for (let q = 0; q < 200; q++) {
        const min = rnd(60_000);
        const max = min + rnd(5_000);
        const size = 1 + rnd(30);
        if (size > max - min + 1) continue;
        const rev = q % 2 === 1;
        const start = model.emptyArea(min, max, size, rev);
        expect(rev ? mas.emptyAreaRev(min, max, size) : mas.emptyArea(min, max, size)).toBe(
          start !== undefined,
        );
        if (start === undefined) continue;
        events.length = 0;
        // The entry after the fit (or before it), as a fresh lookup of the model says.
        const after = model.ranges.find((r) => r.first > start + size - 1);
        const before = [...model.ranges].reverse().find((r) => r.last < start);
        if (q % 4 < 2) {
          expect(mas.next(MAPLE_MAX)).toBe(after?.value);
          if (after) expect([mas.index, mas.last]).toEqual([after.first, after.last]);
        } else {
          expect(mas.prev(0)).toBe(before?.value);
          if (before) expect([mas.index, mas.last]).toEqual([before.first, before.last]);
        }
        // No walk from the root: the traced mas_walk would show here.
        expect(events).toEqual([]);
      }
    }
  });
});

describe('walk() records only the leaf, and a step out of it completes the path', () => {
  it('next/prev/nextRange/prevRange after a walk cross leaf edges as after a full descent', () => {
    for (const allocRange of [false, true]) {
      // Four levels with gap tracking, three without; ranges 3 wide with holes of 2.
      const t = MapleTree.from(
        Array.from({ length: 3000 }, (_, i) => ({ first: i * 5, last: i * 5 + 2, value: i })),
        { allocRange },
      );
      expect(t.height).toBeGreaterThanOrEqual(3);
      const leafEnds: number[] = [];
      for (const node of t.nodes()) if (node.type === 'leaf_64') leafEnds.push(node.max);
      const mas = t.state(0);
      let checked = 0;
      for (const edge of leafEnds.slice(0, -1)) {
        // On the last slot of a leaf, then one step forward: into the next leaf.
        mas.set(edge);
        mas.walk();
        const fwd = mas.nextRange(MAPLE_MAX);
        expect(mas.index).toBe(edge + 1);
        expect(fwd).toBe(t.load(edge + 1));
        // On the first slot of the next leaf, then back: into the previous leaf.
        mas.set(edge + 1);
        mas.walk();
        mas.prevRange(0);
        expect(mas.last).toBe(edge);
        // Entries: next and prev skip the empty ranges on the way, across the edge.
        mas.set(edge);
        mas.walk();
        const want = t.find(edge + 1);
        expect(mas.next(MAPLE_MAX)).toBe(want?.value);
        expect(mas.index).toBe(want?.first);
        // Two steps after one walk: the path completed for the first serves the second.
        expect(mas.next(MAPLE_MAX)).toBe(t.find((want?.last ?? 0) + 1)?.value);
        checked++;
      }
      expect(checked).toBeGreaterThan(100);
    }
  });
});

describe('a cursor left on a gap search fit', () => {
  it('steps across leaf edges after other searches have reused the search scratch', () => {
    const ranges = Array.from({ length: 3000 }, (_, i) => ({
      first: i * 7,
      last: i * 7 + 2 + (i % 3),
      value: i,
    }));
    const t = MapleTree.from(ranges, { allocRange: true });
    const other = MapleTree.from(ranges.slice(0, 500), { allocRange: true });
    const mas = t.state(0);
    let crossed = 0;
    const leafMins = new Set<number>();
    for (const node of t.nodes()) if (node.type === 'leaf_64') leafMins.add(node.min);
    for (let q = 100; q < 21000; q += 37) {
      expect(mas.emptyAreaRev(0, q, 1)).toBe(true);
      const start = mas.index;
      // The hole found sits on a leaf's first slot now and then: prev() must climb.
      if (leafMins.has(start)) crossed++;
      other.emptyArea(0, 3000, 2); // another search overwrites the scratch
      const before = [...ranges].reverse().find((r) => r.last < start);
      expect(mas.prev(0)).toBe(before?.value);
      expect(mas.next(MAPLE_MAX)).toBe(ranges.find((r) => r.first > start)?.value);
    }
    expect(crossed).toBeGreaterThan(0);
  });
});
