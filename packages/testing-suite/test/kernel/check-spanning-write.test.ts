// From tools/testing/radix-tree/maple.c: check_spanning_write (NULL stores
// over 5 001 ranges that need a right or left sibling or cousin rebalance,
// some all the way to the root, and one that collapses the tree to nothing),
// check_null_expand (a NULL store merging with the NULLs beside it) and
// check_nomem (a store that needs a node refused without one, here through
// the maxNodes budget).
import { MAPLE_MAX, MapleError, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { MapleModel } from '../../src/model.js';
import { expectCode, expectSame } from './helpers.js';

/** Entries [10i, 10i+5] for i = from..max, value i, in a tree and the model. */
function tens(max: number, allocRange: boolean, from = 0) {
  const tree = new MapleTree<number>({ allocRange });
  const model = new MapleModel<number>({ allocRange });
  for (let i = from; i <= max; i++) {
    tree.storeRange(i * 10, i * 10 + 5, i);
    model.storeRange(i * 10, i * 10 + 5, i);
  }
  return { tree, model };
}

describe('check_spanning_write', () => {
  it.each([
    ['a spanning NULL store in a plain tree', false, 0, 1200, 2380, 1205],
    ['one that expands to the whole range', false, 1, 9, 50006, 1205],
    ['a right cousin rebalance over more than two levels', true, 0, 0, 12900, 1205],
    ['a spanning store in a plain tree from 0', false, 0, 0, 300, 15],
    ['a right sibling rebalance', true, 0, 0, 12865, 15],
    ['a left sibling rebalance', true, 0, 90, 13665, 95],
    ['a left cousin rebalance', true, 0, 46805, 49995, 46815],
    ['a left cousin rebalance to the root', true, 0, 32395, 49995, 46815],
    ['a right cousin rebalance to the root', true, 0, 38875, 43190, 38900],
    ['many levels with no siblings', true, 0, 43200, 49999, 43200],
  ] as const)('%s: NULL over [%i..] ', (_what, allocRange, from, first, last, probe) => {
    const { tree, model } = tens(5000, allocRange, from);
    const mas = tree.state(first, last);
    mas.store(undefined);
    model.storeRange(first, last, undefined);
    mas.set(probe);
    expect(mas.walk()).toBeUndefined();
    expectSame(tree, model);
  });

  it('a spanning store ending at a full node (depth 2)', () => {
    const { tree, model } = tens(5000, true);
    const mas = tree.state(0);
    for (const i of [47606, 47607, 47608, 47609]) {
      mas.set(i);
      mas.store(-1);
      model.store(i, -1);
    }
    mas.setRange(11516, 48940);
    mas.store(undefined);
    model.storeRange(11516, 48940, undefined);
    expectSame(tree, model);
  });

  it('a small spanning store within a height-2 tree', () => {
    const { tree, model } = tens(100, true);
    tree.storeRange(76, 875, undefined);
    model.storeRange(76, 875, undefined);
    expectSame(tree, model);
  });
});

describe('check_null_expand', () => {
  const { tree, model } = tens(100, false);
  const mas = tree.state(959);
  /** Stores NULL over [first, last]; the walk after it must find one merged empty run. */
  const nullOver = (first: number, last: number, run: [number, number]) => {
    mas.setRange(first, last);
    mas.store(undefined);
    model.storeRange(first, last, undefined);
    mas.set(first);
    expect(mas.walk()).toBeUndefined();
    expect([mas.index, mas.last]).toEqual(run);
  };

  it('merges with the NULL before it', () => nullOver(959, 963, [956, 963]));
  it('merges with the NULL after it', () => nullOver(884, 887, [884, 889]));
  it('merges with NULLs on both sides', () => nullOver(900, 905, [896, 909]));
  it('merges across several slots', () => {
    nullOver(810, 825, [806, 829]);
    expectSame(tree, model);
  });
});

describe('check_nomem', () => {
  it('refuses a store that needs a node when none may be allocated, and changes nothing', () => {
    const tree = new MapleTree<string>({ maxNodes: 0 });
    expectCode(() => tree.insert(1, 'ms'), 'ENOMEM');
    expect(tree.isEmpty).toBe(true);
    expect(tree.insert(0, 'ms')).toBe(true); // a lone entry at 0 lives in the root: no node
    expect(tree.load(0)).toBe('ms');
    expectCode(() => tree.insert(2, 'mt'), 'ENOMEM');
    expect([...tree]).toEqual([{ first: 0, last: 0, value: 'ms' }]);
    expect(tree.nodeCount).toBe(0);
    tree.validate();
  });

  it('lets the same stores through with room for nodes', () => {
    const tree = new MapleTree<string>({ maxNodes: 8 });
    expect(tree.insert(1, 'ms')).toBe(true);
    expect(tree.insert(2, 'mt')).toBe(true);
    expect(tree.insert(0, 'ms')).toBe(true);
    tree.validate();
    expect(tree.size).toBe(3);
  });

  it('rejects a bad budget', () => {
    expect(() => new MapleTree({ maxNodes: -1 })).toThrow(MapleError);
    expect(() => new MapleTree({ maxNodes: 1.5 })).toThrow(MapleError);
    expect(MAPLE_MAX).toBe(2 ** 53 - 1);
  });
});
