/**
 * The node arena: every node of a tree lives in one set of typed arrays, one
 * array per field (struct of arrays), indexed by an integer node handle.
 *
 * ```
 *  handle h ─┬─ pivots [h*16 .. h*16+14]   Int32 or Float64   inclusive slot ends (one pad; pivots.ts)
 *            ├─ slots  [h*16 .. h*16+15]   Int32    child handle or value index
 *            ├─ gapBase[h]                 Int32    offset of h's block in the gap pool (alloc trees)
 *            ├─ parent[h], parentSlot[h]            the kernel packs these in one word
 *            └─ type[h], end[h], gapOffset[h], generation[h]
 *
 *  gap pool:  gaps [b .. b+9]               Float64  largest gap below each child, b = gapBase[h]
 * ```
 *
 * The pivots have a buffer of their own (their width can change, below);
 * the other per-node arrays are views into one buffer (one allocation per
 * growth: a new tree costs two buffers for its nodes, not ten); the gap pool
 * is a {@link BlockPool}. Handles start at 1 (0 means "none"). Freed
 * handles go on a free list threaded through `parent` and are reused; their
 * generation advances so that a stale handle is detected. The per-node arrays
 * grow together, by half again (1.5x: at most a third of a grown arena is
 * slack), or to the exact size a bulk build or a copy asks for, in
 * {@link grow} only: callers must re-read `arena.slots`, `arena.gaps` etc.
 * after anything that allocates, and read pivots through pivots.ts only.
 *
 * Gaps: only arange_64 nodes (the internal nodes of a gap-tracking tree) keep
 * gaps, about one node in ten, so the gaps live in a pool of 10-entry blocks
 * rather than in a per-node array. An arange node gets a block when it is
 * allocated (or copied into), gives it back when freed, and slot k's gap is
 * `gaps[gapBase[h] + k]`. Every other node (leaves, free handles) has
 * `gapBase` 0, the pool's zero block. Arenas without gaps have an empty pool
 * and `gapBase` array.
 *
 * Pivot width: while every pivot of the tree is below 2^31 - 1 (or is
 * MAPLE_MAX), the pivots are 32-bit words, half the bytes of 64-bit ones; the
 * first pivot beyond that turns them into 64-bit words for good ({@link
 * widen}, pivots.ts). An arena made `wide` (and every fixed arena, whose
 * buffers cannot be replaced) has 64-bit pivots from the start. A fixed
 * arena's gap pool has a block for every handle, so it never runs out of
 * blocks before it runs out of nodes.
 *
 * A dead node (retired by an RCU-mode write) has `parent[h] === h`, as the
 * kernel marks a dead node by pointing its parent at itself.
 */

import { BlockPool, type BufferFactory, grownCapacity } from './block-pool.js';
import { ARANGE_64, FREE_NODE, GAP_STRIDE, PIVOT_STRIDE, SLOT_STRIDE } from './constants.js';
import { MAPLE_MAX, MapleError } from './errors.js';

export type { BufferFactory } from './block-pool.js';

/** Options for {@link NodeArena}. */
export interface ArenaOptions {
  /** Keep a gap pool for arange_64 nodes (gap-tracking trees). */
  gaps: boolean;
  /** 64-bit pivots from the start (default: 32-bit until a pivot needs more; fixed arenas are always wide). */
  wide?: boolean;
  /** Initial capacity in nodes (handle 0 included). */
  capacity?: number;
  /** Never grow past `capacity`: allocation beyond it throws ENOMEM (needed for shared buffers). */
  fixed?: boolean;
  /** Backing store factory; default plain ArrayBuffer. */
  buffer?: BufferFactory;
}

const defaultBuffer: BufferFactory = (n) => new ArrayBuffer(n);

/** Empty arrays an arena holds before its first growth (never written: they have no elements). */
const NO_F64 = new Float64Array(0);
const NO_I32 = new Int32Array(0);
const NO_U32 = new Uint32Array(0);
const NO_U8 = new Uint8Array(0);

/**
 * Gap blocks (block 0 included) of a new growable arena of `capacity`
 * handles: an eighth, about its share of internal nodes.
 */
function initialGapBlocks(hasGaps: boolean, capacity: number): number {
  return hasGaps ? Math.max(2, (capacity >> 3) + 1) : 0;
}

/**
 * The backing stores of an arena: every per-node array in one block (see
 * {@link nodeBlockBytes}) and each pool in another; structured-cloneable
 * when they are SharedArrayBuffers, so another thread can
 * {@link NodeArena.attach} to them.
 */
