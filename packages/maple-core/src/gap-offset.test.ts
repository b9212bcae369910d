/**
 * Which slot an arange_64 node names as holding its largest gap when several
 * hold it (the kernel's metadata, `gapOffset` here). The kernel's choice
 * depends on how the node got there, and these expectations are the answers
 * of Linux 6.12's lib/maple_tree.c to the same operations (recorded with
 * packages/testing-suite/tools/kernel-oracle):
 * - a node filled whole (mab_mas_cp) takes the last slot holding the largest gap;
 * - a child's gap growing past the largest moves the offset there, one growing
 *   only to equal it leaves the offset where it was (mas_parent_gap);
 * - the slot holding the largest gap shrinking rescans from the end and takes
 *   the last slot holding the new largest, or the last slot when no child has
 *   a gap (ma_max_gap);
 * - a spanning store or a rebalance rebuilds every level up to the root (6.12's
 *   mas_spanning_rebalance), so every ancestor is a node filled whole, even
 *   where its contents stay the same.
 * Before they were followed, core took the first slot holding the largest gap.
 */
import { describe, expect, it } from 'vitest';
import { MAPLE_MAX } from './errors.js';
import { inspectNodes } from './inspect.js';
import { MapleTree } from './tree.js';

/** The root's gaps and offset, as `gaps 3 7 3 meta 1`. */
function rootGaps(tree: MapleTree<number>): string {
  const root = inspectNodes(tree).next().value;
  if (root === undefined || root.type !== 'arange_64') throw new Error('no arange root');
  return `gaps ${root.gaps.join(' ')} meta ${root.gapOffset}`;
}

/** One-index entries at 0, 4, 8, ..., 160 (three empty indices after each), then [164, MAX]. */
function spacedTree(): MapleTree<number> {
  const tree = new MapleTree<number>({ allocRange: true });
  for (let i = 0; i <= 40; i++) tree.store(4 * i, i + 1);
  tree.storeRange(164, MAPLE_MAX, 99);
  return tree;
}

describe('largest-gap offset ties follow the kernel', () => {
  it('a node built by splits names the last of its equal gaps', () => {
    const tree = spacedTree();
    expect(tree.height).toBe(2);
    expect(rootGaps(tree)).toBe('gaps 3 3 3 3 3 3 meta 5');
  });

  it('a gap that grows only to equal the largest does not take the offset', () => {
    const tree = spacedTree();
    tree.erase(72);
    expect(rootGaps(tree)).toBe('gaps 3 3 7 3 3 3 meta 2');
    tree.erase(40);
    expect(rootGaps(tree)).toBe('gaps 3 7 7 3 3 3 meta 2');
  });

  it('the largest gap shrinking rescans and names the last slot holding the new largest', () => {
    const tree = spacedTree();
    tree.erase(72);
    tree.erase(40);
    tree.store(72, 5);
    expect(rootGaps(tree)).toBe('gaps 3 7 3 3 3 3 meta 1');
    tree.store(40, 6);
    expect(rootGaps(tree)).toBe('gaps 3 3 3 3 3 3 meta 5');
  });

  it('with no gap left anywhere the rescan names the last slot', () => {
    const tree = new MapleTree<number>({ allocRange: true });
    for (let i = 0; i <= 40; i++) tree.storeRange(4 * i, 4 * i + 3, i + 1);
    tree.storeRange(164, MAPLE_MAX, 99);
    expect(rootGaps(tree)).toBe('gaps 0 0 0 meta 2');
    tree.erase(40);
    expect(rootGaps(tree)).toBe('gaps 4 0 0 meta 0');
    tree.storeRange(40, 43, 6);
    expect(rootGaps(tree)).toBe('gaps 0 0 0 meta 2');
  });

  it('a spanning store refills every ancestor up to the root', () => {
    // Height 3: one-index entries every 4 up to 1200, then [1204, MAX].
    const tree = new MapleTree<number>({ allocRange: true });
    for (let i = 0; i <= 300; i++) tree.store(4 * i, i + 1);
    tree.storeRange(1204, MAPLE_MAX, 999);
    tree.erase(40);
    expect(tree.height).toBe(3);
    expect(rootGaps(tree)).toBe('gaps 7 3 3 3 3 meta 0');
    // A NULL store to the end of leaf [381, 412] spans into the next leaf and
    // leaves a run of 7 under the root's second child: the root's gaps tie,
    // and the rebuilt root names the later slot.
    tree.storeRange(410, 412, undefined);
    expect(tree.nodeCount).toBe(44);
    expect(rootGaps(tree)).toBe('gaps 7 7 3 3 3 meta 1');
  });
});
