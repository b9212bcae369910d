// check_ranges from lib/test_maple_tree.c: range inserts that collide,
// stores over existing ranges at every level of the tree, appends, the
// in-place modifications of a gap-tracking tree, rebalancing gaps, and the
// three-way splits that grow the tree to height 4. Every store is loaded
// back over its whole range (check_store_range) and the tree is compared
// with the reference model after each scenario.
import { MAPLE_MAX, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { MapleModel } from '../../src/model.js';
import { checkInsertRange, checkLoad, checkSeq, checkStoreRange, expectSame } from './helpers.js';

/** A tree and a model that receive the same stores. */
function pair(allocRange = false) {
  const tree = new MapleTree<number>({ allocRange });
  const model = new MapleModel<number>({ allocRange });
  const store = (first: number, last: number, value: number | undefined) => {
    checkStoreRange(tree, first, last, value);
    model.storeRange(first, last, value);
  };
  const seq = (max: number) => {
    checkSeq(tree, max);
    for (let i = 0; i <= max; i++) model.store(i, i);
  };
  const erase = (index: number) => {
    expect(tree.erase(index)).toBe(model.erase(index));
  };
  return { tree, model, store, seq, erase };
}

describe('check_ranges', () => {
  it('refuses an insert over existing ranges, then stores over them', () => {
    const { tree, model, store } = pair();
    checkInsertRange(tree, 10, 15, 10);
    checkInsertRange(tree, 20, 25, 20);
    model.storeRange(10, 15, 10);
    model.storeRange(20, 25, 20);
    checkInsertRange(tree, 17, 22, 17, false);
    expect(tree.height).toBeGreaterThan(0);
    store(17, 22, 17);
    store(9, 1000, 9);
    store(100, 200, 100);
    expectSame(tree, model);
    tree.clear();
    expect(tree.height).toBe(0);
  });

  it.each([
    [50, 5, 47],
    [100, 45, 168],
    [200, 45, 168],
    [30, 6, 18],
  ])('overwrites inside a sequence 0..%i with [%i, %i]', (max, first, last) => {
    const { tree, model, store, seq } = pair();
    seq(max);
    store(first, last, first);
    expect(tree.height).toBeGreaterThan(0);
    expectSame(tree, model);
  });

  it('overwrites across multiple levels, then erases around it', () => {
    const { tree, model, store, seq, erase } = pair();
    seq(400);
    store(118, 128, 118);
    for (const i of [140, 141, 142, 143, 130, 131, 132, 133, 134, 135]) erase(i);
    checkLoad(tree, 118, 118);
    checkLoad(tree, 128, 118);
    checkLoad(tree, 127, 118);
    checkLoad(tree, 129, 129);
    checkLoad(tree, 135, undefined);
    checkLoad(tree, 140, undefined);
    expectSame(tree, model);
  });

  it('overwrites multiple levels at the end of the tree', () => {
    const { tree, model, store, seq } = pair();
    seq(400);
    store(353, 361, 353);
    store(347, 352, 347);
    checkLoad(tree, 346, 346);
    checkLoad(tree, 362, 362);
    expectSame(tree, model);
  });

  it.each([
    [363, 364],
    [364, 365],
  ])('stores into a NULL range it overhangs (to %i)', (end, next) => {
    const { tree, model, store, seq } = pair();
    seq(400);
    store(352, 364, undefined);
    store(351, end, 352);
    checkLoad(tree, 350, 350);
    checkLoad(tree, 351, 352);
    if (end === 363) checkLoad(tree, 364, undefined);
    checkLoad(tree, next, next === 364 ? undefined : next);
    expectSame(tree, model);
  });

  it('overwrites the end of one node and the start of the next', () => {
    const { tree, model, store, seq } = pair();
    seq(400);
    store(362, 367, 362);
    store(353, 361, 353);
    expectSame(tree, model);
  });

  it('splits single ranges and overwrites their starts and ends', () => {
    for (const finish of [
      [
        [2400, 2400],
        [2411, 2411],
        [2412, 2412],
        [2396, 2400],
        [2402, 2402],
      ],
      [
        [2422, 2422],
        [2424, 2424],
        [2425, 2425],
        [2460, 2470, -1],
        [2435, 2460],
        [2461, 2470],
      ],
    ]) {
      const { tree, model, store } = pair();
      for (let i = 0; i <= 500; i++) store(i * 5, (i + 1) * 5, i * 5);
      for (const [first, last, erase] of finish) store(first!, last!, erase === -1 ? undefined : first!);
      expectSame(tree, model);
    }
  });

  it('modifies a gap-tracking tree in place: appends, overlaps, expansions, in RCU mode too', () => {
    for (const rcu of [false, true]) {
      const tree = new MapleTree<number>({ allocRange: true, rcu });
      const model = new MapleModel<number>({ allocRange: true });
      const store = (first: number, last: number, value: number) => {
        checkStoreRange(tree, first, last, value);
        model.storeRange(first, last, value);
      };
      let val = 0;
      let val2 = 0;
      for (let i = 0; i <= 500; i++) {
        val = i * 5 + 1;
        val2 = val + 4;
        store(val, val2, val);
      }
      for (let i = 0; i < 10; i++) {
        val = val2 + 5;
        val2 = val + 4;
        store(val, val2, val);
      }
      val = val2;
      for (let i = 0; i < 10; i++) {
        val += 5;
        tree.storeRange(val, MAPLE_MAX, val);
        model.storeRange(val, MAPLE_MAX, val);
      }
      for (let i = 10; i < 30; i += 2) store(i * 5 + 1, i * 5 + 6, i * 5 + 1);
      for (let i = 50; i < 70; i += 2) store(i * 5 - 5, i * 5, i * 5 - 5);
      for (let i = 100; i < 130; i += 3) store(i * 5 - 5, i * 5 + 1, i * 5 - 5);
      for (let i = 150; i < 180; i += 3) store(i * 5 - 5, i * 5 + 1, i * 5 - 5);
      expect(tree.height).toBeGreaterThan(0);
      expectSame(tree, model);
    }
  });

  it('rebalances gaps after NULL stores and erases', () => {
    const { tree, model, store, erase } = pair(true);
    for (let i = 0; i <= 50; i++) store(i * 10, (i + 1) * 10, i * 10);
    store(161, 161, 161);
    store(162, 162, 162);
    store(163, 163, 163);
    store(240, 249, undefined);
    for (const i of [200, 210, 220, 230]) erase(i);
    expectSame(tree, model);
  });

  it('spans many leaves with one store, and NULLs inside full leaves', () => {
    const a = pair(true);
    for (let i = 0; i <= 500; i++) a.store(i * 10, (i + 1) * 10, i * 10);
    a.store(4600, 4959, 1);
    expectSame(a.tree, a.model);

    const b = pair(true);
    for (let i = 0; i <= 500; i++) b.store(i * 10, (i + 1) * 10, i * 10);
    b.store(4811, 4811, 4811);
    b.store(4812, 4812, 4812);
    b.store(4861, 4861, 4861);
    b.store(4862, 4862, 4862);
    b.store(4842, 4849, undefined);
    expectSame(b.tree, b.model);
  });

  it('causes a three-way split all the way up: height 3 becomes 4', () => {
    const { tree, model, store } = pair(true);
    for (let i = 0; i <= 1300; i++) {
      store(i * 10, (i + 1) * 10, i * 10);
      expect(tree.height).toBeLessThan(4);
    }
    for (let i = 5; i < 215; i += 10) store(11450 + i, 11450 + i + 1, undefined);
    for (let i = 5; i < 65; i += 10) store(11770 + i, 11770 + i + 1, undefined);
    expect(tree.height).toBeLessThan(4);
    for (let i = 5; i < 45; i += 10) store(11700 + i, 11700 + i + 1, undefined);
    expect(tree.height).toBe(4);
    expectSame(tree, model);
  });

  it('fills parents and leaves, then a triple split across levels reaches height 4', () => {
    const { tree, model, store } = pair(true);
    for (let i = 0; i <= 1200; i++) {
      store(i * 10, (i + 1) * 10, i * 10);
      expect(tree.height).toBeLessThan(4);
    }
    for (let i = 5; i < 455; i += 10) store(7800 + i, 7800 + i + 1, undefined);
    for (let i = 1; i < 16; i++) store(8185 + i, 8185 + i + 1, 8185 + i);
    expect(tree.height).toBeLessThan(4);
    store(8184, 8184, 8184);
    expect(tree.height).toBe(4);
    expectSame(tree, model);
  });
});
