// check_iteration (lib/test_maple_tree.c): stores through the cursor in the
// middle of a mas_for_each. After mas_store the cursor stays on the range it
// wrote, so the walk goes on after it: over the end of entry 92, over the
// start of entry 78, and over the end of entry 76 up to the limit.
import { MAPLE_MAX, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { MapleModel } from '../../src/model.js';
import { expectSame } from './helpers.js';

function build() {
  const tree = new MapleTree<number>({ allocRange: true });
  const model = new MapleModel<number>({ allocRange: true });
  for (let i = 0; i <= 125; i++) {
    tree.storeRange(i * 10, i * 10 + 9, i);
    model.storeRange(i * 10, i * 10 + 9, i);
  }
  return { tree, model };
}

describe('check_iteration', () => {
  it('overwrites the end of entry 92 mid-walk and continues after it', () => {
    const { tree, model } = build();
    const mas = tree.state(0);
    let i = 0;
    for (let v = mas.find(925); v !== undefined; v = mas.find(925)) {
      expect([mas.index, mas.last]).toEqual([i * 10, i * 10 + 9]);
      if (i === 92) {
        mas.index = 925;
        mas.last = 929;
        mas.store(v);
        model.storeRange(925, 929, v);
      }
      i++;
    }
    expect(i).toBe(93);
    expect(mas.find(MAPLE_MAX)).toBe(93);
    expectSame(tree, model);
  });

  it('overwrites the start of entry 78 and stops at the limit', () => {
    const { tree, model } = build();
    const mas = tree.state(0);
    let i = 0;
    for (let v = mas.find(785); v !== undefined; v = mas.find(785)) {
      expect([mas.index, mas.last]).toEqual([i * 10, i * 10 + 9]);
      if (i === 78) {
        mas.index = 780;
        mas.last = 785;
        mas.store(v);
        model.storeRange(780, 785, v);
      } else {
        i++;
      }
    }
    expect(mas.find(MAPLE_MAX)).toBe(78);
    expect([mas.index, mas.last]).toEqual([786, 789]);
    expectSame(tree, model);
  });

  it('overwrites the end of entry 76 up to the limit, and the next find returns its rest', () => {
    const { tree, model } = build();
    const mas = tree.state(0);
    let i = 0;
    for (let v = mas.find(765); v !== undefined; v = mas.find(765)) {
      expect([mas.index, mas.last]).toEqual([i * 10, i * 10 + 9]);
      if (i === 76) {
        mas.index = 760;
        mas.last = 765;
        mas.store(v);
        model.storeRange(760, 765, v);
      }
      i++;
    }
    expect(mas.find(MAPLE_MAX)).toBe(76);
    expect([mas.index, mas.last]).toEqual([766, 769]);
    expectSame(tree, model);
  });
});