export interface ArenaBuffers {
  capacity: number;
  gaps: boolean;
  /** The per-node arrays, carved from one buffer. */
  nodes: ArrayBufferLike;
  /** The gap pool (blocks of 10). */
  gapArray: ArrayBufferLike;
  /** The pivots (64-bit words: a fixed arena is always wide). */
  pivots: ArrayBufferLike;
}

/**
 * Bytes of the block that holds every per-node array of an arena of
 * `capacity` handles, laid out widest element first so that each view is
 * aligned: slots, gapBase (gap arenas only), parent, generation (32-bit),
 * then parentSlot, type, end, gapOffset (bytes). One allocation per growth
 * instead of one per array.
 */
function nodeBlockBytes(capacity: number, hasGaps: boolean): number {
  return capacity * (SLOT_STRIDE * 4 + (hasGaps ? 4 : 0) + 4 + 4 + 4);
}

/** The largest 32-bit pivot word: it stands for MAPLE_MAX while pivots are 32-bit (pivots.ts). */
export const PIVOT_TOP = 0x7fffffff;

/** A struct-of-arrays node store with a handle allocator. */
export class NodeArena {
  /** Per node: 15 pivot words and a pad, 32- or 64-bit (read and written through pivots.ts only). */
  pivots: Int32Array | Float64Array;
  /** True once the pivots are 64-bit words (pivots.ts reads the words by it). */
  wide: boolean;
  slots: Int32Array;
  /** Per node: offset of its block in {@link gaps}; 0 (the zero block) for nodes without gaps. */
  gapBase: Int32Array;
  parent: Int32Array;
  parentSlot: Uint8Array;
  type: Uint8Array;
  end: Uint8Array;
  /** Offset of the largest gap in an arange node (the kernel keeps it in the node metadata). */
  gapOffset: Uint8Array;
  generation: Uint32Array;
  /** The gap blocks of arange_64 nodes (empty without gaps). */
  readonly gapPool: BlockPool;

  /** Number of handles the arrays can hold (handle 0 is reserved). */
  capacity: number;
  /** Nodes handed out and not freed (includes retired nodes not yet freed). */
  live = 0;
  /** Retired nodes not yet given back (RCU mode). */
  retiredCount = 0;
  /** Allocations ever made (a statistic: tests check writes against their node budget). */
  allocCount = 0;
  /**
   * Reclaimer hook: when set, retired nodes are passed here instead of being
   * freed at the end of the write; the hook owner calls {@link free} later.
   */
  onRetire: ((handle: number) => void) | null = null;

  /** True when the arena holds the per-node gap array. */
  readonly hasGaps: boolean;
  private readonly fixed: boolean;
  private readonly makeBuffer: BufferFactory;
  private freeHead = 0;
  private freeCount = 0;
  /** Next never-used handle. */
  private top = 1;
  /** A view made by {@link NodeArena.attach}: it must not allocate. */
  private attached = false;

  constructor(options: ArenaOptions, adopt?: ArenaBuffers) {
    this.hasGaps = options.gaps;
    this.fixed = options.fixed ?? false;
    this.wide = options.wide === true || this.fixed;
    this.makeBuffer = options.buffer ?? defaultBuffer;
    this.capacity = 0;
    // Shared empty placeholders until grow() below: a new typed array, even an
    // empty one, costs an ArrayBuffer, and a new tree would pay for ten. The
    // pivot placeholder has the arena's pivot width, so the pivot array's
    // kind never changes but in widen().
    this.pivots = this.wide ? NO_F64 : NO_I32;
    this.slots = NO_I32;
    this.gapBase = NO_I32;
    this.parent = NO_I32;
    this.parentSlot = NO_U8;
    this.type = NO_U8;
    this.end = NO_U8;
    this.gapOffset = NO_U8;
    this.generation = NO_U32;
    this.gapPool = new BlockPool(GAP_STRIDE, 'gap', this.makeBuffer, this.fixed);
    const capacity = Math.max(2, options.capacity ?? 16);
    if (adopt !== undefined) {
      this.setNodeArrays(adopt.nodes, capacity);
      this.pivots = new Float64Array(adopt.pivots);
      this.gapPool.adopt(adopt.gapArray);
      return;
    }
    // A fixed arena's gap pool gets a block per handle in grow(); a growable
    // one starts with some and grows on its own.
    this.grow(capacity);
    if (!this.fixed) this.gapPool.resize(initialGapBlocks(this.hasGaps, capacity));
  }

