/**
 * The public contract of @maple-tree/rcu (shared/design/API.md), checked from
 * outside through the package entry points only: VersionedMapleTree and its
 * snapshots (one thread), SharedMapleTree and its lock-free readers (attached
 * here in the same thread through a structured clone of the handle, as a
 * worker would get it). Bad input throws MapleError('EINVAL') and changes
 * neither the tree nor its version.
 */

import { MAPLE_MAX, type MapleEntry, MapleTree } from '@maple-tree/core';
import { type MapleSnapshot, SharedMapleTree, VersionedMapleTree } from '@maple-tree/rcu';
import { describe, expect, it } from 'vitest';
import { code } from './audit-model.js';

const triples = (it: Iterable<MapleEntry<unknown>>) => [...it].map((e) => [e.first, e.last, e.value]);

const BAD_INDEX: readonly unknown[] = [
  -1,
  0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  MAPLE_MAX + 1,
  '1',
  1n,
  null,
];

describe('VersionedMapleTree', () => {
  it('is a MapleTree in RCU mode, with the whole MapleTree API', () => {
    const tree = new VersionedMapleTree<string>({ allocRange: true });
    expect(tree).toBeInstanceOf(MapleTree);
    expect(tree.version).toBe(0);
    tree.storeRange(10, 19, 'a');
    expect(tree.allocRange('b', 5, 0, MAPLE_MAX)).toBe(0);
    expect(tree.find(6)).toEqual({ first: 10, last: 19, value: 'a' });
    const mas = tree.state(0);
    expect(mas.find(MAPLE_MAX)).toBe('b');
    expect(mas.find(MAPLE_MAX)).toBe('a');
    tree.validate();
  });

  it('version advances with every completed write, and only then', () => {
    // RCU mode copies the path it writes, so a write needs room for the copy too.
    const tree = new VersionedMapleTree<string>({ allocRange: true, maxNodes: 4 });
    tree.store(5, 'a');
    expect(tree.version).toBe(1);
    tree.storeRange(6, 9, 'b');
    tree.erase(5);
    expect(tree.version).toBe(3);
    // Calls that write nothing publish nothing.
    expect(tree.insert(6, 'x')).toBe(false);
    expect(tree.erase(100)).toBeUndefined();
    expect(tree.allocRange('x', 2, 6, 9)).toBeUndefined();
    expect(tree.load(7)).toBe('b');
    expect(tree.version).toBe(3);
    // Failed calls publish nothing and change nothing.
    const before = tree.dump();
    for (const bad of BAD_INDEX) {
      expect(code(() => tree.store(bad as number, 'x'))).toBe('EINVAL');
      expect(code(() => tree.erase(bad as number))).toBe('EINVAL');
    }
    expect(code(() => tree.storeRange(9, 8, 'x'))).toBe('EINVAL');
    let i = 20;
    while (code(() => tree.store(i, 'fill')) === undefined) i += 2;
    const full = tree.dump();
    const version = tree.version;
    expect(code(() => tree.store(i, 'fill'))).toBe('ENOMEM');
    expect(tree.version).toBe(version);
    expect(tree.dump()).toBe(full);
    expect(before).not.toBe(full);
    tree.clear();
    expect(tree.version).toBe(version + 1);
    expect(tree.isEmpty).toBe(true);
  });

  it('a snapshot sees the tree as of when it was taken, forever', () => {
    const tree = new VersionedMapleTree<number>();
    for (let i = 0; i < 500; i++) tree.storeRange(i * 10, i * 10 + 4, i);
    const snap = tree.snapshot();
    expect(snap.version).toBe(tree.version);
    const then = triples(tree);
    tree.storeRange(0, 2000, -1);
    tree.store(MAPLE_MAX, 7);
    for (let i = 300; i < 500; i++) tree.erase(i * 10);
    tree.clear();
    tree.store(3, 3);
    expect(snap.version).toBe(500);
    expect(triples(snap)).toEqual(then);
    expect(triples(snap.entries())).toEqual(then);
    expect(triples(snap.entries(12, 31))).toEqual([
      [10, 14, 1],
      [20, 24, 2],
      [30, 34, 3],
    ]);
    expect(snap.load(12)).toBe(1);
    expect(snap.load(15)).toBeUndefined();
    expect(snap.load(MAPLE_MAX)).toBeUndefined();
    expect(snap.find(15)).toEqual({ first: 20, last: 24, value: 2 });
    expect(snap.find(15, 19)).toBeUndefined();
    expect(triples(tree)).toEqual([[3, 3, 3]]);
    snap.release();
  });

  it('snapshots of an empty tree, of a root entry, and of several versions at once', () => {
    const tree = new VersionedMapleTree<string>();
    const empty = tree.snapshot();
    tree.store(0, 'r');
    const root = tree.snapshot();
    tree.store(MAPLE_MAX, 'top');
    const both = tree.snapshot();
    tree.erase(0);
    expect(triples(empty)).toEqual([]);
    expect(empty.load(0)).toBeUndefined();
    expect(empty.find(0)).toBeUndefined();
    expect(triples(root)).toEqual([[0, 0, 'r']]);
    expect(root.find(0)).toEqual({ first: 0, last: 0, value: 'r' });
    expect(root.find(1)).toBeUndefined();
    expect(triples(both)).toEqual([
      [0, 0, 'r'],
      [MAPLE_MAX, MAPLE_MAX, 'top'],
    ]);
    expect([empty.version, root.version, both.version]).toEqual([0, 1, 2]);
    expect(triples(tree)).toEqual([[MAPLE_MAX, MAPLE_MAX, 'top']]);
    for (const s of [empty, root, both]) s.release();
  });

  it('retired nodes wait while a snapshot can reach them; release and reclaim give them back', () => {
    const tree = new VersionedMapleTree<number>();
    for (let i = 0; i < 200; i++) tree.store(i * 2, i);
    const live = tree.nodeCount;
    const snap = tree.snapshot();
    for (let i = 0; i < 200; i++) tree.store(i * 2 + 1, -i);
    expect(tree.retiredNodes).toBeGreaterThan(0);
    expect(tree.reclaim()).toBe(0); // the snapshot still reaches them
    expect(tree.retiredNodes).toBeGreaterThan(0);
    expect(snap.load(3)).toBeUndefined();
    snap.release();
    expect(tree.retiredNodes).toBe(0);
    expect(tree.reclaim()).toBe(0);
    expect(tree.nodeCount).toBeGreaterThanOrEqual(live);
    tree.validate();
  });

  it('a released snapshot, and its iterators, throw EINVAL; releasing twice is harmless', () => {
    const tree = new VersionedMapleTree<number>();
    tree.storeRange(1, 5, 1);
    tree.storeRange(7, 9, 2);
    const snap = tree.snapshot();
    const it = snap.entries();
    expect(it.next().value).toEqual({ first: 1, last: 5, value: 1 });
    snap.release();
    snap.release();
    expect(code(() => it.next())).toBe('EINVAL');
    expect(code(() => snap.load(1))).toBe('EINVAL');
    expect(code(() => snap.find(1))).toBe('EINVAL');
    expect(code(() => snap.entries())).toBe('EINVAL');
    expect(code(() => [...snap])).toBe('EINVAL');
    expect(snap.version).toBe(2);
  });

  it('[Symbol.dispose] releases: `using` ends the snapshot at the end of its block', () => {
    const tree = new VersionedMapleTree<number>();
    for (let i = 0; i < 100; i++) tree.store(i, i);
    let escaped: MapleSnapshot<number> | undefined;
    {
      using snap = tree.snapshot();
      escaped = snap;
      tree.storeRange(0, 99, undefined);
      expect(snap.load(50)).toBe(50);
      expect(tree.retiredNodes).toBeGreaterThan(0);
    }
    expect(tree.retiredNodes).toBe(0);
    expect(code(() => escaped?.load(50))).toBe('EINVAL');
  });

  it('snapshot reads refuse bad arguments with EINVAL', () => {
    const tree = new VersionedMapleTree<number>();
    tree.store(4, 4);
    const snap = tree.snapshot();
    for (const bad of BAD_INDEX) {
      expect(code(() => snap.load(bad as number))).toBe('EINVAL');
      expect(code(() => snap.find(bad as number))).toBe('EINVAL');
      expect(code(() => snap.find(0, bad as number))).toBe('EINVAL');
      expect(code(() => snap.entries(bad as number))).toBe('EINVAL');
      expect(code(() => snap.entries(0, bad as number))).toBe('EINVAL');
    }
    expect(code(() => snap.entries(5, 4))).toBe('EINVAL');
    expect(code(() => snap.find(5, 4))).toBe('EINVAL');
    expect(snap.load(4)).toBe(4);
    snap.release();
  });

  it('options: rcu is always on; bad options are EINVAL', () => {
    for (const options of [null, { allocRange: 'yes' }, { maxNodes: -1 }, { maxNodes: 0.5 }]) {
      expect(code(() => new VersionedMapleTree<number>(options as never))).toBe('EINVAL');
    }
  });

  it('from and clone make versioned trees at version 0 with the same entries', () => {
    const entries = Array.from({ length: 300 }, (_, i) => ({ first: i * 3, last: i * 3 + 1, value: i }));
    const tree = VersionedMapleTree.from(entries, { allocRange: true });
    expect(tree).toBeInstanceOf(VersionedMapleTree);
    expect(tree.version).toBe(0);
    expect(triples(tree)).toEqual(entries.map((e) => [e.first, e.last, e.value]));
    tree.store(2, -1);
    const copy = tree.clone();
    expect(copy).toBeInstanceOf(VersionedMapleTree);
    expect(copy.version).toBe(0);
    expect(triples(copy)).toEqual(triples(tree));
    copy.store(5, -5);
    expect(tree.load(5)).toBeUndefined();
    const snap = copy.snapshot();
    copy.clear();
    expect(snap.load(5)).toBe(-5);
    snap.release();
  });
});

