/**
 * Random operation sequences against the public API of @maple-tree/core,
 * checked call by call against a brute-force list of ranges written here from
 * API.md alone: load, find/next/prev with their limits, entries and forEach
 * windows, gap searches, insert, erase, alloc. Keys cluster in a small space
 * scaled to sit below 2^31, across 2^32 and just under MAPLE_MAX, so ranges
 * collide and nodes split, merge and change pivot width. Imports only from
 * the package entry point.
 */

import { MAPLE_MAX, MapleTree, type MapleTreeOptions } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { prng } from './prng.js';

interface Range {
  first: number;
  last: number;
  value: number;
}

/** The contract, by brute force: sorted disjoint ranges. */
class Ranges {
  list: Range[] = [];

  store(first: number, last: number, value: number | undefined): void {
    const out: Range[] = [];
    for (const r of this.list) {
      if (r.last < first || r.first > last) out.push(r);
      else {
        if (r.first < first) out.push({ first: r.first, last: first - 1, value: r.value });
        if (r.last > last) out.push({ first: last + 1, last: r.last, value: r.value });
      }
    }
    if (value !== undefined) out.push({ first, last, value });
    this.list = out.sort((a, b) => a.first - b.first);
  }

  at(index: number): Range | undefined {
    return this.list.find((r) => r.first <= index && index <= r.last);
  }

  overlapping(first: number, last: number): Range[] {
    return this.list.filter((r) => r.last >= first && r.first <= last);
  }

  /** Lowest (or highest) start of `size` free indices in [min, max]. */
  gap(min: number, max: number, size: number, rev: boolean): number | undefined {
    const holes: [number, number][] = [];
    let from = min;
    for (const r of this.overlapping(min, max)) {
      if (r.first > from) holes.push([from, r.first - 1]);
      from = r.last + 1;
    }
    if (from <= max && this.list.every((r) => r.last < from || r.first > max)) holes.push([from, max]);
    const fits = holes.filter(([a, b]) => b - a + 1 >= size);
    if (fits.length === 0) return undefined;
    if (!rev) return (fits[0] as [number, number])[0];
    return (fits[fits.length - 1] as [number, number])[1] - size + 1;
  }
}

/** A seeded generator of integers in [0, n) (the tests' mulberry32, prng.ts). */
function below(seed: number): (n: number) => number {
  const next = prng(seed);
  return (n) => Math.floor(next() * n);
}

const entry = (r: Range | undefined) => (r ? { first: r.first, last: r.last, value: r.value } : undefined);

function run(options: MapleTreeOptions, base: number, mult: number, seed: number, steps: number): void {
  const rnd = below(seed);
  const tree = new MapleTree<number>(options);
  const model = new Ranges();
  const space = 400;
  const key = (): number => {
    if (rnd(25) === 0) return MAPLE_MAX - rnd(4);
    if (rnd(40) === 0) return rnd(3);
    return Math.min(MAPLE_MAX, base + rnd(space) * mult + (mult > 1 ? rnd(2) : 0));
  };
  const span = (from: number): number => {
    const k = rnd(10);
    const len = k < 6 ? rnd(4) : k < 9 ? rnd(40) * mult : MAPLE_MAX;
    return Math.min(MAPLE_MAX, from + len);
  };
  for (let step = 0; step < steps; step++) {
    const a = key();
    const b = span(a);
    const where = `seed ${seed} step ${step} [${a}, ${b}]`;
    switch (rnd(12)) {
      case 0:
      case 1:
      case 2: {
        const v = rnd(5) === 0 ? undefined : step;
        tree.storeRange(a, b, v);
        model.store(a, b, v);
        break;
      }
      case 3: {
        const free = model.overlapping(a, b).length === 0;
        expect(tree.insertRange(a, b, step), where).toBe(free);
        if (free) model.store(a, b, step);
        break;
      }
      case 4: {
        const r = model.at(a);
        expect(tree.erase(a), where).toBe(r?.value);
        if (r) model.store(r.first, r.last, undefined);
        break;
      }
      case 5: {
        const size = 1 + rnd(3) * (rnd(2) ? mult : 1);
        if (size > b - a + 1) break;
        const rev = rnd(2) === 0;
        const want = model.gap(a, b, size, rev);
        if (options.allocRange) {
          const got = rev ? tree.allocRangeRev(step, size, a, b) : tree.allocRange(step, size, a, b);
          expect(got, `alloc ${where}`).toBe(want);
          if (want !== undefined) model.store(want, want + size - 1, step);
        } else {
          expect(rev ? tree.emptyAreaRev(a, b, size) : tree.emptyArea(a, b, size), where).toBe(want);
        }
        break;
      }
      case 6: {
        expect(tree.load(a), where).toBe(model.at(a)?.value);
        expect(tree.find(a, b), where).toEqual(entry(model.overlapping(a, b)[0]));
        break;
      }
      case 7: {
        // next: the first entry starting after the range holding a, and at most at b.
        const after = model.at(a)?.last ?? a;
        const n = model.list.find((r) => r.first > after);
        expect(tree.next(a, b), `next ${where}`).toEqual(n && n.first <= b ? entry(n) : undefined);
        // prev: the last entry ending before the range holding b, and at least at a.
        const before = model.at(b)?.first ?? b;
        const p = [...model.list].reverse().find((r) => r.last < before);
        expect(tree.prev(b, a), `prev ${where}`).toEqual(p && p.last >= a ? entry(p) : undefined);
        break;
      }
      case 8: {
        const want = model.overlapping(a, b).map(entry);
        expect([...tree.entries(a, b)], `entries ${where}`).toEqual(want);
        const seen: unknown[] = [];
        tree.forEach(
          (value, first, last) => {
            seen.push({ first, last, value });
          },
          a,
          b,
        );
        expect(seen, `forEach ${where}`).toEqual(want);
        break;
      }
      default: {
        const size = 1 + rnd(4) * (rnd(2) ? mult : 1);
        if (size > b - a + 1) break;
        expect(tree.emptyArea(a, b, size), `emptyArea ${where}`).toBe(model.gap(a, b, size, false));
        expect(tree.emptyAreaRev(a, b, size), `emptyAreaRev ${where}`).toBe(model.gap(a, b, size, true));
      }
    }
    expect(tree.size, where).toBe(model.list.length);
  }
  expect([...tree]).toEqual(model.list.map(entry));
  tree.validate();
}

describe('random sequences against a brute-force reading of API.md', () => {
  const modes: [string, MapleTreeOptions][] = [
    ['plain', {}],
    ['allocRange', { allocRange: true }],
    ['rcu', { rcu: true }],
  ];
  const scales: [string, number, number][] = [
    ['small keys', 0, 1],
    ['across 2^31', 2 ** 31 - 200, 1],
    ['wide keys past 2^32', 2 ** 32 - 1000, 2 ** 21],
    ['under MAPLE_MAX', MAPLE_MAX - 2 ** 40, 2 ** 30],
  ];
  for (const [mode, options] of modes) {
    for (const [scale, base, mult] of scales) {
      it(`${mode}, ${scale}`, () => {
        for (let seed = 1; seed <= 4; seed++) run(options, base, mult, seed * 7919 + base, 700);
      });
    }
  }
});
