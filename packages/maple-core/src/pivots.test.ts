import { describe, expect, it } from 'vitest';
import { expectValid } from '../test/helpers.js';
import { NodeArena, PIVOT_TOP } from './arena.js';
import { LEAF_64 } from './constants.js';
import { MAPLE_MAX } from './errors.js';
import {
  clearPivot,
  fillPivots,
  movePivots,
  pivotClear,
  pivotOf,
  setPivot,
  slotDownTo,
  slotFor,
} from './pivots.js';
import { MapleTree } from './tree.js';

/** Every pivot of node h, unused ones as null. */
function pivotsOf(a: NodeArena, h: number): (number | null)[] {
  return Array.from({ length: 15 }, (_, i) => (pivotClear(a, h, i) ? null : pivotOf(a, h, i)));
}

describe('pivot storage', () => {
  it('keeps 32-bit words for pivots below 2^31 - 1 and for MAPLE_MAX', () => {
    const a = new NodeArena({ gaps: false });
    expect(a.wide).toBe(false);
    expect(a.pivots).toBeInstanceOf(Int32Array);
    const h = a.alloc(LEAF_64);
    const want = [0, 1, 2 ** 30, PIVOT_TOP - 1, MAPLE_MAX];
    for (const [i, v] of want.entries()) setPivot(a, h, i, v);
    expect(a.wide).toBe(false);
    expect(pivotsOf(a, h).slice(0, 6)).toEqual([null, ...want.slice(1), null]);
    expect(pivotOf(a, h, 0)).toBe(0); // a pivot of 0 reads as 0, as in the kernel
  });

  it('turns the whole arena to 64-bit words at the first pivot that needs them, keeping every value', () => {
    const a = new NodeArena({ gaps: true });
    const hs = Array.from({ length: 40 }, (_, k) => {
      const h = a.alloc(LEAF_64);
      setPivot(a, h, 0, k);
      setPivot(a, h, 1, k + 100);
      setPivot(a, h, 2, MAPLE_MAX);
      return h;
    });
    const g = hs[7] as number;
    setPivot(a, g, 3, PIVOT_TOP);
    expect(a.wide).toBe(true);
    expect(a.pivots).toBeInstanceOf(Float64Array);
    for (const [k, h] of hs.entries()) {
      expect(pivotsOf(a, h).slice(0, 3)).toEqual([k === 0 ? null : k, k + 100, MAPLE_MAX]);
    }
    expect(pivotOf(a, g, 3)).toBe(PIVOT_TOP);
    // Once wide, every value is kept as it is, the old top word included.
    setPivot(a, g, 4, 2 ** 52 + 1);
    expect(pivotOf(a, g, 4)).toBe(2 ** 52 + 1);
  });

  it('fills a node, turning the arena wide only for a pivot other than MAPLE_MAX past 2^31 - 2', () => {
    const a = new NodeArena({ gaps: false });
    const h = a.alloc(LEAF_64);
    fillPivots(a, h, new Float64Array([5, 9, PIVOT_TOP - 1, MAPLE_MAX]), 1, 3, 15);
    expect(a.wide).toBe(false);
    expect(pivotsOf(a, h).slice(0, 4)).toEqual([9, PIVOT_TOP - 1, MAPLE_MAX, null]);
    const src = new Float64Array([7, 2 ** 33, 2 ** 34]);
    fillPivots(a, h, src, 0, 3, 15);
    expect(a.wide).toBe(true);
    expect(pivotsOf(a, h).slice(0, 4)).toEqual([7, 2 ** 33, 2 ** 34, null]);
  });

  it('scans, shifts, reads and clears alike at either width', () => {
    for (const top of [100, MAPLE_MAX, 2 ** 40]) {
      const a = new NodeArena({ gaps: false, wide: top === 2 ** 40 });
      const h = a.alloc(LEAF_64);
      for (const [i, v] of [10, 20, 30, 40, top].entries()) setPivot(a, h, i, v);
      const keys = [5, 10, 11, 40, 41, PIVOT_TOP - 1, PIVOT_TOP, MAPLE_MAX];
      const want = keys
        .map((k) => [10, 20, 30, 40, top].findIndex((v) => v >= k))
        .map((o) => (o < 0 ? 5 : o));
      expect(keys.map((k) => slotFor(a, h, 5, k))).toEqual(want);
      expect(keys.map((k) => slotDownTo(a, h, 5, k))).toEqual(want);
      movePivots(a, h, 1, 2, 4);
      expect(pivotsOf(a, h).slice(0, 6)).toEqual([10, 20, 20, 30, 40, top]);
      movePivots(a, h, 2, 1, 4);
      clearPivot(a, h, 5);
      expect(pivotsOf(a, h).slice(0, 6)).toEqual([10, 20, 30, 40, top, null]);
    }
  });

  it('copies nodes between arenas of either width', () => {
    const narrow = new NodeArena({ gaps: false });
    const n = narrow.alloc(LEAF_64);
    setPivot(narrow, n, 0, 3);
    setPivot(narrow, n, 1, MAPLE_MAX);
    const wide = new NodeArena({ gaps: false, wide: true });
    const w = wide.alloc(LEAF_64);
    wide.copyNodeFrom(narrow, w, n);
    expect(pivotsOf(wide, w).slice(0, 3)).toEqual([3, MAPLE_MAX, null]);
    setPivot(wide, w, 0, 2 ** 40);
    const back = narrow.alloc(LEAF_64);
    narrow.copyNodeFrom(wide, back, w);
    expect(narrow.wide).toBe(true);
    expect(pivotsOf(narrow, back).slice(0, 3)).toEqual([2 ** 40, MAPLE_MAX, null]);
    expect(pivotsOf(narrow, n).slice(0, 3)).toEqual([3, MAPLE_MAX, null]);
  });
});

