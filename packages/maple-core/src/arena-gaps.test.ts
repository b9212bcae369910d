/**
 * The arena's gap pool: only arange_64 nodes of a gap-tracking arena hold a
 * gap block; blocks are reused after a free, copied by copyNode / copyNodeFrom /
 * copyFrom (clone), sized exactly by reserve() and bulk builds, shared and
 * attachable on a fixed SharedArrayBuffer arena, and checked by validate().
 */
import { describe, expect, it } from 'vitest';
import { code } from '../test/contract-helpers.js';
import { emptyAreaSearch } from './area.js';
import { NodeArena } from './arena.js';
import { ARANGE_64, GAP_STRIDE, LEAF_64, RANGE_64, SLOT_STRIDE } from './constants.js';
import { TreeCore } from './core.js';
import { MapleTree } from './tree.js';

/** Ranges 6 wide with gaps of 4, every 97th gap 24 wide (the benchmark layout). */
function layout(n: number): { first: number; last: number; value: number }[] {
  const out = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    out.push({ first: at, last: at + 5, value: i });
    at += 6 + (i % 97 === 96 ? 24 : 4);
  }
  return out;
}

/** Every node reachable from the root, with its type. */
function reachable(t: MapleTree<number>): number[] {
  const a = t.core.arena;
  const out: number[] = [];
  const stack = t.core.root === 0 ? [] : [t.core.root];
  while (stack.length > 0) {
    const h = stack.pop() as number;
    out.push(h);
    if (a.type[h] === LEAF_64) continue;
    for (let i = 0; i <= (a.end[h] as number); i++) stack.push(a.slots[h * SLOT_STRIDE + i] as number);
  }
  return out;
}

/** The gaps of node `h`, or null when it holds no block. */
function gapsOf(a: NodeArena, h: number): number[] | null {
  const g = a.gapBase[h] as number;
  return g === 0 ? null : [...a.gaps.subarray(g, g + GAP_STRIDE)];
}

