/**
 * Audit of SharedMapleTree and SharedMapleReader through the package entry
 * point, in one thread (readers attached to structured clones of the handle,
 * as a worker gets it): a seeded differential run against a simple model with
 * scans held open across writes, the lone entry at index 0 overwritten while
 * a reader holds it, a full arena, handles made of buffers of other trees or
 * kinds, and bad arguments, each a clear error that changes nothing.
 */

import { MAPLE_MAX, type MapleEntry } from '@maple-tree/core';
import { SharedMapleTree, VersionedMapleTree } from '@maple-tree/rcu';
import { describe, expect, it } from 'vitest';
import { BAD_INDICES, code, RangeModel, triples } from './audit-model.js';
import { prng } from './prng.js';

/** Everything the writer and one reader can say about the tree, for comparing whole states. */
function picture(tree: SharedMapleTree): unknown {
  return { version: tree.version, size: tree.size, entries: triples(tree.entries()) };
}

describe('SharedMapleTree against a model', () => {
  for (const allocRange of [false, true]) {
    it(`a seeded run of stores, range stores and erases: writer and readers answer as the model, scans held open see their version (${allocRange ? 'gap-tracking' : 'plain'} tree)`, () => {
      const rand = prng(allocRange ? 20261127 : 20261126);
      const tree = new SharedMapleTree({ maxNodes: 4096, allocRange });
      const model = new RangeModel<number>();
      const reader = SharedMapleTree.attach(structuredClone(tree.handle));
      const other = SharedMapleTree.attach(tree.handle);
      const open: {
        it: IterableIterator<MapleEntry<number>>;
        want: MapleEntry<number>[];
        got: MapleEntry<number>[];
      }[] = [];
      const key = () => {
        const r = rand(20);
        if (r === 0) return 0;
        if (r === 1) return MAPLE_MAX - rand(4);
        return rand(3000);
      };
      for (let step = 0; step < 3000; step++) {
        const op = rand(10);
        const a = key();
        const value = step + 0.5;
        const version = tree.version;
        if (op < 4) {
          tree.store(a, value);
          model.storeRange(a, a, value);
        } else if (op < 8) {
          const b = Math.min(MAPLE_MAX, a + rand(op === 7 ? 400 : 12));
          const v = rand(8) === 0 ? undefined : value;
          tree.storeRange(a, b, v);
          model.storeRange(a, b, v);
        } else if (op < 9) {
          expect(tree.erase(a)).toBe(model.erase(a));
        } else {
          // Empty everything but (sometimes) index 0: the tree goes back to a lone root entry or nothing.
          tree.storeRange(1, MAPLE_MAX, undefined);
          model.storeRange(1, MAPLE_MAX, undefined);
        }
        // A write that changes nothing (erasing nothing) publishes nothing.
        expect(tree.version - version).toBeLessThanOrEqual(1);
        // With no scan open, a published write frees everything waiting (a write that
        // changed nothing publishes nothing and frees nothing).
        if (open.length === 0 && tree.version > version) expect(tree.retiredNodes).toBe(0);
        const q = key();
        expect(tree.load(q)).toBe(model.load(q));
        expect(reader.load(q)).toBe(model.load(q));
        expect(reader.version).toBe(tree.version);
        const max = Math.min(MAPLE_MAX, q + rand(500));
        expect(reader.find(q, max)).toEqual(model.find(q, max));
        expect(other.find(q)).toEqual(model.find(q, MAPLE_MAX));
        if (step % 50 === 0) {
          expect(triples(reader.entries())).toEqual(triples(model.list()));
          expect(tree.size).toBe(model.size);
        }
        // Start a scan now (pinning this version) and take one entry of each open scan per step.
        if (step % 97 === 0 && open.length < 4) {
          const first = rand(1500);
          const it = (rand(2) === 0 ? reader : other).entries(first, first + 1500);
          open.push({ it, want: model.entries(first, first + 1500), got: [] });
        }
        for (let i = open.length - 1; i >= 0; i--) {
          const scan = open[i] as (typeof open)[number];
          const r = scan.it.next();
          if (!r.done) scan.got.push(r.value);
          else {
            expect(triples(scan.got)).toEqual(triples(scan.want));
            open.splice(i, 1);
          }
        }
      }
      for (const scan of open) {
        for (const e of scan.it) scan.got.push(e);
        expect(triples(scan.got)).toEqual(triples(scan.want));
      }
      tree.reclaim();
      expect(tree.retiredNodes).toBe(0);
      expect(reader.stats.freedNodeReads + other.stats.freedNodeReads).toBe(0);
      expect(tree.reclaimedNodes).toBeGreaterThan(0);
      tree.validate();
      reader.close();
      other.close();
    });
  }
});

