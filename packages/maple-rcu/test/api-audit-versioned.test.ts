/**
 * Audit of VersionedMapleTree through the package entry point: every write
 * API of MapleTree (store, storeRange, insert, insertRange, erase,
 * allocRange, allocRangeRev, a cursor's store and erase, clear) run through
 * the versioned tree in a seeded sequence, with up to a dozen snapshots alive
 * at once, taken between writes and released out of order (release(),
 * [Symbol.dispose], twice). Each snapshot is checked against a copy of a
 * simple model taken when it was, for as long as it lives; version,
 * heldSnapshots, retiredNodes and reclaim() are checked as API.md and the
 * README describe them.
 */

import { MAPLE_MAX } from '@maple-tree/core';
import { type Snapshot, VersionedMapleTree } from '@maple-tree/rcu';
import { describe, expect, it } from 'vitest';
import { code, RangeModel, triples } from './audit-model.js';
import { prng } from './prng.js';

interface Held {
  snap: Snapshot<string>;
  model: RangeModel<string>;
}

interface Held2 {
  snap: Snapshot<number>;
  model: RangeModel<number>;
}

/** Checks a snapshot against the model copy made with it: a few point reads, one find, one bounded scan. */
function checkSnapshot(h: Held, rand: (n: number) => number, whole: boolean): void {
  const { snap, model } = h;
  expect(snap.size).toBe(model.size);
  for (let k = 0; k < 4; k++) {
    const q = rand(4000);
    expect(snap.load(q)).toBe(model.load(q));
  }
  const q = rand(4000);
  expect(snap.find(q, q + 300)).toEqual(model.find(q, q + 300));
  expect(triples(snap.entries(q, q + 600))).toEqual(triples(model.entries(q, q + 600)));
  if (whole) expect(triples(snap)).toEqual(triples(model.list()));
}

/**
 * One seeded run. Returns counts of what happened so the caller can check
 * the run really exercised each path.
 */
function run(seed: number, allocRange: boolean, steps: number): Record<string, number> {
  const rand = prng(seed);
  const tree = new VersionedMapleTree<string>({ allocRange });
  const model = new RangeModel<string>();
  const held: Held[] = [];
  const seen: Record<string, number> = { snapshots: 0, released: 0, retiredWhileHeld: 0, wrote: 0 };
  const key = () => (rand(30) === 0 ? MAPLE_MAX - rand(3) : rand(4000));
  for (let step = 0; step < steps; step++) {
    const before = tree.version;
    const a = key();
    const b = Math.min(MAPLE_MAX, a + rand(rand(6) === 0 ? 300 : 8));
    const value = `v${step}`;
    let wrote = true;
    const op = rand(allocRange ? 11 : 9);
    switch (op) {
      case 0:
        tree.store(a, value);
        model.storeRange(a, a, value);
        break;
      case 1:
      case 2: {
        const v = rand(5) === 0 ? undefined : value;
        tree.storeRange(a, b, v);
        model.storeRange(a, b, v);
        break;
      }
      case 3: {
        const free = model.isFree(a, a);
        expect(tree.insert(a, value)).toBe(free);
        if (free) model.storeRange(a, a, value);
        wrote = free;
        break;
      }
      case 4: {
        const free = model.isFree(a, b);
        expect(tree.insertRange(a, b, value)).toBe(free);
        if (free) model.storeRange(a, b, value);
        wrote = free;
        break;
      }
      case 5: {
        const want = model.erase(a);
        expect(tree.erase(a)).toBe(want);
        wrote = want !== undefined;
        break;
      }
      case 6: {
        // mas_store through a cursor over [a, b].
        const v = rand(4) === 0 ? undefined : value;
        tree.state(a, b).store(v);
        model.storeRange(a, b, v);
        break;
      }
      case 7: {
        const want = model.erase(a);
        expect(tree.state(a).erase()).toBe(want);
        wrote = want !== undefined;
        break;
      }
      case 8:
        if (rand(40) === 0) {
          tree.clear();
          model.storeRange(0, MAPLE_MAX, undefined);
        } else {
          tree.storeRange(a, a, value);
          model.storeRange(a, a, value);
        }
        break;
      default: {
        // allocRange / allocRangeRev over a window of the key space.
        const size = 1 + rand(40);
        const min = rand(3000);
        const max = min + rand(1200);
        if (size > max - min + 1) {
          expect(code(() => tree.allocRange(value, size, min, max))).toBe('EINVAL');
          wrote = false;
          break;
        }
        const rev = op === 10;
        const want = rev ? model.emptyAreaRev(min, max, size) : model.emptyArea(min, max, size);
        const got = rev ? tree.allocRangeRev(value, size, min, max) : tree.allocRange(value, size, min, max);
        expect(got).toBe(want);
        if (want !== undefined) model.storeRange(want, want + size - 1, value);
        wrote = want !== undefined;
      }
    }
    // Every write call that completes publishes exactly one version; calls that write nothing publish none.
    expect(tree.version).toBe(before + (wrote ? 1 : 0));
    if (wrote) seen.wrote = (seen.wrote as number) + 1;
    if (held.length === 0) expect(tree.retiredNodes).toBe(0);
    else if (tree.retiredNodes > 0) seen.retiredWhileHeld = (seen.retiredWhileHeld as number) + 1;
    const q = key();
    expect(tree.load(q)).toBe(model.load(q));

    // Snapshots: take one now and then, check a held one, release one out of order.
    if (rand(12) === 0 && held.length < 12) {
      const snap = tree.snapshot();
      expect(snap.version).toBe(tree.version);
      held.push({ snap, model: model.copy() });
      seen.snapshots = (seen.snapshots as number) + 1;
    }
    expect(tree.heldSnapshots).toBe(held.length);
    if (held.length > 0) checkSnapshot(held[rand(held.length)] as Held, rand, step % 64 === 0);
    if (held.length > 0 && rand(20) === 0) {
      const [gone] = held.splice(rand(held.length), 1) as [Held];
      const retired = tree.retiredNodes;
      if (rand(2) === 0) gone.snap.release();
      else gone.snap[Symbol.dispose]();
      gone.snap.release(); // twice: a no-op
      expect(gone.snap.released).toBe(true);
      expect(code(() => gone.snap.load(0))).toBe('EINVAL');
      expect(tree.retiredNodes).toBeLessThanOrEqual(retired);
      if (held.length === 0) expect(tree.retiredNodes).toBe(0);
      // Release reclaims at once: nothing is left that reclaim() could free.
      expect(tree.reclaim()).toBe(0);
      seen.released = (seen.released as number) + 1;
    }
    if (step % 500 === 0) tree.validate();
  }
  // Every snapshot still alive still shows its version, whole.
  for (const h of held) checkSnapshot(h, rand, true);
  expect(triples(tree)).toEqual(triples(model.list()));
  for (const h of held.reverse()) h.snap.release();
  expect(tree.heldSnapshots).toBe(0);
  expect(tree.retiredNodes).toBe(0);
  tree.validate();
  return seen;
}

