// The maple index's deferred NULL stores (src/backend/maple-clears.ts): the
// list itself, answers read while stores are pending (they must be the
// current layout's, never a removed VMA), the stores saved (a split and a
// replaced range cost one tree write), and the sync at the end of every
// system call that leaves a caller's tree exact.
import { MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { prng } from '../bench/measure.js';
import { PendingClears } from '../src/backend/maple-clears.js';
import { AddressSpace, LegacyIndex, MAP, MapleIndex, PROT, Vma } from '../src/index.js';

/** A tree that counts the writes made through it (NULL stores apart). */
class CountingTree extends MapleTree<Vma> {
  writes = 0;
  nullWrites = 0;
  override write(first: number, last: number, value: Vma | undefined): void {
    if (value === undefined) this.nullWrites++;
    else this.writes++;
    super.write(first, last, value);
  }
}

const vma = (s: number, e: number) => new Vma(4096, s, e, 0, s, null);
const listed = (c: PendingClears) => {
  const out: [number, number][] = [];
  for (let i = 0; i < c.size; i++) out.push([c.first(i), c.last(i)]);
  c.reset();
  return out.sort((x, y) => x[0] - y[0]);
};

describe('PendingClears', () => {
  it('merges touching ranges, cuts stored ones out and reports coverage', () => {
    const c = new PendingClears();
    c.add(10, 19);
    c.add(30, 39);
    c.add(20, 24); // touches [10, 19]
    expect(c.size).toBe(2);
    expect(c.covers(10, 24)).toBe(true);
    expect(c.covers(24, 30)).toBe(false); // 25..29 is not listed
    c.cut(12, 14); // a store inside a range keeps both sides
    expect(c.covers(12, 12)).toBe(false);
    expect(c.covers(15, 24)).toBe(true);
    c.cut(35, 50);
    expect(listed(c)).toEqual([
      [10, 11],
      [15, 24],
      [30, 34],
    ]);
    expect(c.size).toBe(0);
  });

  it('asks for a sync once the list is longer than its limit', () => {
    const c = new PendingClears(2);
    expect(c.add(0, 0)).toBe(false);
    expect(c.add(2, 2)).toBe(false);
    expect(c.add(4, 4)).toBe(true);
    expect(c.add(1, 1)).toBe(false); // joins [0, 0] and [2, 2]
    expect(c.add(3, 3)).toBe(false); // joins [0, 2] and [4, 4]
    expect(listed(c)).toEqual([[0, 4]]);
  });
});

describe('MapleIndex with pending NULL stores', () => {
  it('answers as the legacy index after removals and shrinks it has not stored yet', () => {
    const rnd = prng(7);
    for (let round = 0; round < 30; round++) {
      const maple = new MapleIndex();
      const legacy = new LegacyIndex();
      const pairs = new Map<Vma, Vma>();
      let live: Vma[] = [];
      for (let i = 0; i < 40; i++) {
        const m = vma(i * 10, i * 10 + 2 + Math.floor(rnd() * 7));
        const l = m.dup();
        maple.insert(m);
        legacy.insert(l);
        pairs.set(m, l);
        live.push(m);
      }
      maple.sync();
      // A few removals and shrinks, no sync: the tree still holds the old entries.
      for (let k = 0; k < 1 + Math.floor(rnd() * 5); k++) {
        const m = live[Math.floor(rnd() * live.length)]!;
        const l = pairs.get(m)!;
        if (rnd() < 0.5 || m.pages < 2) {
          maple.remove(m);
          legacy.remove(l);
          live = live.filter((v) => v !== m);
        } else {
          const s = m.startPage + (rnd() < 0.5 ? 1 : 0);
          const e = s === m.startPage ? m.endPage - 1 : m.endPage;
          maple.setRange(m, s, e);
          legacy.setRange(l, s, e);
        }
      }
      const key = (v: Vma | undefined) => (v ? `${v.startPage}-${v.endPage}` : '-');
      for (let p = 0; p < 410; p++) {
        expect(key(maple.findAbove(p))).toBe(key(legacy.findAbove(p)));
        expect(key(maple.findBelow(p))).toBe(key(legacy.findBelow(p)));
        expect(key(maple.load(p))).toBe(key(legacy.load(p)));
      }
      for (const m of live) {
        expect(key(maple.prev(m))).toBe(key(legacy.prev(pairs.get(m)!)));
        expect(key(maple.next(m))).toBe(key(legacy.next(pairs.get(m)!)));
      }
      expect(maple.count).toBe(live.length);
      expect([...maple.range(0, 1000)].map(key)).toEqual([...legacy.range(0, 1000)].map(key));
      maple.validate();
    }
  });

  it('stores a split in one write and a replaced range with no NULL store', () => {
    const tree = new CountingTree({ allocRange: true });
    const idx = new MapleIndex(tree);
    const a = vma(100, 110);
    idx.insert(a);
    // __split_vma: `a` keeps [104, 110), the new VMA takes [100, 104).
    const low = vma(100, 104);
    idx.setRange(a, 104, 110);
    idx.insert(low);
    idx.sync();
    expect([tree.writes, tree.nullWrites]).toEqual([2, 0]);
    // MAP_FIXED over exactly `a`: removed, then a new VMA stored over the same pages.
    idx.remove(a);
    const b = vma(104, 110);
    expect(idx.load(105)).toBeUndefined();
    idx.insert(b);
    idx.sync();
    expect([tree.writes, tree.nullWrites]).toEqual([3, 0]);
    expect(tree.load(105)).toBe(b);
    // A removal nothing replaces is stored at the sync.
    idx.remove(low);
    expect(tree.load(101)).toBe(low);
    idx.sync();
    expect(tree.nullWrites).toBe(1);
    expect(tree.load(101)).toBeUndefined();
    idx.validate();
  });

  it("leaves a caller's tree exact after every system call", () => {
    const trees: CountingTree[] = [];
    const mm = new AddressSpace({
      arch: 'x86_64',
      mapleTree: () => {
        const t = new CountingTree({ allocRange: true });
        trees.push(t);
        return t;
      },
    });
    const tree = trees[0]!;
    const anon = MAP.PRIVATE | MAP.ANONYMOUS;
    const a = mm.mmap(0, 0x10000, PROT.READ, anon);
    expect(mm.munmap(a + 0x4000, 0x4000)).toBe(0);
    expect(tree.load((a + 0x5000) / 4096)).toBeUndefined();
    expect(mm.munmap(a, 0x4000)).toBe(0);
    expect(tree.load(a / 4096)).toBeUndefined();
    expect(mm.mprotect(a + 0x8000, 0x4000, PROT.NONE)).toBe(0);
    expect(tree.size).toBe(mm.mapCount);
    // A fault that grows a stack leaves nothing pending either.
    const stack = mm.mmap(0, 0x4000, PROT.READ | PROT.WRITE, anon | MAP.GROWSDOWN);
    expect(mm.fault(stack - 0x1000, true)).toBe(0);
    expect(tree.load((stack - 0x1000) / 4096)?.startPage).toBe((stack - 0x1000) / 4096);
    validateAgainst(tree, mm);
  });
});

/** Every tree entry is a VMA the address space lists, over exactly its pages. */
function validateAgainst(tree: MapleTree<Vma>, mm: AddressSpace): void {
  const fromTree = [...tree.entries()].map((e) => [e.first, e.last + 1]);
  const fromMm = [...mm.vmas()].map((v) => [v.startPage, v.endPage]);
  expect(fromTree).toEqual(fromMm);
}