describe('the lone entry at index 0 (a tree with no node)', () => {
  it('overwritten while a reader holds an old version: every reader answers what the writer holds, until the value slots run out (ENOMEM, nothing changed)', () => {
    // Regression: each overwrite retired the old value index with no node to
    // count against maxNodes, value indices grew past the shared value
    // buffer, and readers answered undefined where the writer had a number.
    const tree = new SharedMapleTree({ maxNodes: 1 });
    const holder = SharedMapleTree.attach(tree.handle);
    const reader = SharedMapleTree.attach(tree.handle);
    tree.store(0, -1);
    const scan = holder.entries();
    expect(scan.next().value).toEqual({ first: 0, last: 0, value: -1 });
    let written = 0;
    let failure: string | undefined;
    for (let i = 0; i < 200 && failure === undefined; i++) {
      failure = code(() => tree.store(0, i));
      if (failure === undefined) {
        written++;
        expect(reader.load(0)).toBe(i);
        expect(reader.find(0)).toEqual({ first: 0, last: 0, value: i });
      }
    }
    expect(failure).toBe('ENOMEM');
    expect(written).toBeGreaterThan(10);
    const before = picture(tree);
    expect(code(() => tree.storeRange(0, 0, 1e9))).toBe('ENOMEM');
    expect(picture(tree)).toEqual(before);
    expect(reader.load(0)).toBe(written - 1);
    // Bad input is still EINVAL, not ENOMEM.
    expect(code(() => tree.store(-1, 5))).toBe('EINVAL');
    expect(code(() => tree.storeRange(3, 2, 5))).toBe('EINVAL');
    // Erasing needs no value slot.
    expect(tree.erase(0)).toBe(written - 1);
    expect(reader.load(0)).toBeUndefined();
    // The holder's scan still shows its version, then lets go.
    expect(scan.next().done).toBe(true);
    holder.close();
  });

  it('once the reader lets go, the next write frees the value slots it held and succeeds', () => {
    // Regression: the retry after ENOMEM counted only freed nodes, so value
    // slots freed by that very reclaim did not count and the write failed.
    const tree = new SharedMapleTree({ maxNodes: 1 });
    const holder = SharedMapleTree.attach(tree.handle);
    tree.store(0, 0);
    const scan = holder.entries();
    scan.next();
    let i = 1;
    while (i < 1000 && code(() => tree.store(0, i)) === undefined) i++;
    expect(i).toBeLessThan(1000); // the value slots ran out
    scan.return?.();
    tree.store(0, 12345);
    expect(holder.load(0)).toBe(12345);
    // And it keeps working with nothing held.
    for (let k = 0; k < 500; k++) tree.store(0, k);
    expect(holder.load(0)).toBe(499);
    expect(tree.retiredNodes).toBe(0);
    holder.close();
  });
});

describe('versions and counters', () => {
  it('reader.version is the version of its last answer, a scan entry included', () => {
    // Regression: a scan's entries left reader.version at whatever a point read
    // in between had answered from, newer than the version the entries came from.
    const tree = new SharedMapleTree();
    for (let i = 0; i < 10; i++) tree.store(i * 2, i);
    const reader = SharedMapleTree.attach(tree.handle);
    const scan = reader.entries();
    expect(scan.next().value).toEqual({ first: 0, last: 0, value: 0 });
    expect(reader.version).toBe(10);
    tree.store(1, 100);
    tree.store(3, 101);
    expect(reader.load(1)).toBe(100);
    expect(reader.version).toBe(12);
    expect(scan.next().value).toEqual({ first: 2, last: 2, value: 1 });
    expect(reader.version).toBe(10);
    expect(reader.find(3)).toEqual({ first: 3, last: 3, value: 101 });
    expect(reader.version).toBe(12);
    let r = scan.next();
    while (!r.done) r = scan.next();
    expect(reader.version).toBe(10); // the end of the scan is its version's answer too
    // A scan given up with return() answers nothing: the version stays the last answer's.
    const other = reader.entries();
    other.next();
    tree.store(5, 5);
    expect(reader.load(5)).toBe(5);
    other.return?.();
    expect(reader.version).toBe(13);
    reader.close();
  });

  it('retiredNodes, reclaim() and reclaimedNodes agree; readers pinned at different versions let go out of order', () => {
    const tree = new SharedMapleTree({ maxNodes: 2048 });
    for (let i = 0; i < 300; i++) tree.store(i * 3, i);
    const older = SharedMapleTree.attach(tree.handle);
    const newer = SharedMapleTree.attach(structuredClone(tree.handle));
    const a = older.entries();
    a.next(); // pins version 300
    for (let i = 0; i < 300; i += 3) tree.store(i * 3, -i);
    const b = newer.entries();
    b.next(); // pins version 400
    for (let i = 1; i < 300; i += 3) tree.store(i * 3, -i);
    const waiting = tree.retiredNodes;
    expect(waiting).toBeGreaterThan(0);
    expect(tree.reclaim()).toBe(0);
    // The newer reader going frees nothing: the older one reaches back further.
    b.return?.();
    expect(tree.reclaim()).toBe(0);
    expect(tree.retiredNodes).toBe(waiting);
    // Pinning again (now, at the newest version) and letting the older one go frees
    // exactly what only the older one could reach.
    const c = newer.entries();
    c.next();
    a.return?.();
    const reclaimed = tree.reclaimedNodes;
    const freed = tree.reclaim();
    expect(freed).toBeGreaterThan(0);
    expect(tree.retiredNodes).toBe(waiting - freed);
    expect(tree.reclaimedNodes).toBe(reclaimed + freed);
    expect(tree.retiredNodes).toBe(0); // everything retired so far predates c's version
    tree.store(0, 7);
    expect(tree.retiredNodes).toBeGreaterThan(0); // c holds the version before this write
    c.return?.();
    expect(tree.reclaim()).toBeGreaterThan(0);
    expect(tree.retiredNodes).toBe(0);
    expect(older.stats.freedNodeReads + newer.stats.freedNodeReads).toBe(0);
    older.close();
    newer.close();
  });
});