describe('SharedMapleTree and SharedMapleReader', () => {
  it('the writer stores numbers; a reader attached to a cloned handle reads every published version', () => {
    const tree = new SharedMapleTree({ allocRange: true, maxNodes: 512 });
    const reader = SharedMapleTree.attach(structuredClone(tree.handle));
    expect(tree.version).toBe(0);
    expect(reader.load(0)).toBeUndefined();
    tree.store(0, 1.5);
    expect(reader.load(0)).toBe(1.5);
    expect(reader.version).toBe(1);
    tree.storeRange(2 ** 40, 2 ** 41, Number.NaN);
    tree.store(MAPLE_MAX, -0);
    tree.storeRange(10, 19, Number.POSITIVE_INFINITY);
    expect(tree.version).toBe(4);
    expect(Number.isNaN(reader.load(2 ** 40 + 1))).toBe(true);
    expect(Object.is(reader.load(MAPLE_MAX), -0)).toBe(true);
    expect(reader.find(1)).toEqual({ first: 10, last: 19, value: Number.POSITIVE_INFINITY });
    expect(reader.find(20, 2 ** 40 - 1)).toBeUndefined();
    expect(reader.version).toBe(4);
    expect([...reader.entries(11, 2 ** 40)].map((e) => [e.first, e.last])).toEqual([
      [10, 19],
      [2 ** 40, 2 ** 41],
    ]);
    expect([...tree.entries()].map((e) => e.first)).toEqual([0, 10, 2 ** 40, MAPLE_MAX]);
    expect(tree.find(11)).toEqual({ first: 10, last: 19, value: Number.POSITIVE_INFINITY });
    expect(tree.load(MAPLE_MAX)).toBe(-0);
    expect(tree.erase(15)).toBe(Number.POSITIVE_INFINITY);
    expect(reader.load(15)).toBeUndefined();
    reader.close();
  });

  it('0 and -0 stay different values, for the writer and for readers', () => {
    const tree = new SharedMapleTree();
    const reader = SharedMapleTree.attach(tree.handle);
    tree.storeRange(0, 10, 0);
    tree.store(5, -0);
    expect(Object.is(tree.load(5), -0)).toBe(true);
    expect(Object.is(reader.load(5), -0)).toBe(true);
    expect(Object.is(reader.load(4), 0)).toBe(true);
    expect(Object.is(reader.load(6), 0)).toBe(true);
    reader.close();
  });

  it('a reader range scan shows the one version it started in', () => {
    const tree = new SharedMapleTree({ maxNodes: 1024 });
    for (let i = 0; i < 300; i++) tree.storeRange(i * 10, i * 10 + 5, i);
    const reader = SharedMapleTree.attach(tree.handle);
    const it = reader.entries();
    const seen: number[] = [it.next().value?.value as number];
    tree.storeRange(0, 2999, 7); // replaces everything the scan has not reached
    for (let r = it.next(); !r.done; r = it.next()) seen.push(r.value.value);
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect([...reader.entries()].map((e) => e.value)).toEqual([7]);
    reader.close();
  });

  it('writes that change nothing publish nothing; failed writes change nothing', () => {
    const tree = new SharedMapleTree({ maxNodes: 3 });
    tree.store(5, 5);
    expect(tree.version).toBe(1);
    expect(tree.erase(6)).toBeUndefined();
    expect(tree.version).toBe(1);
    for (const bad of BAD_INDEX) {
      expect(code(() => tree.store(bad as number, 1))).toBe('EINVAL');
      expect(code(() => tree.storeRange(0, bad as number, 1))).toBe('EINVAL');
      expect(code(() => tree.erase(bad as number))).toBe('EINVAL');
      expect(code(() => tree.load(bad as number))).toBe('EINVAL');
      expect(code(() => tree.find(bad as number))).toBe('EINVAL');
      expect(code(() => tree.entries(bad as number))).toBe('EINVAL');
    }
    for (const value of ['1', 1n, null, {}, true]) {
      expect(code(() => tree.store(1, value as never))).toBe('EINVAL');
      expect(code(() => tree.storeRange(1, 2, value as never))).toBe('EINVAL');
    }
    expect(code(() => tree.storeRange(3, 2, 1))).toBe('EINVAL');
    expect(code(() => tree.find(3, 2))).toBe('EINVAL');
    expect(tree.version).toBe(1);
    let i = 10;
    while (code(() => tree.store(i, i)) === undefined) i += 2;
    const version = tree.version;
    const entries = [...tree.entries()];
    expect(code(() => tree.store(i, i))).toBe('ENOMEM');
    expect(tree.version).toBe(version);
    expect([...tree.entries()]).toEqual(entries);
    tree.validate();
  });

  it('retired nodes wait for readers holding a scan; reclaim frees them after', () => {
    const tree = new SharedMapleTree({ maxNodes: 1024 });
    for (let i = 0; i < 200; i++) tree.store(i * 2, i);
    const reader = SharedMapleTree.attach(tree.handle);
    const scan = reader.entries();
    expect(scan.next().value?.value).toBe(0); // pins the version
    for (let i = 0; i < 200; i++) tree.store(i * 2 + 1, -i);
    expect(tree.retiredNodes).toBeGreaterThan(0);
    expect(tree.reclaim()).toBe(0);
    scan.return?.();
    expect(tree.reclaim()).toBeGreaterThan(0);
    expect(tree.retiredNodes).toBe(0);
    reader.close();
  });

  it('a closed reader throws EINVAL and holds nothing back; closing twice is harmless', () => {
    const tree = new SharedMapleTree();
    tree.store(1, 1);
    const reader = SharedMapleTree.attach(tree.handle);
    const scan = reader.entries();
    scan.next();
    reader.close();
    reader.close();
    expect(code(() => reader.load(1))).toBe('EINVAL');
    expect(code(() => reader.find(1))).toBe('EINVAL');
    expect(code(() => reader.entries())).toBe('EINVAL');
    expect(code(() => scan.next())).toBe('EINVAL');
    for (let i = 0; i < 50; i++) tree.store(i + 10, i);
    tree.reclaim();
    expect(tree.retiredNodes).toBe(0);
  });

  it('reader calls refuse bad arguments with EINVAL; a bad handle is EINVAL', () => {
    const tree = new SharedMapleTree();
    tree.store(1, 1);
    const reader = SharedMapleTree.attach(tree.handle);
    for (const bad of BAD_INDEX) {
      expect(code(() => reader.load(bad as number))).toBe('EINVAL');
      expect(code(() => reader.find(bad as number))).toBe('EINVAL');
      expect(code(() => reader.find(0, bad as number))).toBe('EINVAL');
      expect(code(() => reader.entries(bad as number))).toBe('EINVAL');
      expect(code(() => reader.entries(0, bad as number))).toBe('EINVAL');
    }
    expect(code(() => reader.find(2, 1))).toBe('EINVAL');
    expect(code(() => reader.entries(2, 1))).toBe('EINVAL');
    expect(reader.load(1)).toBe(1);
    reader.close();
    for (const handle of [null, {}, { ...tree.handle, meta: null }]) {
      expect(code(() => SharedMapleTree.attach(handle as never))).toBe('EINVAL');
    }
  });

  it('attaching past the reader slots is EBUSY; a closed reader gives its slot back', () => {
    const tree = new SharedMapleTree({ maxReaders: 2 });
    tree.store(3, 3);
    const a = SharedMapleTree.attach(tree.handle);
    const b = SharedMapleTree.attach(tree.handle);
    expect(code(() => SharedMapleTree.attach(tree.handle))).toBe('EBUSY');
    a.close();
    const c = SharedMapleTree.attach(tree.handle);
    expect([b.load(3), c.load(3)]).toEqual([3, 3]);
    b.close();
    c.close();
  });

  it('constructor options are checked: EINVAL for bad ones', () => {
    for (const options of [null, { allocRange: 1 }, { maxNodes: 0 }, { maxNodes: 1.5 }, { maxNodes: '8' }]) {
      expect(code(() => new SharedMapleTree(options as never))).toBe('EINVAL');
    }
  });
});
