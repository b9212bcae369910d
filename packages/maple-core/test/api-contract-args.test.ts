/**
 * Bad arguments against the public API of @maple-tree/core (API.md, Errors):
 * an index that is not an integer in [0, MAPLE_MAX], first > last, min > max,
 * size < 1 or size > max - min + 1 throws MapleError('EINVAL'), and the tree,
 * and a cursor's index/last, stay exactly as they were. Imports only from the
 * package entry point.
 */

import { MAPLE_MAX, MapleError, type MapleState, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';

/** Values that are not an index: each must be refused wherever an index goes. */
const NOT_INDEX: readonly unknown[] = [
  -1,
  -0.5,
  0.5,
  1.000001,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  MAPLE_MAX + 1,
  2 ** 53,
  2 ** 64,
  Number.MIN_VALUE,
  '5',
  '',
  5n,
  null,
  true,
  {},
  [3],
  Symbol('i'),
];

/** Not an index, undefined included (for parameters without a default). */
const NOT_REQUIRED_INDEX: readonly unknown[] = [...NOT_INDEX, undefined];

/** Values that are not a size (a positive integer). */
const NOT_SIZE: readonly unknown[] = [
  0,
  -1,
  0.5,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '2',
  2n,
  null,
  undefined,
];

function build(allocRange = true): MapleTree<string> {
  const tree = new MapleTree<string>({ allocRange });
  tree.store(0, 'zero');
  for (let i = 1; i < 60; i++) tree.storeRange(i * 100, i * 100 + 49, `v${i}`);
  tree.storeRange(2 ** 40, 2 ** 40 + 5, 'big');
  tree.store(MAPLE_MAX, 'top');
  return tree;
}

/** Runs `fn`, expecting MapleError EINVAL and no change to the tree's dump. */
function expectEinval(tree: MapleTree<string>, label: string, fn: () => unknown): void {
  const before = tree.dump();
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, label).toBeInstanceOf(MapleError);
  expect((caught as MapleError).code, label).toBe('EINVAL');
  expect(tree.dump(), label).toBe(before);
}

const show = (v: unknown) =>
  typeof v === 'bigint' ? `${v}n` : typeof v === 'symbol' ? 'symbol' : (JSON.stringify(v) ?? String(v));

describe('tree methods refuse a bad index with EINVAL and change nothing', () => {
  const tree = build();
  const cases: [string, (bad: never) => unknown, readonly unknown[]][] = [
    ['load(bad)', (b) => tree.load(b), NOT_REQUIRED_INDEX],
    ['store(bad)', (b) => tree.store(b, 'x'), NOT_REQUIRED_INDEX],
    ['storeRange(bad, 10)', (b) => tree.storeRange(b, 10, 'x'), NOT_REQUIRED_INDEX],
    ['storeRange(0, bad)', (b) => tree.storeRange(0, b, 'x'), NOT_REQUIRED_INDEX],
    ['storeRange(bad, bad) erasing', (b) => tree.storeRange(b, b, undefined), NOT_REQUIRED_INDEX],
    ['insert(bad)', (b) => tree.insert(b, 'x'), NOT_REQUIRED_INDEX],
    ['insertRange(bad, 10)', (b) => tree.insertRange(b, 10, 'x'), NOT_REQUIRED_INDEX],
    ['insertRange(60, bad)', (b) => tree.insertRange(60, b, 'x'), NOT_REQUIRED_INDEX],
    ['erase(bad)', (b) => tree.erase(b), NOT_REQUIRED_INDEX],
    ['find(bad)', (b) => tree.find(b), NOT_REQUIRED_INDEX],
    ['find(0, bad)', (b) => tree.find(0, b), NOT_INDEX],
    ['next(bad)', (b) => tree.next(b), NOT_REQUIRED_INDEX],
    ['next(0, bad)', (b) => tree.next(0, b), NOT_INDEX],
    ['prev(bad)', (b) => tree.prev(b), NOT_REQUIRED_INDEX],
    ['prev(MAPLE_MAX, bad)', (b) => tree.prev(MAPLE_MAX, b), NOT_INDEX],
    ['entries(bad)', (b) => tree.entries(b), NOT_INDEX],
    ['entries(0, bad)', (b) => tree.entries(0, b), NOT_INDEX],
    ['forEach(fn, bad)', (b) => tree.forEach(() => {}, b), NOT_INDEX],
    ['forEach(fn, 0, bad)', (b) => tree.forEach(() => {}, 0, b), NOT_INDEX],
    ['emptyArea(bad, max)', (b) => tree.emptyArea(b, MAPLE_MAX, 1), NOT_REQUIRED_INDEX],
    ['emptyArea(0, bad)', (b) => tree.emptyArea(0, b, 1), NOT_REQUIRED_INDEX],
    ['emptyAreaRev(bad, max)', (b) => tree.emptyAreaRev(b, MAPLE_MAX, 1), NOT_REQUIRED_INDEX],
    ['emptyAreaRev(0, bad)', (b) => tree.emptyAreaRev(0, b, 1), NOT_REQUIRED_INDEX],
    ['allocRange(min bad)', (b) => tree.allocRange('x', 1, b, MAPLE_MAX), NOT_REQUIRED_INDEX],
    ['allocRange(max bad)', (b) => tree.allocRange('x', 1, 0, b), NOT_REQUIRED_INDEX],
    ['allocRangeRev(min bad)', (b) => tree.allocRangeRev('x', 1, b, MAPLE_MAX), NOT_REQUIRED_INDEX],
    ['allocRangeRev(max bad)', (b) => tree.allocRangeRev('x', 1, 0, b), NOT_REQUIRED_INDEX],
    ['state(bad)', (b) => tree.state(b), NOT_INDEX],
    ['state(0, bad)', (b) => tree.state(0, b), NOT_INDEX],
  ];
  for (const [label, call, values] of cases) {
    it(label, () => {
      for (const bad of values) expectEinval(tree, `${label} with ${show(bad)}`, () => call(bad as never));
    });
  }

  it('an entries() iterator is refused at the call, before any step', () => {
    expectEinval(tree, 'entries(-1)', () => tree.entries(-1));
  });
});