describe('a full arena', () => {
  it('a write needing more nodes than the buffers hold is ENOMEM; writer, readers and version unchanged; each erase then works or is ENOMEM too, changing nothing', () => {
    const tree = new SharedMapleTree({ maxNodes: 40 });
    const reader = SharedMapleTree.attach(tree.handle);
    const model = new RangeModel<number>();
    let i = 0;
    for (; i < 10_000; i++) {
      const c = code(() => tree.storeRange(i * 10, i * 10 + 3, i));
      if (c !== undefined) {
        expect(c).toBe('ENOMEM');
        break;
      }
      model.storeRange(i * 10, i * 10 + 3, i);
    }
    expect(i).toBeGreaterThan(40);
    const before = picture(tree);
    const version = tree.version;
    for (const write of [
      () => tree.store(i * 10, i),
      () => tree.storeRange(i * 10, i * 10 + 3, i),
      () => tree.storeRange(5, i * 10 - 5, 7), // spanning: needs the most nodes
    ]) {
      const c = code(write);
      if (c !== undefined) expect(c).toBe('ENOMEM');
      else break; // a store that fits after all changes the tree: stop comparing
      expect(picture(tree)).toEqual(before);
      expect(tree.version).toBe(version);
      expect(triples(reader.entries())).toEqual(triples(model.list()));
      expect(reader.version).toBe(version);
    }
    tree.validate();
    // Erasing can need nodes too (a fixed arena asks for the worst case of a
    // rebalance): each erase either works or is ENOMEM and changes nothing.
    let erased = 0;
    for (let k = 0; k < i; k++) {
      const was = picture(tree);
      const c = code(() => tree.erase(k * 10));
      if (c === undefined) {
        model.erase(k * 10);
        erased++;
      } else {
        expect(c).toBe('ENOMEM');
        expect(picture(tree)).toEqual(was);
      }
      expect(reader.load(k * 10)).toBe(model.load(k * 10));
    }
    expect(erased).toBeGreaterThan(0);
    expect(triples(reader.entries())).toEqual(triples(model.list()));
    tree.validate();
    reader.close();
  });
});

