import { describe, expect, it } from 'vitest';
import { expectValid } from '../test/helpers.js';
import { RangeModel } from '../test/model.js';
import { prng } from '../test/prng.js';
import { resetStoreStats, storeStats } from './stats.js';
import { MapleTree } from './tree.js';

/** The dump without node handles: the shape and contents only. */
const shape = (t: MapleTree<number>) => t.dump().replace(/#\d+/g, '#').split('\n').slice(1).join('\n');

describe('store paths', () => {
  for (const allocRange of [false, true]) {
    it(`in-place node stores leave the same leaves as the big-node rebuild of RCU mode (allocRange ${allocRange})`, () => {
      // RCU mode rebuilds every changed leaf through the big node; the plain tree
      // appends, slot-stores and node-stores in place. Same operations, same shape.
      const plain = new MapleTree<number>({ allocRange });
      const rcu = new MapleTree<number>({ allocRange, rcu: true });
      const r = prng(allocRange ? 7 : 8);
      for (let op = 0; op < 4000; op++) {
        const first = Math.floor(r() * 3000);
        const last = first + Math.floor(r() * (r() < 0.9 ? 8 : 200));
        const value = r() < 0.25 ? undefined : op;
        plain.storeRange(first, last, value);
        rcu.storeRange(first, last, value);
        if (op % 500 === 0) expect(shape(plain), `after op ${op}`).toBe(shape(rcu));
      }
      expectValid(plain);
      expectValid(rcu);
      expect(shape(plain)).toBe(shape(rcu));
    });
  }

  it('munmap/mmap churn keeps gaps exact (validate after every write) and shapes as in RCU mode', () => {
    // Ranges of 2..7 indices with gaps of 1..9 (some 40 wide): erasing one entry merges it with
    // the empty ranges beside it; storing it back carves it out again, in whole or in part.
    const t = new MapleTree<number>({ allocRange: true });
    // The same writes in RCU mode, where every changed node is a new one: the same shapes.
    const rcu = new MapleTree<number>({ allocRange: true, rcu: true });
    const model = new RangeModel<number>();
    const r = prng(21);
    const store = (first: number, last: number, value: number | undefined) => {
      t.storeRange(first, last, value);
      rcu.storeRange(first, last, value);
      model.store(first, last, value);
    };
    const spans: [number, number][] = [];
    let at = 5;
    for (let i = 0; i < 600; i++) {
      const last = at + 1 + Math.floor(r() * 6);
      spans.push([at, last]);
      store(at, last, i);
      at = last + 2 + Math.floor(r() * (i % 29 === 28 ? 40 : 8));
    }
    resetStoreStats();
    for (let op = 0; op < 3000; op++) {
      const k = Math.floor(r() * spans.length);
      const [first, last] = spans[k] as [number, number];
      const mode = r();
      if (mode < 0.45) {
        store(first, last, undefined);
      } else if (mode < 0.9) {
        store(first, last, op);
      } else {
        // Part of the range, or a little past it into the gap.
        const a = first + Math.floor(r() * 2);
        const b = last + Math.floor(r() * 3) - 1;
        store(a, Math.max(a, b), op);
      }
      expectValid(t, `after op ${op}`);
      // The dump shows each arange node's largest-gap offset (the kernel's
      // metadata, whose ties depend on the history as in the kernel): the
      // in-place paths must leave the one RCU mode's rebuilds leave.
      if (op % 100 === 0) expect(shape(t), `after op ${op}`).toBe(shape(rcu));
    }
    expectValid(rcu);
    expect(shape(t)).toBe(shape(rcu));
    expect([...t].map((e) => [e.first, e.last, e.value])).toEqual(
      model.ranges.map((e) => [e.first, e.last, e.value]),
    );
    for (const key of [
      'nodeStore',
      'exactFit',
      'append',
      'slotStore',
      'rebalance',
      'spanningStore',
    ] as const) {
      expect(storeStats[key], key).toBeGreaterThan(0);
    }
  });
  it('a munmap storm (every entry erased in random order) merges leaves as RCU mode does', () => {
    // Erasing an entry between empty ranges often ends a leaf (a spanning NULL store) or
    // leaves it short (a rebalance); the two neighbours then merge into one node, which the
    // plain tree does in place and RCU mode through new nodes. Same shapes, exact gaps.
    const t = new MapleTree<number>({ allocRange: true });
    const rcu = new MapleTree<number>({ allocRange: true, rcu: true });
    const r = prng(33);
    const spans: [number, number][] = [];
    let at = 0x1000;
    for (let i = 0; i < 1500; i++) {
      const last = at + (1 + Math.floor(r() * 8)) * 0x1000 - 1;
      spans.push([at, last]);
      t.storeRange(at, last, i);
      rcu.storeRange(at, last, i);
      at = last + 1 + (r() < 0.5 ? 0 : 0x1000 * (1 + Math.floor(r() * 3)));
    }
    for (let i = spans.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [spans[i], spans[j]] = [spans[j] as [number, number], spans[i] as [number, number]];
    }
    resetStoreStats();
    spans.forEach(([first, last], op) => {
      t.storeRange(first, last, undefined);
      rcu.storeRange(first, last, undefined);
      if (op % 5 === 0) expectValid(t, `after op ${op}`);
      if (op % 50 === 0) expect(shape(t), `after op ${op}`).toBe(shape(rcu));
    });
    expect(storeStats.spanningStore).toBeGreaterThan(0);
    expect(storeStats.rebalance).toBeGreaterThan(0);
    expect(t.core.root).toBe(0);
    expect(t.core.arena.live).toBe(0);
  });
});