describe('VersionedMapleTree: every write API, many snapshots, against a model', () => {
  it('a gap-tracking tree (allocRange and allocRangeRev too), seed 1', () => {
    const seen = run(1, true, 4000);
    expect(seen.snapshots).toBeGreaterThan(100);
    expect(seen.released).toBeGreaterThan(50);
    expect(seen.retiredWhileHeld).toBeGreaterThan(100);
  });

  it('a plain tree, seed 2; allocRange on it is EINVAL and changes nothing', () => {
    const seen = run(2, false, 3000);
    expect(seen.snapshots).toBeGreaterThan(100);
    const tree = new VersionedMapleTree<string>();
    tree.store(1, 'x');
    expect(code(() => tree.allocRange('y', 1, 0, 10))).toBe('EINVAL');
    expect(code(() => tree.allocRangeRev('y', 1, 0, 10))).toBe('EINVAL');
    expect(tree.version).toBe(1);
    expect(triples(tree)).toEqual([[1, 1, 'x']]);
  });
});

describe('retired nodes and held versions', () => {
  it('a long-lived snapshot pins: nodes retired after it wait however many writes follow, and all come back when it goes', () => {
    const tree = new VersionedMapleTree<number>();
    for (let i = 0; i < 500; i++) tree.storeRange(i * 4, i * 4 + 1, i);
    const base = tree.nodeCount;
    const old = tree.snapshot();
    const model = new RangeModel<number>();
    for (let i = 0; i < 500; i++) model.storeRange(i * 4, i * 4 + 1, i);
    let waiting = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 500; i += 7) tree.storeRange(i * 4, i * 4 + 2, round);
      // Short-lived snapshots come and go in between; they never free what `old` holds.
      const short = tree.snapshot();
      tree.erase(round * 4);
      short.release();
      expect(tree.retiredNodes).toBeGreaterThan(waiting);
      waiting = tree.retiredNodes;
      expect(tree.reclaim()).toBe(0);
    }
    expect(triples(old)).toEqual(triples(model.list()));
    old.release();
    expect(tree.retiredNodes).toBe(0);
    // What the current version needs, and no more, is left.
    expect(tree.nodeCount).toBeLessThan(base * 3);
    tree.validate();
  });

  it('releasing out of order frees only what no older snapshot reaches', () => {
    const tree = new VersionedMapleTree<number>();
    for (let i = 0; i < 300; i++) tree.store(i * 2, i);
    const s1 = tree.snapshot();
    for (let i = 0; i < 300; i++) tree.store(i * 2, -i);
    const s2 = tree.snapshot();
    for (let i = 0; i < 300; i++) tree.store(i * 2, 1000 + i);
    const s3 = tree.snapshot();
    const all = tree.retiredNodes;
    // Releasing the newest and the middle one frees nothing: s1 reaches back furthest.
    s3.release();
    expect(tree.retiredNodes).toBe(all);
    s2.release();
    expect(tree.retiredNodes).toBe(all);
    expect([s1.load(20), tree.load(20)]).toEqual([10, 1010]);
    // A snapshot taken now pins only the current version: releasing s1 frees everything.
    const s4 = tree.snapshot();
    s1.release();
    expect(tree.retiredNodes).toBe(0);
    tree.store(20, 0);
    expect(tree.retiredNodes).toBeGreaterThan(0);
    expect(s4.load(20)).toBe(1010);
    s4.release();
    expect(tree.retiredNodes).toBe(0);
  });

  it('several snapshots of one version: the version stays pinned until the last of them goes', () => {
    const tree = new VersionedMapleTree<number>();
    for (let i = 0; i < 100; i++) tree.store(i, i);
    const a = tree.snapshot();
    const b = tree.snapshot();
    expect(a.version).toBe(b.version);
    tree.storeRange(0, 99, 7);
    a.release();
    a.release();
    expect(tree.retiredNodes).toBeGreaterThan(0);
    expect(b.load(42)).toBe(42);
    b.release();
    expect(tree.retiredNodes).toBe(0);
    expect(tree.heldSnapshots).toBe(0);
  });

  it('thousands of snapshots alive at once, one per version, released in bulk and at random: each shows its version to the end', () => {
    const rand = prng(5);
    const tree = new VersionedMapleTree<number>();
    const model = new RangeModel<number>();
    const held: Held2[] = [];
    for (let i = 0; i < 3000; i++) {
      const a = rand(500);
      tree.store(a, i);
      model.storeRange(a, a, i);
      held.push({ snap: tree.snapshot(), model: model.copy() });
      if (i > 1500 && rand(3) === 0) (held.splice(rand(held.length), 1)[0] as Held2).snap.release();
      if (i === 2000) {
        // The oldest 1,200 go first, in order: the pinned versions' list drops its head.
        for (const h of held.splice(0, 1200)) h.snap.release();
      }
    }
    expect(tree.heldSnapshots).toBe(held.length);
    expect(held.length).toBeGreaterThan(1000);
    for (const h of held) {
      expect(h.snap.size).toBe(h.model.size);
      const q = rand(500);
      expect(h.snap.load(q)).toBe(h.model.load(q));
    }
    for (const h of held.filter((_, i) => i % 50 === 0))
      expect(triples(h.snap)).toEqual(triples(h.model.list()));
    const oldest = held[0] as Held2;
    for (const h of held.slice(1)) h.snap.release();
    expect(tree.retiredNodes).toBeGreaterThan(0); // the oldest still pins
    expect(triples(oldest.snap)).toEqual(triples(oldest.model.list()));
    oldest.snap.release();
    expect(tree.retiredNodes).toBe(0);
    expect(tree.heldSnapshots).toBe(0);
    tree.validate();
  });

  it('with maxNodes, retired nodes count: ENOMEM while a snapshot holds them, tree and snapshot unchanged; room again on release', () => {
    const tree = new VersionedMapleTree<number>({ maxNodes: 24 });
    for (let i = 0; i < 60; i++) tree.store(i * 2, i);
    const snap = tree.snapshot();
    const frozen = triples(snap);
    let failure: string | undefined;
    let round = 0;
    for (; round < 100 && failure === undefined; round++) {
      for (let i = 0; i < 60 && failure === undefined; i++) failure = code(() => tree.store(i * 2, round));
    }
    expect(failure).toBe('ENOMEM');
    const now = triples(tree);
    const version = tree.version;
    expect(code(() => tree.storeRange(0, 1000, 5))).toBe('ENOMEM');
    expect(triples(tree)).toEqual(now);
    expect(tree.version).toBe(version);
    expect(triples(snap)).toEqual(frozen);
    snap.release();
    tree.storeRange(0, 1000, 5);
    expect(triples(tree)).toEqual([[0, 1000, 5]]);
    tree.validate();
  });

  it('clear() with snapshots held: they keep their entries through any number of later writes', () => {
    const tree = new VersionedMapleTree<string>({ allocRange: true });
    for (let i = 0; i < 800; i++) tree.storeRange(i * 5, i * 5 + 2, `a${i}`);
    const before = tree.snapshot();
    tree.clear();
    const empty = tree.snapshot();
    for (let i = 0; i < 3000; i++) tree.store(i * 3 + 1, `b${i}`);
    expect(before.size).toBe(800);
    expect(before.load(5 * 400 + 1)).toBe('a400');
    expect(triples(before).length).toBe(800);
    expect(triples(empty)).toEqual([]);
    expect(empty.size).toBe(0);
    empty.release();
    before.release();
    expect(tree.retiredNodes).toBe(0);
    expect(tree.size).toBe(3000);
    tree.validate();
  });

  it('nodeCount counts the current version only, not the nodes snapshots hold', () => {
    const tree = new VersionedMapleTree<number>();
    for (let i = 0; i < 400; i++) tree.store(i * 2, i);
    const snap = tree.snapshot();
    for (let i = 0; i < 400; i++) tree.store(i * 2 + 1, i);
    expect(tree.retiredNodes).toBeGreaterThan(0);
    expect(tree.nodeCount).toBe(tree.clone().nodeCount);
    snap.release();
    expect(tree.nodeCount).toBe(tree.clone().nodeCount);
  });
});