describe('gap pool', () => {
  it('gives leaves no block and every arange node its own', () => {
    const a = new NodeArena({ gaps: true, capacity: 8 });
    const blocks = a.gapBlockCapacity;
    const leaves = Array.from({ length: 200 }, () => a.alloc(LEAF_64));
    expect(a.gapBlocksInUse).toBe(0);
    expect(a.gapBlockCapacity).toBe(blocks); // leaves never grow the pool
    for (const h of leaves) expect(a.gapBase[h]).toBe(0);
    const inner = Array.from({ length: 50 }, () => a.alloc(ARANGE_64));
    expect(a.gapBlocksInUse).toBe(50);
    const bases = inner.map((h) => a.gapBase[h] as number);
    expect(new Set(bases).size).toBe(50);
    for (const g of bases) {
      expect(g).toBeGreaterThan(0);
      expect(g % GAP_STRIDE).toBe(0);
    }

    // A bulk-built gap tree: blocks exactly for its internal nodes, the pool sized to them.
    const t = MapleTree.from(layout(20_000), { allocRange: true });
    const ta = t.core.arena;
    const nodes = reachable(t);
    const internal = nodes.filter((h) => ta.type[h] === ARANGE_64);
    expect(internal.length).toBeGreaterThan(100);
    expect(ta.gapBlocksInUse).toBe(internal.length);
    expect(ta.gapBlockCapacity).toBe(internal.length + 1); // block 0 is the zero block
    for (const h of nodes) if (ta.type[h] === LEAF_64) expect(ta.gapBase[h]).toBe(0);
    t.validate();
  });

  it('keeps no pool at all without gaps', () => {
    const a = new NodeArena({ gaps: false });
    a.alloc(RANGE_64);
    a.alloc(ARANGE_64);
    expect(a.gaps.length).toBe(0);
    expect(a.gapBase.length).toBe(0);
    expect(a.gapBlocksInUse).toBe(0);
    const t = MapleTree.from(layout(5000));
    expect(t.core.arena.gaps.length).toBe(0);
    expect(t.core.arena.gapBase.length).toBe(0);
  });

  it('reuses a freed node block, cleared, and returns nothing for a freed leaf', () => {
    const a = new NodeArena({ gaps: true, capacity: 4 });
    const x = a.alloc(ARANGE_64);
    const y = a.alloc(ARANGE_64);
    const gx = a.gapBase[x] as number;
    for (let i = 0; i < GAP_STRIDE; i++) a.gaps[gx + i] = 100 + i;
    const leaf = a.alloc(LEAF_64);
    a.free(leaf);
    expect(a.gapBlocksInUse).toBe(2);
    a.free(x);
    expect(a.gapBase[x]).toBe(0);
    expect(a.gapBlocksInUse).toBe(1);
    const top = a.gapBlockCapacity;
    // A leaf takes the freed handle but not the freed block.
    const l2 = a.alloc(LEAF_64);
    expect(a.gapBase[l2]).toBe(0);
    const z = a.alloc(ARANGE_64);
    expect(a.gapBase[z]).toBe(gx);
    expect(gapsOf(a, z)).toEqual(new Array(GAP_STRIDE).fill(0));
    expect(a.gapBlockCapacity).toBe(top);
    expect(a.gapBase[y]).not.toBe(gx);
    a.reset();
    expect(a.gapBlocksInUse).toBe(0);
    expect(a.gapBase[z]).toBe(0);
  });

  it('grows the pool on its own and keeps every block', () => {
    const a = new NodeArena({ gaps: true, capacity: 2 });
    const hs: number[] = [];
    for (let i = 0; i < 300; i++) {
      const h = a.alloc(i % 3 === 0 ? ARANGE_64 : LEAF_64);
      if (a.gapBase[h] !== 0) {
        a.gaps[(a.gapBase[h] as number) + (i % GAP_STRIDE)] = i + 1;
        hs.push(h, i);
      }
    }
    expect(a.gapBlocksInUse).toBe(100);
    expect(a.gapBlockCapacity).toBeGreaterThan(100);
    expect(a.gapBlockCapacity).toBeLessThan(300);
    for (let k = 0; k < hs.length; k += 2) {
      const h = hs[k] as number;
      const i = hs[k + 1] as number;
      expect(a.gaps[(a.gapBase[h] as number) + (i % GAP_STRIDE)]).toBe(i + 1);
    }
  });

  it('reserve sizes the pool exactly, counting free blocks', () => {
    const a = new NodeArena({ gaps: true, capacity: 8 });
    expect(a.gapBlockCapacity).toBe(2); // block 0 and one more
    const x = a.alloc(ARANGE_64);
    a.alloc(ARANGE_64); // grows the pool by half again (at least 2): 4 blocks
    expect(a.gapBlockCapacity).toBe(4);
    a.free(x);
    a.reserve(5, 2); // blocks 0..2 used or free, one free: 3 + 2 - 1 = 4 fit
    expect(a.gapBlockCapacity).toBe(4);
    a.reserve(5, 40); // 3 + 40 - 1
    expect(a.gapBlockCapacity).toBe(42);
    const cap = a.capacity;
    for (let i = 0; i < 40; i++) a.alloc(ARANGE_64);
    expect(a.gapBlockCapacity).toBe(42);
    expect(a.capacity).toBeGreaterThan(cap); // nodes grow on their own
  });

  it('copyNode and copyNodeFrom carry gaps and follow the copied type', () => {
    const a = new NodeArena({ gaps: true });
    const src = a.alloc(ARANGE_64);
    for (let i = 0; i < GAP_STRIDE; i++) a.gaps[(a.gapBase[src] as number) + i] = i * 3 + 1;
    const dst = a.alloc(LEAF_64);
    a.copyNode(dst, src); // a leaf handle turned arange gets a block of its own
    expect(a.gapBase[dst]).not.toBe(0);
    expect(a.gapBase[dst]).not.toBe(a.gapBase[src]);
    expect(gapsOf(a, dst)).toEqual(gapsOf(a, src));
    a.gaps[(a.gapBase[dst] as number) + 2] = -5;
    expect(a.gaps[(a.gapBase[src] as number) + 2]).toBe(7);
    const leaf = a.alloc(LEAF_64);
    a.copyNode(dst, leaf); // and gives it back when it becomes a leaf again
    expect(a.gapBase[dst]).toBe(0);
    expect(a.gapBlocksInUse).toBe(1);

    const b = new NodeArena({ gaps: true });
    const n = b.alloc(ARANGE_64);
    b.copyNodeFrom(a, n, src);
    expect(gapsOf(b, n)).toEqual(gapsOf(a, src));
    const plain = new NodeArena({ gaps: false });
    const p = plain.alloc(ARANGE_64);
    const m = b.alloc(ARANGE_64);
    b.gaps[(b.gapBase[m] as number) + 1] = 9;
    b.copyNodeFrom(plain, m, p); // no gaps to copy: the block is cleared
    expect(gapsOf(b, m)).toEqual(new Array(GAP_STRIDE).fill(0));
  });

  for (const rcu of [false, true]) {
    it(`clone copies every gap block exactly (rcu ${rcu})`, () => {
      const t = new MapleTree<number>({ allocRange: true, rcu });
      for (let i = 0; i < 3000; i++) t.storeRange(i * 10, i * 10 + 5, i);
      for (let i = 0; i < 3000; i += 2) t.erase(i * 10); // frees nodes and blocks
      const ta = t.core.arena;
      if (rcu) {
        // A retired node waits: clone takes the node-by-node path (copyNodeFrom).
        t.core.setReclaimer({ retireNode: () => {}, retireValue: () => {} });
        t.storeRange(5, 9000, 1);
        expect(ta.retiredCount).toBeGreaterThan(0);
      }
      const c = t.clone();
      c.validate();
      const ca = c.core.arena;
      const srcNodes = reachable(t);
      const copyNodes = reachable(c);
      expect(copyNodes.length).toBe(srcNodes.length);
      // Same shape in the same walk order: each node's gaps match its counterpart's.
      srcNodes.forEach((h, i) => {
        const k = copyNodes[i] as number;
        expect(gapsOf(ca, k)).toEqual(gapsOf(ta, h));
        expect(ca.gapOffset[k]).toBe(ta.gapOffset[h]);
      });
      if (!rcu) {
        // The whole-arena copy: same handles, same blocks, same free lists.
        expect(copyNodes).toEqual(srcNodes);
        for (const h of srcNodes) expect(ca.gapBase[h]).toBe(ta.gapBase[h]);
        expect(ca.gapBlocksInUse).toBe(ta.gapBlocksInUse);
        const hs = ta.alloc(ARANGE_64);
        const hc = ca.alloc(ARANGE_64);
        expect(hc).toBe(hs);
        expect(ca.gapBase[hc]).toBe(ta.gapBase[hs]);
        ta.free(hs);
        ca.free(hc);
      }
      // Writes to the copy's gaps leave the source's alone.
      const root = c.core.root;
      ca.gaps[(ca.gapBase[root] as number) + 0] = 123456;
      expect(ta.gaps[(ta.gapBase[t.core.root] as number) + 0]).not.toBe(123456);
    });
  }

  it('copyFrom copies the blocks in use and the pool free list, sized to what is used', () => {
    const src = new NodeArena({ gaps: true, capacity: 1024, fixed: true });
    const hs = Array.from({ length: 12 }, (_, i) => src.alloc(i % 2 === 0 ? ARANGE_64 : LEAF_64));
    hs.forEach((h, i) => {
      if (src.gapBase[h] !== 0) src.gaps[(src.gapBase[h] as number) + 4] = i + 0.5;
    });
    src.free(hs[2] as number);
    src.free(hs[8] as number);
    const dst = new NodeArena({ gaps: true });
    dst.copyFrom(src);
    expect(dst.gapBlockCapacity).toBeLessThan(src.gapBlockCapacity);
    expect(dst.gapBlocksInUse).toBe(4);
    hs.forEach((h, i) => {
      expect(dst.gapBase[h]).toBe(src.gapBase[h]);
      if (src.gapBase[h] !== 0) expect(dst.gaps[(dst.gapBase[h] as number) + 4]).toBe(i + 0.5);
    });
    // The freed blocks come back in the same order on both sides.
    for (let k = 0; k < 3; k++)
      expect(dst.gapBase[dst.alloc(ARANGE_64)]).toBe(src.gapBase[src.alloc(ARANGE_64)]);
  });
});