  /**
   * A read-side view of another arena's buffers (e.g. SharedArrayBuffers
   * received in a worker). The view is fixed and allocates nothing: it is for
   * walking nodes the owner writes.
   */
  static attach(buffers: ArenaBuffers): NodeArena {
    const arena = new NodeArena({ gaps: buffers.gaps, capacity: buffers.capacity, fixed: true }, buffers);
    arena.top = buffers.capacity;
    arena.attached = true;
    return arena;
  }

  /** The arena's backing stores, to hand to {@link NodeArena.attach} elsewhere. */
  get buffers(): ArenaBuffers {
    return {
      capacity: this.capacity,
      gaps: this.hasGaps,
      nodes: this.slots.buffer,
      gapArray: this.gapPool.data.buffer,
      pivots: this.pivots.buffer,
    };
  }

  /** The gap pool's blocks: node h's gaps are at `gaps[gapBase[h]]` onwards. */
  get gaps(): Float64Array {
    return this.gapPool.data;
  }

  /** Handles that can still be allocated without growing (or at all, when fixed). */
  get headroom(): number {
    return this.freeCount + (this.capacity - this.top);
  }

  /** Gap blocks held by nodes (one per allocated arange_64 node). */
  get gapBlocksInUse(): number {
    return this.hasGaps ? this.gapPool.inUse : 0;
  }

  /** Gap blocks the pool can hold without growing (block 0 included). */
  get gapBlockCapacity(): number {
    return this.gapPool.capacity;
  }

  /** True when the arena never grows (shared-buffer arenas). */
  get isFixed(): boolean {
    return this.fixed;
  }

  /** True when handle `h` is currently allocated (possibly retired). */
  isAllocated(h: number): boolean {
    return h > 0 && h < this.top && this.type[h] !== FREE_NODE;
  }

  /** True when handle `h` still carries generation `gen` (a stale handle fails). */
  isCurrent(h: number, gen: number): boolean {
    return this.isAllocated(h) && this.generation[h] === gen;
  }

  /** True when `h` was retired (dead, the kernel's parent-points-to-self mark). */
  isDead(h: number): boolean {
    return this.parent[h] === h;
  }

  /**
   * Allocates a node of `type` with no data; grows the arena when
   * needed. An arange_64 node of a gap-tracking arena gets a zeroed gap block.
   * @param clear - false when the caller writes every slot and pivot itself
   *   (a big-node build): they are then left as the node's last user left them
   * @returns the new handle
   * @throws MapleError ENOMEM when a fixed arena is full
   */
  alloc(type: number, clear = true): number {
    if (this.attached) throw new MapleError('EINVAL', 'an attached arena view cannot allocate');
    let h = this.freeHead;
    if (h === 0 && this.top >= this.capacity) {
      if (this.fixed) throw new MapleError('ENOMEM', `node arena full (${this.capacity - 1} nodes)`);
      this.grow(grownCapacity(this.capacity));
    }
    // The block before the handle: if it cannot be had, nothing has changed.
    const gapBase = this.hasGaps && type === ARANGE_64 ? this.gapPool.take() : 0;
    if (h !== 0) {
      this.freeHead = this.parent[h] as number;
      this.freeCount--;
    } else {
      h = this.top++;
    }
    this.type[h] = type;
    this.end[h] = 0;
    this.parent[h] = 0;
    this.parentSlot[h] = 0;
    this.gapOffset[h] = 0;
    // Plain loops: for 16 elements they beat the fill() builtin's call overhead.
    if (clear) {
      const slots = this.slots;
      const pivots = this.pivots;
      const s = h * SLOT_STRIDE;
      const p = h * PIVOT_STRIDE;
      for (let i = 0; i < SLOT_STRIDE; i++) slots[s + i] = 0;
      for (let i = 0; i < PIVOT_STRIDE; i++) pivots[p + i] = 0;
    }
    // A free handle has gapBase 0 already (free() gave its block back).
    if (gapBase !== 0) this.gapBase[h] = gapBase;
    this.live++;
    this.allocCount++;
    return h;
  }

  /**
   * Grows once, if needed, so that `count` more nodes, `gapCount` of them
   * arange_64 (gap-tracking arenas), can be allocated without growing again (a
   * bulk build sizes the arena up front). A fixed arena is left alone.
   */
  reserve(count: number, gapCount = 0): void {
    if (this.fixed || this.attached) return;
    const want = this.top + count - this.freeCount;
    // Exactly what was asked: the build knows its size, and the slack of a
    // rounded-up capacity stays allocated as long as the tree does.
    if (want > this.capacity) this.grow(want);
    if (this.hasGaps) {
      const wantGaps = this.gapPool.wanted(gapCount);
      if (wantGaps > this.gapPool.capacity) this.gapPool.resize(wantGaps);
    }
  }