describe('a tight maxNodes under snapshots', () => {
  it('a seeded run where most writes fail ENOMEM: each failure changes nothing (dump and version), snapshots keep their versions', () => {
    const rand = prng(123);
    let failures = 0;
    for (let trial = 0; trial < 12; trial++) {
      const tree = new VersionedMapleTree<number>({ allocRange: trial % 2 === 0, maxNodes: 10 + rand(40) });
      const model = new RangeModel<number>();
      const held: Held2[] = [];
      for (let i = 0; i < 600; i++) {
        const a = rand(3000);
        const b = a + rand(rand(5) === 0 ? 300 : 8);
        const value = rand(5) === 0 ? undefined : i;
        const dump = tree.dump();
        const version = tree.version;
        const failure = code(() => tree.storeRange(a, b, value));
        if (failure === undefined) model.storeRange(a, b, value);
        else {
          failures++;
          expect(failure).toBe('ENOMEM');
          expect(tree.version).toBe(version);
          expect(tree.dump()).toBe(dump);
        }
        if (rand(30) === 0) held.push({ snap: tree.snapshot(), model: model.copy() });
        if (held.length > 3 || (held.length > 0 && rand(20) === 0)) {
          const h = held.splice(rand(held.length), 1)[0] as Held2;
          expect(triples(h.snap)).toEqual(triples(h.model.list()));
          h.snap.release();
        }
        if (i % 150 === 0) tree.validate();
      }
      expect(triples(tree)).toEqual(triples(model.list()));
      for (const h of held) h.snap.release();
      expect(tree.retiredNodes).toBe(0);
    }
    expect(failures).toBeGreaterThan(1000);
  });
});