describe('gap pool on a fixed shared arena', () => {
  it('is shared, attachable, and read through an attached view', () => {
    const arena = new NodeArena({
      gaps: true,
      capacity: 600,
      fixed: true,
      buffer: (n) => new SharedArrayBuffer(n),
    });
    expect(arena.gapBlockCapacity).toBe(600); // one block per handle
    const tree = new MapleTree<number>({ allocRange: true, rcu: true }, arena);
    for (let i = 0; i < 2000; i++) tree.storeRange(i * 10, i * 10 + 5 + (i % 7 === 0 ? -4 : 0), i);
    tree.validate();
    const buffers = structuredClone(arena.buffers);
    expect(buffers.gapArray).toBeInstanceOf(SharedArrayBuffer);
    expect(buffers.nodes).toBeInstanceOf(SharedArrayBuffer);
    const view = NodeArena.attach(buffers);
    expect(view.gapBlockCapacity).toBe(600);
    const reader = new TreeCore<number>(
      { allocRange: true, rcu: true, maxNodes: Number.POSITIVE_INFINITY },
      view,
    );
    reader.root = tree.core.root;
    reader.height = tree.core.height;
    for (const h of reachable(tree)) {
      expect(view.gapBase[h]).toBe(arena.gapBase[h]);
      expect(gapsOf(view, h)).toEqual(gapsOf(arena, h));
    }
    for (const size of [1, 4, 5, 6]) {
      for (const q of [0, 333, 7001, 19_990]) {
        expect(emptyAreaSearch(reader, q, 1e9, size, false)).toBe(tree.emptyArea(q, 1e9, size));
        expect(emptyAreaSearch(reader, 0, q + 100, size, true)).toBe(tree.emptyAreaRev(0, q + 100, size));
      }
    }
    // An owner's write that changes gaps shows through the view: the run from
    // 9996 (after the range ending at 9995) was the first to hold 900 only after it.
    expect(emptyAreaSearch(reader, 0, 1e9, 900, false)).toBeGreaterThan(19_990);
    tree.storeRange(10_000, 10_999, undefined);
    reader.root = tree.core.root;
    expect(emptyAreaSearch(reader, 0, 1e9, 900, false)).toBe(9996);
  });

  it('runs out of handles before blocks, and ENOMEM changes nothing', () => {
    const a = new NodeArena({ gaps: true, capacity: 40, fixed: true });
    const hs = Array.from({ length: 39 }, () => a.alloc(ARANGE_64));
    expect(a.gapBlocksInUse).toBe(39);
    const live = a.live;
    expect(code(() => a.alloc(ARANGE_64))).toBe('ENOMEM');
    expect(a.live).toBe(live);
    expect(a.gapBlocksInUse).toBe(39);
    a.free(hs[5] as number);
    const again = a.alloc(ARANGE_64);
    expect(again).toBe(hs[5]);
    expect(a.gapBlocksInUse).toBe(39);
  });
});

