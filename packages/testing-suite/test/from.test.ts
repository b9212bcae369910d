// MapleTree.from, the bulk load: any sorted, non-overlapping input gives a
// valid tree holding exactly that input, which then takes writes like any
// other; bad input is EINVAL and builds nothing.
import { MAPLE_MAX, MapleTree } from '@maple-tree/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MapleModel } from '../src/model.js';
import { expectCode } from './kernel/helpers.js';

/** Sorted, non-overlapping entries: gaps and widths drawn, then laid end to end. */
const entriesArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 20 }), fc.integer()), {
    maxLength: 3000,
    size: 'max',
  })
  .map((steps) => {
    const out: Array<{ first: number; last: number; value: number }> = [];
    let at = 0;
    for (const [gap, width, value] of steps) {
      const first = at + gap;
      out.push({ first, last: first + width, value });
      at = first + width + 1;
    }
    return out;
  });

describe('MapleTree.from', () => {
  it('builds a valid tree holding exactly its input, which then takes writes', () => {
    fc.assert(
      fc.property(
        entriesArb,
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(70_000), fc.nat(300), fc.option(fc.integer())), { maxLength: 30 }),
        (entries, allocRange, writes) => {
          const tree = MapleTree.from(entries, { allocRange });
          tree.validate();
          expect([...tree]).toEqual(entries);
          const model = new MapleModel<number>({ allocRange });
          for (const e of entries) model.storeRange(e.first, e.last, e.value);
          for (const [first, width, value] of writes) {
            tree.storeRange(first, first + width, value ?? undefined);
            model.storeRange(first, first + width, value ?? undefined);
            tree.validate();
          }
          expect([...tree]).toEqual([...model]);
        },
      ),
      { seed: 5, numRuns: 60 },
    );
  });

  it('takes the top of the index space', () => {
    const tree = MapleTree.from([
      { first: 0, last: 0, value: 'a' },
      { first: MAPLE_MAX, last: MAPLE_MAX, value: 'z' },
    ]);
    tree.validate();
    expect(tree.load(MAPLE_MAX)).toBe('z');
    expect(tree.find(1)).toEqual({ first: MAPLE_MAX, last: MAPLE_MAX, value: 'z' });
  });

  it.each([
    [
      'unsorted',
      [
        { first: 10, last: 12, value: 1 },
        { first: 0, last: 2, value: 2 },
      ],
    ],
    [
      'overlapping',
      [
        { first: 0, last: 5, value: 1 },
        { first: 5, last: 8, value: 2 },
      ],
    ],
    ['reversed', [{ first: 5, last: 4, value: 1 }]],
    ['out of range', [{ first: 0, last: MAPLE_MAX + 1, value: 1 }]],
  ])('refuses %s input with EINVAL', (_what, entries) => {
    expectCode(() => MapleTree.from(entries), 'EINVAL');
  });
});
