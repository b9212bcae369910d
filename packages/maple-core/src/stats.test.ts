import { beforeEach, describe, expect, it } from 'vitest';
import { expectValid, leaves } from '../test/helpers.js';
import { SLOT_STRIDE } from './constants.js';
import { MAPLE_MAX } from './errors.js';
import { pivotOf } from './pivots.js';
import { resetStoreStats, type StoreStat, storeStats } from './stats.js';
import { MapleTree } from './tree.js';

/** Runs `fn` and returns which counters moved. */
function casesOf(fn: () => void): Partial<Record<StoreStat, number>> {
  const before = { ...storeStats };
  fn();
  const moved: Partial<Record<StoreStat, number>> = {};
  for (const key of Object.keys(storeStats) as StoreStat[]) {
    const d = storeStats[key] - before[key];
    if (d !== 0) moved[key] = d;
  }
  return moved;
}

/** A one-leaf tree: [0,9], [10,19], ..., [70,79] stored, [80,MAX] empty (end 8). */
function smallLeaf(): MapleTree<string> {
  const t = new MapleTree<string>();
  for (let i = 0; i < 8; i++) t.storeRange(i * 10, i * 10 + 9, `v${i}`);
  return t;
}

/** Fills the leaf holding `index` to 16 slots by storing single indices at the start of its inner ranges. */
function fillLeaf(t: MapleTree<string>, index: number): void {
  for (let guard = 0; guard < 64; guard++) {
    const leaf = leaves(t).find((l) => l.min <= index && index <= l.max);
    if (!leaf) throw new Error('no leaf');
    if (leaf.end === 15) return;
    const core = t.core;
    let lo = leaf.min;
    let done = false;
    for (let i = 0; i <= leaf.end && !done; i++) {
      const hi = i < leaf.end ? pivotOf(core.arena, leaf.node, i) : leaf.max;
      if (hi > lo && i > 0 && i < leaf.end) {
        t.store(lo, 'f');
        done = true;
      }
      lo = hi + 1;
    }
    if (!done) throw new Error('leaf has no empty range to split');
  }
}

describe('every store case is reached on purpose', () => {
  beforeEach(() => resetStoreStats());

  it('store root: empty tree and the entry kept in the root', () => {
    const t = new MapleTree<string>();
    expect(casesOf(() => t.store(0, 'x'))).toEqual({ storeRoot: 1 });
    expect(casesOf(() => t.store(7, 'y'))).toEqual({ storeRoot: 1 });
    expect(t.height).toBe(1);
  });

  it('exact fit, new root, append, slot store, node store', () => {
    const t = smallLeaf();
    expect(casesOf(() => t.storeRange(10, 19, 'c'))).toEqual({ exactFit: 1 });
    expect(casesOf(() => t.storeRange(90, 95, 'd'))).toEqual({ append: 1 });
    expect(casesOf(() => t.storeRange(0, 14, 'e'))).toEqual({ slotStore: 1 });
    expect(casesOf(() => t.storeRange(3, 4, 'g'))).toEqual({ nodeStore: 1 });
    expectValid(t);
    expect(casesOf(() => t.storeRange(0, MAPLE_MAX, 'h'))).toEqual({ newRoot: 1 });
    expect(t.nodeCount).toBe(1);
  });

  it('split (growing a new root), then pushing into the left sibling', () => {
    const t = new MapleTree<number>();
    for (let i = 0; i < 8; i++) t.storeRange(i * 10, i * 10 + 5, i);
    expect(casesOf(() => t.storeRange(80, 85, 8))).toEqual({ splitStore: 1, grow: 1 });
    expect(t.height).toBe(2);
    let pushed = 0;
    for (let i = 9; i < 60 && pushed === 0; i++)
      pushed = casesOf(() => t.storeRange(i * 10, i * 10 + 5, i)).pushLeft ?? 0;
    expect(pushed).toBe(1);
    expectValid(t);
  });

  it('split pushing into the right sibling', () => {
    const t = new MapleTree<string>();
    for (let i = 0; i < 40; i++) t.storeRange(i * 100, i * 100 + 49, `r${i}`);
    const [first, second] = leaves(t);
    expect(first && second).toBeTruthy();
    // Make room in the second leaf, then overflow the first (which has no left sibling).
    t.erase((second?.min ?? 0) + 60);
    t.erase((second?.min ?? 0) + 160);
    fillLeaf(t, 0);
    const moved = casesOf(() => t.store(leaves(t)[0]?.min === 0 ? 151 : 51, 'z'));
    expect(moved.splitStore).toBe(1);
    expect(moved.pushRight).toBe(1);
    expectValid(t);
  });

  it('spanning store with a three-way split of two full leaves', () => {
    const t = new MapleTree<string>();
    for (let i = 0; i < 60; i++) t.storeRange(i * 100, i * 100 + 99, `r${i}`);
    // Pick two neighbouring leaves; the left must end, and the right start, with an entry.
    const all = leaves(t);
    const core = t.core;
    const k = all.findIndex(
      (l, i) =>
        i + 1 < all.length &&
        core.arena.slots[l.node * SLOT_STRIDE + l.end] !== 0 &&
        core.arena.slots[(all[i + 1]?.node ?? 0) * SLOT_STRIDE] !== 0,
    );
    expect(k).toBeGreaterThanOrEqual(0);
    const leftMax = all[k]?.max ?? 0;
    fillLeaf(t, leftMax);
    fillLeaf(t, leftMax + 1);
    const after = leaves(t);
    const l = after.find((x) => x.max === leftMax);
    const r = after.find((x) => x.min === leftMax + 1);
    expect(l?.end).toBe(15);
    expect(r?.end).toBe(15);
    // From inside the left leaf's last range to inside the right leaf's first range.
    const lastStart = pivotOf(core.arena, l?.node ?? 0, 14) + 1;
    const firstEnd = pivotOf(core.arena, r?.node ?? 0, 0);
    const moved = casesOf(() => t.storeRange(lastStart + 1, firstEnd - 1, 'span'));
    expect(moved.spanningStore).toBe(1);
    expect(moved.threeWaySplit).toBe(1);
    expectValid(t);
  });

  it('rebalance, borrowing from a cousin, and collapsing the root', () => {
    const t = new MapleTree<number>({ allocRange: true });
    for (let i = 0; i < 2000; i++) t.storeRange(i * 4, i * 4 + 1, i);
    expect(t.height).toBeGreaterThanOrEqual(3);
    const moved = casesOf(() => {
      for (let i = 0; i < 2000; i += 1) t.erase(i * 4 + ((i * 7) % 2));
    });
    expect(moved.rebalance).toBeGreaterThan(0);
    expect(moved.borrow).toBeGreaterThan(0);
    expect(moved.collapse).toBeGreaterThan(0);
    expect(t.isEmpty).toBe(true);
    expectValid(t);
  });

  it('a NULL store ending a non-rightmost leaf is a spanning store', () => {
    const t = new MapleTree<number>();
    for (let i = 0; i < 100; i++) t.storeRange(i * 10, i * 10 + 5, i);
    const first = leaves(t)[0];
    const lastStart = pivotOf(t.core.arena, first?.node ?? 0, (first?.end ?? 1) - 1) + 1;
    expect(casesOf(() => t.storeRange(lastStart, first?.max ?? 0, undefined)).spanningStore).toBe(1);
    expectValid(t);
  });
});