describe('validate and the gap pool', () => {
  function tree(): MapleTree<number> {
    const t = MapleTree.from(layout(3000), { allocRange: true });
    t.validate();
    return t;
  }
  const inner = (t: MapleTree<number>) => reachable(t).filter((h) => t.core.arena.type[h] === ARANGE_64);
  const leafOf = (t: MapleTree<number>) =>
    reachable(t).find((h) => t.core.arena.type[h] === LEAF_64) as number;

  it('still checks each gap entry', () => {
    const t = tree();
    const h = inner(t)[1] as number;
    t.core.arena.gaps[(t.core.arena.gapBase[h] as number) + 1] += 1;
    expect(() => t.validate()).toThrow(/gap\[1\]/);
  });

  it('rejects a leaf holding a block, a shared block, a leaked block and a dirty zero block', () => {
    let t = tree();
    t.core.arena.gapBase[leafOf(t)] = GAP_STRIDE;
    expect(() => t.validate()).toThrow(/leaf_64 node holds gap block/);

    // Two nodes with the same gaps and offset: sharing one block passes every gap check but this one.
    t = tree();
    const ta = t.core.arena;
    const key = (h: number) => `${ta.end[h]}:${ta.gapOffset[h]}:${gapsOf(ta, h)}`;
    const nodes = inner(t);
    const y = nodes.find((h, i) => nodes.slice(0, i).some((x) => key(x) === key(h))) as number;
    const x = nodes.find((h) => h !== y && key(h) === key(y)) as number;
    expect(x).toBeDefined();
    ta.gapBase[y] = ta.gapBase[x] as number;
    expect(() => t.validate()).toThrow(/gap block \d+ shared with another node/);

    // A block that lost its node: the node came and went, the block stayed taken.
    t = tree();
    const a = t.core.arena;
    const spare = a.alloc(ARANGE_64);
    a.gapBase[spare] = 0;
    a.free(spare);
    expect(() => t.validate()).toThrow(/gap blocks in use/);

    t = tree();
    t.core.arena.gaps[3] = 1;
    expect(() => t.validate()).toThrow(/zero gap block/);
  });
});