  /**
   * Makes this (growable) arena an exact copy of `src`: every node under the
   * same handle with the same pool blocks, the same free lists and counters.
   * Used by clone (__mt_dup).
   */
  copyFrom(src: NodeArena): void {
    if (this.fixed || this.attached || this.hasGaps !== src.hasGaps) {
      throw new MapleError('EINVAL', 'copyFrom needs a growable arena with the same gap layout');
    }
    const n = src.top;
    // Room for the source's used handles only (a fixed source may be far larger).
    if (this.capacity < n) this.grow(n);
    if (src.wide) this.widen();
    copyPivotWords(this, 0, src, 0, n * PIVOT_STRIDE);
    this.slots.set(src.slots.subarray(0, n * SLOT_STRIDE));
    this.parent.set(src.parent.subarray(0, n));
    this.parentSlot.set(src.parentSlot.subarray(0, n));
    this.type.set(src.type.subarray(0, n));
    this.end.set(src.end.subarray(0, n));
    this.gapOffset.set(src.gapOffset.subarray(0, n));
    this.generation.set(src.generation.subarray(0, n));
    // Handles this arena used past the source's top are cleared to free.
    if (this.top > n) this.type.fill(FREE_NODE, n, this.top);
    if (this.hasGaps) {
      this.gapBase.set(src.gapBase.subarray(0, n));
      if (this.top > n) this.gapBase.fill(0, n, this.top);
      this.gapPool.copyFrom(src.gapPool);
    }
    this.top = n;
    this.freeHead = src.freeHead;
    this.freeCount = src.freeCount;
    this.live = src.live;
    this.retiredCount = src.retiredCount;
  }

  /** Returns `h` (and its pool blocks) to the free lists and advances its generation. */
  free(h: number): void {
    if (!this.isAllocated(h)) throw new MapleError('EINVAL', `node ${h} is not allocated`);
    if (this.parent[h] === h) this.retiredCount--;
    this.type[h] = FREE_NODE;
    this.generation[h] = ((this.generation[h] as number) + 1) >>> 0;
    this.parent[h] = this.freeHead;
    this.freeHead = h;
    this.freeCount++;
    this.live--;
    if (this.hasGaps) this.setGapBlock(h, false);
  }

  /** Marks `h` dead (parent points to itself); the caller then frees or hands it to {@link onRetire}. */
  markDead(h: number): void {
    if (this.parent[h] !== h) {
      this.parent[h] = h;
      this.retiredCount++;
    }
  }

  /** Frees every node and pool block (keeps capacity). */
  reset(): void {
    this.type.fill(FREE_NODE);
    for (let h = 1; h < this.top; h++) this.generation[h] = ((this.generation[h] as number) + 1) >>> 0;
    this.freeHead = 0;
    this.freeCount = 0;
    this.top = 1;
    this.live = 0;
    this.retiredCount = 0;
    this.gapBase.fill(0);
    this.gapPool.reset();
  }

  /** Copies node `src` (all fields but parent, gaps included) into node `dst`. */
  copyNode(dst: number, src: number): void {
    this.copyNodeFrom(this, dst, src);
  }

  /** Copies node `src` of arena `from` (all fields but parent, gaps included) into node `dst` of this arena. */
  copyNodeFrom(from: NodeArena, dst: number, src: number): void {
    const type = from.type[src] as number;
    this.type[dst] = type;
    this.end[dst] = from.end[src] as number;
    this.gapOffset[dst] = from.gapOffset[src] as number;
    const slots = this.slots;
    const fromSlots = from.slots;
    for (let i = 0; i < SLOT_STRIDE; i++)
      slots[dst * SLOT_STRIDE + i] = fromSlots[src * SLOT_STRIDE + i] as number;
    if (from.wide) this.widen();
    copyPivotWords(this, dst * PIVOT_STRIDE, from, src * PIVOT_STRIDE, PIVOT_STRIDE);
    if (this.hasGaps && this.setGapBlock(dst, type === ARANGE_64)) {
      const d = this.gapBase[dst] as number;
      const gaps = this.gapPool.data;
      if (from.hasGaps) {
        const s = from.gapBase[src] as number;
        const fromGaps = from.gapPool.data;
        for (let i = 0; i < GAP_STRIDE; i++) gaps[d + i] = fromGaps[s + i] as number;
      } else {
        gaps.fill(0, d, d + GAP_STRIDE);
      }
    }
  }

