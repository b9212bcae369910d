/**
 * Audit of a snapshot's reads through the package entry point, while the
 * tree it came from keeps changing: cursors (every MapleState read, in seeded
 * random order) against a cursor on a frozen clone of the same version, gap
 * searches, next/prev and scans against a simple model, size / height /
 * nodeCount / dump against the tree as it was, and a released snapshot,
 * with the iterators and cursors made from it, failing with a clear EINVAL.
 */

import { MAPLE_MAX, type MapleState, type MapleTree } from '@maple-tree/core';
import { type Snapshot, type SnapshotCursor, VersionedMapleTree } from '@maple-tree/rcu';
import { describe, expect, it } from 'vitest';
import { BAD_INDICES, code, RangeModel, triples } from './audit-model.js';
import { prng } from './prng.js';

/** The read-only half of MapleState, which SnapshotCursor has too. */
type Cursor<V> = Pick<
  MapleState<V> | SnapshotCursor<V>,
  | 'index'
  | 'last'
  | 'walk'
  | 'find'
  | 'findRev'
  | 'next'
  | 'prev'
  | 'nextRange'
  | 'prevRange'
  | 'emptyArea'
  | 'emptyAreaRev'
  | 'set'
  | 'setRange'
  | 'reset'
  | 'pause'
>;

/** What one call did: its answer or its error code, and where the cursor was left. */
function outcome<V>(c: Cursor<V>, call: (c: Cursor<V>) => unknown): unknown {
  let answer: unknown;
  const failure = code(() => {
    answer = call(c);
  });
  return failure === undefined
    ? { answer: answer === c ? 'self' : answer, at: [c.index, c.last] }
    : { failure };
}

/** A seeded random cursor call over keys in [0, span) and the top of the index space. */
function randomCall(rand: (n: number) => number, span: number): (c: Cursor<string>) => unknown {
  const k = () => (rand(25) === 0 ? MAPLE_MAX - rand(3) : rand(span));
  const a = k();
  const b = k();
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const size = 1 + rand(30);
  switch (rand(15)) {
    case 0:
      return (c) => c.set(a).walk();
    case 1:
      return (c) => c.find(hi);
    case 2:
      return (c) => c.findRev(lo);
    case 3:
      return (c) => c.next(hi);
    case 4:
      return (c) => c.prev(lo);
    case 5:
      return (c) => c.nextRange(hi);
    case 6:
      return (c) => c.prevRange(lo);
    case 7:
      return (c) => c.emptyArea(lo, hi, size);
    case 8:
      return (c) => c.emptyAreaRev(lo, hi, size);
    case 9:
      return (c) => c.set(a);
    case 10:
      return (c) => c.setRange(lo, hi);
    case 11:
      return (c) => c.reset();
    case 12:
      return (c) => c.pause();
    case 13:
      return (c) => c.find(MAPLE_MAX);
    default:
      return (c) => c.prev(0);
  }
}

