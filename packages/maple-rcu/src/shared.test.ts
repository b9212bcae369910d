import { MAPLE_MAX, type MapleEntry, MapleError, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { prng } from '../test/prng.js';
import { SharedMapleTree } from './shared-tree.js';

const text = (it: Iterable<MapleEntry<number>>) =>
  [...it].map((e) => `${e.first}-${e.last}:${e.value}`).join(',');

function churn(w: SharedMapleTree, model: MapleTree<number>, rnd: (n: number) => number, n: number): void {
  for (let k = 0; k < n; k++) {
    const a = rnd(30_000);
    const kind = rnd(16);
    if (kind === 0) {
      const last = a + rnd(3000);
      w.storeRange(a, last, k + 0.5);
      model.storeRange(a, last, k + 0.5);
    } else if (kind < 3) {
      expect(w.erase(a)).toBe(model.erase(a));
    } else {
      const last = a + rnd(6);
      w.storeRange(a, last, -k);
      model.storeRange(a, last, -k);
    }
  }
}

describe('SharedMapleTree and SharedMapleReader (one thread)', () => {
  it('a reader attached through a structured clone of the handle sees every published version', () => {
    for (const allocRange of [false, true]) {
      const w = new SharedMapleTree({ allocRange, maxNodes: 4096 });
      const model = new MapleTree<number>({ allocRange });
      const reader = SharedMapleTree.attach(structuredClone(w.handle));
      expect(reader.load(0)).toBeUndefined();
      w.store(0, 42);
      model.store(0, 42);
      expect(reader.load(0)).toBe(42); // the lone entry at 0, kept with no node
      expect(text(reader.entries())).toBe('0-0:42');
      expect(reader.find(0)).toEqual({ first: 0, last: 0, value: 42 });
      const rnd = prng(allocRange ? 9 : 10);
      for (let round = 0; round < 20; round++) {
        churn(w, model, rnd, 300);
        expect(reader.version).toBeLessThan(w.version);
        for (let i = 0; i < 34_000; i += 251) {
          expect(reader.load(i)).toBe(model.load(i));
          expect(reader.find(i, i + 400)).toEqual(model.find(i, i + 400));
        }
        expect(reader.version).toBe(w.version);
        expect(text(reader.entries(round * 1000, round * 1000 + 5000))).toBe(
          text(model.entries(round * 1000, round * 1000 + 5000)),
        );
        expect(text(reader.entries())).toBe(text(model));
      }
      w.validate();
      expect(w.retiredNodes).toBe(0); // no reader was pinned at a write: all reclaimed at once
      expect(w.reclaimedNodes).toBeGreaterThan(0);
      expect(reader.stats.freedNodeReads).toBe(0);
      reader.close();
    }
  });

  it('an open scan keeps its version, holds back reclamation, and releases it when done', () => {
    const w = new SharedMapleTree({ maxNodes: 8192 });
    const model = new MapleTree<number>();
    for (let i = 0; i < 3000; i++) {
      w.storeRange(i * 10, i * 10 + 5, i);
      model.storeRange(i * 10, i * 10 + 5, i);
    }
    const before = text(model);
    const reader = SharedMapleTree.attach(w.handle);
    const other = SharedMapleTree.attach(w.handle);
    const scan = reader.entries();
    const seen: MapleEntry<number>[] = [scan.next().value as MapleEntry<number>];
    churn(w, model, prng(3), 2000);
    expect(w.retiredNodes).toBeGreaterThan(0);
    expect(w.reclaim()).toBe(0); // the scan's epoch holds everything retired since
    // Point reads in the same reader answer from the newest version meanwhile.
    expect(reader.load(12_345)).toBe(model.load(12_345));
    expect(reader.version).toBe(w.version);
    expect(other.find(20_000)).toEqual(model.find(20_000));
    for (let r = scan.next(); !r.done; r = scan.next()) seen.push(r.value);
    expect(text(seen)).toBe(before);
    expect(w.reclaim()).toBeGreaterThan(0);
    expect(w.retiredNodes).toBe(0);
    // A `for...of` that breaks early unpins too.
    for (const _ of other.entries()) break;
    churn(w, model, prng(4), 50);
    expect(w.retiredNodes).toBe(0);
    expect(reader.stats.freedNodeReads).toBe(0);
    reader.close();
    other.close();
  });

  it('detects nodes freed under a scan when reclamation ignores it, and recovers', () => {
    const w = new SharedMapleTree({ maxNodes: 8192 });
    for (let i = 0; i < 3000; i++) w.storeRange(i * 10, i * 10 + 5, i);
    const reader = SharedMapleTree.attach(w.handle);
    const scan = reader.entries();
    scan.next();
    const model = new MapleTree<number>();
    for (const e of w.entries()) model.storeRange(e.first, e.last, e.value);
    // Free what the scan still reads, then reuse the nodes.
    churn(w, model, prng(5), 500);
    expect(w.reclaimIgnoringReaders()).toBeGreaterThan(0);
    churn(w, model, prng(6), 500);
    const rest = [...scan];
    expect(reader.stats.freedNodeReads).toBeGreaterThan(0);
    // It resumed in the newest version after a freed node, so its tail is the current contents.
    const tail = rest.slice(-50);
    for (const e of tail) expect(w.find(e.first)).toEqual(e);
    reader.close();
  });

  it('has a fixed capacity: ENOMEM leaves the tree as it was; erasing makes room', () => {
    const w = new SharedMapleTree({ maxNodes: 12 });
    const reader = SharedMapleTree.attach(w.handle);
    let stored = 0;
    let error: unknown;
    try {
      for (; stored < 10_000; stored++) w.storeRange(stored * 4, stored * 4 + 1, stored);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MapleError);
    expect((error as MapleError).code).toBe('ENOMEM');
    const version = w.version;
    const seen = text(reader.entries());
    expect(seen.split(',').length).toBe(stored);
    expect(() => w.storeRange(stored * 4, stored * 4 + 1, stored)).toThrow(/ENOMEM/);
    expect(w.version).toBe(version);
    expect(text(reader.entries())).toBe(seen);
    // Wiping everything may need a whole new level of nodes (the kernel's worst-case preallocation).
    expect(() => w.storeRange(0, MAPLE_MAX, undefined)).toThrow(/ENOMEM/);
    // A write that fits the free nodes still works: an exact overwrite copies one path.
    w.storeRange(0, 1, 99);
    expect(reader.find(0)).toEqual({ first: 0, last: 1, value: 99 });
    expect(reader.version).toBe(version + 1);
    w.validate();
  });

  it('rejects bad input and a closed reader clearly, and frees slots on close', () => {
    expect(() => new SharedMapleTree({ maxNodes: 0 })).toThrow(MapleError);
    expect(() => new SharedMapleTree({ maxReaders: 1.5 })).toThrow(/maxReaders/);
    expect(() => new SharedMapleTree({ maxNodes: 2 ** 25 })).toThrow(/maxNodes/);
    expect(() => new SharedMapleTree({ synchronizeMs: -1 })).toThrow(/synchronizeMs/);
    const w = new SharedMapleTree({ maxNodes: 64, maxReaders: 2 });
    expect(() => w.store(1, 'x' as never)).toThrow(/stores numbers/);
    expect(() => w.storeRange(5, 4, 1)).toThrow(MapleError);
    expect(w.version).toBe(0);
    expect(() => SharedMapleTree.attach({} as never)).toThrow(/not a SharedMapleTree handle/);
    const a = SharedMapleTree.attach(w.handle);
    const b = SharedMapleTree.attach(w.handle);
    let busy: unknown;
    try {
      SharedMapleTree.attach(w.handle);
    } catch (e) {
      busy = e;
    }
    expect((busy as MapleError).code).toBe('EBUSY');
    expect(() => a.load(-1)).toThrow(MapleError);
    expect(() => a.find(5, 4)).toThrow(MapleError);
    expect(() => a.entries(0.5)).toThrow(MapleError);
    a.close();
    expect(() => a.load(1)).toThrow(/closed/);
    const c = SharedMapleTree.attach(w.handle); // a's slot is free again
    w.store(3, 3);
    expect(c.load(3)).toBe(3);
    expect(b.load(3)).toBe(3);
    b.close();
    c.close();
  });
});