describe('inverted ranges and bad sizes are EINVAL, tree unchanged', () => {
  const tree = build();
  it('first > last', () => {
    expectEinval(tree, 'storeRange', () => tree.storeRange(10, 9, 'x'));
    expectEinval(tree, 'storeRange undefined', () => tree.storeRange(MAPLE_MAX, 0, undefined));
    expectEinval(tree, 'insertRange', () => tree.insertRange(60, 59, 'x'));
    expectEinval(tree, 'entries', () => tree.entries(10, 9));
    expectEinval(tree, 'forEach', () => tree.forEach(() => {}, 10, 9));
    expectEinval(tree, 'state', () => tree.state(10, 9));
    // mt_find over [index, max] with index > max: an inverted range here.
    expectEinval(tree, 'find', () => tree.find(10, 9));
  });

  it('min > max in gap searches and allocations', () => {
    expectEinval(tree, 'emptyArea', () => tree.emptyArea(10, 9, 1));
    expectEinval(tree, 'emptyAreaRev', () => tree.emptyAreaRev(10, 9, 1));
    expectEinval(tree, 'allocRange', () => tree.allocRange('x', 1, 10, 9));
    expectEinval(tree, 'allocRangeRev', () => tree.allocRangeRev('x', 1, 10, 9));
  });

  it('size < 1, not an integer, or larger than the window', () => {
    for (const size of NOT_SIZE) {
      const s = size as number;
      expectEinval(tree, `emptyArea size ${show(size)}`, () => tree.emptyArea(0, MAPLE_MAX, s));
      expectEinval(tree, `emptyAreaRev size ${show(size)}`, () => tree.emptyAreaRev(0, MAPLE_MAX, s));
      expectEinval(tree, `allocRange size ${show(size)}`, () => tree.allocRange('x', s, 0, MAPLE_MAX));
      expectEinval(tree, `allocRangeRev size ${show(size)}`, () => tree.allocRangeRev('x', s, 0, MAPLE_MAX));
    }
    expectEinval(tree, 'size > window', () => tree.emptyArea(5, 9, 6));
    expectEinval(tree, 'size > window rev', () => tree.emptyAreaRev(5, 9, 6));
    expectEinval(tree, 'alloc size > window', () => tree.allocRange('x', 6, 5, 9));
    expectEinval(tree, 'alloc rev size > window', () => tree.allocRangeRev('x', 6, 5, 9));
    expectEinval(tree, 'size past MAPLE_MAX', () => tree.emptyArea(1, MAPLE_MAX, MAPLE_MAX + 1));
    expect(tree.emptyArea(5, 9, 5)).toBe(5);
  });

  it('allocating undefined, or on a tree without allocRange', () => {
    expectEinval(tree, 'alloc undefined', () =>
      tree.allocRange(undefined as unknown as string, 1, 0, MAPLE_MAX),
    );
    expectEinval(tree, 'alloc rev undefined', () =>
      tree.allocRangeRev(undefined as unknown as string, 1, 0, MAPLE_MAX),
    );
    const plain = build(false);
    expectEinval(plain, 'plain alloc', () => plain.allocRange('x', 1, 0, MAPLE_MAX));
    expectEinval(plain, 'plain alloc rev', () => plain.allocRangeRev('x', 1, 0, MAPLE_MAX));
  });

  it('forEach without a function', () => {
    for (const fn of [undefined, null, 5, 'f', {}]) {
      expectEinval(tree, `forEach(${show(fn)})`, () => tree.forEach(fn as never));
    }
  });
});