describe('snapshot cursors, gap searches and scans while the tree changes', () => {
  for (const allocRange of [true, false]) {
    it(`every cursor read answers as a cursor on a frozen clone of the version (${allocRange ? 'gap-tracking' : 'plain'} tree)`, () => {
      const rand = prng(allocRange ? 31 : 32);
      const tree = new VersionedMapleTree<string>({ allocRange });
      const held: {
        snap: Snapshot<string>;
        frozen: MapleTree<string>;
        model: RangeModel<string>;
        dump: string;
        /** A cursor on the snapshot and one on the frozen clone, kept across the live tree's writes. */
        kept: [SnapshotCursor<string>, MapleState<string>];
      }[] = [];
      const model = new RangeModel<string>();
      let compared = 0;
      for (let step = 0; step < 1500; step++) {
        const a = rand(3000);
        const b = a + rand(rand(5) === 0 ? 200 : 6);
        const v = rand(6) === 0 ? undefined : `s${step}`;
        tree.storeRange(a, b, v);
        model.storeRange(a, b, v);
        if (step % 150 === 0) {
          // Includes the empty tree (step 0 stores at most one range).
          const snap = tree.snapshot();
          const frozen = tree.clone();
          const kept: [SnapshotCursor<string>, MapleState<string>] = [snap.cursor(0), frozen.state(0)];
          held.push({ snap, frozen, model: model.copy(), dump: tree.dump(), kept });
        }
        for (const h of held) {
          // The kept cursors take one step per write of the live tree.
          const step1 = randomCall(rand, 3200);
          expect(outcome(h.kept[0], step1)).toEqual(outcome(h.kept[1], step1));
          if (rand(3) !== 0) continue;
          const cs = h.snap.cursor(rand(3000));
          const cf = h.frozen.state(cs.index, cs.last);
          for (let k = 0; k < 12; k++) {
            const call = randomCall(rand, 3200);
            expect(outcome(cs, call)).toEqual(outcome(cf, call));
            compared++;
          }
          // Gap searches, next and prev against the model.
          const min = rand(3000);
          const max = min + rand(800);
          const size = 1 + rand(Math.min(20, max - min + 1));
          if (allocRange) {
            const want = h.model.emptyArea(min, max, size);
            const c = h.snap.cursor();
            expect(c.emptyArea(min, max, size)).toBe(want !== undefined);
            if (want !== undefined) expect([c.index, c.last]).toEqual([want, want + size - 1]);
            const wantRev = h.model.emptyAreaRev(min, max, size);
            expect(c.emptyAreaRev(min, max, size)).toBe(wantRev !== undefined);
            if (wantRev !== undefined) expect([c.index, c.last]).toEqual([wantRev, wantRev + size - 1]);
          }
          expect(h.snap.next(min, max)).toEqual(h.model.next(min, max));
          expect(h.snap.prev(max, min)).toEqual(h.model.prev(max, min));
          expect(h.snap.next(min)).toEqual(h.model.next(min, MAPLE_MAX));
          expect(h.snap.prev(max)).toEqual(h.model.prev(max, 0));
        }
      }
      expect(compared).toBeGreaterThan(5000);
      for (const h of held) {
        expect(triples(h.snap)).toEqual(triples(h.model.list()));
        expect(h.snap.size).toBe(h.model.size);
        expect(h.snap.height).toBe(h.frozen.height);
        expect(h.snap.nodeCount).toBe(h.frozen.nodeCount);
        expect(h.snap.dump()).toBe(h.dump);
        h.snap.release();
      }
      expect(tree.retiredNodes).toBe(0);
    });
  }

  it('size, height, nodeCount and dump are the version’s, not the live tree’s', () => {
    // Regression: dump() printed the live tree's node count in its header, and
    // marked DEAD the nodes of the version that later writes replaced.
    const tree = new VersionedMapleTree<number>();
    const empty = tree.snapshot();
    tree.store(0, 1);
    const rootEntry = tree.snapshot();
    for (let i = 0; i < 100; i++) tree.store(i * 3, i);
    const small = [tree.size, tree.height, tree.nodeCount, tree.dump()] as const;
    const snap = tree.snapshot();
    for (let i = 0; i < 3000; i++) tree.store(i * 3 + 1, i);
    tree.erase(0);
    expect(tree.height).toBeGreaterThan(small[1]);
    expect([snap.size, snap.height, snap.nodeCount, snap.dump()]).toEqual(small);
    expect(snap.dump().split('\n')[0]).toContain(`${small[2]} nodes`);
    expect([empty.size, empty.height, empty.nodeCount]).toEqual([0, 0, 0]);
    expect(empty.dump()).toContain('(empty)');
    expect([rootEntry.size, rootEntry.height, rootEntry.nodeCount]).toEqual([1, 0, 0]);
    expect(rootEntry.dump()).toContain('root entry [0, 0] 1');
    for (const s of [empty, rootEntry, snap]) s.release();
  });

  it('snapshot reads and cursors refuse bad arguments with EINVAL and still answer after', () => {
    const tree = new VersionedMapleTree<number>({ allocRange: true });
    tree.storeRange(10, 19, 1);
    const snap = tree.snapshot();
    const c = snap.cursor(12);
    for (const bad of BAD_INDICES) {
      const b = bad as number;
      for (const call of [
        () => snap.next(b),
        () => snap.prev(b),
        () => snap.next(0, b),
        () => snap.prev(50, b),
        () => snap.cursor(b),
        () => snap.cursor(0, b),
        () => c.set(b),
        () => c.setRange(b, 5),
        () => c.find(b),
        () => c.findRev(b),
        () => c.emptyArea(b, 100, 1),
        () => c.emptyAreaRev(0, b, 1),
        () => c.emptyArea(0, 100, b),
      ]) {
        expect(code(call)).toBe('EINVAL');
      }
    }
    expect(code(() => snap.cursor(5, 4))).toBe('EINVAL');
    expect(code(() => c.setRange(5, 4))).toBe('EINVAL');
    expect(code(() => c.emptyArea(10, 5, 1))).toBe('EINVAL');
    expect(code(() => c.emptyArea(0, 5, 0))).toBe('EINVAL');
    expect(code(() => c.emptyArea(0, 5, 7))).toBe('EINVAL');
    expect(snap.load(12)).toBe(1);
    expect(c.set(15).walk()).toBe(1);
    expect([c.index, c.last]).toEqual([10, 19]);
    // A snapshot cursor has no write half.
    expect('store' in c || 'erase' in c).toBe(false);
    snap.release();
  });
});

