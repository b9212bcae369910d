// Inserts and loads from maple_tree_seed() in lib/test_maple_tree.c: an
// index at 0, a duplicate insert (-EEXIST), inserting into a NULL hole, a
// fifth entry that splits the root leaf, and the lower, upper and middle
// bound splits (check_lower_bound_split, check_upper_bound_split,
// check_mid_split).
import { MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { checkLoad } from './helpers.js';

const SET = [5015, 5014, 5017, 25, 1000, 1001, 1002, 1003, 1005, 0, 5003, 5002] as const;
const A = 'tree';
const B = 'ptr';

describe('maple_tree_seed inserts', () => {
  it('inserts at 0 and far away', () => {
    const t = new MapleTree<string>();
    checkLoad(t, SET[0], undefined);
    expect(t.insert(SET[9], A)).toBe(true);
    checkLoad(t, SET[9], A);
    checkLoad(t, SET[0], undefined);
    expect(t.insert(SET[10], B)).toBe(true);
    checkLoad(t, SET[9], A);
    checkLoad(t, SET[11], undefined);
    checkLoad(t, SET[10], B);
    t.validate();
  });

  it('refuses a duplicate insert and keeps the first value', () => {
    const t = new MapleTree<string>();
    expect(t.insert(SET[0], A)).toBe(true);
    expect(t.insert(SET[0], B)).toBe(false);
    checkLoad(t, SET[0], A);
    checkLoad(t, SET[1], undefined);
    expect(t.insert(SET[1], B)).toBe(true);
    checkLoad(t, SET[1], B);
    checkLoad(t, SET[0], A);
    expect(t.insert(SET[6], B)).toBe(true);
    expect(t.insert(SET[7], A)).toBe(true);
    checkLoad(t, SET[0], A);
    checkLoad(t, SET[1], B);
    checkLoad(t, SET[6], B);
    checkLoad(t, SET[7], A);
    t.validate();
  });

  it('inserts into a NULL hole between two entries', () => {
    const t = new MapleTree<string>();
    expect(t.insert(SET[5], B)).toBe(true);
    expect(t.insert(SET[7], A)).toBe(true);
    expect(t.insert(SET[6], B)).toBe(true);
    checkLoad(t, SET[5], B);
    checkLoad(t, SET[6], B);
    checkLoad(t, SET[7], A);
    t.validate();
  });

  it('keeps every earlier entry through the insert that splits', () => {
    const t = new MapleTree<string>();
    const order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const value = (k: number) => (k % 2 === 0 ? B : A);
    for (const k of order) {
      expect(t.insert(SET[k], value(k))).toBe(true);
      for (const j of order.slice(0, order.indexOf(k) + 1)) checkLoad(t, SET[j], value(j));
      t.validate();
    }
  });
});

/** check_lb_not_empty: inserts huge, huge/2, ... down to 4096, loading around every one each time. */
function lowerBoundInserts(t: MapleTree<number>): void {
  const huge = 4000 * 1000 * 1000;
  for (let i = huge; i > 4096; i = Math.floor(i / 2)) {
    expect(t.insert(i, i)).toBe(true);
    for (let j = huge; j >= i; j = Math.floor(j / 2)) {
      checkLoad(t, j - 1, undefined);
      checkLoad(t, j, j);
      checkLoad(t, j + 1, undefined);
    }
  }
  t.validate();
}

describe('bound splits', () => {
  it('check_lower_bound_split', () => {
    const t = new MapleTree<number>();
    lowerBoundInserts(t);
    t.clear();
    expect(t.isEmpty).toBe(true);
  });

  it('check_upper_bound_split', () => {
    const t = new MapleTree<number>();
    const huge = 4000 * 1000 * 1000;
    const inserted: number[] = [];
    for (let i = 4096; i < huge; i *= 2) {
      expect(t.insert(i, i)).toBe(true);
      inserted.push(i);
      for (const j of inserted) {
        checkLoad(t, j - 1, undefined);
        checkLoad(t, j, j);
        checkLoad(t, j + 1, undefined);
      }
    }
    t.validate();
  });

  it('check_mid_split', () => {
    const t = new MapleTree<number>();
    const huge = 8000 * 1000 * 1000;
    expect(t.insert(huge, huge)).toBe(true);
    expect(t.insert(0, 0)).toBe(true);
    lowerBoundInserts(t);
    checkLoad(t, huge, huge);
    checkLoad(t, 0, 0);
  });
});
