/**
 * Shared steps of the kernel scenarios, named after the helpers at the top
 * of lib/test_maple_tree.c. Values are the index itself where the kernel
 * stores `xa_mk_value(index)`.
 */
import { MapleError, type MapleTree } from '@maple-tree/core';
import { expect } from 'vitest';
import { MapleModel } from '../../src/model.js';

/** check_load: `load(index)` is `value`. */
export function checkLoad<V>(tree: MapleTree<V>, index: number, value: V | undefined): void {
  expect(tree.load(index), `load(${index})`).toBe(value);
}

/** check_store_range: stores and then loads every index of the range back. */
export function checkStoreRange<V>(
  tree: MapleTree<V>,
  first: number,
  last: number,
  value: V | undefined,
): void {
  tree.storeRange(first, last, value);
  for (let i = first; i <= last; i++) checkLoad(tree, i, value);
}

/** check_insert_range: inserts; `ok` false means the kernel's -EEXIST. */
export function checkInsertRange<V>(
  tree: MapleTree<V>,
  first: number,
  last: number,
  value: V,
  ok = true,
): void {
  expect(tree.insertRange(first, last, value), `insertRange(${first}, ${last})`).toBe(ok);
  if (ok) for (let i = first; i <= last; i++) checkLoad(tree, i, value);
}

/** check_seq: inserts 0..max in order, loading everything so far after each insert. */
export function checkSeq(tree: MapleTree<number>, max: number): void {
  expect(tree.isEmpty).toBe(true);
  for (let i = 0; i <= max; i++) {
    expect(tree.insert(i, i)).toBe(true);
    for (let j = 0; j <= i; j++)
      if (tree.load(j) !== j) expect(tree.load(j), `load(${j}) after insert ${i}`).toBe(j);
    if (i > 0) expect(tree.height).toBeGreaterThan(0);
    checkLoad(tree, i + 1, undefined);
  }
}

/** check_rev_seq: inserts max..1, loading everything inserted after each insert. */
export function checkRevSeq(tree: MapleTree<number>, max: number): void {
  expect(tree.isEmpty).toBe(true);
  for (let i = max; i > 0; i--) {
    expect(tree.insert(i, i)).toBe(true);
    for (let j = i; j <= max; j++)
      if (tree.load(j) !== j) expect(tree.load(j), `load(${j}) after insert ${i}`).toBe(j);
    checkLoad(tree, i - 1, undefined);
    expect(tree.height).toBeGreaterThan(0);
  }
  checkLoad(tree, max + 1, undefined);
}

/** Throws unless `fn` throws MapleError with `code`. */
export function expectCode(fn: () => unknown, code: MapleError['code']): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(MapleError);
  expect((caught as MapleError).code).toBe(code);
}

/** A model holding what the tree should: every step is mirrored and compared. */
export function mirror<V>(tree: MapleTree<V>, allocRange: boolean): MapleModel<V> {
  const model = new MapleModel<V>({ allocRange });
  for (const e of tree) model.storeRange(e.first, e.last, e.value);
  return model;
}

/** The tree validates and holds exactly what the model holds. */
export function expectSame<V>(tree: MapleTree<V>, model: MapleModel<V>): void {
  tree.validate();
  expect([...tree]).toEqual([...model]);
  expect(tree.size).toBe(model.size);
}
