import { MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { prng } from '../test/prng.js';
import { VersionedMapleTree } from './versioned.js';

/** One random write to both trees: mostly short stores, some erases, a few long (spanning) stores. */
function writeBoth(a: MapleTree<number>, b: MapleTree<number>, rnd: (n: number) => number, k: number): void {
  const first = rnd(100_000);
  const r = rnd(64);
  const last = r === 0 ? first + rnd(500) : first + rnd(4);
  const value = r < 4 ? undefined : k;
  a.storeRange(first, last, value);
  b.storeRange(first, last, value);
}

describe('reclamation', () => {
  it('over a million writes with no snapshot held, nodes and memory stay within a small constant of a non-RCU tree', () => {
    const versioned = new VersionedMapleTree<number>();
    const plain = new MapleTree<number>();
    const rnd = prng(12345);
    let checks = 0;
    for (let k = 1; k <= 1_000_000; k++) {
      writeBoth(versioned, plain, rnd, k);
      if (k % 100_000 === 0) {
        checks++;
        expect(versioned.retiredNodes).toBe(0);
        expect(versioned.core.arena.live).toBe(versioned.nodeCount);
        expect(versioned.nodeCount).toBeLessThanOrEqual(Math.ceil(plain.nodeCount * 1.25) + 8);
        expect(versioned.core.arena.capacity).toBeLessThanOrEqual(plain.core.arena.capacity * 2);
        expect(versioned.size).toBe(plain.size);
      }
    }
    expect(checks).toBe(10);
    expect(plain.size).toBeGreaterThan(10_000);
    // A value index is shared by the two pieces of a range cut in two, never leaked.
    expect(versioned.core.values.used).toBeLessThanOrEqual(versioned.size);
    expect(versioned.core.values.used).toBe(plain.core.values.used);
    expect(versioned.version).toBe(1_000_000);
    versioned.validate();
    expect([...versioned.entries(0, 20_000)]).toEqual([...plain.entries(0, 20_000)]);
  }, 120_000);

  it('nodes retired while snapshots are held are bounded and all come back when released', () => {
    const versioned = new VersionedMapleTree<number>();
    const plain = new MapleTree<number>();
    const rnd = prng(777);
    let snap: ReturnType<typeof versioned.snapshot> | undefined;
    let maxRetired = 0;
    let windows = 0;
    for (let k = 1; k <= 100_000; k++) {
      writeBoth(versioned, plain, rnd, k);
      // A snapshot is held for 1,000 writes out of every 10,000.
      if (k % 10_000 === 5000) snap = versioned.snapshot();
      if (snap !== undefined) maxRetired = Math.max(maxRetired, versioned.retiredNodes);
      if (k % 10_000 === 6000 && snap !== undefined) {
        snap.release();
        snap = undefined;
        windows++;
        expect(versioned.retiredNodes).toBe(0);
        expect(versioned.core.arena.live).toBe(versioned.nodeCount);
      }
    }
    expect(windows).toBe(10);
    // Each write retires at most its copied path (and a spanning store's rebuilt levels).
    expect(maxRetired).toBeGreaterThan(1000);
    expect(maxRetired).toBeLessThan(1000 * (versioned.height * 3 + 1));
    expect(versioned.core.arena.retiredCount).toBe(0);
    expect(versioned.nodeCount).toBeLessThanOrEqual(Math.ceil(plain.nodeCount * 1.25) + 8);
    versioned.validate();
  });
});
