import { describe, expect, it } from 'vitest';
import { contents, expectValid } from '../test/helpers.js';
import { MAPLE_MAX, MapleError } from './errors.js';
import { type MapleEntry, MapleTree } from './tree.js';

function ranges(n: number, gap: number): MapleEntry<number>[] {
  const out: MapleEntry<number>[] = [];
  for (let i = 0; i < n; i++) out.push({ first: i * (3 + gap), last: i * (3 + gap) + 2, value: i });
  return out;
}

describe('MapleTree.from (bulk build)', () => {
  for (const allocRange of [false, true]) {
    for (const [n, gap] of [
      [0, 0],
      [1, 0],
      [7, 1],
      [16, 0],
      [17, 1],
      [300, 0],
      [300, 2],
      [5000, 1],
    ] as const) {
      it(`${n} ranges, gap ${gap}, allocRange ${allocRange}: valid, same contents as one store per range`, () => {
        const input = ranges(n, gap);
        const bulk = MapleTree.from(input, { allocRange });
        expectValid(bulk);
        const one = new MapleTree<number>({ allocRange });
        for (const e of input) one.storeRange(e.first, e.last, e.value);
        expect(contents(bulk)).toBe(contents(one));
        expect(bulk.size).toBe(n);
        expect(bulk.height).toBeLessThanOrEqual(one.height);
        // The built tree takes further writes like any other.
        bulk.storeRange(5, 50_000, undefined);
        one.storeRange(5, 50_000, undefined);
        expectValid(bulk);
        expect(contents(bulk)).toBe(contents(one));
        if (allocRange) expect(bulk.emptyArea(0, MAPLE_MAX, 10)).toBe(one.emptyArea(0, MAPLE_MAX, 10));
      });
    }
  }

  it('ends no leaf but the last on an empty range, so erasing at a leaf edge merges across leaves', () => {
    for (const allocRange of [false, true]) {
      for (const n of [20, 137, 5000]) {
        const entries = Array.from({ length: n }, (_, i) => ({ first: i * 10, last: i * 10 + 5, value: i }));
        const tree = MapleTree.from(entries, { allocRange });
        const leaves = [...tree.nodes()].filter((node) => node.type === 'leaf_64');
        for (const leaf of leaves.slice(0, -1)) expect(leaf.values.at(-1)).not.toBeUndefined();
        // Erase the first and the last entry of every leaf: the empty ranges left at a
        // leaf's edges must merge with the neighbouring leaf's, as validate() checks.
        for (const leaf of leaves) {
          const firstValue = leaf.values.find((v) => v !== undefined);
          if (firstValue !== undefined) tree.erase((firstValue as number) * 10);
          expectValid(tree);
          const lastValue = leaf.values.findLast((v) => v !== undefined);
          if (lastValue !== undefined) tree.erase((lastValue as number) * 10);
          expectValid(tree);
        }
      }
    }
  });

  it('keeps a lone entry at 0 in the root and covers the top of the index space', () => {
    const a = MapleTree.from([{ first: 0, last: 0, value: 'r' }]);
    expect(a.height).toBe(0);
    expect(a.load(0)).toBe('r');
    const b = MapleTree.from([
      { first: 0, last: 9, value: 'a' },
      { first: 10, last: MAPLE_MAX, value: 'b' },
    ]);
    expectValid(b);
    expect(b.load(MAPLE_MAX)).toBe('b');
  });

  it('skips undefined values and refuses more nodes than maxNodes', () => {
    const t = MapleTree.from([
      { first: 1, last: 2, value: undefined },
      { first: 3, last: 4, value: 'x' },
    ]);
    expect(contents(t)).toBe('3-4:x');
    let caught: unknown;
    try {
      MapleTree.from(ranges(1000, 0), { maxNodes: 10 });
    } catch (error) {
      caught = error;
    }
    expect((caught as MapleError).code).toBe('ENOMEM');
  });
  it('rejects a bad entry with EINVAL naming it, first, middle or last', () => {
    const bad: [unknown, unknown, RegExp][] = [
      [1.5, 2, /first must be an integer/],
      [10, Number.NaN, /last must be an integer/],
      [-1, 2, /first must be an integer/],
      [10, MAPLE_MAX + 1, /last must be an integer/],
      [2n, 3n, /a bigint/],
      ['2', 3, /a string/],
      [19, 18, /greater than last/],
    ];
    for (const [first, last, message] of bad) {
      for (const at of [0, 1, 2]) {
        const list: unknown[] = [
          { first: 20, last: 21, value: 'a' },
          { first: 30, last: 35, value: 'b' },
        ];
        list.splice(at, 0, { first, last, value: 'x' });
        expect(() => MapleTree.from(list as MapleEntry<string>[])).toThrow(message);
      }
    }
    // Unsorted and overlapping entries, wherever they sit.
    for (const [first, last] of [
      [5, 9],
      [21, 25],
      [35, 40],
    ] as const) {
      const list = [
        { first: 20, last: 21, value: 'a' },
        { first: 30, last: 35, value: 'b' },
        { first, last, value: 'x' },
      ];
      expect(() => MapleTree.from(list)).toThrow(`sorted and disjoint: [${first}, ${last}] after 35`);
      expect(() => MapleTree.from(list)).toThrow(MapleError);
    }
  });
});
