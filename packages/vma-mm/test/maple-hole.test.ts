// The maple index's hole record (src/backend/maple-hole.ts): each write keeps
// what it claims true, its known sides exact, and drops what it can no
// longer vouch for.
import { MAPLE_MAX } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { HoleRecord } from '../src/backend/maple-hole.js';
import { Vma } from '../src/index.js';

const vma = (s: number, e: number) => new Vma(4096, s, e, 0, s, null);
const state = (h: HoleRecord) => [h.lo, h.hi, h.below, h.above];
/** What the index does on setRange: the VMA takes its new bounds, then the record follows. */
const move = (h: HoleRecord, v: Vma, start: number, end: number) => {
  v.startPage = start;
  v.endPage = end;
  h.moved(v);
};

describe('HoleRecord', () => {
  it('knows nothing at first and after forget', () => {
    const h = new HoleRecord();
    expect(h.holds(0)).toBe(false);
    expect(h.holds(1)).toBe(false);
    h.set(5, 9, null, null);
    expect(h.holds(5) && h.holds(9) && !h.holds(4) && !h.holds(10)).toBe(true);
    h.forget();
    expect(state(h)).toEqual([1, 0, null, null]);
    h.taken(vma(0, 100)); // a write while nothing is known changes nothing
    expect(state(h)).toEqual([1, 0, null, null]);
  });

  it('without keptThroughWrites, forgets at every write', () => {
    const a = vma(10, 20);
    const c = vma(50, 60);
    for (const write of [
      (h: HoleRecord) => h.taken(vma(30, 31)),
      (h: HoleRecord) => h.removed(c),
      (h: HoleRecord) => h.moved(a),
    ]) {
      const h = new HoleRecord(false);
      h.set(20, 49, a, c);
      expect(h.holds(25)).toBe(true);
      write(h);
      expect(state(h)).toEqual([1, 0, null, null]);
    }
  });

  it('makes a known side exact', () => {
    const h = new HoleRecord();
    const a = vma(10, 20);
    const c = vma(50, 60);
    h.set(25, 30, null, null);
    h.setAbove(c);
    h.setBelow(a);
    expect(state(h)).toEqual([20, 49, a, c]);
    h.setAbove(undefined);
    h.setBelow(undefined);
    expect(state(h)).toEqual([0, MAPLE_MAX, undefined, undefined]);
  });

  it('shrinks to the part a new VMA leaves, which the VMA then bounds', () => {
    const a = vma(10, 20);
    const c = vma(50, 60);
    const h = new HoleRecord();
    h.set(20, 49, a, c);
    const top = vma(45, 50);
    h.taken(top); // at the top (a top-down mmap)
    expect(state(h)).toEqual([20, 44, a, top]);
    const bottom = vma(20, 22);
    h.taken(bottom); // at the bottom
    expect(state(h)).toEqual([22, 44, bottom, top]);
    const mid = vma(30, 32);
    h.taken(mid); // in the middle: the part below stays known
    expect(state(h)).toEqual([22, 29, bottom, mid]);
    h.taken(vma(0, 5)); // elsewhere
    h.taken(vma(35, 40));
    expect(state(h)).toEqual([22, 29, bottom, mid]);
    h.taken(vma(22, 30)); // all of it
    expect(state(h)).toEqual([1, 0, null, null]);
  });

  it('leaves the side of a removed neighbour unknown, the pages still claimed', () => {
    const a = vma(10, 20);
    const c = vma(50, 60);
    const h = new HoleRecord();
    h.set(20, 49, a, c);
    h.removed(vma(0, 5));
    expect(state(h)).toEqual([20, 49, a, c]);
    h.removed(a);
    expect(state(h)).toEqual([20, 49, null, c]);
    h.removed(c);
    expect(state(h)).toEqual([20, 49, null, null]);
  });

  it('follows a neighbour moving its facing edge, and forgets the hole it closes', () => {
    const heap = vma(10, 20);
    const c = vma(50, 60);
    const h = new HoleRecord();
    h.set(20, 49, heap, c);
    move(h, heap, 10, 30); // brk grows
    expect(state(h)).toEqual([30, 49, heap, c]);
    move(h, heap, 10, 15); // and shrinks
    expect(state(h)).toEqual([15, 49, heap, c]);
    move(h, c, 40, 60); // the VMA above merged down
    expect(state(h)).toEqual([15, 39, heap, c]);
    move(h, c, 45, 60); // and gives pages back
    expect(state(h)).toEqual([15, 44, heap, c]);
    const other = vma(100, 110);
    move(h, other, 20, 25); // a VMA from elsewhere into the hole (mremap in place)
    expect(state(h)).toEqual([15, 19, heap, other]);
    move(h, heap, 10, 20); // up to the next VMA: no hole left
    expect(state(h)).toEqual([1, 0, null, null]);
    h.set(20, 49, heap, c);
    move(h, c, 20, 60);
    expect(state(h)).toEqual([1, 0, null, null]);
  });
});