describe('a released snapshot', () => {
  it('every read, and every iterator or cursor made before, throws EINVAL; version stays readable; release and dispose are idempotent', () => {
    const tree = new VersionedMapleTree<number>({ allocRange: true });
    for (let i = 0; i < 50; i++) tree.storeRange(i * 10, i * 10 + 4, i);
    const snap = tree.snapshot();
    const version = snap.version;
    const it = snap.entries();
    const all = snap[Symbol.iterator]();
    expect(it.next().value).toEqual({ first: 0, last: 4, value: 0 });
    const c = snap.cursor(0);
    expect(c.find(MAPLE_MAX)).toBe(0);
    tree.storeRange(0, 1000, -1);
    snap.release();
    snap[Symbol.dispose]();
    expect(snap.released).toBe(true);
    expect(snap.version).toBe(version);
    const reads: (() => unknown)[] = [
      () => snap.load(0),
      () => snap.find(0),
      () => snap.next(0),
      () => snap.prev(100),
      () => snap.entries(),
      () => [...snap],
      () => snap.cursor(),
      () => snap.dump(),
      () => snap.size,
      () => snap.height,
      () => snap.nodeCount,
      () => it.next(),
      () => all.next(),
      () => c.walk(),
      () => c.find(MAPLE_MAX),
      () => c.findRev(0),
      () => c.next(MAPLE_MAX),
      () => c.prev(0),
      () => c.nextRange(MAPLE_MAX),
      () => c.prevRange(0),
      () => c.emptyArea(0, 100, 1),
      () => c.emptyAreaRev(0, 100, 1),
    ];
    for (const read of reads) expect(code(read)).toBe('EINVAL');
    // The tree is untouched by all that, and nothing is left waiting.
    expect(tree.heldSnapshots).toBe(0);
    expect(tree.retiredNodes).toBe(0);
    expect(tree.load(0)).toBe(-1);
  });

  it('`using` releases at the end of the block, also when the block throws', () => {
    const tree = new VersionedMapleTree<number>();
    for (let i = 0; i < 100; i++) tree.store(i, i);
    let escaped: Snapshot<number> | undefined;
    expect(() => {
      using snap = tree.snapshot();
      escaped = snap;
      tree.storeRange(0, 99, 0);
      expect(tree.retiredNodes).toBeGreaterThan(0);
      throw new Error('leaving early');
    }).toThrow('leaving early');
    expect(escaped?.released).toBe(true);
    expect(tree.heldSnapshots).toBe(0);
    expect(tree.retiredNodes).toBe(0);
  });
});
