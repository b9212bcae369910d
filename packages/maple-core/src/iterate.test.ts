/**
 * forEach (iterate.ts) against entries() over trees of one to four levels,
 * and writes from the callback at leaf ends, where forEach steps to the next
 * leaf without climbing the walker.
 */

import { describe, expect, it } from 'vitest';
import { expectValid } from '../test/helpers.js';
import { MAPLE_MAX } from './errors.js';
import { MapleTree } from './tree.js';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 4294967296;
  };
}

function seen(t: MapleTree<number>, a: number, b: number): number[] {
  const out: number[] = [];
  t.forEach(
    (v, first, last) => {
      out.push(v, first, last);
    },
    a,
    b,
  );
  return out;
}

describe('forEach', () => {
  for (const allocRange of [false, true]) {
    for (const n of [5, 200, 5000, 40_000]) {
      it(`agrees with entries() on ${n} entries (allocRange ${allocRange}), gapped and packed`, () => {
        for (const width of [6, 10]) {
          const t = MapleTree.from(
            Array.from({ length: n }, (_, i) => ({ first: i * 10, last: i * 10 + width - 1, value: i })),
            { allocRange },
          );
          expectValid(t);
          const rnd = prng(n + width);
          const bounds: [number, number][] = [
            [0, MAPLE_MAX],
            [3, 3],
            [n * 10 - 1, MAPLE_MAX],
          ];
          for (let k = 0; k < 20; k++) {
            const a = Math.floor(rnd() * n * 10);
            bounds.push([a, a + Math.floor(rnd() * 2000)]);
          }
          for (const [a, b] of bounds) {
            expect(seen(t, a, b)).toEqual([...t.entries(a, b)].flatMap((e) => [e.value, e.first, e.last]));
          }
        }
      });
    }
  }

  for (const rcu of [false, true]) {
    for (const width of [6, 10]) {
      it(`sees the writes its callback makes at a leaf's end (rcu ${rcu}, ranges ${width} wide)`, () => {
        const n = 5000;
        const t = MapleTree.from(
          Array.from({ length: n }, (_, i) => ({ first: i * 10, last: i * 10 + width - 1, value: i })),
          { rcu },
        );
        // Ranges that end a leaf (with the empty range after them, when there is one).
        const leafEnds = new Set<number>();
        for (const node of t.nodes()) if (node.type === 'leaf_64') leafEnds.add(node.max);
        const got: number[] = [];
        let writes = 0;
        t.forEach((v, first, last) => {
          got.push(v);
          if (v < 0 || !(leafEnds.has(last) || leafEnds.has(last + 10 - width))) return;
          writes++;
          if (v % 3 === 0) {
            // A store spanning the next leaves: the nodes ahead are replaced.
            t.storeRange(last + 1, last + 300, -v - 1);
          } else {
            t.erase(first + 10); // the next leaf's first range
          }
        });
        expect(writes).toBeGreaterThan(100);
        expectValid(t);
        const want: number[] = [];
        for (const e of t.entries()) want.push(e.value);
        expect(got).toEqual(want);
      });
    }
  }
});

describe('a tree holding only index 0 in its root', () => {
  // Found by the fuzzer: the root entry was the end of the walk even when a
  // write before the next step gave the tree a node and more entries.
  it('entries() goes on past index 0 after a write that gives the tree a node', () => {
    const t = new MapleTree<number>();
    t.insert(0, 7);
    const it = t.entries(0, 10);
    expect(it.next().value).toEqual({ first: 0, last: 0, value: 7 });
    t.storeRange(0, 1, 8);
    t.store(5, 9);
    expect(it.next().value).toEqual({ first: 0, last: 1, value: 8 });
    expect(it.next().value).toEqual({ first: 5, last: 5, value: 9 });
    expect(it.next().done).toBe(true);
  });

  it('entries() ends after index 0 while the tree has no node', () => {
    const t = new MapleTree<number>();
    t.insert(0, 7);
    const it = t.entries();
    expect(it.next().value).toEqual({ first: 0, last: 0, value: 7 });
    t.store(0, 8);
    expect(it.next().done).toBe(true);
  });

  it('forEach goes on past index 0 when its callback gives the tree a node', () => {
    const t = new MapleTree<number>();
    t.insert(0, 7);
    const got: number[] = [];
    t.forEach((v, first, last) => {
      got.push(v, first, last);
      if (v === 7) {
        t.store(3, 8);
        t.store(MAPLE_MAX, 9);
      }
    });
    expect(got).toEqual([7, 0, 0, 8, 3, 3, 9, MAPLE_MAX, MAPLE_MAX]);
    expect(seen(t, 0, 2)).toEqual([7, 0, 0]);
  });
});
