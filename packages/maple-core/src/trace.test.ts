import { describe, expect, it } from 'vitest';
import { MAPLE_MAX, MapleError } from './errors.js';
import type { MapleNodeInfo } from './inspect.js';
import { type MapleTraceEvent, traceStats } from './trace.js';
import { MapleTree } from './tree.js';

function traced(allocRange = false): { tree: MapleTree<string>; events: MapleTraceEvent<string>[] } {
  const tree = new MapleTree<string>({ allocRange });
  const events: MapleTraceEvent<string>[] = [];
  tree.trace = (e) => events.push(e);
  return { tree, events };
}

/** Root-to-leaf handles over `index`, read from the node visitor (independent of the walkers). */
function pathTo(tree: MapleTree<string>, index: number): number[] {
  const out: number[] = [];
  for (const n of tree.nodes() as Iterable<MapleNodeInfo<string>>) {
    if (n.min <= index && index <= n.max) out.push(n.handle);
  }
  return out;
}

describe('trace hook', () => {
  it('reports a load with the slot found and the walk path', () => {
    const { tree, events } = traced();
    for (let i = 0; i < 400; i++) tree.storeRange(i * 10, i * 10 + 4, `v${i}`);
    events.length = 0;
    expect(tree.load(1233)).toBe('v123');
    expect(events).toHaveLength(1);
    const e = events[0] as MapleTraceEvent<string>;
    expect(e).toMatchObject({ kind: 'read', fn: 'mtree_load', index: 1230, last: 1234, value: 'v123' });
    expect(e.found).toBe(true);
    expect(e.path).toEqual(pathTo(tree, 1233));
    expect(e.path).toHaveLength(tree.height);
    expect(e.node).toBe(e.path[e.path.length - 1]);
    expect(e.min).toBeLessThanOrEqual(1230);
    expect(e.max).toBeGreaterThanOrEqual(1234);
    // A miss reports the empty range it fell in.
    tree.load(1236);
    expect(events[1]).toMatchObject({
      kind: 'read',
      index: 1235,
      last: 1239,
      found: false,
      value: undefined,
    });
  });

  it('reports each store with its store case, and splits as ma_op first', () => {
    const { tree, events } = traced();
    tree.storeRange(10, 19, 'a');
    expect(events.map((e) => [e.kind, e.fn, e.storeType])).toEqual([['write', 'mas_store', 'store_root']]);
    events.length = 0;
    tree.storeRange(30, 39, 'b');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'write',
      index: 30,
      last: 39,
      value: 'b',
      path: [tree.core.root],
    });
    // Fill the leaf until it splits: the split is announced before the write.
    events.length = 0;
    for (let i = 5; tree.height === 1; i++) tree.storeRange(i * 10, i * 10 + 4, `x${i}`);
    const last2 = events.slice(-2);
    expect(last2.map((e) => [e.kind, e.fn, e.storeType])).toEqual([
      ['op', 'mas_split', 'split'],
      ['write', 'mas_store', 'split'],
    ]);
    // An erase widens the written range over its empty neighbours.
    events.length = 0;
    tree.erase(35);
    expect(events.map((e) => [e.kind, e.fn])).toEqual([
      ['op', 'mtree_erase'],
      ['write', 'mas_store'],
    ]);
    expect(events[0]).toMatchObject({ index: 30, last: 39, value: 'b' });
    expect(events[1]).toMatchObject({ index: 20, last: 49, value: undefined });
  });

  it('reports spanning stores and rebalances', () => {
    const { tree, events } = traced();
    for (let i = 0; i < 300; i++) tree.storeRange(i * 10, i * 10 + 4, `v${i}`);
    events.length = 0;
    tree.storeRange(5, 2500, 'wide');
    expect(events[0]).toMatchObject({ kind: 'op', fn: 'mas_wr_spanning_store', index: 5, last: 2500 });
    expect(events[1]).toMatchObject({ kind: 'write', storeType: 'spanning_store', value: 'wide' });
    const t2 = traced();
    for (let i = 0; i < 300; i++) t2.tree.storeRange(i * 10, i * 10 + 4, `v${i}`);
    t2.events.length = 0;
    for (let i = 0; i < 300 && !t2.events.some((e) => e.fn === 'mas_rebalance'); i++) t2.tree.erase(i * 10);
    const op = t2.events.find((e) => e.fn === 'mas_rebalance') as MapleTraceEvent<string>;
    expect(op.kind).toBe('op');
    expect(op.storeType).toBe('rebalance');
  });

  it('reports gap searches with the nodes they entered', () => {
    const { tree, events } = traced(true);
    for (let i = 0; i < 500; i++) tree.storeRange(i * 10, i * 10 + 7, `v${i}`);
    tree.storeRange(2000, 2099, undefined);
    events.length = 0;
    // The empty run is [1998, 2099]: the cleared ranges and the gap before them.
    expect(tree.emptyArea(0, 4999, 50)).toBe(1998);
    const e = events[0] as MapleTraceEvent<string>;
    expect(e).toMatchObject({
      kind: 'op',
      fn: 'mas_empty_area',
      index: 1998,
      last: 2047,
      size: 50,
      found: true,
    });
    expect(e.path[0]).toBe(tree.core.root);
    expect(e.path[e.path.length - 1]).toBe(e.node);
    expect(pathTo(tree, 1998)).toContain(e.node);
    expect(e.min).toBeLessThanOrEqual(1998);
    expect(e.max).toBeGreaterThanOrEqual(2099);
    // No room: not found, the searched window reported.
    events.length = 0;
    expect(tree.emptyAreaRev(0, 1999, 3)).toBeUndefined();
    expect(events[0]).toMatchObject({
      fn: 'mas_empty_area_rev',
      index: 0,
      last: 1999,
      found: false,
      node: 0,
    });
    // allocRange searches, then writes.
    events.length = 0;
    expect(tree.allocRangeRev('top', 10, 0, 4999)).toBe(2090);
    expect(events.map((x) => x.fn)).toEqual(['mas_empty_area_rev', 'mas_store']);
    // The cursor's searches and walks are traced too.
    events.length = 0;
    const mas = tree.state(42);
    mas.walk();
    expect(mas.emptyArea(0, MAPLE_MAX, 60)).toBe(true);
    expect(events.map((x) => x.fn)).toEqual(['mas_walk', 'mas_empty_area']);
    expect(events[0]).toMatchObject({ index: 40, last: 47, value: 'v4' });
  });

  it('traces a tree with no node as its virtual root', () => {
    const { tree, events } = traced();
    tree.store(0, 'zero');
    tree.load(0);
    tree.load(7);
    expect(events.slice(1)).toMatchObject([
      { kind: 'read', index: 0, last: 0, node: 0, found: true, value: 'zero', path: [] },
      { kind: 'read', index: 1, last: MAPLE_MAX, node: 0, found: false, value: undefined },
    ]);
  });

  it('refuses a hook that writes to its own tree, and a hook that is not a function', () => {
    const { tree } = traced();
    tree.storeRange(1, 5, 'a');
    tree.trace = () => tree.store(100, 'nested');
    expect(() => tree.storeRange(10, 20, 'b')).toThrow(MapleError);
    tree.trace = null;
    expect(tree.load(10)).toBeUndefined();
    expect(tree.load(100)).toBeUndefined();
    tree.storeRange(10, 20, 'b');
    expect(tree.load(15)).toBe('b');
    expect(() => {
      (tree as { trace: unknown }).trace = 'log';
    }).toThrow(MapleError);
  });

  it('builds no event at all without a hook', () => {
    const tree = new MapleTree<string>({ allocRange: true });
    const before = traceStats.events;
    for (let i = 0; i < 500; i++) tree.storeRange(i * 10, i * 10 + 4, `v${i}`);
    for (let i = 0; i < 500; i++) tree.load(i * 7);
    tree.emptyArea(0, MAPLE_MAX, 5);
    tree.find(33);
    tree.erase(40);
    tree.state(12).walk();
    expect(traceStats.events).toBe(before);
    // The same calls with a hook build events (so the counter does count them).
    const seen: string[] = [];
    tree.trace = (e) => seen.push(e.fn);
    tree.load(3);
    tree.emptyArea(0, MAPLE_MAX, 5);
    expect(traceStats.events).toBe(before + 2);
    expect(seen).toEqual(['mtree_load', 'mas_empty_area']);
  });
});
