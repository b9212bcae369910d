import { describe, expect, it } from 'vitest';
import { contents, expectValid } from '../test/helpers.js';
import { MapleTree } from './tree.js';

/** A tree that has grown and shrunk, so its arena and value store hold free-listed entries. */
function churned(allocRange: boolean, rcu = false): MapleTree<string> {
  const t = new MapleTree<string>({ allocRange, rcu });
  for (let i = 0; i < 2000; i++) t.storeRange(i * 8, i * 8 + 3, `v${i}`);
  for (let i = 0; i < 2000; i += 3) t.erase(i * 8);
  t.storeRange(4000, 6000, 'wide');
  return t;
}

describe('clone', () => {
  for (const allocRange of [false, true]) {
    it(`copies a churned tree exactly and the copies evolve independently (allocRange ${allocRange})`, () => {
      const t = churned(allocRange);
      const before = contents(t);
      const c = t.clone();
      expectValid(c);
      expect(contents(c)).toBe(before);
      expect(c.size).toBe(t.size);
      expect(c.nodeCount).toBe(t.nodeCount);
      expect(c.dump()).toBe(t.dump());
      // Writes to either side (reusing free-listed nodes and value indices) stay on that side.
      for (let i = 0; i < 2000; i += 3) c.storeRange(i * 8, i * 8 + 3, `c${i}`);
      for (let i = 1; i < 2000; i += 5) t.erase(i * 8);
      c.storeRange(100, 20000, undefined);
      expectValid(c);
      expectValid(t);
      expect(c.load(0)).toBe('c0');
      expect(c.load(16)).toBe('v2');
      expect(c.load(200)).toBeUndefined();
      expect(t.load(0)).toBeUndefined();
      expect(t.load(8)).toBeUndefined();
      expect(t.load(200)).toBe('v25');
      const fresh = t.clone();
      expect(contents(fresh)).toBe(contents(t));
    });
  }

  it('copies node by node when retired nodes wait for reclamation (RCU)', () => {
    const t = churned(true, true);
    const held: number[] = [];
    t.core.setReclaimer({ retireNode: (h) => held.push(h), retireValue: () => {} });
    t.storeRange(3, 900, 'span');
    expect(t.core.arena.retiredCount).toBeGreaterThan(0);
    const c = t.clone();
    expectValid(c);
    expect(contents(c)).toBe(contents(t));
    // Only the live tree is copied: the retired nodes are not.
    expect(c.core.arena.live).toBe(t.nodeCount);
    expect(c.core.arena.retiredCount).toBe(0);
  });

  it('copies the lone root entry and the empty tree', () => {
    const t = new MapleTree<string>();
    expect(contents(t.clone())).toBe('');
    t.store(0, 'z');
    const c = t.clone();
    expect(c.load(0)).toBe('z');
    c.store(0, 'y');
    expect(t.load(0)).toBe('z');
  });
});

describe('from', () => {
  it('takes any iterable, not only arrays, and skips undefined values', () => {
    function* gen() {
      for (let i = 0; i < 100; i++)
        yield { first: i * 3, last: i * 3 + 1, value: i % 7 === 0 ? undefined : i };
    }
    const t = MapleTree.from(gen());
    expectValid(t);
    expect(t.size).toBe(100 - 15);
    expect(t.load(3)).toBe(1);
    expect(t.load(0)).toBeUndefined();
    expect(t.load(2)).toBeUndefined();
  });
});
