// Gap searches from lib/test_maple_tree.c: check_empty_area_window (windows
// whose ends cut through gaps), check_empty_area_fill (filling a space with
// 25 000 allocations until nothing fits, then a search across depth-4
// nodes) and check_gap_combining (gaps made by erases that must combine
// across node boundaries and levels).
import { MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { MapleModel } from '../../src/model.js';
import { checkLoad, checkSeq, expectCode, expectSame, mirror } from './helpers.js';

describe('check_empty_area_window', () => {
  const tree = new MapleTree<number>({ allocRange: true });
  for (let i = 1; i <= 20; i++) tree.storeRange(i * 10, i * 10 + 9, i);
  tree.storeRange(160, 169, undefined); // a second hole besides [0, 9]
  const mas = tree.state(0);
  const rev = (min: number, max: number, size: number) => {
    mas.reset();
    return mas.emptyAreaRev(min, max, size) ? [mas.index, mas.last] : 'EBUSY';
  };
  const fwd = (min: number, max: number, size: number) => {
    mas.reset();
    return mas.emptyArea(min, max, size) ? [mas.index, mas.last] : 'EBUSY';
  };

  it('respects the lower bound of a reverse search', () => {
    expect(rev(5, 90, 10)).toBe('EBUSY');
    expect(rev(6, 90, 5)).toBe('EBUSY');
    expect(rev(5, 90, 5)).toEqual([5, 9]);
  });

  it('skips a gap that does not fit and respects the upper bound', () => {
    expect(rev(5, 217, 9)).toEqual([161, 169]);
    expect(rev(100, 218, 3)).toEqual([216, 218]);
    expect(rev(100, 218, 16)).toBe('EBUSY');
    expect(rev(167, 200, 4)).toBe('EBUSY');
    expect(rev(100, 162, 4)).toBe('EBUSY');
  });

  it('searches forward with the same windows', () => {
    expect(fwd(0, 100, 9)).toEqual([0, 8]);
    expect(fwd(0, 100, 4)).toEqual([0, 3]);
    expect(fwd(0, 100, 11)).toBe('EBUSY');
    expect(fwd(5, 100, 6)).toBe('EBUSY');
    expectCode(() => mas.emptyArea(0, 8, 10), 'EINVAL');
    expect(fwd(100, 165, 3)).toEqual([160, 162]);
    expect(fwd(100, 163, 6)).toBe('EBUSY');
    tree.validate();
  });
});

describe('check_empty_area_fill', () => {
  it('fills [0, 0x25D78000) with 25 000 allocations, then finds room across depth-4 nodes', () => {
    const max = 0x25d78000;
    const tree = new MapleTree<number>({ allocRange: true });
    const mas = tree.state(0);
    let misses = 0; // counted rather than asserted one by one: 25 000 expect() calls dominate the run time
    for (let shift = 12; shift <= 16; shift++) {
      const size = 2 ** shift;
      for (let loop = 0; loop < 5000; loop++) {
        mas.set(0);
        if (!mas.emptyArea(0, max, size) || mas.last !== mas.index + size - 1) misses++;
        mas.store(size);
      }
    }
    expect(misses).toBe(0);
    tree.validate();
    expect(tree.size).toBe(25000);
    expect(tree.emptyArea(0, max, 0x1000)).toBeUndefined(); // no space left
    expect(tree.emptyArea(0, max, 1)).toBe(max); // but for the one index at max

    for (let i = 629440511; i <= 629440800; i += 6) tree.storeRange(i, i + 5, i);
    tree.erase(631668735); // room in the second-last depth-4 node
    tree.erase(629506047); // room in the last depth-4 node
    mas.reset();
    expect(mas.emptyArea(629506048, 690000000, 0x5000)).toBe(true);
    const model = mirror(tree, true);
    expect(mas.index).toBe(model.emptyArea(629506048, 690000000, 0x5000));
    tree.validate();
  });
});

describe('check_gap_combining', () => {
  it('combines gaps from erases in one leaf and across leaves (100 singletons)', () => {
    const tree = new MapleTree<number>({ allocRange: true });
    checkSeq(tree, 100);
    // a gap of 2 at 75-76: find it from 74, crossing into the next leaf
    tree.erase(76);
    checkLoad(tree, 76, undefined);
    tree.erase(75);
    checkLoad(tree, 75, undefined);
    const mas = tree.state(74);
    expect(mas.find(Number.MAX_SAFE_INTEGER)).toBe(74);
    mas.next(Number.MAX_SAFE_INTEGER);
    expect(mas.next(Number.MAX_SAFE_INTEGER)).toBe(78);
    mas.reset();
    expect(mas.emptyAreaRev(50, 100, 2)).toBe(true);
    expect(mas.index).toBe(75);

    // a gap of 3 at 44-46
    for (const i of [44, 45, 46]) tree.erase(i);
    checkLoad(tree, 44, undefined);
    mas.set(43);
    expect(mas.find(Number.MAX_SAFE_INTEGER)).toBe(43);
    expect(mas.next(Number.MAX_SAFE_INTEGER)).toBe(47);
    mas.reset();
    expect(mas.emptyAreaRev(20, 50, 3)).toBe(true);
    expect(mas.index).toBe(44);

    // NULL stores next to each other combine: a gap of 2 at 80-81
    tree.store(80, undefined);
    checkLoad(tree, 80, undefined);
    checkLoad(tree, 81, 81);
    tree.store(81, undefined);
    checkLoad(tree, 80, undefined);
    checkLoad(tree, 81, undefined);
    mas.reset();
    expect(mas.emptyAreaRev(76, 82, 2)).toBe(true);
    expect(mas.index).toBe(80);
    tree.validate();

    // a NULL range store and an erase widen it to 79-82
    tree.storeRange(79, 81, undefined);
    tree.erase(82);
    mas.reset();
    expect(mas.emptyAreaRev(76, 85, 4)).toBe(true);
    expect(mas.index).toBe(79);
    tree.validate();
  });

  it('finds a gap across a multi-level tree (2000 singletons)', () => {
    const tree = new MapleTree<number>({ allocRange: true });
    checkSeq(tree, 2000);
    tree.erase(1152);
    tree.erase(1151);
    const mas = tree.state(0);
    expect(mas.emptyAreaRev(1100, 1200, 2)).toBe(true);
    expect(mas.index).toBe(1151);
    tree.validate();
  });

  it('rebalances over two levels (400 singletons)', () => {
    const a = new MapleTree<number>({ allocRange: true });
    checkSeq(a, 400);
    a.storeRange(286, 318, undefined);
    a.validate();

    const b = new MapleTree<number>({ allocRange: true });
    checkSeq(b, 400);
    const model = new MapleModel<number>({ allocRange: true });
    for (let i = 0; i <= 400; i++) model.store(i, i);
    for (const [first, last] of [
      [256, 398],
      [260, 398],
      [266, 398],
      [270, 398],
      [286, 398],
      [275, 398],
      [280, 398],
      [290, 398],
      [286, 310],
    ]) {
      b.storeRange(first!, last!, first!);
      model.storeRange(first!, last!, first!);
    }
    expectSame(b, model);
  });
});
