// The node view must describe the tree exactly: every level's ranges tile
// its parent's, leaves hold exactly the tree's entries, gaps are the largest
// empty runs below each child.
import { MAPLE_MAX, MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { mapleTreeOf } from '../src/model/layout.js';
import { TraceStepper } from '../src/model/trace-stepper.js';
import { drawShape, treeShape } from '../src/model/tree-shape.js';
import { type NodeView, readTree } from '../src/model/tree-view.js';
import { loadTrace } from './helpers.js';

function largestGapBelow<V>(tree: MapleTree<V>, first: number, last: number): number {
  let best = 0;
  let at = first;
  for (const e of tree.entries(first, last)) {
    const lo = Math.max(e.first, first);
    best = Math.max(best, lo - at);
    at = Math.min(e.last, last) + 1;
    if (e.last >= last) break;
  }
  if (at <= last) best = Math.max(best, last - at + 1);
  return best;
}

function checkView(tree: MapleTree<string>): void {
  const view = readTree(tree);
  expect(view.height).toBe(tree.height);
  const leaves = view.levels.at(-1)!;
  const fromLeaves = leaves.flatMap((n) =>
    n.slots
      .filter((s) => s.value !== undefined)
      .map((s) => ({ first: s.first, last: s.last, value: s.value })),
  );
  expect(fromLeaves).toEqual([...tree.entries()].map((e) => ({ ...e })));
  for (let d = 0; d < view.levels.length; d++) {
    const level = view.levels[d]!;
    expect(level[0]!.min).toBe(0);
    expect(level.at(-1)!.max).toBe(MAPLE_MAX);
    for (let k = 1; k < level.length; k++) expect(level[k]!.min).toBe(level[k - 1]!.max + 1);
    for (const n of level) {
      expect(n.slots[0]!.first).toBe(n.min);
      expect(n.slots.at(-1)!.last).toBe(n.max);
      expect(n.pivots).toEqual(n.slots.slice(0, -1).map((s) => s.last));
      expect(n.slots.length).toBeLessThanOrEqual(n.capacity);
      if (n.kind === 'arange_64') {
        for (const s of n.slots) expect(s.gap).toBe(largestGapBelow(tree, s.first, s.last));
      }
    }
  }
}

describe('readTree', () => {
  it('describes an empty tree, a root entry and a single leaf', () => {
    const t = new MapleTree<string>({ allocRange: true });
    expect(readTree(t)).toMatchObject({ height: 0, levels: [], entries: 0 });
    t.store(0, 'root');
    expect(readTree(t)).toMatchObject({ height: 0, entries: 1, rootEntry: 'root' });
    t.storeRange(10, 19, 'a');
    const v = readTree(t);
    expect(v.height).toBe(1);
    expect(v.levels[0]![0]!.kind).toBe('leaf_64');
    checkView(t);
  });

  it('matches the tree after thousands of stores and erases, with and without gap tracking', () => {
    for (const allocRange of [true, false]) {
      const t = new MapleTree<string>({ allocRange });
      let seed = 7;
      const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let k = 0; k < 3000; k++) {
        const first = Math.floor(rnd() * 100_000);
        const last = first + Math.floor(rnd() * 40);
        t.storeRange(first, last, rnd() < 0.8 ? `v${k}` : undefined);
      }
      expect(t.height).toBeGreaterThanOrEqual(3);
      checkView(t);
      const kinds = new Set(readTree(t).levels[0]!.map((n: NodeView<string>) => n.kind));
      expect(kinds).toEqual(new Set([allocRange ? 'arange_64' : 'range_64']));
    }
  });
});

describe('tree shape of a replayed address space', () => {
  it('counts nodes, fill and bytes per VMA of the python trace', () => {
    const s = new TraceStepper(loadTrace('real-python'));
    s.run();
    const tree = mapleTreeOf(s.mm)!;
    const shape = treeShape(readTree(tree));
    expect(shape.nodes).toBe(tree.nodeCount);
    expect(shape.entries).toBe(s.mm.mapCount);
    expect(shape.levels.reduce((n, l) => n + l.nodes, 0)).toBe(tree.nodeCount);
    expect(shape.bytesPerEntry).toBeCloseTo((tree.nodeCount * 256) / s.mm.mapCount, 10);
    const leaves = shape.levels.at(-1)!;
    expect(leaves.kind).toBe('leaf_64');
    expect(leaves.fill).toBeCloseTo(leaves.usedSlots / (16 * leaves.nodes), 10);
    const picture = drawShape(shape);
    expect(picture).toHaveLength(shape.height + 1);
    expect(picture.at(-1)).toContain(`${tree.nodeCount} nodes for ${s.mm.mapCount} entries`);
  });

  it('has no maple tree on the legacy backend', () => {
    const s = new TraceStepper(loadTrace('real-python'), 'legacy');
    expect(mapleTreeOf(s.mm)).toBeUndefined();
  });
});
