// check_alloc_range and check_alloc_rev_range (lib/test_maple_tree.c): a
// gap-tracking tree holding a real /proc/self/maps layout in pages, with
// everything from MTREE_ALLOC_MAX up reserved, then gap searches for each
// hole and allocations with the exact addresses and refusals the kernel
// expects. Every answer is also checked against the reference model.
import { MAPLE_MAX, MapleTree } from '@maple-tree/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { MapleModel } from '../../src/model.js';
import { checkInsertRange, expectSame } from './helpers.js';
import { ALLOC_MAX, HOLES, MAPS, page, TOP_PAGE } from './proc-maps.js';

const RESERVED = -1;

let tree: MapleTree<number>;
let model: MapleModel<number>;

beforeEach(() => {
  tree = new MapleTree<number>({ allocRange: true });
  model = new MapleModel<number>({ allocRange: true });
  tree.storeRange(ALLOC_MAX, MAPLE_MAX, RESERVED);
  model.storeRange(ALLOC_MAX, MAPLE_MAX, RESERVED);
  for (const [start, end] of MAPS) {
    checkInsertRange(tree, page(start), page(end) - 1, page(start));
    model.insertRange(page(start), page(end) - 1, page(start));
    tree.validate();
  }
});

/** [min, max, size, expected start or undefined for -EBUSY], all in pages. */
type Request = readonly [number, number, number, number | undefined];

function allocate(requests: readonly Request[], rev: boolean): void {
  for (const [min, max, size, expected] of requests) {
    const got = rev ? tree.allocRangeRev(min, size, min, max) : tree.allocRange(min, size, min, max);
    const want = rev ? model.allocRangeRev(min, size, min, max) : model.allocRange(min, size, min, max);
    expect(got, `alloc${rev ? 'Rev' : ''}(size ${size} in [${min}, ${max}])`).toBe(expected);
    expect(want).toBe(expected);
    if (got !== undefined) for (const i of [got, got + size - 1]) expect(tree.load(i)).toBe(min);
    tree.validate();
  }
  expectSame(tree, model);
}

describe('check_alloc_range', () => {
  it('finds each hole with a forward search from the previous one', () => {
    let min = 0x565234af2000;
    const mas = tree.state(0);
    for (const [start, end, size] of HOLES) {
      expect(mas.emptyArea(page(min), page(end), page(size))).toBe(true);
      expect(mas.index).toBe(page(start));
      min = end;
      mas.reset();
    }
  });

  it('allocates lowest-first at the kernel addresses and refuses what does not fit', () => {
    allocate(
      [
        [page(0x565234af9000), page(0x7fff58791000), 1, page(0x565234afb000)],
        [0, page(0x7fff58791000), page(0x1f00), 0],
        [34148797436, page(0x7fff587af000), 3, 34148798629], // ascend
        [34148798623, 34148798683, page(0x15000), undefined], // does not fit
        [34148798623, page(0x7fff587af000), page(0x10000), 34148798632], // fills a whole gap
        [0, TOP_PAGE, TOP_PAGE, undefined], // walks off the end of the root
        [0, TOP_PAGE, 4503599618982063, undefined], // too large a hole across the whole range
        [34148798648, 34148798648, 1, 34148798648], // a single index
      ],
      false,
    );
  });
});

describe('check_alloc_rev_range', () => {
  it('finds each hole with a reverse search bounded by its end', () => {
    let min = 0;
    const mas = tree.state(0);
    for (const [, end, size] of HOLES) {
      expect(mas.emptyAreaRev(min, page(end), page(size))).toBe(true);
      expect(mas.last + 1).toBe(page(end));
      expect(mas.index).toBe(page(end) - page(size));
      min = page(end);
      mas.reset();
    }
  });

  it('allocates highest-first at the kernel addresses and refuses what does not fit', () => {
    allocate(
      [
        [page(0x565234af9000), page(0x7fff58791000), 1, 0x7fff5878d],
        [0, 0x565234af0, 3, 0x565234aee],
        [0, TOP_PAGE, 1, 562949953421311], // just below the reserved top
        [0, 0x7f36d5109, 4, 0x7f36d5106],
        [0, 34148798628, 19, 34148797418], // ascend
        [0, TOP_PAGE, 562915594369134, undefined], // too big
        [34148798725, 34148798725, 1, 34148798725], // a single index
      ],
      true,
    );
    // erase two allocations to open an exact-size hole, then fill it from the top
    expect(tree.erase(34148798727)).toBe(0);
    expect(tree.erase(34148798725)).toBe(34148798725);
    model.erase(34148798727);
    model.erase(34148798725);
    expect(tree.allocRangeRev(7, 210253414, 0, 34359052173)).toBe(34148798725);
    model.allocRangeRev(7, 210253414, 0, 34359052173);
    expectSame(tree, model);
  });

  it('refuses allocation on a tree without gap tracking', () => {
    const plain = new MapleTree<number>();
    expect(() => plain.allocRange(1, 1, 0, 10)).toThrow(/EINVAL/);
    expect(() => plain.allocRangeRev(1, 1, 0, 10)).toThrow(/EINVAL/);
    expect(plain.isEmpty).toBe(true);
  });
});
