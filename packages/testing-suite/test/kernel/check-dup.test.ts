// Duplication from lib/test_maple_tree.c: check_dup (trees of many sizes,
// with and without an entry at 0 and with and without gaps, copied entry by
// entry into a gap-tracking tree through a second cursor), check_mas_store_gfp,
// and clone() (__mt_dup) giving an independent tree with the same shape.
import { MAPLE_MAX, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';

/** check_dup_gaps: entries [10i, 10(i+1) - gap] for i from 0 or 1 to n. */
function gapped(n: number, zeroStart: boolean, gap: number, allocRange: boolean): MapleTree<number> {
  const tree = new MapleTree<number>({ allocRange });
  for (let i = zeroStart ? 0 : 1; i <= n; i++) tree.storeRange(i * 10, (i + 1) * 10 - gap, i);
  return tree;
}

/** Copies `source` into a new gap-tracking tree through a second cursor, as check_dup_gaps does. */
function copyThroughCursor(source: MapleTree<number>): MapleTree<number> {
  const target = new MapleTree<number>({ allocRange: true });
  const from = source.state(0);
  const to = target.state(0);
  for (let v = from.find(MAPLE_MAX); v !== undefined; v = from.find(MAPLE_MAX)) {
    to.setRange(from.index, from.last);
    to.store(v);
  }
  return target;
}

const cases: Array<[number, boolean, number, boolean]> = [];
for (let n = 10; n < 1000; n += 97) cases.push([n, true, 5, true]);
for (let n = 1000; n < 2000; n += 211) cases.push([n, true, 0, true]);
for (let n = 200; n < 1000; n += 163) cases.push([n, false, 5, true]);
for (let n = 1500; n < 3000; n += 307) cases.push([n, false, 5, false]);
for (let n = 200; n < 1000; n += 163) cases.push([n, true, 5, false]);

describe('check_dup', () => {
  it.each(cases)(
    'copies %i entries (zero start %s, gap %i, gap tracking %s)',
    (n, zeroStart, gap, allocRange) => {
      const source = gapped(n, zeroStart, gap, allocRange);
      const copy = copyThroughCursor(source);
      copy.validate();
      expect([...copy]).toEqual([...source]);
    },
  );

  it('copies an unreasonably large tree (100 010 entries)', () => {
    const source = gapped(100_010, true, 5, true);
    const copy = copyThroughCursor(source);
    copy.validate();
    expect(copy.size).toBe(100_011);
    expect(copy.find(1_000_000)).toEqual(source.find(1_000_000));
  });
});

describe('check_mas_store_gfp', () => {
  it('rebuilds 136 entries into a new gap-tracking tree', () => {
    const source = new MapleTree<number>({ allocRange: true });
    for (let i = 0; i <= 135; i++) source.storeRange(i * 10, i * 10 + 5, i);
    const copy = copyThroughCursor(source);
    copy.validate();
    expect([...copy]).toEqual([...source]);
  });
});

describe('clone (__mt_dup)', () => {
  it.each([false, true])('gives an independent copy with the same shape (gap tracking %s)', (allocRange) => {
    const tree = gapped(1000, true, 5, allocRange);
    const copy = tree.clone();
    copy.validate();
    expect(copy.height).toBe(tree.height);
    expect(copy.nodeCount).toBe(tree.nodeCount);
    expect([...copy]).toEqual([...tree]);
    copy.storeRange(0, 5000, -1);
    tree.erase(9000);
    copy.validate();
    tree.validate();
    expect(tree.load(100)).toBe(10);
    expect(copy.load(100)).toBe(-1);
    expect(copy.load(9000)).toBe(900);
    expect(tree.load(9000)).toBeUndefined();
  });

  it('clones empty and root-entry trees', () => {
    const empty = new MapleTree<number>();
    expect(empty.clone().isEmpty).toBe(true);
    const root = new MapleTree<number>();
    root.store(0, 7);
    const copy = root.clone();
    expect(copy.load(0)).toBe(7);
    copy.store(0, 8);
    expect(root.load(0)).toBe(7);
  });
});
