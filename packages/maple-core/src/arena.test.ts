import { describe, expect, it } from 'vitest';
import { NodeArena } from './arena.js';
import { LEAF_64, RANGE_64, SLOT_STRIDE } from './constants.js';
import { TreeCore } from './core.js';
import { MapleError } from './errors.js';
import { pivotClear, pivotOf, setPivot } from './pivots.js';
import { MapleTree } from './tree.js';
import { lookupFrom } from './walk.js';

describe('node arena', () => {
  it('hands out distinct handles from 1, reuses freed ones with a new generation', () => {
    const a = new NodeArena({ gaps: false, capacity: 4 });
    const h1 = a.alloc(LEAF_64);
    const h2 = a.alloc(RANGE_64);
    expect(h1).toBeGreaterThan(0);
    expect(h2).not.toBe(h1);
    const gen = a.generation[h1] as number;
    expect(a.isCurrent(h1, gen)).toBe(true);
    a.free(h1);
    expect(a.isAllocated(h1)).toBe(false);
    expect(a.isCurrent(h1, gen)).toBe(false);
    const h3 = a.alloc(LEAF_64);
    expect(h3).toBe(h1);
    expect(a.isCurrent(h3, gen)).toBe(false);
    expect(a.isCurrent(h3, gen + 1)).toBe(true);
    expect(a.live).toBe(2);
  });

  it('keeps every per-node array but the pivots in one buffer, and no gap pool without gaps', () => {
    for (const gaps of [false, true]) {
      const a = new NodeArena({ gaps, capacity: 8 });
      const block = a.slots.buffer;
      expect(a.pivots.buffer).not.toBe(block);
      for (const view of [a.gapBase, a.parent, a.parentSlot, a.type, a.end, a.gapOffset, a.generation]) {
        expect(view.buffer).toBe(block);
      }
      expect(a.gaps.length).toBe(gaps ? 10 * 2 : 0);
      // Growth moves every array to one new block and keeps the contents.
      const hs = Array.from({ length: 20 }, (_, i) => {
        const h = a.alloc(LEAF_64);
        setPivot(a, h, 14, i * 3 + 1);
        a.slots[h * SLOT_STRIDE + 15] = -i - 1;
        a.parent[h] = i;
        a.end[h] = i % 16;
        return h;
      });
      expect(a.capacity).toBeGreaterThan(20);
      expect(a.generation.buffer).toBe(a.slots.buffer);
      expect(a.generation.buffer).not.toBe(block);
      hs.forEach((h, i) => {
        expect(pivotOf(a, h, 14)).toBe(i * 3 + 1);
        expect(a.slots[h * SLOT_STRIDE + 15]).toBe(-i - 1);
        expect(a.parent[h]).toBe(i);
        expect(a.end[h]).toBe(i % 16);
        expect(a.type[h]).toBe(LEAF_64);
      });
    }
  });

  it('reserve grows once to exactly the handles asked for, and not when they fit', () => {
    const a = new NodeArena({ gaps: false, capacity: 8 });
    for (let i = 0; i < 5; i++) a.alloc(LEAF_64);
    a.free(3);
    a.reserve(3); // 6 used of 8, one free handle: fits
    expect(a.capacity).toBe(8);
    a.reserve(1000); // top 6 + 1000 - 1 free
    expect(a.capacity).toBe(1005);
    for (let i = 0; i < 1000; i++) a.alloc(LEAF_64);
    expect(a.capacity).toBe(1005);
  });

  it('grows by half again and keeps every field of every node', () => {
    const a = new NodeArena({ gaps: true, capacity: 2 });
    const handles: number[] = [];
    for (let i = 0; i < 100; i++) {
      const h = a.alloc(LEAF_64);
      setPivot(a, h, 0, i * 1000);
      a.slots[h * SLOT_STRIDE + 3] = i + 7;
      a.end[h] = i % 16;
      handles.push(h);
    }
    // 2, 4, 6, 9, 13, 19, 28, 42, 63, 94, 141: the first 1.5x step past 101 handles.
    expect(a.capacity).toBe(141);
    handles.forEach((h, i) => {
      expect(pivotOf(a, h, 0)).toBe(i * 1000);
      expect(a.slots[h * SLOT_STRIDE + 3]).toBe(i + 7);
      expect(a.end[h]).toBe(i % 16);
    });
  });

  it('clears a reused node', () => {
    const a = new NodeArena({ gaps: false });
    const h = a.alloc(LEAF_64);
    a.slots[h * SLOT_STRIDE + 1] = 9;
    setPivot(a, h, 1, 9);
    a.free(h);
    const again = a.alloc(LEAF_64);
    expect(again).toBe(h);
    expect(a.slots[h * SLOT_STRIDE + 1]).toBe(0);
    expect(pivotClear(a, h, 1)).toBe(true);
  });

  it('a fixed arena on shared buffers refuses to grow with ENOMEM', () => {
    const a = new NodeArena({
      gaps: true,
      capacity: 4,
      fixed: true,
      buffer: (n) => new SharedArrayBuffer(n),
    });
    expect(a.pivots.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.wide).toBe(true); // a fixed arena cannot swap its pivots for wider ones later
    expect(a.headroom).toBe(3);
    a.alloc(LEAF_64);
    a.alloc(LEAF_64);
    a.alloc(LEAF_64);
    let caught: unknown;
    try {
      a.alloc(LEAF_64);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MapleError);
    expect((caught as MapleError).code).toBe('ENOMEM');
  });

  it('marks dead nodes (parent points to itself) and counts them until freed', () => {
    const a = new NodeArena({ gaps: false });
    const h = a.alloc(LEAF_64);
    a.markDead(h);
    a.markDead(h);
    expect(a.isDead(h)).toBe(true);
    expect(a.retiredCount).toBe(1);
    a.free(h);
    expect(a.retiredCount).toBe(0);
    expect(() => a.free(h)).toThrow(MapleError);
  });
});

