import { MAPLE_MAX, type MapleEntry, MapleError, type MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { prng } from '../test/prng.js';
import { VersionedMapleTree } from './versioned.js';

const text = (it: Iterable<MapleEntry<number>>) =>
  [...it].map((e) => `${e.first}-${e.last}:${e.value}`).join(',');

/** One random write: short stores, long (spanning) stores, erases by store and by erase(). */
function randomWrite(t: MapleTree<number>, rnd: (n: number) => number, k: number): void {
  const a = rnd(20_000);
  const kind = rnd(10);
  if (kind === 0) t.storeRange(a, a + rnd(3000), k);
  else if (kind === 1) t.storeRange(a, a + rnd(50), undefined);
  else if (kind === 2) t.erase(a);
  else t.storeRange(a, a + rnd(8), k);
}

describe('VersionedMapleTree', () => {
  it('advances the version with each completed write only', () => {
    const t = new VersionedMapleTree<number>();
    expect(t.version).toBe(0);
    t.store(5, 1);
    t.storeRange(10, 20, 2);
    expect(t.version).toBe(2);
    expect(t.erase(100)).toBeUndefined(); // nothing there: no write
    expect(t.insert(5, 9)).toBe(false); // -EEXIST: no write
    expect(() => t.storeRange(3, 2, 1)).toThrow(MapleError);
    expect(t.version).toBe(2);
    expect(t.erase(15)).toBe(2);
    t.clear();
    expect(t.version).toBe(4);
    expect(t.core.rcu).toBe(true);
  });

  it('snapshots keep answering as their version did while the writer churns', () => {
    for (const allocRange of [false, true]) {
      const t = new VersionedMapleTree<number>({ allocRange });
      const rnd = prng(allocRange ? 3 : 5);
      const held: { snap: ReturnType<typeof t.snapshot>; copy: MapleTree<number>; text: string }[] = [];
      for (let k = 1; k <= 4000; k++) {
        randomWrite(t, rnd, k);
        if (k % 400 === 0) held.push({ snap: t.snapshot(), copy: t.clone(), text: text(t) });
        if (k === 2222) t.clear();
      }
      expect(t.retiredNodes).toBeGreaterThan(0);
      // Every queued node is a dead node still in the arena, and nothing else is dead.
      expect(t.core.arena.retiredCount).toBe(t.retiredNodes);
      expect(t.core.arena.live).toBe(t.nodeCount + t.retiredNodes);
      for (const { snap, copy, text: before } of held) {
        expect(text(snap)).toBe(before);
        expect(snap.size).toBe(copy.size);
        expect(snap.dump()).toMatch(/^maple tree: height/);
        for (let i = 0; i < 24_000; i += 97) {
          expect(snap.load(i)).toBe(copy.load(i));
          expect(snap.find(i, i + 500)).toEqual(copy.find(i, i + 500));
          expect(snap.next(i)).toEqual(copy.next(i));
          expect(snap.prev(i)).toEqual(copy.prev(i));
        }
        expect(text(snap.entries(5000, 9000))).toBe(text(copy.entries(5000, 9000)));
      }
      for (const { snap } of held) snap.release();
      expect(t.retiredNodes).toBe(0);
      expect(t.core.arena.live).toBe(t.nodeCount);
      t.validate();
    }
  });

  it('from() builds a versioned tree in bulk', () => {
    const entries = Array.from({ length: 5000 }, (_, i) => ({ first: i * 3, last: i * 3 + 1, value: i }));
    const t = VersionedMapleTree.from(entries, { allocRange: true });
    expect(t).toBeInstanceOf(VersionedMapleTree);
    expect(t.version).toBe(0);
    expect(t.core.rcu).toBe(true);
    expect([...t]).toEqual(entries);
    const snap = t.snapshot();
    t.storeRange(0, 100, -1);
    expect(t.version).toBe(1);
    expect(snap.load(3)).toBe(1);
    expect(t.load(3)).toBe(-1);
    snap.release();
    t.validate();
    expect(() => VersionedMapleTree.from([{ first: 5, last: 4, value: 1 }])).toThrow(MapleError);
    const copy = t.clone();
    expect(copy).toBeInstanceOf(VersionedMapleTree);
    expect(copy.version).toBe(0);
    expect([...copy]).toEqual([...t]);
    copy.store(3, 7);
    expect(t.load(3)).toBe(-1);
  });

  it('snapshots taken while the pivots are 32-bit read their versions after a key past 2^31 widens them', () => {
    const t = new VersionedMapleTree<number>({ allocRange: true });
    for (let i = 0; i < 2000; i++) t.storeRange(i * 10, i * 10 + 4, i);
    expect(t.core.arena.wide).toBe(false);
    const snap = t.snapshot();
    const before = [...snap];
    const iter = snap.entries();
    const firstHalf = Array.from({ length: 1000 }, () => iter.next().value);
    // Overwrites that retire nodes the snapshot still reads, then a key that needs 64-bit pivots.
    for (let i = 0; i < 2000; i += 2) t.storeRange(i * 10, i * 10 + 7, -i);
    t.store(2 ** 40, 1);
    expect(t.core.arena.wide).toBe(true);
    expect([...firstHalf, ...iter]).toEqual(before);
    expect([...snap]).toEqual(before);
    expect(snap.load(2 ** 40)).toBeUndefined();
    expect(snap.find(19_992)).toEqual({ first: 19_990, last: 19_994, value: 1999 });
    expect(t.load(2 ** 40)).toBe(1);
    snap.release();
    t.validate();
  });

  it('a snapshot cursor walks its version like a MapleState on a copy', () => {
    const t = new VersionedMapleTree<number>();
    for (let i = 0; i < 300; i++) t.storeRange(i * 10, i * 10 + 4, i);
    const snap = t.snapshot();
    const copy = t.clone();
    for (let i = 0; i < 300; i++) t.storeRange(i * 10 + 2, i * 10 + 7, -i);
    const a = snap.cursor(1234);
    const b = copy.state(1234);
    const trace = (m: { index: number; last: number }, v: number | undefined) => `${m.index}-${m.last}:${v}`;
    expect(trace(a, a.walk())).toBe(trace(b, b.walk()));
    for (let k = 0; k < 40; k++) expect(trace(a, a.next(MAPLE_MAX))).toBe(trace(b, b.next(MAPLE_MAX)));
    for (let k = 0; k < 60; k++) expect(trace(a, a.prevRange(0))).toBe(trace(b, b.prevRange(0)));
    a.set(2995);
    b.set(2995);
    for (let k = 0; k < 10; k++) expect(trace(a, a.findRev(2000))).toBe(trace(b, b.findRev(2000)));
    a.setRange(0, 0).pause();
    b.setRange(0, 0).pause();
    expect(trace(a, a.find(MAPLE_MAX))).toBe(trace(b, b.find(MAPLE_MAX)));
    expect(a.emptyArea(0, 5000, 5)).toBe(true);
    expect([a.index, a.last]).toEqual([5, 9]);
    expect(a).not.toHaveProperty('store');
    snap.release();
  });

  it('snapshots of node-less versions (empty, one entry at 0) work', () => {
    const t = new VersionedMapleTree<string>();
    const empty = t.snapshot();
    t.store(0, 'zero');
    const zero = t.snapshot();
    t.storeRange(5, 9, 'five');
    expect(text(empty as never)).toBe('');
    expect(empty.load(0)).toBeUndefined();
    expect(zero.load(0)).toBe('zero');
    expect(zero.find(0)).toEqual({ first: 0, last: 0, value: 'zero' });
    expect(zero.load(5)).toBeUndefined();
    expect([...zero]).toEqual([{ first: 0, last: 0, value: 'zero' }]);
    empty.release();
    zero.release();
  });

  it('a released snapshot, its iterators and cursors throw a clear error', () => {
    const t = new VersionedMapleTree<number>();
    t.storeRange(1, 2, 3);
    const snap = t.snapshot();
    const it = snap.entries();
    const cur = snap.cursor(0);
    snap.release();
    snap.release(); // twice is fine
    expect(snap.released).toBe(true);
    expect(() => snap.load(1)).toThrow(/snapshot of version 1 was released/);
    expect(() => snap.find(0)).toThrow(MapleError);
    expect(() => snap.entries()).toThrow(MapleError);
    expect(() => it.next()).toThrow(MapleError);
    expect(() => cur.walk()).toThrow(MapleError);
    expect(() => [...snap]).toThrow(MapleError);
    expect(t.heldSnapshots).toBe(0);
  });

  it('`using` releases a snapshot at the end of its scope', () => {
    const t = new VersionedMapleTree<number>();
    t.store(7, 7);
    let seen: ReturnType<typeof t.snapshot> | undefined;
    {
      using snap = t.snapshot();
      seen = snap;
      t.store(7, 8);
      expect(snap.load(7)).toBe(7);
      expect(t.heldSnapshots).toBe(1);
    }
    expect(seen.released).toBe(true);
    expect(t.heldSnapshots).toBe(0);
    expect(t.load(7)).toBe(8);
  });

  it('frees retired nodes only once no held snapshot can reach them', () => {
    const t = new VersionedMapleTree<number>();
    for (let i = 0; i < 2000; i++) t.storeRange(i * 4, i * 4 + 1, i);
    expect(t.retiredNodes).toBe(0); // no snapshot: freed at once
    const old = t.snapshot();
    const oldText = text(old);
    for (let i = 0; i < 500; i++) t.storeRange(i * 16, i * 16 + 2, -i);
    const afterOld = t.retiredNodes;
    expect(afterOld).toBeGreaterThan(0);
    const mid = t.snapshot();
    const midText = text(mid);
    for (let i = 0; i < 500; i++) t.storeRange(i * 16 + 8, i * 16 + 9, i);
    expect(t.retiredNodes).toBeGreaterThan(afterOld);
    // Releasing the newer snapshot frees nothing the older one can reach: all are older-reachable.
    mid.release();
    expect(t.retiredNodes).toBeGreaterThan(0);
    expect(text(old)).toBe(oldText);
    expect(t.reclaim()).toBe(0);
    // A new snapshot after more writes: releasing the old one frees what only it could reach.
    const late = t.snapshot();
    const lateText = text(late);
    t.storeRange(0, 100_000, undefined);
    const before = t.retiredNodes;
    old.release();
    expect(t.retiredNodes).toBeLessThan(before);
    expect(t.retiredNodes).toBeGreaterThan(0);
    expect(text(late)).toBe(lateText);
    late.release();
    expect(t.retiredNodes).toBe(0);
    expect(t.core.arena.retiredCount).toBe(0);
    expect(midText).not.toBe(oldText);
    t.validate();
  });

  it('counts retired nodes against maxNodes and fails cleanly when a snapshot holds them', () => {
    const t = new VersionedMapleTree<number>({ maxNodes: 40 });
    for (let i = 0; i < 100; i++) t.storeRange(i * 4, i * 4 + 1, i);
    const snap = t.snapshot();
    const seen = text(t);
    let failed: unknown;
    try {
      for (let i = 0; i < 1000; i++) t.storeRange(i * 4 + 2, i * 4 + 2, i);
    } catch (error) {
      failed = error;
    }
    expect(failed).toBeInstanceOf(MapleError);
    expect((failed as MapleError).code).toBe('ENOMEM');
    expect(text(snap)).toBe(seen);
    snap.release();
    t.validate();
    t.storeRange(1000, 1000, 1); // room again
  });
});
