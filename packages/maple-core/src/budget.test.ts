import { describe, expect, it } from 'vitest';
import { expectValid } from '../test/helpers.js';
import { MapleError } from './errors.js';
import { MapleTree } from './tree.js';

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
