/**
 * Spanning stores and rebalances finished in place (span-leaves.ts,
 * inplace.ts) against the general path: an RCU-mode tree never rewrites a
 * node in place, so it always cuts new nodes out of the big node. Fed the
 * same stores, both trees must hold the same entries in node-for-node the
 * same shapes (handles aside), and stay valid.
 */

import { describe, expect, it } from 'vitest';
import { contents, expectValid, leaves } from '../test/helpers.js';
import { prng } from '../test/prng.js';
import { storeStats } from './stats.js';
import { MapleTree, type MapleTreeOptions } from './tree.js';

/** The tree's dump with node handles left out and mode (an in-place node keeps its handle, a rebuilt one does not). */
function shape<V>(tree: MapleTree<V>): string {
  return tree.dump().replace(/#\d+/g, '#').replace(', rcu', '');
}

/** Two trees, one in RCU mode, fed the same stores; checked after every store. */
function pair(options: MapleTreeOptions) {
  const inPlace = new MapleTree<number>({ ...options, rcu: false });
  const rebuilt = new MapleTree<number>({ ...options, rcu: true });
  return {
    inPlace,
    store(first: number, last: number, value: number | undefined, check = true): void {
      inPlace.storeRange(first, last, value);
      rebuilt.storeRange(first, last, value);
      if (!check) return;
      const what = `storeRange(${first}, ${last}, ${value})`;
      expectValid(inPlace, what);
      expectValid(rebuilt, what);
      expect(shape(inPlace), what).toBe(shape(rebuilt));
    },
  };
}

/** Seeded shuffle of 0..n-1. */
function shuffled(n: number, seed: number): number[] {
  const rnd = prng(seed);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as number, out[i] as number];
  }
  return out;
}

const layouts: [string, MapleTreeOptions, number][] = [
  ['gap-tracking, 64-bit pivots, page-number keys', { allocRange: true, compactPivots: false }, 0x7f0000000],
  ['gap-tracking, 32-bit pivots', { allocRange: true }, 1000],
  ['plain tree', {}, 0],
];

describe('spanning stores and rebalances in place', () => {
  for (const [name, options, base] of layouts) {
    it(`an erase storm in random order gives the general path's trees (${name})`, () => {
      const n = 600;
      const t = pair(options);
      for (let i = 0; i < n; i++) t.store(base + i * 3, base + i * 3 + 1, i + 1, false);
      const spans = storeStats.spanningStore;
      for (const i of shuffled(n, 7)) t.store(base + i * 3, base + i * 3 + 1, undefined);
      expect(storeStats.spanningStore).toBeGreaterThan(spans);
      expect(t.inPlace.size).toBe(0);
    });

    it(`random stores of entries and NULLs across leaves give the general path's trees (${name})`, () => {
      const rnd = prng(11);
      const t = pair(options);
      for (let i = 0; i < 400; i++) t.store(base + i * 4, base + i * 4 + 2, i + 1, false);
      const spans = storeStats.spanningStore;
      for (let k = 0; k < 500; k++) {
        const first = base + Math.floor(rnd() * 1700);
        const last = first + Math.floor(rnd() * (rnd() < 0.2 ? 120 : 30));
        t.store(first, last, rnd() < 0.5 ? undefined : 10_000 + k);
      }
      expect(storeStats.spanningStore).toBeGreaterThan(spans);
    });
  }

  it('a spanning store whose end needs 64-bit pivots widens a 32-bit tree as it goes', () => {
    const top = 2 ** 31 - 1;
    // From inside the next-to-last leaf into the last one (which runs to MAPLE_MAX),
    // over trees whose last parent holds more or fewer leaves.
    for (let n = 240; n <= 400; n += 16) {
      const t = pair({ allocRange: true });
      for (let i = 0; i < n; i++) t.store(top - 3 * n + i * 3, top - 3 * n + i * 3 + 1, i + 1, false);
      const last = leaves(t.inPlace).at(-1) as { min: number };
      t.store(last.min - 2, top + 5, 7);
      expect(t.inPlace.core.arena.wide).toBe(true);
      t.store(top - 400, top - 330, undefined);
      expect(t.inPlace.load(top + 5)).toBe(7);
      expect(t.inPlace.load(top + 6)).toBeUndefined();
    }
  });

  it('a NULL store running to MAPLE_MAX over the last leaves', () => {
    const t = pair({ allocRange: true });
    for (let i = 0; i < 300; i++) t.store(i * 3, i * 3 + 1, i + 1, false);
    t.store(700, Number.MAX_SAFE_INTEGER, undefined);
    t.store(400, 650, 5);
    t.store(300, 500, undefined);
    expect(contents(t.inPlace)).toMatch(/^0-1:1,/);
  });
});
