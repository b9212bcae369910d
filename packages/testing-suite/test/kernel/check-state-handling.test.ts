// Cursor state transitions from lib/test_maple_tree.c: check_root_expand
// (a tree growing out of its root pointer) and check_state_handling (every
// cursor call from start, pause, active, overflow and underflow, on a tree
// whose only entry is index 0 and on a tree with nodes). The kernel reads
// mas.status directly; here each step checks what the status decides: the
// value returned and the range the cursor then holds.
import { MAPLE_MAX, type MapleState, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';

const P1 = 'ptr';
const P2 = 'ptr2';
const P3 = 'ptr3';

const at = (mas: { index: number; last: number }) => [mas.index, mas.last];

describe('check_root_expand', () => {
  it('walks an empty tree, then a tree with one entry at 1', () => {
    const tree = new MapleTree<string>({ allocRange: true });
    const mas = tree.state(3);
    expect(mas.walk()).toBeUndefined();
    expect(at(mas)).toEqual([0, MAPLE_MAX]);
    mas.set(1);
    mas.store(P1);
    for (const [i, v] of [
      [0, undefined],
      [1, P1],
      [2, undefined],
    ] as const) {
      mas.set(i);
      expect(mas.walk()).toBe(v);
    }
  });

  it('walks around a root entry at 0', () => {
    const tree = new MapleTree<string>();
    const mas = tree.state(0);
    mas.store(P1);
    mas.set(5);
    expect(mas.walk()).toBeUndefined();
    expect(at(mas)).toEqual([1, MAPLE_MAX]);
    mas.setRange(0, 100);
    expect(mas.walk()).toBe(P1);
    expect(mas.last).toBe(0);
  });

  it('steps next and prev around a root entry at 0', () => {
    const tree = new MapleTree<string>();
    const mas = tree.state(0);
    mas.store(P1);
    expect(mas.next(MAPLE_MAX)).toBeUndefined();
    expect(at(mas)).toEqual([1, MAPLE_MAX]);
    mas.set(1);
    expect(mas.prev(0)).toBe(P1);
    expect(at(mas)).toEqual([0, 0]);
  });
});

describe('check_state_handling on a root entry at 0', () => {
  const tree = new MapleTree<string>();
  tree.storeRange(0, 0, P1);

  it('prev', () => {
    const mas = tree.state(0);
    expect(mas.prev(0)).toBeUndefined();
    mas.set(10);
    expect(mas.prev(0)).toBe(P1);
    expect(at(mas)).toEqual([0, 0]);
    mas.set(10).pause();
    expect(mas.prev(0)).toBe(P1);
    expect(at(mas)).toEqual([0, 0]);
  });

  it('next', () => {
    const mas = tree.state(0);
    expect(mas.next(MAPLE_MAX)).toBeUndefined();
    expect(at(mas)).toEqual([1, MAPLE_MAX]);
    mas.set(10);
    expect(mas.next(MAPLE_MAX)).toBeUndefined();
    expect(at(mas)).toEqual([1, MAPLE_MAX]);
  });

  it('find', () => {
    const mas = tree.state(0);
    expect(mas.find(MAPLE_MAX)).toBe(P1);
    expect(at(mas)).toEqual([0, 0]);
    expect(mas.find(MAPLE_MAX)).toBeUndefined();
    expect(at(mas)).toEqual([1, MAPLE_MAX]);
    expect(mas.find(MAPLE_MAX)).toBeUndefined();
    expect(at(mas)).toEqual([1, MAPLE_MAX]);
    mas.set(10);
    expect(mas.find(MAPLE_MAX)).toBeUndefined();
    expect(at(mas)).toEqual([1, MAPLE_MAX]);
    // find_rev: none -> root
    expect(mas.findRev(0)).toBe(P1);
    expect(at(mas)).toEqual([0, 0]);
  });

  it('findRev', () => {
    const mas = tree.state(0);
    expect(mas.findRev(0)).toBe(P1);
    expect(at(mas)).toEqual([0, 0]);
    expect(mas.findRev(0)).toBeUndefined();
    expect(at(mas)).toEqual([0, 0]);
    expect(mas.findRev(0)).toBeUndefined();
    expect(at(mas)).toEqual([0, 0]);
    mas.set(10);
    expect(mas.findRev(0)).toBe(P1);
    expect(at(mas)).toEqual([0, 0]);
  });

  it('walk', () => {
    const mas = tree.state(10);
    expect(mas.walk()).toBeUndefined();
    expect(at(mas)).toEqual([1, MAPLE_MAX]);
    mas.set(10).pause();
    expect(mas.walk()).toBeUndefined();
    expect(at(mas)).toEqual([1, MAPLE_MAX]);
    mas.index = 10;
    mas.last = 10;
    expect(mas.walk()).toBeUndefined();
    expect(at(mas)).toEqual([1, MAPLE_MAX]);
    expect(mas.walk()).toBeUndefined();
    expect(at(mas)).toEqual([1, MAPLE_MAX]);
    mas.set(0);
    expect(mas.walk()).toBe(P1);
    expect(at(mas)).toEqual([0, 0]);
    mas.set(0).pause();
    expect(mas.walk()).toBe(P1);
    expect(mas.walk()).toBe(P1);
    expect(at(mas)).toEqual([0, 0]);
    mas.set(10);
    expect(mas.walk()).toBeUndefined();
    mas.index = 0;
    mas.last = 0;
    expect(mas.walk()).toBe(P1);
    expect(at(mas)).toEqual([0, 0]);
  });
});

describe('check_state_handling on a tree with nodes', () => {
  const tree = new MapleTree<string>();
  tree.storeRange(0, 0, P1);
  tree.storeRange(0, 0, undefined);
  tree.storeRange(0x1000, 0x1500, P1);
  tree.storeRange(0x2000, 0x2500, P2);
  tree.storeRange(0x3000, 0x3500, P3);
  const expectStep = (
    value: string | undefined,
    first: number,
    last: number,
    got: string | undefined,
    mas: MapleState<string>,
  ) => {
    expect(got).toBe(value);
    expect(at(mas)).toEqual([first, last]);
  };

  it('next from start and pause, to the limit, off the end and back', () => {
    const mas = tree.state(0);
    expectStep(P1, 0x1000, 0x1500, mas.next(MAPLE_MAX), mas);
    mas.set(0).pause();
    expectStep(P1, 0x1000, 0x1500, mas.next(MAPLE_MAX), mas);
    expectStep(P2, 0x2000, 0x2500, mas.next(0x2100), mas); // the limit falls inside the entry
    expectStep(undefined, 0x2501, 0x2fff, mas.next(0x2999), mas); // overflow: the limit is in the gap
    expectStep(P3, 0x3000, 0x3500, mas.next(MAPLE_MAX), mas); // overflow, limit raised
    expectStep(undefined, 0x3501, MAPLE_MAX, mas.next(MAPLE_MAX), mas);
    expectStep(undefined, 0x3501, MAPLE_MAX, mas.next(MAPLE_MAX), mas); // overflow stays
    expectStep(P3, 0x3000, 0x3500, mas.prev(0), mas); // overflow -> active
  });

  it('next skips the value at the location when restarted on it', () => {
    const mas = tree.state(0);
    mas.next(MAPLE_MAX);
    mas.setRange(mas.index, mas.last);
    expectStep(P2, 0x2000, 0x2500, mas.next(MAPLE_MAX), mas);
    expectStep(P1, 0x1000, 0x1500, mas.prev(0), mas);
  });

  it('prev to the limit, underflow, and back on with next and find', () => {
    const mas = tree.state(0);
    mas.next(MAPLE_MAX);
    mas.next(MAPLE_MAX);
    expectStep(P1, 0x1000, 0x1500, mas.prev(0x1200), mas); // the limit falls inside the entry
    expectStep(undefined, 0x1000, 0x1500, mas.prev(0x1200), mas); // underflow
    expectStep(undefined, 0, 0x0fff, mas.prev(0x0100), mas); // underflow over the leading gap
    expectStep(undefined, 0, 0x0fff, mas.prev(0), mas);
    expectStep(undefined, 0, 0x0fff, mas.prev(0), mas);
    expectStep(P1, 0x1000, 0x1500, mas.next(MAPLE_MAX), mas); // underflow -> active
    expectStep(undefined, 0x1000, 0x1500, mas.prev(0x1000), mas);
    expectStep(P1, 0x1000, 0x1500, mas.find(MAPLE_MAX), mas); // find from underflow: the first value
  });

  it('prev after a pause, and underflow over a gap', () => {
    const mas = tree.state(0x3600);
    expect(mas.prev(0)).toBe(P3);
    mas.pause();
    expectStep(P2, 0x2000, 0x2500, mas.prev(0), mas);
    expectStep(undefined, 0x1501, 0x1fff, mas.prev(0x1600), mas);
    expectStep(P1, 0x1000, 0x1500, mas.prev(0), mas);
  });

  it('find from start, pause and active, through gaps and limits', () => {
    const mas = tree.state(0);
    expectStep(P1, 0x1000, 0x1500, mas.find(MAPLE_MAX), mas);
    mas.set(0).pause();
    expectStep(P1, 0x1000, 0x1500, mas.find(MAPLE_MAX), mas);
    mas.set(1200);
    expectStep(P1, 0x1000, 0x1500, mas.find(MAPLE_MAX), mas);
    expectStep(P2, 0x2000, 0x2500, mas.find(MAPLE_MAX), mas);
    expectStep(undefined, 0x2501, 0x2fff, mas.find(0x2700), mas);
    expectStep(P3, 0x3000, 0x3500, mas.find(0x5000), mas);
    expectStep(undefined, 0x3501, MAPLE_MAX, mas.find(MAPLE_MAX), mas);
  });

  it('findRev from the end, after a pause, to underflow, and from start', () => {
    const mas = tree.state(0);
    mas.find(MAPLE_MAX);
    mas.find(MAPLE_MAX);
    mas.find(MAPLE_MAX);
    mas.find(MAPLE_MAX);
    expect(at(mas)).toEqual([0x3501, MAPLE_MAX]);
    expectStep(P3, 0x3000, 0x3500, mas.findRev(0), mas);
    expectStep(P2, 0x2000, 0x2500, mas.findRev(0), mas);
    mas.pause();
    expectStep(P1, 0x1000, 0x1500, mas.findRev(0), mas);
    expectStep(undefined, 0, 0x0fff, mas.findRev(0), mas);
    mas.set(0x1200);
    expectStep(P1, 0x1000, 0x1500, mas.findRev(0), mas);
  });

  it('walk from start, pause and active, onto entries and gaps', () => {
    const mas = tree.state(0x1200);
    expectStep(P1, 0x1000, 0x1500, mas.walk(), mas);
    mas.set(0x1600);
    expectStep(undefined, 0x1501, 0x1fff, mas.walk(), mas);
    mas.set(0x1200).pause();
    expectStep(P1, 0x1000, 0x1500, mas.walk(), mas);
    mas.set(0x1600).pause();
    expectStep(undefined, 0x1501, 0x1fff, mas.walk(), mas);
    mas.index = 0x1200;
    mas.last = 0x1200;
    expectStep(P1, 0x1000, 0x1500, mas.walk(), mas);
    mas.index = 0x1600;
    mas.last = 0x1600;
    expectStep(undefined, 0x1501, 0x1fff, mas.walk(), mas);
  });
});
