import { describe, expect, it } from 'vitest';
import { expectValid } from '../test/helpers.js';
import { MapleError } from './errors.js';
import { MapleTree } from './tree.js';
import { classifyStore, nodesNeeded } from './write.js';

function enomem(fn: () => unknown): boolean {
  try {
    fn();
  } catch (error) {
    if (error instanceof MapleError && error.code === 'ENOMEM') return true;
    throw error;
  }
  return false;
}

describe('maxNodes', () => {
  for (const options of [{}, { allocRange: true }, { rcu: true }]) {
    it(`refuses a store that could need more nodes, leaving the tree unchanged ${JSON.stringify(options)}`, () => {
      const t = new MapleTree<number>({ ...options, maxNodes: 12 });
      let refused = 0;
      for (let i = 0; i < 400 && refused < 5; i++) {
        const before = t.dump();
        const size = t.size;
        if (enomem(() => t.storeRange(i * 10, i * 10 + 3, i))) {
          refused++;
          expect(t.dump()).toBe(before);
          expect(t.size).toBe(size);
          expect(t.load(i * 10)).toBeUndefined();
          expectValid(t);
        }
        expect(t.nodeCount).toBeLessThanOrEqual(12);
      }
      expect(refused).toBe(5);
      // Stores that need no new node still work at the limit.
      const first = t.find(0);
      expect(first).toBeDefined();
      t.storeRange(first?.first ?? 0, first?.last ?? 0, -1);
      expect(t.load(first?.first ?? 0)).toBe(-1);
      expectValid(t);
    });
  }

  it('maxNodes 0 still allows the entry kept in the root', () => {
    const t = new MapleTree<string>({ maxNodes: 0 });
    t.store(0, 'root');
    expect(t.load(0)).toBe('root');
    expect(enomem(() => t.store(1, 'x'))).toBe(true);
    expect(t.size).toBe(1);
    expectValid(t);
  });
});

describe('node budget per store', () => {
  it('no store allocates more nodes than its worst case (the figure maxNodes is checked against)', () => {
    for (const options of [{}, { allocRange: true }, { rcu: true }, { allocRange: true, rcu: true }]) {
      const t = new MapleTree<number>(options);
      const core = t.core;
      let seed = 5;
      const rnd = (n: number) => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      let worst = 0;
      for (let k = 0; k < 6000; k++) {
        const a = rnd(20_000);
        const b = a + (rnd(6) === 0 ? rnd(2000) : rnd(3));
        const v = rnd(3) === 0 ? undefined : k;
        classifyStore(core, a, b, v === undefined);
        const need = nodesNeeded(core, v === undefined ? 0 : 1);
        const before = core.arena.allocCount;
        t.storeRange(a, b, v);
        const used = core.arena.allocCount - before;
        expect(used).toBeLessThanOrEqual(need);
        worst = Math.max(worst, used);
      }
      expect(worst).toBeGreaterThan(2);
      expectValid(t);
    }
  });
});
