// The maple index's area record (src/backend/maple-area.ts): what a gap
// search proved narrows the next search of the same window, every write keeps
// the claim true or drops it, and the answers are those of a search of the
// whole window.
import { MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { prng } from '../bench/measure.js';
import { AreaRecord } from '../src/backend/maple-area.js';
import { MapleIndex, Vma } from '../src/index.js';

const vma = (s: number, e: number) => new Vma(4096, s, e, 0, s, null);
const claim = (r: AreaRecord) => [r.bottom, r.top];

/** Lowest (or highest) start of `size` free pages in [lo, hi] among the VMAs `live`, by brute force. */
function model(live: readonly Vma[], lo: number, hi: number, size: number, rev: boolean): number | undefined {
  const used = (p: number) => live.some((v) => v.startPage <= p && p < v.endPage);
  let run = 0;
  if (rev) {
    for (let p = hi; p >= lo; p--) {
      run = used(p) ? 0 : run + 1;
      if (run === size) return p;
    }
  } else {
    for (let p = lo; p <= hi; p++) {
      run = used(p) ? 0 : run + 1;
      if (run === size) return p - size + 1;
    }
  }
  return undefined;
}

describe('AreaRecord', () => {
  it('claims where runs of the searched size can lie, for that window and larger sizes', () => {
    const r = new AreaRecord();
    expect(r.covers(0, 99, 1)).toBe(false);
    r.searched(0, 99, 3, true, 40, false);
    expect(claim(r)).toEqual([0, 42]); // a top-down fit at 40 ends at 42
    expect(r.covers(0, 99, 3) && r.covers(0, 99, 8)).toBe(true);
    expect(r.covers(0, 99, 2) || r.covers(0, 98, 3) || r.covers(1, 99, 3)).toBe(false);
    r.searched(0, 99, 3, false, 7, true); // a narrowed bottom-up search of the same size
    expect(claim(r)).toEqual([7, 42]);
    r.searched(0, 99, 5, true, 20, true); // a larger size proves nothing about runs of 3
    expect(claim(r)).toEqual([7, 42]);
    r.searched(0, 99, 2, true, undefined, false); // a smaller size: a new claim, here "no run"
    expect(r.covers(0, 99, 2)).toBe(true);
    expect(r.top < r.bottom).toBe(true);
  });

  it('moves a bound past a VMA that covers it, and ignores VMAs elsewhere', () => {
    const r = new AreaRecord();
    r.searched(0, 99, 2, true, 50, false);
    expect(claim(r)).toEqual([0, 51]);
    r.taken(60, 70);
    r.taken(10, 12);
    expect(claim(r)).toEqual([0, 51]);
    r.taken(50, 51);
    expect(claim(r)).toEqual([0, 49]);
    r.taken(0, 4);
    expect(claim(r)).toEqual([5, 49]);
  });

  it('drops the claim when freed pages could start a run outside it, and only then', () => {
    const keep = (first: number, last: number) => {
      const r = new AreaRecord();
      r.searched(10, 99, 4, true, 50, false); // runs of 4 lie in [10, 53]
      r.freed(first, last);
      return r.covers(10, 99, 4);
    };
    expect(keep(40, 50)).toBe(true); // inside, and more than 3 pages below the top
    expect(keep(100, 120)).toBe(true); // outside the window
    expect(keep(45, 51)).toBe(false); // within 3 pages of the top: [51, 54] could be free now
    expect(keep(60, 61)).toBe(false); // above the top
    expect(keep(11, 20)).toBe(false); // within 3 pages of the bottom, 10
  });

  it('without keptThroughWrites, any write drops the claim', () => {
    for (const write of [(r: AreaRecord) => r.taken(500, 501), (r: AreaRecord) => r.freed(500, 501)]) {
      const r = new AreaRecord(false);
      r.searched(0, 99, 1, true, 10, false);
      write(r);
      expect(r.covers(0, 99, 1)).toBe(false);
    }
  });
});

describe('the maple index with the area record', () => {
  it('gives the answers of a whole-window search through random mmaps, munmaps and moves', () => {
    const rnd = prng(4242);
    const pick = (n: number) => Math.floor(rnd() * n);
    const idx = new MapleIndex();
    const live: Vma[] = [];
    const windows: [number, number][] = [
      [16, 400],
      [16, 399],
      [0, 400],
      [100, 300],
    ];
    let narrowedHits = 0;
    for (let step = 0; step < 6000; step++) {
      const op = rnd();
      const [lo, hi] = windows[rnd() < 0.7 ? 0 : pick(windows.length)]!;
      const size = 1 + pick(rnd() < 0.8 ? 3 : 12);
      const rev = rnd() < 0.75;
      if (op < 0.55) {
        // get_unmapped_area, then (mostly) a mapping where it pointed, as mmap does.
        const at = rev ? idx.emptyAreaRev(lo, hi, size) : idx.emptyArea(lo, hi, size);
        expect(at, `step ${step}`).toBe(model(live, lo, hi, size, rev));
        if (at !== undefined && rnd() < 0.85) {
          const v = vma(at, at + size);
          idx.insert(v);
          live.push(v);
          narrowedHits++;
        }
      } else if (op < 0.75 && live.length > 0) {
        const [v] = live.splice(pick(live.length), 1);
        idx.remove(v!);
      } else if (op < 0.9 && live.length > 0) {
        // Move one end of a VMA: into free pages next to it, or back inside itself.
        const v = live[pick(live.length)]!;
        const above = live
          .filter((w) => w.startPage >= v.endPage)
          .reduce((m, w) => Math.min(m, w.startPage), 420);
        const below = live
          .filter((w) => w.endPage <= v.startPage)
          .reduce((m, w) => Math.max(m, w.endPage), 0);
        let s = v.startPage;
        let e = v.endPage;
        if (rnd() < 0.5) e = s + 1 + pick(above - s);
        else s = e - 1 - pick(e - below);
        idx.setRange(v, s, e);
      } else idx.syscallDone();
      if (live.length > 150) idx.remove(live.splice(0, 1)[0]!);
    }
    idx.syscallDone();
    idx.validate();
    expect(narrowedHits).toBeGreaterThan(1000);
  });

  it("enters only the last hole's leaf in a top-down run of mappings", () => {
    const run = (vmaCache: boolean) => {
      const tree = new MapleTree<Vma>({ allocRange: true, compactPivots: false });
      const idx = new MapleIndex(tree, { vmaCache });
      // The window's top 1000 pages mapped, free pages above it: the leaf holding the top
      // records a large gap, all of it above the window.
      for (let p = 99_000; p < 100_000; p++) idx.insert(vma(p, p + 1));
      let entered = 0;
      tree.trace = (e) => {
        if (e.fn === 'mas_empty_area_rev') entered += e.path.length;
      };
      const answers: (number | undefined)[] = [];
      for (let i = 0; i < 200; i++) {
        const size = 1 + (i % 3);
        const at = idx.emptyAreaRev(16, 99_999, size);
        answers.push(at);
        if (at !== undefined) idx.insert(vma(at, at + size));
        idx.syscallDone();
      }
      return { entered, answers };
    };
    const on = run(true);
    const off = run(false);
    expect(on.answers).toEqual(off.answers);
    expect(on.answers.slice(0, 3)).toEqual([98_999, 98_997, 98_994]);
    // A search of the whole window enters the top leaf too (its gap is large), then finds
    // nothing there; under the record each search starts at the hole.
    expect(off.entered).toBeGreaterThanOrEqual(on.entered + 200);
  });
});