describe('pivot width in trees', () => {
  it('refuses a compactPivots option that is not a boolean', () => {
    for (const bad of ['yes', 1, null]) {
      expect(() => new MapleTree({ compactPivots: bad as unknown as boolean })).toThrow(
        expect.objectContaining({ code: 'EINVAL' }),
      );
    }
  });

  it('a tree of small keys keeps 32-bit pivots; options and copies keep or choose the width', () => {
    for (const allocRange of [false, true]) {
      const t = new MapleTree<number>({ allocRange });
      for (let i = 0; i < 20_000; i++) t.storeRange(i * 10, i * 10 + 5, i);
      t.storeRange(500_000, MAPLE_MAX, -1);
      expectValid(t);
      expect(t.core.arena.wide).toBe(false);
      expect(t.clone().core.arena.wide).toBe(false);
      const entries = [...t.entries()];
      expect(MapleTree.from(entries, { allocRange }).core.arena.wide).toBe(false);
      expect(new MapleTree({ allocRange, compactPivots: false }).core.arena.wide).toBe(true);
      // One key past 2^31 - 2 turns the tree wide, with every answer kept.
      t.store(2 ** 40, 7);
      expect(t.core.arena.wide).toBe(true);
      expectValid(t);
      expect(t.load(2 ** 40)).toBe(7);
      expect(t.load(2 ** 40 + 1)).toBe(-1);
      expect([...t.entries()].slice(0, -3)).toEqual(entries.slice(0, -1));
      expect(MapleTree.from([...t.entries()], { allocRange }).core.arena.wide).toBe(true);
    }
  });

  it('keeps exact answers around 2^31, 2^32 and at the top of the key space', () => {
    const t = new MapleTree<string>({ allocRange: true });
    const keys = [0, PIVOT_TOP - 2, PIVOT_TOP - 1, PIVOT_TOP, 2 ** 32, 2 ** 52, MAPLE_MAX - 2, MAPLE_MAX - 1];
    for (const k of keys) t.storeRange(k, k, `k${k}`);
    t.storeRange(MAPLE_MAX, MAPLE_MAX, 'top');
    expectValid(t);
    for (const k of keys) {
      expect(t.load(k)).toBe(`k${k}`);
      if (k > 0 && !keys.includes(k - 1)) expect(t.load(k - 1)).toBeUndefined();
    }
    expect(t.load(MAPLE_MAX)).toBe('top');
    expect(t.find(MAPLE_MAX - 3, MAPLE_MAX)).toEqual({
      first: MAPLE_MAX - 2,
      last: MAPLE_MAX - 2,
      value: `k${MAPLE_MAX - 2}`,
    });
    expect(t.emptyAreaRev(0, MAPLE_MAX, 2 ** 33)).toBe(MAPLE_MAX - 2 - 2 ** 33);
  });

  it('a scan, an iterator and a cursor go on correctly when a write in their midst widens the pivots', () => {
    const build = () => {
      const t = new MapleTree<number>({ allocRange: true });
      for (let i = 0; i < 3000; i++) t.storeRange(i * 10, i * 10 + 4, i);
      return t;
    };
    // forEach whose callback stores a key past 2^31 - 2: the scan continues after the range it was given.
    const t = build();
    const seen: number[] = [];
    t.forEach((v, first) => {
      seen.push(v);
      if (first === 12_340) t.store(2 ** 33, -1);
    });
    expect(t.core.arena.wide).toBe(true);
    expect(seen).toEqual([...Array.from({ length: 3000 }, (_, i) => i), -1]);
    // An entries() iterator and a cursor started before the widening.
    const u = build();
    const it = u.entries(5000);
    const cursor = u.state(5000);
    expect(it.next().value).toEqual({ first: 5000, last: 5004, value: 500 });
    expect(cursor.find(MAPLE_MAX)).toBe(500);
    u.store(PIVOT_TOP, -2);
    expect(u.core.arena.wide).toBe(true);
    expect(it.next().value).toEqual({ first: 5010, last: 5014, value: 501 });
    expect(cursor.find(MAPLE_MAX)).toBe(501);
    expect(cursor.index).toBe(5010);
    expectValid(u);
    expect([...u.entries(29_990)].map((e) => e.value)).toEqual([2999, -2]);
  });

  it('answers keys above 2^31 - 2 on a narrow tree as the tree does after widening', () => {
    const t = new MapleTree<number>({ allocRange: true });
    for (let i = 0; i < 3000; i++) t.storeRange(i * 1000, i * 1000 + 500, i);
    t.storeRange(PIVOT_TOP - 1, PIVOT_TOP - 1, -2);
    expect(t.core.arena.wide).toBe(false);
    const probes = [PIVOT_TOP - 2, PIVOT_TOP - 1, PIVOT_TOP, 2 ** 32, MAPLE_MAX];
    const ask = () =>
      probes.map((k) => [t.load(k), t.find(k), t.prev(k)?.first, t.next(Math.min(k, PIVOT_TOP - 3))?.first]);
    const before = ask();
    const gapBefore = t.emptyAreaRev(0, MAPLE_MAX, 2 ** 40);
    t.core.arena.widen();
    expectValid(t);
    expect(ask()).toEqual(before);
    expect(t.emptyAreaRev(0, MAPLE_MAX, 2 ** 40)).toBe(gapBefore);
  });
});