describe('iterators and cursors of the versioned tree', () => {
  it('stay valid across its writes, snapshot held or not: each continues after the last range it returned', () => {
    const rand = prng(77);
    for (let trial = 0; trial < 60; trial++) {
      const tree = new VersionedMapleTree<number>({ allocRange: trial % 2 === 0 });
      const model = new RangeModel<number>();
      for (let i = 0; i < 300; i++) {
        const a = rand(2000);
        const b = a + rand(10);
        tree.storeRange(a, b, i);
        model.storeRange(a, b, i);
      }
      const snap = trial % 3 === 0 ? tree.snapshot() : undefined;
      const it = tree.entries();
      const mas = tree.state(0);
      let itLast = -1;
      let masLast = -1;
      for (let k = 0; k < 60; k++) {
        const r = it.next();
        if (!r.done) {
          expect(r.value).toEqual(model.entries(itLast + 1, MAPLE_MAX)[0]);
          itLast = r.value.last;
        } else expect(model.entries(itLast + 1, MAPLE_MAX)).toEqual([]);
        const v = mas.find(MAPLE_MAX);
        const want = model.entries(masLast + 1, MAPLE_MAX)[0];
        expect(v === undefined ? undefined : { first: mas.index, last: mas.last, value: v }).toEqual(want);
        if (v !== undefined) masLast = mas.last;
        for (let w = 0; w < 3; w++) {
          const a = rand(2000);
          const b = a + rand(rand(4) === 0 ? 200 : 10);
          const value = rand(5) === 0 ? undefined : 1000 + k;
          tree.storeRange(a, b, value);
          model.storeRange(a, b, value);
        }
        if (k === 30) snap?.release();
      }
      expect(tree.retiredNodes).toBe(0);
    }
  });
});