describe('cursor methods refuse bad arguments with EINVAL; tree and cursor unchanged', () => {
  const tree = build();

  function expectCursorEinval(mas: MapleState<string>, label: string, fn: () => unknown): void {
    const at = [mas.index, mas.last];
    expectEinval(tree, label, fn);
    expect([mas.index, mas.last], label).toEqual(at);
  }

  const steps: [string, (mas: MapleState<string>, bad: never) => unknown][] = [
    ['find', (m, b) => m.find(b)],
    ['findRev', (m, b) => m.findRev(b)],
    ['next', (m, b) => m.next(b)],
    ['prev', (m, b) => m.prev(b)],
    ['nextRange', (m, b) => m.nextRange(b)],
    ['prevRange', (m, b) => m.prevRange(b)],
    ['set', (m, b) => m.set(b)],
    ['setRange first', (m, b) => m.setRange(b, 10)],
    ['setRange last', (m, b) => m.setRange(0, b)],
    ['emptyArea min', (m, b) => m.emptyArea(b, MAPLE_MAX, 1)],
    ['emptyArea max', (m, b) => m.emptyArea(0, b, 1)],
    ['emptyAreaRev min', (m, b) => m.emptyAreaRev(b, MAPLE_MAX, 1)],
    ['emptyAreaRev max', (m, b) => m.emptyAreaRev(0, b, 1)],
  ];
  for (const [label, step] of steps) {
    it(label, () => {
      const mas = tree.state(250);
      mas.walk();
      for (const bad of NOT_REQUIRED_INDEX) {
        expectCursorEinval(mas, `${label}(${show(bad)})`, () => step(mas, bad as never));
      }
      // The cursor still works from where it was.
      expect(mas.next(MAPLE_MAX)).toBe('v3');
      expect([mas.index, mas.last]).toEqual([300, 349]);
    });
  }

  it('emptyArea: min > max and bad sizes', () => {
    const mas = tree.state(250);
    expectCursorEinval(mas, 'min > max', () => mas.emptyArea(10, 9, 1));
    expectCursorEinval(mas, 'rev min > max', () => mas.emptyAreaRev(10, 9, 1));
    for (const size of NOT_SIZE) {
      expectCursorEinval(mas, `size ${show(size)}`, () => mas.emptyArea(0, MAPLE_MAX, size as number));
      expectCursorEinval(mas, `rev size ${show(size)}`, () => mas.emptyAreaRev(0, MAPLE_MAX, size as number));
    }
    expectCursorEinval(mas, 'size > window', () => mas.emptyArea(5, 9, 6));
    expectCursorEinval(mas, 'rev size > window', () => mas.emptyAreaRev(5, 9, 6));
  });

  it('setRange with first > last', () => {
    const mas = tree.state(250);
    expectCursorEinval(mas, 'setRange(10, 9)', () => mas.setRange(10, 9));
  });

  it('walk, store and erase with a bad index or last written into the cursor', () => {
    for (const bad of NOT_REQUIRED_INDEX) {
      const mas = tree.state(5);
      mas.index = bad as number;
      expectEinval(tree, `walk at ${show(bad)}`, () => mas.walk());
      expectEinval(tree, `store at ${show(bad)}`, () => mas.store('x'));
      expectEinval(tree, `erase at ${show(bad)}`, () => mas.erase());
      const ranged = tree.state(5);
      ranged.last = bad as number;
      expectEinval(tree, `store to ${show(bad)}`, () => ranged.store('x'));
    }
    const inverted = tree.state(5);
    inverted.index = 10;
    inverted.last = 9;
    expectEinval(tree, 'store over [10, 9]', () => inverted.store('x'));
  });
});