  /**
   * Turns the pivots into 64-bit words, for good: every word is copied over,
   * PIVOT_TOP becoming MAPLE_MAX. The one place the pivot width changes; a
   * no-op once wide. Callers read pivots through pivots.ts, which reads
   * `pivots` afresh on every call, so this may run in the middle of a write.
   */
  widen(): void {
    if (this.wide) return;
    if (this.attached) throw new MapleError('EINVAL', 'an attached arena view cannot change');
    const wide = new Float64Array(this.makeBuffer(this.capacity * PIVOT_STRIDE * 8));
    widenWords(wide, 0, this.pivots, 0, this.pivots.length);
    this.pivots = wide;
    this.wide = true;
  }

  /**
   * Gives node `h` a gap block (`want`) or takes its block back, as its type
   * asks; a block it already has is kept as it is. Gap-tracking arenas only.
   * @returns want
   */
  private setGapBlock(h: number, want: boolean): boolean {
    const base = this.gapBase[h] as number;
    if (want) {
      if (base === 0) this.gapBase[h] = this.gapPool.take();
    } else if (base !== 0) {
      this.gapPool.give(base);
      this.gapBase[h] = 0;
    }
    return want;
  }

  /**
   * The one place the per-node arrays grow: reallocates them (the pivots
   * and the block of the others) at `capacity` handles and copies the old
   * contents (the gap pool grows on its own).
   */
  private grow(capacity: number): void {
    if (capacity === this.capacity) return;
    const block = this.makeBuffer(nodeBlockBytes(capacity, this.hasGaps));
    const oldPivots = this.pivots;
    const pivotBuffer = this.makeBuffer(capacity * PIVOT_STRIDE * (this.wide ? 8 : 4));
    this.pivots = this.wide ? new Float64Array(pivotBuffer) : new Int32Array(pivotBuffer);
    this.pivots.set(oldPivots);
    const old = {
      slots: this.slots,
      gapBase: this.gapBase,
      parent: this.parent,
      parentSlot: this.parentSlot,
      type: this.type,
      end: this.end,
      gapOffset: this.gapOffset,
      generation: this.generation,
    };
    this.setNodeArrays(block, capacity);
    this.slots.set(old.slots);
    this.gapBase.set(old.gapBase);
    this.parent.set(old.parent);
    this.parentSlot.set(old.parentSlot);
    this.type.set(old.type);
    this.end.set(old.end);
    this.gapOffset.set(old.gapOffset);
    this.generation.set(old.generation);
    // A fixed arena keeps a gap block per handle.
    if (this.fixed && this.hasGaps) this.gapPool.resize(capacity);
  }

  /** Points every per-node array at its part of `block` (nodeBlockBytes() order), for `capacity` handles. */
  private setNodeArrays(block: ArrayBufferLike, capacity: number): void {
    let at = 0;
    const take = (bytes: number): number => {
      const offset = at;
      at += bytes;
      return offset;
    };
    const n = capacity;
    const g = this.hasGaps ? n : 0;
    this.slots = new Int32Array(block, take(n * SLOT_STRIDE * 4), n * SLOT_STRIDE);
    this.gapBase = new Int32Array(block, take(g * 4), g);
    this.parent = new Int32Array(block, take(n * 4), n);
    this.generation = new Uint32Array(block, take(n * 4), n);
    this.parentSlot = new Uint8Array(block, take(n), n);
    this.type = new Uint8Array(block, take(n), n);
    this.end = new Uint8Array(block, take(n), n);
    this.gapOffset = new Uint8Array(block, take(n), n);
    this.capacity = capacity;
  }
}

/**
 * Copies `count` pivot words of arena `src` from `at` into arena `dst` at
 * `to`; a 32-bit source into a 64-bit arena turns PIVOT_TOP into MAPLE_MAX.
 * `dst` must be wide if `src` is.
 */
function copyPivotWords(dst: NodeArena, to: number, src: NodeArena, at: number, count: number): void {
  if (dst.wide === src.wide) dst.pivots.set(src.pivots.subarray(at, at + count), to);
  else widenWords(dst.pivots, to, src.pivots, at, count);
}

/** Copies `count` 32-bit pivot words from `s[at..]` into 64-bit `d[to..]`, PIVOT_TOP becoming MAPLE_MAX. */
function widenWords(
  d: Int32Array | Float64Array,
  to: number,
  s: Int32Array | Float64Array,
  at: number,
  count: number,
): void {
  for (let i = 0; i < count; i++) {
    const w = s[at + i] as number;
    d[to + i] = w === PIVOT_TOP ? MAPLE_MAX : w;
  }
}
