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