describe('arena on shared buffers', () => {
  it('a tree can live on a fixed SharedArrayBuffer arena, and an attached view reads its nodes', () => {
    const arena = new NodeArena({
      gaps: true,
      capacity: 512,
      fixed: true,
      buffer: (n) => new SharedArrayBuffer(n),
    });
    const tree = new MapleTree<number>({ allocRange: true, rcu: true }, arena);
    for (let i = 0; i < 2000; i++) tree.storeRange(i * 3, i * 3 + 1, i);
    tree.validate();
    const view = NodeArena.attach(structuredClone(arena.buffers));
    expect(view.slots.buffer).toBeInstanceOf(SharedArrayBuffer);
    const reader = new TreeCore<number>(
      { allocRange: true, rcu: true, maxNodes: Number.POSITIVE_INFINITY },
      view,
    );
    for (let i = 0; i < 6000; i += 7) {
      expect(lookupFrom(reader, tree.core.root, i)).toBe(lookupFrom(tree.core, tree.core.root, i));
    }
    // Writes by the owner show through the view.
    tree.storeRange(0, 1, -1);
    expect(tree.core.values.get(lookupFrom(reader, tree.core.root, 0))).toBe(-1);
    expect(() => view.alloc(LEAF_64)).toThrow(MapleError);
    // The fixed arena refuses a store that could need more nodes than are left.
    let code: string | undefined;
    try {
      for (let i = 0; i < 100_000; i++) tree.storeRange(10_000 + i * 3, 10_000 + i * 3 + 1, i);
    } catch (error) {
      code = (error as MapleError).code;
    }
    expect(code).toBe('ENOMEM');
    tree.validate();
  });

  it('copyFrom copies every node, the free list and the counters, sized to what is used', () => {
    const src = new NodeArena({ gaps: true, capacity: 4096, fixed: true });
    const hs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const h = src.alloc(LEAF_64);
      setPivot(src, h, 0, i * 100);
      src.slots[h * SLOT_STRIDE + 1] = i + 7;
      hs.push(h);
    }
    src.free(hs[3] as number);
    src.free(hs[6] as number);
    const dst = new NodeArena({ gaps: true });
    dst.copyFrom(src);
    expect(dst.capacity).toBe(16); // its own default, not the source's 4096
    expect(dst.live).toBe(8);
    for (const [i, h] of hs.entries()) {
      expect(dst.isAllocated(h)).toBe(i !== 3 && i !== 6);
      expect(dst.generation[h]).toBe(src.generation[h]);
      if (i === 3 || i === 6) continue;
      expect(pivotOf(dst, h, 0)).toBe(i * 100);
      expect(dst.slots[h * SLOT_STRIDE + 1]).toBe(i + 7);
    }
    // The copy hands out the freed handles first, as the source would.
    expect(new Set([dst.alloc(LEAF_64), dst.alloc(LEAF_64)])).toEqual(new Set([hs[3], hs[6]]));
    // The source is untouched by writes to the copy.
    setPivot(dst, hs[0] as number, 0, 99);
    expect(pivotOf(src, hs[0] as number, 0)).toBe(0);
    expect(() => new NodeArena({ gaps: false }).copyFrom(src)).toThrow(MapleError);
    expect(() => new NodeArena({ gaps: true, fixed: true }).copyFrom(src)).toThrow(MapleError);
  });
});
