// Stores that span nodes, from lib/test_maple_tree.c: check_node_overwrite
// (a NULL store across hundreds of leaves), check_spanning_relatives (a
// spanning store that rebalances with a sibling or a cousin),
// check_bnode_min_spanning (a NULL store leaving too little for a node), the
// regression sequences of check_fuzzer, and erasing a tree back to empty.
// Each is checked against the reference model.
import { MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { MapleModel } from '../../src/model.js';
import { Random } from '../../src/random.js';
import { FUZZER_SEQUENCES } from './fuzzer-sequences.js';
import { expectCode, expectSame } from './helpers.js';

function pair(allocRange: boolean) {
  return { tree: new MapleTree<number>({ allocRange }), model: new MapleModel<number>({ allocRange }) };
}

describe('spanning stores', () => {
  it('check_node_overwrite: a NULL store across 480 ranges', () => {
    const { tree, model } = pair(true);
    for (let i = 0; i < 4000; i++) {
      tree.storeRange(i * 100, i * 100 + 50, i * 100);
      model.storeRange(i * 100, i * 100 + 50, i * 100);
    }
    tree.storeRange(319951, 367950, undefined);
    model.storeRange(319951, 367950, undefined);
    expectSame(tree, model);
  });

  it('check_spanning_relatives: a NULL store that rebalances with a sibling or cousin', () => {
    const { tree, model } = pair(false);
    for (let i = 0; i <= 1000; i++) {
      tree.storeRange(i * 10, i * 10 + 5, i);
      model.storeRange(i * 10, i * 10 + 5, i);
    }
    tree.storeRange(9365, 9955, undefined);
    model.storeRange(9365, 9955, undefined);
    expectSame(tree, model);
  });

  it('check_bnode_min_spanning: a NULL store through the cursor over 27 ranges', () => {
    const { tree, model } = pair(false);
    const mas = tree.state(0);
    for (let i = 50; i >= 0; i--) {
      mas.setRange(i * 10, i * 10 + 9);
      mas.store(i);
      model.storeRange(i * 10, i * 10 + 9, i);
    }
    mas.setRange(240, 509);
    mas.store(undefined);
    model.storeRange(240, 509, undefined);
    expectSame(tree, model);
  });
});

describe('check_fuzzer', () => {
  it.each(FUZZER_SEQUENCES.map((s, n) => [n + 1, s.broke, s.steps] as const))(
    'sequence %i (%s)',
    (_n, _broke, steps) => {
      const { tree, model } = pair(false);
      for (const step of steps) {
        // a reversed range is -EINVAL in the kernel: both must refuse it and change nothing
        if ((step[0] === 'r' || step[0] === 'R') && step[1] > step[2]) {
          const [kind, first, last, value] = step;
          expectCode(
            () => (kind === 'r' ? tree.storeRange(first, last, value) : tree.insertRange(first, last, value)),
            'EINVAL',
          );
          continue;
        }
        switch (step[0]) {
          case 'i':
            expect(tree.insert(step[1], step[2])).toBe(model.insert(step[1], step[2]));
            break;
          case 'R':
            expect(tree.insertRange(step[1], step[2], step[3])).toBe(
              model.insertRange(step[1], step[2], step[3]),
            );
            break;
          case 's':
            tree.store(step[1], step[2]);
            model.store(step[1], step[2]);
            break;
          case 'r':
            tree.storeRange(step[1], step[2], step[3]);
            model.storeRange(step[1], step[2], step[3]);
            break;
          case 'l':
            expect(tree.load(step[1])).toBe(model.load(step[1]));
            break;
          case 'e':
            expect(tree.erase(step[1])).toBe(model.erase(step[1]));
            break;
        }
        tree.validate();
      }
      expectSame(tree, model);
    },
  );
});

describe('erasing back to empty', () => {
  it.each([false, true])(
    'erases 0..1000 in random order down to an empty tree (gap tracking %s)',
    (allocRange) => {
      const tree = new MapleTree<number>({ allocRange });
      for (let i = 0; i <= 1000; i++) tree.insert(i, i);
      const order = new Random(1000).shuffle(Array.from({ length: 1001 }, (_, i) => i));
      for (const [n, i] of order.entries()) {
        expect(tree.erase(i)).toBe(i);
        if (n % 100 === 0) tree.validate();
      }
      tree.validate();
      expect(tree.isEmpty).toBe(true);
      expect(tree.size).toBe(0);
      expect(tree.height).toBe(0);
      expect(tree.nodeCount).toBe(0);
    },
  );

  it('drops to height 0 when NULL is stored over the whole range', () => {
    const tree = new MapleTree<number>({ allocRange: true });
    for (let i = 0; i < 500; i++) tree.storeRange(i * 7, i * 7 + 3, i);
    expect(tree.height).toBeGreaterThan(1);
    tree.storeRange(0, Number.MAX_SAFE_INTEGER, undefined);
    tree.validate();
    expect(tree.isEmpty).toBe(true);
    expect(tree.height).toBe(0);
    expect(tree.nodeCount).toBe(0);
  });
});
