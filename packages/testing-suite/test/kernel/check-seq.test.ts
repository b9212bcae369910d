// Sequential and reverse inserts with loads after every insert (check_seq,
// check_rev_seq) and the tree shapes they leave behind, as the kernel's
// test suite reports them (KERNEL-NOTES.md, "Shapes the kernel's own tests pin").
import { MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { checkRevSeq, checkSeq } from './helpers.js';

describe('check_seq', () => {
  it('inserts 0..16 into a plain tree', () => {
    const tree = new MapleTree<number>();
    checkSeq(tree, 16);
    tree.validate();
    expect(tree.size).toBe(17);
  });

  it('inserts 0..1000 in order: 73 nodes, height 3 (plain)', () => {
    const tree = new MapleTree<number>();
    checkSeq(tree, 1000);
    tree.validate();
    expect(tree.nodeCount).toBe(73);
    expect(tree.height).toBe(3);
  });

  it('inserts 0..1000 in order: 76 nodes, height 3 (gap tracking)', () => {
    const tree = new MapleTree<number>({ allocRange: true });
    for (let i = 0; i <= 1000; i++) tree.insert(i, i);
    tree.validate();
    expect(tree.nodeCount).toBe(76);
    expect(tree.height).toBe(3);
  });
});

describe('check_rev_seq', () => {
  it('inserts 1000..1 in reverse: 76 nodes, height 3 (gap tracking)', () => {
    const tree = new MapleTree<number>({ allocRange: true });
    checkRevSeq(tree, 1000);
    tree.validate();
    expect(tree.size).toBe(1000);
    expect(tree.nodeCount).toBe(76);
    expect(tree.height).toBe(3);
  });

  it('keeps its height positive in RCU mode', () => {
    const tree = new MapleTree<number>({ allocRange: true, rcu: true });
    checkRevSeq(tree, 200);
    tree.validate();
  });
});
