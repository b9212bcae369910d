import { describe, expect, it } from 'vitest';
import { expectValid } from '../test/helpers.js';
import { MapleTree } from './tree.js';

/** mulberry32, seeded. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
});