describe('attaching and bad arguments', () => {
  it('attach refuses a handle mixed from two trees, of another kind or with wrong buffers, with EINVAL', () => {
    // Regression: such handles attached and then answered wrong values, or threw
    // RangeError or a plain Error after a thousand retries.
    const a = new SharedMapleTree({ maxNodes: 100 });
    const twin = new SharedMapleTree({ maxNodes: 100 }); // same kind and size: only its id differs
    const gaps = new SharedMapleTree({ maxNodes: 100, allocRange: true });
    const small = new SharedMapleTree({ maxNodes: 10 });
    a.storeRange(5, 9, 5);
    twin.storeRange(5, 9, 6);
    const h = a.handle;
    const bad: unknown[] = [
      { ...h, allocRange: true },
      { ...h, allocRange: 'no' },
      { ...h, meta: twin.handle.meta },
      { ...h, born: twin.handle.born },
      { ...h, values: twin.handle.values },
      { ...h, born: small.handle.born },
      { ...h, values: small.handle.values },
      { ...h, arena: small.handle.arena },
      { ...h, arena: gaps.handle.arena },
      { ...h, arena: { ...h.arena, pivots: small.handle.arena.pivots } },
      { ...h, arena: { ...h.arena, nodes: new ArrayBuffer(64) } },
      { ...h, arena: { ...h.arena, nodes: new SharedArrayBuffer(8) } },
      { ...h, arena: null },
      { ...h, meta: new SharedArrayBuffer(4) },
      { ...h, meta: new ArrayBuffer(32) },
      { ...h, epochs: new SharedArrayBuffer(0) },
      { ...h, epochs: new SharedArrayBuffer(6) },
      { ...h, capacity: Number.NaN },
      { ...h, capacity: 1 },
      { ...h, capacity: 100.5 },
      { ...h, capacity: small.handle.capacity },
      { ...gaps.handle, arena: { ...gaps.handle.arena, gapArray: new ArrayBuffer(0) } },
      a,
      [],
      'handle',
      undefined,
    ];
    for (const handle of bad) expect(code(() => SharedMapleTree.attach(handle as never))).toBe('EINVAL');
    // Nothing was claimed or changed: the real handles still attach and read.
    for (const [tree, want] of [
      [a, 5],
      [twin, 6],
    ] as const) {
      const reader = SharedMapleTree.attach(structuredClone(tree.handle));
      expect(reader.load(7)).toBe(want);
      expect(triples(reader.entries())).toEqual([[5, 9, want]]);
      reader.close();
    }
    const g = SharedMapleTree.attach(gaps.handle);
    expect(g.load(7)).toBeUndefined();
    g.close();
  });

  it('writer calls refuse bad indices, reversed and out-of-range ranges and non-numbers; nothing changes', () => {
    const tree = new SharedMapleTree({ allocRange: true, maxNodes: 64 });
    tree.storeRange(10, 20, 1);
    tree.store(MAPLE_MAX, 2);
    const reader = SharedMapleTree.attach(tree.handle);
    const before = picture(tree);
    for (const bad of BAD_INDICES) {
      const b = bad as number;
      for (const call of [
        () => tree.store(b, 1),
        () => tree.storeRange(b, 30, 1),
        () => tree.storeRange(0, b, 1),
        () => tree.storeRange(b, b, undefined),
        () => tree.erase(b),
        () => tree.load(b),
        () => tree.find(b),
        () => tree.find(0, b),
        () => tree.entries(b),
        () => tree.entries(0, b),
        () => reader.load(b),
        () => reader.find(b),
        () => reader.find(0, b),
        () => reader.entries(b),
        () => reader.entries(0, b),
      ]) {
        expect(code(call)).toBe('EINVAL');
      }
    }
    for (const call of [
      () => tree.store(undefined as never, 1),
      () => tree.storeRange(undefined as never, 4, 1),
      () => tree.erase(undefined as never),
      () => tree.load(undefined as never),
      () => reader.load(undefined as never),
      () => tree.storeRange(21, 20, 1),
      () => tree.storeRange(MAPLE_MAX, MAPLE_MAX - 1, 1),
      () => tree.storeRange(MAPLE_MAX - 1, MAPLE_MAX + 1, 1),
      () => tree.find(5, 4),
      () => tree.entries(5, 4),
      () => reader.find(MAPLE_MAX, 0),
      () => reader.entries(MAPLE_MAX, 0),
      () => tree.store(3, '3' as never),
      () => tree.storeRange(3, 4, null as never),
      () => tree.storeRange(3, 4, 4n as never),
      () => tree.storeRange(3, 4, { valueOf: () => 4 } as never),
    ]) {
      expect(code(call)).toBe('EINVAL');
    }
    expect(picture(tree)).toEqual(before);
    expect(triples(reader.entries())).toEqual([
      [10, 20, 1],
      [MAPLE_MAX, MAPLE_MAX, 2],
    ]);
    tree.validate();
    reader.close();
  });

  it('constructor options: anything but an omitted option or a value in range is EINVAL (null included, as MapleTree has it)', () => {
    // Regression: null took the default for maxNodes, maxReaders and synchronizeMs.
    for (const options of [
      5,
      'x',
      null,
      { maxNodes: null },
      { maxReaders: null },
      { synchronizeMs: null },
      { maxNodes: 0 },
      { maxNodes: 2 ** 25 },
      { maxNodes: Number.POSITIVE_INFINITY },
      { maxReaders: 0 },
      { maxReaders: 1.5 },
      { maxReaders: 2 ** 17 },
      { synchronizeMs: -1 },
      { synchronizeMs: Number.NaN },
      { synchronizeMs: 1.5 },
      { allocRange: null },
      { allocRange: 'yes' },
    ]) {
      expect(code(() => new SharedMapleTree(options as never))).toBe('EINVAL');
    }
    const tree = new SharedMapleTree({
      maxNodes: undefined,
      maxReaders: undefined,
      synchronizeMs: undefined,
    });
    tree.store(1, 1);
    expect(tree.load(1)).toBe(1);
    expect(code(() => new VersionedMapleTree<number>({ maxNodes: null } as never))).toBe('EINVAL');
  });
});
