// The maple index's look-up shortcuts: after a gap search find_vma and the
// VMA below come from the cursor, the four-slot VMA cache never outlives a
// write, and the hole record stays true through every write (checked
// against the legacy index, also while NULL stores are pending).

import { MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { prng } from '../bench/measure.js';
import { AddressSpace, LegacyIndex, MAP, MapleIndex, PROT, Vma } from '../src/index.js';

const vma = (s: number, e: number) => new Vma(4096, s, e, 0, s, null);

describe('MapleIndex neighbours', () => {
  it('after a gap search, find_vma and the VMA below are the gap neighbours', () => {
    const idx = new MapleIndex();
    const a = vma(10, 20);
    const b = vma(25, 30);
    const c = vma(40, 50);
    for (const v of [a, b, c]) idx.insert(v);
    expect(idx.emptyAreaRev(0, 100, 8)).toBe(93); // in the top gap [50, 100]
    expect(idx.findAbove(93)).toBeUndefined();
    expect(idx.findBelow(93)).toBe(c);
    expect(idx.emptyAreaRev(0, 39, 5)).toBe(35); // the top of the hole [30, 39]
    expect(idx.findAbove(35)).toBe(c);
    expect(idx.findBelow(35)).toBe(b);
    expect(idx.emptyArea(0, 100, 3)).toBe(0);
    expect(idx.findBelow(0)).toBeUndefined();
    expect(idx.findAbove(0)).toBe(a);
  });

  it('forgets remembered answers when the index changes', () => {
    const idx = new MapleIndex();
    const a = vma(10, 20);
    const c = vma(40, 50);
    idx.insert(a);
    idx.insert(c);
    expect(idx.emptyAreaRev(0, 39, 5)).toBe(35);
    expect(idx.findAbove(35)).toBe(c);
    const b = vma(30, 34);
    idx.insert(b); // between the question and the next one
    expect(idx.findBelow(35)).toBe(b);
    idx.setRange(b, 30, 38);
    expect(idx.findAbove(35)).toBe(b);
    idx.remove(b);
    expect(idx.findAbove(35)).toBe(c);
    expect(idx.findBelow(35)).toBe(a);
  });

  it('agrees with the legacy index on every page, in both question orders', () => {
    const maple = new MapleIndex();
    const legacy = new LegacyIndex();
    for (let i = 0; i < 200; i++) {
      const s = i * 7 + (i % 3);
      const m = vma(s, s + 1 + (i % 4));
      maple.insert(m);
      legacy.insert(m.dup());
    }
    const key = (v: Vma | undefined) => (v ? v.startPage : -1);
    for (let p = 0; p < 1500; p++) {
      if (p % 2)
        expect([key(maple.findAbove(p)), key(maple.findBelow(p))]).toEqual([
          key(legacy.findAbove(p)),
          key(legacy.findBelow(p)),
        ]);
      else
        expect([key(maple.findBelow(p)), key(maple.findAbove(p))]).toEqual([
          key(legacy.findBelow(p)),
          key(legacy.findAbove(p)),
        ]);
      const size = 1 + (p % 5);
      const at = maple.emptyAreaRev(0, p, size);
      expect(at).toBe(legacy.emptyAreaRev(0, p, size));
      if (at !== undefined)
        expect([key(maple.findAbove(at)), key(maple.findBelow(at))]).toEqual([
          key(legacy.findAbove(at)),
          key(legacy.findBelow(at)),
        ]);
    }
  });
});

describe('MapleIndex VMA cache', () => {
  it('answers repeated pages from the cache and forgets it at every write', () => {
    const idx = new MapleIndex();
    const a = vma(10, 20);
    const b = vma(30, 40);
    idx.insert(a);
    idx.insert(b);
    expect(idx.findAbove(12)).toBe(a);
    expect(idx.findAbove(35)).toBe(b);
    const hits = idx.stats.cacheHits;
    expect(idx.findAbove(15)).toBe(a); // another page of a cached VMA
    expect(idx.findAbove(31)).toBe(b);
    expect(idx.stats.cacheHits).toBe(hits + 2);
    // A removed VMA keeps its bounds: only the write count keeps it out of later answers.
    idx.remove(a);
    expect(idx.findAbove(12)).toBe(b);
    expect(idx.load(12)).toBeUndefined();
    const a2 = vma(10, 20);
    idx.insert(a2); // same pages, another VMA
    expect(idx.findAbove(12)).toBe(a2);
    expect(idx.findAbove(12)).toBe(a2);
    idx.setRange(a2, 10, 12); // shrunk below page 12
    expect(idx.findAbove(12)).toBe(b);
    expect(idx.stats.cacheHits).toBe(hits + 3);
  });

  it('stays right through a stream of look-ups mixed with writes (against the legacy index)', () => {
    const maple = new MapleIndex();
    const legacy = new LegacyIndex();
    const live: [Vma, Vma][] = [];
    for (let i = 0; i < 60; i++) {
      const m = vma(i * 6, i * 6 + 3);
      maple.insert(m);
      legacy.insert(m.dup());
      live.push([m, legacy.findAbove(m.startPage)!]);
    }
    const key = (v: Vma | undefined) => (v ? `${v.startPage}-${v.endPage}` : '-');
    for (let step = 0; step < 3000; step++) {
      // Three hot pages in VMAs that stay, and a hole: the cache answers most questions.
      const p = [1, 13, 26, 16][step % 4]!;
      expect(key(maple.findAbove(p))).toBe(key(legacy.findAbove(p)));
      if (step % 97 === 0) {
        // The VMA under hot page 13 is replaced by one over other pages (a cached one goes stale).
        const k = live.findIndex(([m]) => m.startPage <= 13 && 13 < m.endPage);
        const [m, l] = live[k]!;
        maple.remove(m);
        legacy.remove(l);
        const fresh = vma(12, 14 + (step % 2));
        maple.insert(fresh);
        legacy.insert(fresh.dup());
        live[k] = [fresh, legacy.findAbove(12)!];
      } else if (step % 23 === 0 && live.length > 20) {
        const [m, l] = live.splice(10 + ((step * 13) % (live.length - 10)), 1)[0]!;
        maple.remove(m);
        legacy.remove(l);
      } else if (step % 31 === 0) {
        const [m, l] = live[10 + ((step * 3) % (live.length - 10))]!;
        if (m.pages > 1) {
          maple.setRange(m, m.startPage + 1, m.endPage);
          legacy.setRange(l, l.startPage + 1, l.endPage);
        }
      }
    }
    expect(maple.stats.cacheHits).toBeGreaterThan(1000);
  });
});

describe('the vmaCache option', () => {
  const ANON = MAP.PRIVATE | MAP.ANONYMOUS;
  const RW = PROT.READ | PROT.WRITE;
  /** Four VMAs (with holes between) faulted round and round; returns the maple index's cache hits. */
  function hotLoop(mm: AddressSpace): { hits: number; answers: number[] } {
    const at = [0, 1, 2, 3].map((k) => mm.mmap(0, 0x1000 * (k + 1), k % 2 ? RW : PROT.READ, ANON));
    const answers: number[] = [];
    for (let i = 0; i < 400; i++) answers.push(mm.fault((at[i % 4] as number) + 0x10, i % 2 === 1));
    return { hits: (mm.index as MapleIndex).stats.cacheHits, answers };
  }

  it('is on by default; false leaves every find_vma to the tree with the same answers, also after fork', () => {
    const on = hotLoop(new AddressSpace({ arch: 'x86_64' }));
    const off = hotLoop(new AddressSpace({ arch: 'x86_64', vmaCache: false }));
    expect(on.hits).toBeGreaterThan(300);
    expect(off.hits).toBe(0);
    expect(off.answers).toEqual(on.answers);
    const parent = new AddressSpace({ arch: 'x86_64', vmaCache: false });
    const child = parent.fork();
    expect(hotLoop(child).hits).toBe(0);
  });

  it('is refused for the legacy backend and when not a boolean, before anything is made', () => {
    expect(() => new AddressSpace({ arch: 'x86_64', backend: 'legacy', vmaCache: false })).toThrow(
      /option of the maple backend/,
    );
    expect(() => new AddressSpace({ arch: 'x86_64', vmaCache: 1 as unknown as boolean })).toThrow(TypeError);
  });
});

describe('MapleIndex hole record', () => {
  it('answers the neighbour questions of a run of brk grows with no tree walk', () => {
    const tree = new MapleTree<Vma>({ allocRange: true, compactPivots: false });
    const reads: string[] = [];
    tree.trace = (e) => {
      if (e.kind === 'read') reads.push(e.fn);
    };
    const idx = new MapleIndex(tree);
    const text = vma(100, 110);
    const heap = vma(110, 120);
    const lib = vma(5000, 5010);
    for (const v of [text, heap, lib]) idx.insert(v);
    expect(idx.findAbove(120)).toBe(lib); // walks, and records the hole [120, 4999]
    expect(idx.findBelow(120)).toBe(heap); // one step back from the cursor
    reads.length = 0;
    for (let end = 121; end < 200; end++) {
      // sys_brk: find_vma of the old break, the VMA below it, then the heap grows one page.
      expect(idx.findAbove(end - 1)).toBe(lib);
      expect(idx.findBelow(end - 1)).toBe(heap);
      idx.setRange(heap, 110, end);
      idx.syscallDone();
    }
    expect(reads).toEqual([]);
    // A shrink gives pages back to the hole, still with no walk.
    idx.setRange(heap, 110, 150);
    expect(idx.findAbove(160)).toBe(lib);
    expect(idx.findBelow(160)).toBe(heap);
    expect(reads).toEqual([]);
    idx.syscallDone();
    idx.validate();
  });

  it('keeps the hole true through inserts, removals and moves of its neighbours', () => {
    const idx = new MapleIndex();
    const a = vma(10, 20);
    const c = vma(60, 70);
    idx.insert(a);
    idx.insert(c);
    expect(idx.findAbove(30)).toBe(c); // hole [20, 59], lower side not known yet
    expect(idx.findBelow(30)).toBe(a);
    const b = vma(40, 45); // lands inside the hole: the part below it stays known
    idx.insert(b);
    expect(idx.findAbove(30)).toBe(b);
    expect(idx.findAbove(50)).toBe(c);
    expect(idx.findBelow(50)).toBe(b);
    idx.remove(b); // the hole's upper neighbour goes
    expect(idx.findAbove(30)).toBe(c);
    expect(idx.findBelow(50)).toBe(a);
    idx.setRange(a, 10, 59); // the lower neighbour grows to touch the one above: no hole left
    expect(idx.findAbove(30)).toBe(a);
    expect(idx.findBelow(59)).toBe(a);
    expect(idx.findBelow(61)).toBe(c);
    idx.setRange(c, 65, 70); // the upper neighbour shrinks from below
    expect(idx.findAbove(59)).toBe(c);
    expect(idx.findBelow(64)).toBe(a);
    idx.remove(a);
    expect(idx.findBelow(64)).toBeUndefined();
    expect(idx.findAbove(0)).toBe(c);
    idx.syscallDone();
    idx.validate();
  });

  it('agrees with the legacy index through random writes with pending NULL stores', () => {
    const rnd = prng(77);
    const pick = (n: number) => Math.floor(rnd() * n);
    const maple = new MapleIndex();
    const legacy = new LegacyIndex();
    const live: [Vma, Vma][] = [];
    const key = (v: Vma | undefined) => (v ? `${v.startPage}-${v.endPage}` : '-');
    const twin = (m: Vma | undefined) => live.find(([x]) => x === m)?.[1];
    const SPAN = 300;
    for (let step = 0; step < 4000; step++) {
      const op = rnd();
      if (op < 0.15 || live.length < 3) {
        // A new VMA in a free run of pages.
        const s = pick(SPAN);
        const next = legacy.findAbove(s);
        const room = (next ? next.startPage : SPAN + 10) - s;
        if (room > 0 && !(next && next.startPage <= s)) {
          const m = vma(s, s + 1 + pick(Math.min(room, 8)));
          maple.insert(m);
          const l = m.dup();
          legacy.insert(l);
          live.push([m, l]);
        }
      } else if (op < 0.25) {
        const [m, l] = live.splice(pick(live.length), 1)[0]!;
        maple.remove(m);
        legacy.remove(l);
      } else if (op < 0.5) {
        // Move one end of a VMA: up to its neighbour, or back inside itself.
        const [m, l] = live[pick(live.length)]!;
        const up = legacy.next(l);
        const down = legacy.prev(l);
        let s = m.startPage;
        let e = m.endPage;
        if (rnd() < 0.5) e = s + 1 + pick((up ? up.startPage : SPAN + 10) - s);
        else s = e - 1 - pick(e - (down ? down.endPage : 0));
        maple.setRange(m, s, e);
        legacy.setRange(l, s, e);
      } else if (op < 0.9) {
        const p = pick(SPAN + 20);
        if (rnd() < 0.5) {
          expect(key(maple.findAbove(p))).toBe(key(legacy.findAbove(p)));
          expect(key(maple.findBelow(p))).toBe(key(legacy.findBelow(p)));
        } else {
          expect(key(maple.findBelow(p))).toBe(key(legacy.findBelow(p)));
          expect(key(maple.findAbove(p))).toBe(key(legacy.findAbove(p)));
        }
        expect(key(maple.load(p))).toBe(key(legacy.load(p)));
        const v = maple.findAbove(p);
        if (v) {
          expect(key(maple.prev(v))).toBe(key(legacy.prev(twin(v)!)));
          expect(key(maple.next(v))).toBe(key(legacy.next(twin(v)!)));
        }
      } else if (op < 0.95) {
        const size = 1 + pick(6);
        const rev = rnd() < 0.5;
        const at = rev ? maple.emptyAreaRev(0, SPAN, size) : maple.emptyArea(0, SPAN, size);
        expect(at).toBe(rev ? legacy.emptyAreaRev(0, SPAN, size) : legacy.emptyArea(0, SPAN, size));
        if (at !== undefined) {
          expect(key(maple.findAbove(at))).toBe(key(legacy.findAbove(at)));
          expect(key(maple.findBelow(at))).toBe(key(legacy.findBelow(at)));
        }
      } else {
        maple.syscallDone();
        if (step % 10 === 0) maple.validate();
      }
    }
    maple.syscallDone();
    maple.validate();
    expect(maple.count).toBe(legacy.count);
  });
});

describe('the hole record and the vmaCache option', () => {
  it('is kept through writes only with the caches on; answers are the same', () => {
    const run = (vmaCache: boolean) => {
      const tree = new MapleTree<Vma>({ allocRange: true, compactPivots: false });
      let reads = 0;
      tree.trace = (e) => {
        if (e.kind === 'read') reads++;
      };
      const idx = new MapleIndex(tree, { vmaCache });
      const heap = vma(110, 120);
      const lib = vma(5000, 5010);
      idx.insert(heap);
      idx.insert(lib);
      const answers: (number | undefined)[] = [];
      for (let end = 121; end < 150; end++) {
        answers.push(idx.findAbove(end - 1)?.startPage, idx.findBelow(end - 1)?.startPage);
        idx.setRange(heap, 110, end);
        idx.syscallDone();
      }
      return { reads, answers };
    };
    const on = run(true);
    const off = run(false);
    expect(off.answers).toEqual(on.answers);
    expect(on.reads).toBeLessThanOrEqual(3); // the first brk's questions only (load, mt_find, load)
    expect(off.reads).toBeGreaterThanOrEqual(2 * 29); // find_vma and the VMA below, each brk
  });
});
