import { describe, expect, it } from 'vitest';
import { leaves } from '../test/helpers.js';
import { MAPLE_MAX, MapleError } from './errors.js';
import { inspectCore, inspectNodes, type MapleNodeInfo } from './inspect.js';
import { MapleTree } from './tree.js';

function built(allocRange: boolean): MapleTree<string> {
  const t = new MapleTree<string>({ allocRange });
  for (let i = 0; i < 600; i++) t.storeRange(i * 10 + 3, i * 10 + 7, `v${i}`);
  return t;
}

describe('inspectNodes', () => {
  it('yields nothing for a tree without nodes', () => {
    const t = new MapleTree<string>();
    expect([...inspectNodes(t)]).toEqual([]);
    t.store(0, 'root entry');
    expect(t.height).toBe(0);
    expect([...inspectNodes(t)]).toEqual([]);
  });

  it('describes a lone leaf slot by slot', () => {
    const t = new MapleTree<string>();
    t.storeRange(5, 9, 'a');
    const nodes = [...inspectNodes(t)];
    expect(nodes).toHaveLength(1);
    const leaf = nodes[0] as MapleNodeInfo<string>;
    expect(leaf).toMatchObject({ type: 'leaf_64', depth: 0, parent: 0, min: 0, max: MAPLE_MAX, end: 2 });
    expect(leaf.pivots).toEqual([4, 9, MAPLE_MAX]);
    expect(leaf.values).toEqual([undefined, 'a', undefined]);
    expect(leaf.children).toEqual([]);
    expect(leaf.gaps).toEqual([]);
    expect(leaf.gapOffset).toBe(-1);
  });

  for (const allocRange of [false, true]) {
    it(`matches the tree's structure, root first, depth first (allocRange ${allocRange})`, () => {
      const t = built(allocRange);
      const nodes = [...inspectNodes(t)];
      expect(nodes).toHaveLength(t.nodeCount);
      expect(nodes[0]?.handle).toBe(t.core.root);
      const byHandle = new Map(nodes.map((n) => [n.handle, n]));
      for (const n of nodes) {
        expect(n.pivots).toHaveLength(n.end + 1);
        expect(n.pivots[n.end]).toBe(n.max);
        if (n.depth === 0) continue;
        // Each node's bounds are the ones its parent's slot gives it.
        const up = byHandle.get(n.parent) as MapleNodeInfo<string>;
        expect(up.depth).toBe(n.depth - 1);
        expect(up.children[n.parentSlot]).toBe(n.handle);
        expect(n.max).toBe(up.pivots[n.parentSlot]);
        expect(n.min).toBe(n.parentSlot > 0 ? (up.pivots[n.parentSlot - 1] as number) + 1 : up.min);
      }
      // Leaves come out in key order, the same as the white-box helper finds them.
      const leafNodes = nodes.filter((n) => n.type === 'leaf_64');
      expect(leafNodes.map((n) => [n.handle, n.min, n.max])).toEqual(
        leaves(t).map((l) => [l.node, l.min, l.max]),
      );
      expect(Math.max(...nodes.map((n) => n.depth))).toBe(t.height - 1);
      // The leaves' values, in order, are exactly the entries.
      const fromLeaves: string[] = [];
      for (const n of leafNodes) for (const v of n.values) if (v !== undefined) fromLeaves.push(v);
      expect(fromLeaves).toEqual([...t].map((e) => e.value));
      const internal = nodes.filter((n) => n.type !== 'leaf_64');
      expect(internal.length).toBeGreaterThan(0);
      for (const n of internal) {
        expect(n.type).toBe(allocRange ? 'arange_64' : 'range_64');
        expect(n.children).toHaveLength(n.end + 1);
        expect(n.values).toEqual([]);
        if (allocRange) {
          expect(n.gaps).toHaveLength(n.end + 1);
          expect(n.gaps[n.gapOffset]).toBe(Math.max(...n.gaps));
        } else expect(n.gapOffset).toBe(-1);
      }
    });
  }

  it('reports gaps the way emptyArea finds them', () => {
    const t = built(true);
    t.storeRange(1000, 1999, undefined);
    const root = [...inspectNodes(t)][0] as MapleNodeInfo<string>;
    const largest = root.gaps[root.gapOffset] as number;
    // The largest gap below the root is the open end of the tree.
    expect(largest).toBe(MAPLE_MAX - 5997);
    expect(Math.max(...root.gaps.filter((_, i) => i !== root.gapOffset))).toBeGreaterThanOrEqual(1003);
  });

  it('returns copies: editing them leaves the tree alone', () => {
    const t = built(false);
    const before = t.dump();
    for (const n of inspectNodes(t)) {
      (n.pivots as number[]).fill(0);
      (n.values as unknown[]).fill('x');
    }
    expect(t.dump()).toBe(before);
    t.validate();
  });

  it('refuses a root that is not an allocated node', () => {
    const t = built(false);
    expect(() => [...inspectCore(t.core, t.core.arena.capacity + 5)]).toThrow(MapleError);
  });
});
