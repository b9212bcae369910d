// Finding and stepping from lib/test_maple_tree.c: check_find,
// check_find_2, check_rev_find, check_next_entry, check_prev_entry and
// next_prev_test (next/prev across node and level boundaries and off both
// ends of the tree). The kernel's XA_ZERO_ENTRY at 64 is an ordinary value
// here (a JS tree reserves no values), so iterations see it.
import { MAPLE_MAX, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { checkSeq } from './helpers.js';

/** Keys 0, 1, 4, 16, ..., 4^20 (check_find's powers of four), value = key. */
function powersOfFour(): { tree: MapleTree<number>; keys: number[] } {
  const tree = new MapleTree<number>();
  const keys = [0];
  for (let k = 1; k <= 4 ** 20; k *= 4) keys.push(k);
  for (const k of keys) expect(tree.insert(k, k)).toBe(true);
  return { tree, keys };
}

function drain(next: () => number | undefined): number[] {
  const out: number[] = [];
  for (let v = next(); v !== undefined; v = next()) out.push(v);
  return out;
}

describe('check_find', () => {
  it('iterates with mas_find, mas_for_each, with pauses, and with mt_for_each', () => {
    const { tree, keys } = powersOfFour();
    const mas = tree.state(0);
    expect(drain(() => mas.find(268435456))).toEqual(keys.filter((k) => k <= 268435456));
    mas.set(0);
    expect(drain(() => mas.find(MAPLE_MAX))).toEqual(keys);
    mas.set(0);
    expect(
      drain(() => {
        const v = mas.find(MAPLE_MAX);
        mas.pause();
        return v;
      }),
    ).toEqual(keys);
    expect([...tree.entries(0, 300)].map((e) => e.value)).toEqual([0, 1, 4, 16, 64, 256]);
  });

  it('iterates to MAPLE_MAX, finds within bounds, and steps back from the end', () => {
    const { tree, keys } = powersOfFour();
    expect(tree.insert(MAPLE_MAX, MAPLE_MAX)).toBe(true);
    expect([...tree].map((e) => e.value)).toEqual([...keys, MAPLE_MAX]);
    tree.erase(MAPLE_MAX);
    // the kernel skips its zero entry at 64 and finds 256; here 64 is a value like any other
    expect(tree.find(17, 512)).toEqual({ first: 64, last: 64, value: 64 });
    expect(tree.find(65, 512)).toEqual({ first: 256, last: 256, value: 256 });
    expect(tree.find(17, 20)).toBeUndefined();

    expect(tree.insert(MAPLE_MAX, MAPLE_MAX)).toBe(true);
    const mas = tree.state(0);
    expect(
      drain(() => {
        const v = mas.find(MAPLE_MAX);
        mas.pause();
        return v;
      }),
    ).toEqual([...keys, MAPLE_MAX]);
    mas.set(1048576);
    expect(mas.find(1048576)).toBe(1048576);

    // the last value, found from the entry at MAPLE_MAX ...
    mas.set(MAPLE_MAX);
    expect(mas.find(MAPLE_MAX)).toBe(MAPLE_MAX);
    expect(mas.prev(0)).toBe(4 ** 20);
    expect([mas.index, mas.last]).toEqual([4 ** 20, 4 ** 20]);
    // ... and again once that entry is erased
    mas.setRange(MAPLE_MAX, MAPLE_MAX);
    expect(mas.erase()).toBe(MAPLE_MAX);
    mas.reset();
    expect(mas.prev(0)).toBe(4 ** 20);
    expect([mas.index, mas.last]).toEqual([4 ** 20, 4 ** 20]);
    mas.set(MAPLE_MAX);
    expect(mas.prev(0)).toBe(4 ** 20);
    mas.set(0);
    expect(mas.prev(0)).toBeUndefined();
    tree.validate();
  });
});

describe('check_find_2', () => {
  it('sees every entry after each insert and each erase', () => {
    const tree = new MapleTree<number>();
    const mas = tree.state(0);
    expect(mas.find(MAPLE_MAX)).toBeUndefined();
    for (let i = 0; i < 256; i++) {
      tree.insert(i, i);
      mas.set(0);
      expect(drain(() => mas.find(MAPLE_MAX))).toEqual(Array.from({ length: i + 1 }, (_, j) => j));
    }
    for (let i = 0; i < 256; i++) {
      tree.erase(i);
      mas.set(0);
      expect(drain(() => mas.find(MAPLE_MAX))).toEqual(Array.from({ length: 255 - i }, (_, j) => i + 1 + j));
    }
    expect(tree.isEmpty).toBe(true);
    tree.validate();
  });
});

describe('check_rev_find', () => {
  it('finds backwards from an entry, a gap, and down to 0', () => {
    const tree = new MapleTree<number>();
    for (let i = 0; i <= 200; i++) tree.storeRange(i * 10, i * 10 + 5, i);
    const mas = tree.state(1000);
    expect(mas.findRev(1000)).toBe(100);
    expect(mas.findRev(1000)).toBeUndefined();
    mas.set(999);
    expect(mas.findRev(997)).toBeUndefined();
    mas.set(1000);
    expect(mas.findRev(900)).toBe(100);
    expect(mas.findRev(900)).toBe(99);
    mas.set(20);
    expect([mas.findRev(0), mas.findRev(0), mas.findRev(0), mas.findRev(0)]).toEqual([2, 1, 0, undefined]);
  });
});

describe('check_next_entry and check_prev_entry', () => {
  it('steps next from a walk up to the limit', () => {
    const tree = new MapleTree<number>();
    checkSeq(tree, 30);
    const mas = tree.state(0);
    expect(mas.walk()).toBe(0);
    for (let i = 1; i <= 31; i++) expect(mas.next(30)).toBe(i > 30 ? undefined : i);
  });

  it('steps prev from a find, and stops at min', () => {
    const tree = new MapleTree<number>();
    checkSeq(tree, 30);
    const mas = tree.state(16);
    expect(mas.find(MAPLE_MAX)).toBe(16);
    expect(mas.prev(0)).toBe(15);

    const gaps = new MapleTree<number>({ allocRange: true });
    const cur = gaps.state(0);
    for (let i = 0; i <= 16; i++) {
      cur.setRange(i * 10, i * 10 + 5);
      cur.store(i);
    }
    cur.set(20);
    expect(cur.walk()).toBe(2);
    expect(cur.prev(19)).toBeUndefined();
    cur.set(80);
    expect(cur.walk()).toBe(8);
    expect(cur.prev(76)).toBeUndefined();
  });
});

describe('next_prev_test', () => {
  const build = () => {
    const tree = new MapleTree<number>({ allocRange: true });
    for (let i = 0; i <= 200; i++) tree.storeRange(i * 10, i * 10 + 5, i);
    return tree;
  };
  const at = (mas: { index: number; last: number }) => [mas.index, mas.last];

  it('counts entries with and without pauses', () => {
    const tree = build();
    const mas = tree.state(0);
    for (let i = 0; i <= 100; i++) mas.next(1000);
    mas.set(0);
    expect(drain(() => mas.find(1000))).toHaveLength(101);
    mas.set(0);
    expect(
      drain(() => {
        const v = mas.find(1000);
        mas.pause();
        return v;
      }),
    ).toHaveLength(101);
  });

  it('steps next and prev from a gap, across leaves and across two levels', () => {
    const tree = build();
    const mas = tree.state(686);
    expect(mas.walk()).toBeUndefined();
    expect(mas.next(1000)).toBe(69);
    expect(at(mas)).toEqual([690, 695]);
    expect(mas.prev(0)).toBe(68);
    expect(at(mas)).toEqual([680, 685]);
    expect(mas.next(1000)).toBe(69);
    expect(mas.next(1000)).toBe(70);
    expect(at(mas)).toEqual([700, 705]);

    mas.set(70);
    expect(mas.walk()).toBe(7);
    expect(at(mas)).toEqual([70, 75]);
    expect(mas.next(1000)).toBe(8);
    expect(at(mas)).toEqual([80, 85]);
    expect(mas.prev(70)).toBe(7);
    expect(at(mas)).toEqual([70, 75]);

    mas.reset();
    mas.set(707);
    expect(mas.walk()).toBeUndefined();
    expect(mas.next(1000)).toBe(71);
    expect(at(mas)).toEqual([710, 715]);
    expect(mas.next(1000)).toBe(72);
    expect(at(mas)).toEqual([720, 725]);
    expect(mas.prev(0)).toBe(71);
    expect(at(mas)).toEqual([710, 715]);
  });

  it('runs off the end and back on', () => {
    const tree = build();
    const mas = tree.state(2000);
    expect(mas.walk()).toBe(200);
    expect(at(mas)).toEqual([2000, 2005]);
    expect(mas.next(MAPLE_MAX)).toBeUndefined();
    expect(at(mas)).toEqual([0x7d6, MAPLE_MAX]);
    expect(mas.prev(0)).toBe(200);
    expect(at(mas)).toEqual([2000, 2005]);
  });

  it('runs off the start and back on', () => {
    const tree = build();
    const mas = tree.state(10);
    expect(mas.walk()).toBe(1);
    expect(at(mas)).toEqual([10, 15]);
    expect(mas.prev(0)).toBe(0);
    expect(at(mas)).toEqual([0, 5]);
    expect(mas.prev(0)).toBeUndefined();
    expect(at(mas)).toEqual([0, 5]);

    mas.setRange(0, 5);
    mas.store(undefined);
    mas.set(10);
    mas.walk();
    expect(mas.prev(0)).toBeUndefined();
    expect(at(mas)).toEqual([0, 9]);
  });

  it('prev stops at min between two single entries', () => {
    const tree = new MapleTree<number>();
    tree.storeRange(0, 0, 0);
    tree.storeRange(5, 5, 5);
    const mas = tree.state(5);
    expect(mas.prev(4)).toBeUndefined();
  });
});
