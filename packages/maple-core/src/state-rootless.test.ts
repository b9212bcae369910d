/**
 * The cursor on a tree with no node (empty, or one entry at index 0 kept in
 * the root): the answers Linux 6.12 gives through its ma_none / ma_root
 * states, found by the kernel oracle (packages/testing-suite/tools/kernel-oracle,
 * answers). Each expectation below is the kernel's: index and last included.
 */
import { describe, expect, it } from 'vitest';
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

/** A tree whose only entry, 7 at index 0, is kept in the root. */
function rootEntryTree(): MapleTree<number> {
  const t = new MapleTree<number>({ allocRange: true });
  t.store(0, 7);
  expect(t.nodeCount).toBe(0);
  return t;
}

describe('findRev on an empty tree (mas_find_rev_setup: nothing there, so the cursor goes to 0)', () => {
  it('answers nothing on [0, 0]; find then moves past 0, a step back from there walks again', () => {
    const mas = new MapleTree<number>().state(5);
    at(mas, mas.findRev(0), undefined, 0, 0);
    at(mas, mas.find(MAPLE_MAX), undefined, 1, MAPLE_MAX);
    at(mas, mas.findRev(0), undefined, 0, 0);
    at(mas, mas.prevRange(0), undefined, 0, 0);
  });

  it('nextRange from 0 answers [1, MAPLE_MAX]; prevRange then walks to the one empty range', () => {
    const mas = new MapleTree<number>().state(5);
    at(mas, mas.findRev(0), undefined, 0, 0);
    at(mas, mas.nextRange(MAPLE_MAX), undefined, 1, MAPLE_MAX);
    at(mas, mas.prevRange(0), undefined, 0, MAPLE_MAX);
  });

  it('a second findRev leaves 0 for ma_none: next walks again', () => {
    const mas = new MapleTree<number>().state(5);
    at(mas, mas.findRev(0), undefined, 0, 0);
    at(mas, mas.findRev(0), undefined, 0, 0);
    at(mas, mas.next(MAPLE_MAX), undefined, 0, MAPLE_MAX);
  });
});

describe('erase on a tree with no node', () => {
  it('at an empty index keeps index and last (the walk stops at the root)', () => {
    const mas = new MapleTree<number>().state(4, 6);
    at(mas, mas.erase(), undefined, 4, 6);
    at(mas, mas.find(5), undefined, 4, 6);
    at(mas, mas.find(MAPLE_MAX), undefined, 0, MAPLE_MAX);
  });

  it('past the root entry keeps index and last; the cursor stands on the root entry', () => {
    const t = rootEntryTree();
    const mas = t.state(9);
    at(mas, mas.erase(), undefined, 9, 9);
    at(mas, mas.find(MAPLE_MAX), undefined, 1, MAPLE_MAX);
    mas.set(9);
    at(mas, mas.erase(), undefined, 9, 9);
    at(mas, mas.prev(0), 7, 0, 0);
  });

  it('of the root entry leaves the cursor on index 0 of the now empty tree', () => {
    const t = rootEntryTree();
    const mas = t.state(0);
    at(mas, mas.erase(), 7, 0, 0);
    at(mas, mas.nextRange(1), undefined, 1, MAPLE_MAX);
    at(mas, mas.prevRange(0), undefined, 0, MAPLE_MAX);
  });

  it('of the last entry in a node restarts the cursor (mas_new_root)', () => {
    const t = new MapleTree<number>();
    t.storeRange(5, 9, 7);
    const mas = t.state(6);
    at(mas, mas.erase(), 7, 0, MAPLE_MAX);
    expect(t.nodeCount).toBe(0);
    at(mas, mas.findRev(0), undefined, 0, 0);
    at(mas, mas.find(MAPLE_MAX), undefined, 1, MAPLE_MAX);
  });
});

describe('on the root entry (ma_root)', () => {
  it('find moves past it to [1, MAPLE_MAX] whatever its max', () => {
    const mas = rootEntryTree().state(0);
    at(mas, mas.walk(), 7, 0, 0);
    at(mas, mas.find(0), undefined, 1, MAPLE_MAX);
    at(mas, mas.find(MAPLE_MAX), undefined, 1, MAPLE_MAX);
  });

  it('findRev answers nothing and leaves it; next from there stays on 0 once', () => {
    const mas = rootEntryTree().state(0);
    at(mas, mas.walk(), 7, 0, 0);
    at(mas, mas.findRev(0), undefined, 0, 0);
    at(mas, mas.next(MAPLE_MAX), undefined, 0, 0);
    at(mas, mas.next(MAPLE_MAX), undefined, 1, MAPLE_MAX);
  });
});

describe('gap searches on a tree with no node (mas_sparse_area)', () => {
  it('an empty tree: the cursor is at ma_none on the fit, find with a lower max answers nothing', () => {
    const mas = new MapleTree<number>({ allocRange: true }).state(0);
    expect(mas.emptyAreaRev(186, 574, 389)).toBe(true);
    at(mas, undefined, undefined, 186, 574);
    at(mas, mas.find(225), undefined, 186, 574);
    at(mas, mas.find(MAPLE_MAX), undefined, 0, MAPLE_MAX);
  });

  it('a root entry: the cursor stands on it, prev answers it and find moves past it whatever its max', () => {
    const t = rootEntryTree();
    const mas = t.state(0);
    expect(mas.emptyArea(10, 20, 5)).toBe(true);
    at(mas, undefined, undefined, 10, 14);
    at(mas, mas.prev(0), 7, 0, 0);
    mas.reset();
    expect(mas.emptyArea(10, 20, 5)).toBe(true);
    at(mas, mas.find(5), undefined, 1, MAPLE_MAX);
  });
});
