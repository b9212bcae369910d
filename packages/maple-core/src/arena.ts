/**
 * The node arena: every node of a tree lives in one set of typed arrays, one
 * array per field (struct of arrays), indexed by an integer node handle.
 *
 * ```
 *  handle h ─┬─ pivots [h*16 .. h*16+14]   Float64   inclusive slot ends (one pad)
 *            ├─ slots  [h*16 .. h*16+15]   Int32     child handle or value index
 *            ├─ gapBase[h]                 Int32     offset of h's block in the gap pool (alloc trees)
 *            ├─ parent[h], parentSlot[h]             the kernel packs these in one word
 *            └─ type[h], end[h], gapOffset[h], generation[h]
 *
 *  gap pool: gaps [b .. b+9]               Float64   largest gap below each child, b = gapBase[h]
 * ```
 *
 * The per-node arrays are views into one buffer (one allocation per growth:
 * a new tree costs one buffer for its nodes, not ten), and the gap pool is a
 * second one. Handles start at 1 (0 means "none"). Freed handles go on a free list threaded
 * through `parent` and are reused; their generation advances so that a stale
 * handle is detected. The per-node arrays grow together, by half again (1.5x:
 * at most a third of a grown arena is slack), or to the exact size a bulk
 * build or a copy asks for, in {@link grow} only: callers must re-read
 * `arena.pivots`, `arena.gaps` etc. after anything that allocates.
 *
 * Gaps: only arange_64 nodes (the internal nodes of a gap-tracking tree) keep
 * gaps, about one node in ten, so the gaps live in a separate pool of
 * 10-entry blocks rather than in a per-node array. An arange node gets a block
 * when it is allocated (or copied into), gives it back when freed, and slot k's
 * gap is `gaps[gapBase[h] + k]`: one Int32 load more than a fixed stride.
 * Block 0 is never handed out and stays zero: every other node (leaves,
 * free handles) has `gapBase` 0. Free blocks are threaded through their first
 * entry. The pool grows by half again on its own (in {@link grow} too); a
 * fixed arena has a block for every handle, so it never runs out of blocks
 * before it runs out of nodes. Arenas without gaps have empty `gaps` and
 * `gapBase` arrays.
 *
 * A dead node (retired by an RCU-mode write) has `parent[h] === h`, as the
 * kernel marks a dead node by pointing its parent at itself.
 */

import { ARANGE_64, FREE_NODE, GAP_STRIDE, PIVOT_STRIDE, SLOT_STRIDE } from './constants.js';
import { MapleError } from './errors.js';

/** Makes the backing store for one typed array; lets a later package use SharedArrayBuffer. */
export type BufferFactory = (byteLength: number) => ArrayBufferLike;

/** Options for {@link NodeArena}. */
export interface ArenaOptions {
  /** Keep a gap pool for arange_64 nodes (gap-tracking trees). */
  gaps: boolean;
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

/** The capacity after growing a full arena of `capacity` handles: 1.5x (amortised O(1) allocation). */
function grownCapacity(capacity: number): number {
  return capacity + Math.max(2, capacity >> 1);
}

/**
 * Gap blocks (block 0 included) of a new arena of `capacity` handles: a fixed
 * arena gets one per handle (it can then never run out of blocks first); a
 * growable one starts at an eighth, about its share of internal nodes.
 */
function initialGapBlocks(hasGaps: boolean, fixed: boolean, capacity: number): number {
  if (!hasGaps) return 0;
  return fixed ? capacity : Math.max(2, (capacity >> 3) + 1);
}

/**
 * The backing stores of an arena: every per-node array in one block (see
 * {@link nodeBlockBytes}) and the gap pool in another; structured-cloneable
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
}

/**
 * Bytes of the block that holds every per-node array of an arena of
 * `capacity` handles, laid out widest element first so that each view is
 * aligned: pivots (Float64), slots, gapBase (gap arenas only), parent,
 * generation (32-bit), then parentSlot, type, end, gapOffset (bytes). One
 * allocation per growth instead of one per array: a new tree costs one
 * buffer for its nodes.
 */
function nodeBlockBytes(capacity: number, hasGaps: boolean): number {
  return capacity * (PIVOT_STRIDE * 8 + SLOT_STRIDE * 4 + (hasGaps ? 4 : 0) + 4 + 4 + 4);
}

/** A struct-of-arrays node store with a handle allocator. */
export class NodeArena {
  pivots: Float64Array;
  slots: Int32Array;
  /** The gap pool: blocks of GAP_STRIDE entries; node h's are at `gapBase[h]`. Empty without gaps. */
  gaps: Float64Array;
  /** Per node: offset of its block in {@link gaps}; 0 (the zero block) for nodes without gaps. */
  gapBase: Int32Array;
  parent: Int32Array;
  parentSlot: Uint8Array;
  type: Uint8Array;
  end: Uint8Array;
  /** Offset of the largest gap in an arange node (the kernel keeps it in the node metadata). */
  gapOffset: Uint8Array;
  generation: Uint32Array;

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
  /** Blocks the gap pool can hold (block 0 included); -1 until the constructor makes the pool. */
  private gapCapacity = -1;
  /** Next never-used gap block. */
  private gapTop = 1;
  /** Offset of the first free gap block (0: none); each free block holds the next one's offset. */
  private gapFreeHead = 0;
  private gapFreeCount = 0;
  /** A view made by {@link NodeArena.attach}: it must not allocate. */
  private attached = false;

  constructor(options: ArenaOptions) {
    this.hasGaps = options.gaps;
    this.fixed = options.fixed ?? false;
    this.makeBuffer = options.buffer ?? defaultBuffer;
    this.capacity = 0;
    // Shared empty placeholders until grow() below: a new typed array, even an
    // empty one, costs an ArrayBuffer, and a new tree would pay for ten.
    this.pivots = NO_F64;
    this.slots = NO_I32;
    this.gaps = NO_F64;
    this.gapBase = NO_I32;
    this.parent = NO_I32;
    this.parentSlot = NO_U8;
    this.type = NO_U8;
    this.end = NO_U8;
    this.gapOffset = NO_U8;
    this.generation = NO_U32;
    const capacity = Math.max(2, options.capacity ?? 16);
    this.grow(capacity, initialGapBlocks(this.hasGaps, this.fixed, capacity));
  }

  /**
   * A read-side view of another arena's buffers (e.g. SharedArrayBuffers
   * received in a worker). The view is fixed and allocates nothing: it is for
   * walking nodes the owner writes.
   */
  static attach(buffers: ArenaBuffers): NodeArena {
    let index = 0;
    // The constructor asks the factory for the node block, then the gap pool; hand back the given buffers.
    const order = [buffers.nodes, buffers.gapArray];
    const arena = new NodeArena({
      gaps: buffers.gaps,
      capacity: buffers.capacity,
      fixed: true,
      buffer: () => order[index++] as ArrayBufferLike,
    });
    arena.top = buffers.capacity;
    arena.gapCapacity = arena.gaps.length / GAP_STRIDE;
    arena.attached = true;
    return arena;
  }

  /** The arena's backing stores, to hand to {@link NodeArena.attach} elsewhere. */
  get buffers(): ArenaBuffers {
    return {
      capacity: this.capacity,
      gaps: this.hasGaps,
      nodes: this.pivots.buffer,
      gapArray: this.gaps.buffer,
    };
  }

  /** Handles that can still be allocated without growing (or at all, when fixed). */
  get headroom(): number {
    return this.freeCount + (this.capacity - this.top);
  }

  /** Gap blocks held by nodes (one per allocated arange_64 node). */
  get gapBlocksInUse(): number {
    return this.hasGaps ? this.gapTop - 1 - this.gapFreeCount : 0;
  }

  /** Gap blocks the pool can hold without growing (block 0 included). */
  get gapBlockCapacity(): number {
    return this.gapCapacity;
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
   * Allocates a node of `type` with no data; grows the arena when needed. An
   * arange_64 node of a gap-tracking arena gets a zeroed gap block.
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
      this.grow(grownCapacity(this.capacity), this.gapCapacity);
    }
    // The block before the handle: if it cannot be had, nothing has changed.
    const gapBase = this.hasGaps && type === ARANGE_64 ? this.takeGapBlock() : 0;
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
    const wantGaps = this.hasGaps ? this.gapTop + gapCount - this.gapFreeCount : 0;
    if (want <= this.capacity && wantGaps <= this.gapCapacity) return;
    // Exactly what was asked: the build knows its size, and the slack of a
    // rounded-up capacity stays allocated as long as the tree does.
    this.grow(Math.max(want, this.capacity), Math.max(wantGaps, this.gapCapacity));
  }

  /**
   * Makes this (growable) arena an exact copy of `src`: every node under the
   * same handle with the same gap block, the same free lists and counters.
   * Used by clone (__mt_dup).
   */
  copyFrom(src: NodeArena): void {
    if (this.fixed || this.attached || this.hasGaps !== src.hasGaps) {
      throw new MapleError('EINVAL', 'copyFrom needs a growable arena with the same gap layout');
    }
    const n = src.top;
    const blocks = this.hasGaps ? src.gapTop : 0;
    // Room for the source's used handles and blocks only (a fixed source may be far larger).
    if (this.capacity < n || this.gapCapacity < blocks) {
      this.grow(Math.max(n, this.capacity), Math.max(blocks, this.gapCapacity));
    }
    this.pivots.set(src.pivots.subarray(0, n * PIVOT_STRIDE));
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
      this.gaps.set(src.gaps.subarray(0, blocks * GAP_STRIDE));
      this.gapTop = blocks;
      this.gapFreeHead = src.gapFreeHead;
      this.gapFreeCount = src.gapFreeCount;
    }
    this.top = n;
    this.freeHead = src.freeHead;
    this.freeCount = src.freeCount;
    this.live = src.live;
    this.retiredCount = src.retiredCount;
  }

  /** Returns `h` (and its gap block) to the free lists and advances its generation. */
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

  /** Frees every node and gap block (keeps capacity). */
  reset(): void {
    this.type.fill(FREE_NODE);
    for (let h = 1; h < this.top; h++) this.generation[h] = ((this.generation[h] as number) + 1) >>> 0;
    this.freeHead = 0;
    this.freeCount = 0;
    this.top = 1;
    this.live = 0;
    this.retiredCount = 0;
    this.gapBase.fill(0);
    this.gapTop = 1;
    this.gapFreeHead = 0;
    this.gapFreeCount = 0;
  }

  /** Copies node `src` (all fields but parent, gaps included) into node `dst`. */
  copyNode(dst: number, src: number): void {
    const type = this.type[src] as number;
    this.type[dst] = type;
    this.end[dst] = this.end[src] as number;
    this.gapOffset[dst] = this.gapOffset[src] as number;
    const slots = this.slots;
    const pivots = this.pivots;
    for (let i = 0; i < SLOT_STRIDE; i++)
      slots[dst * SLOT_STRIDE + i] = slots[src * SLOT_STRIDE + i] as number;
    for (let i = 0; i < PIVOT_STRIDE; i++) {
      pivots[dst * PIVOT_STRIDE + i] = pivots[src * PIVOT_STRIDE + i] as number;
    }
    if (this.hasGaps && this.setGapBlock(dst, type === ARANGE_64)) {
      const gaps = this.gaps;
      const d = this.gapBase[dst] as number;
      const s = this.gapBase[src] as number;
      for (let i = 0; i < GAP_STRIDE; i++) gaps[d + i] = gaps[s + i] as number;
    }
  }

  /** Copies node `src` of arena `from` (all fields but parent, gaps included) into node `dst` of this arena. */
  copyNodeFrom(from: NodeArena, dst: number, src: number): void {
    const type = from.type[src] as number;
    this.type[dst] = type;
    this.end[dst] = from.end[src] as number;
    this.gapOffset[dst] = from.gapOffset[src] as number;
    this.slots.set(
      from.slots.subarray(src * SLOT_STRIDE, src * SLOT_STRIDE + SLOT_STRIDE),
      dst * SLOT_STRIDE,
    );
    this.pivots.set(
      from.pivots.subarray(src * PIVOT_STRIDE, src * PIVOT_STRIDE + PIVOT_STRIDE),
      dst * PIVOT_STRIDE,
    );
    if (this.hasGaps && this.setGapBlock(dst, type === ARANGE_64)) {
      const d = this.gapBase[dst] as number;
      if (from.hasGaps) {
        const s = from.gapBase[src] as number;
        this.gaps.set(from.gaps.subarray(s, s + GAP_STRIDE), d);
      } else {
        this.gaps.fill(0, d, d + GAP_STRIDE);
      }
    }
  }

  /**
   * Gives node `h` a gap block (`want`) or takes its block back, as its type
   * asks; a block it already has is kept as it is. Gap-tracking arenas only.
   * @returns want
   */
  private setGapBlock(h: number, want: boolean): boolean {
    const base = this.gapBase[h] as number;
    if (want) {
      if (base === 0) this.gapBase[h] = this.takeGapBlock();
    } else if (base !== 0) {
      this.gaps[base] = this.gapFreeHead;
      this.gapFreeHead = base;
      this.gapFreeCount++;
      this.gapBase[h] = 0;
    }
    return want;
  }

  /** A zeroed gap block from the free list or the pool's top (growing the pool when full); its offset. */
  private takeGapBlock(): number {
    let base = this.gapFreeHead;
    if (base !== 0) {
      this.gapFreeHead = this.gaps[base] as number;
      this.gapFreeCount--;
    } else {
      if (this.gapTop >= this.gapCapacity) {
        // A fixed arena has a block per handle, so it runs out of handles first.
        if (this.fixed) throw new MapleError('ENOMEM', `gap pool full (${this.gapCapacity - 1} blocks)`);
        this.grow(this.capacity, grownCapacity(this.gapCapacity));
      }
      base = this.gapTop++ * GAP_STRIDE;
    }
    const gaps = this.gaps;
    for (let i = 0; i < GAP_STRIDE; i++) gaps[base + i] = 0;
    return base;
  }

  /**
   * The one place that grows: reallocates the per-node arrays at `capacity`
   * handles and the gap pool at `gapCapacity` blocks, each only when its size
   * changes, and copies the old contents.
   */
  private grow(capacity: number, gapCapacity: number): void {
    const mk = this.makeBuffer;
    if (capacity !== this.capacity) {
      const block = mk(nodeBlockBytes(capacity, this.hasGaps));
      // Views in nodeBlockBytes() order, each starting where the one before ends.
      let at = 0;
      const take = (bytes: number): number => {
        const offset = at;
        at += bytes;
        return offset;
      };
      const n = capacity;
      const pivots = new Float64Array(block, take(n * PIVOT_STRIDE * 8), n * PIVOT_STRIDE);
      const slots = new Int32Array(block, take(n * SLOT_STRIDE * 4), n * SLOT_STRIDE);
      const g = this.hasGaps ? n : 0;
      const gapBase = new Int32Array(block, take(g * 4), g);
      const parent = new Int32Array(block, take(n * 4), n);
      const generation = new Uint32Array(block, take(n * 4), n);
      const parentSlot = new Uint8Array(block, take(n), n);
      const type = new Uint8Array(block, take(n), n);
      const end = new Uint8Array(block, take(n), n);
      const gapOffset = new Uint8Array(block, take(n), n);
      pivots.set(this.pivots);
      slots.set(this.slots);
      gapBase.set(this.gapBase);
      parent.set(this.parent);
      parentSlot.set(this.parentSlot);
      type.set(this.type);
      end.set(this.end);
      gapOffset.set(this.gapOffset);
      generation.set(this.generation);
      this.pivots = pivots;
      this.slots = slots;
      this.gapBase = gapBase;
      this.parent = parent;
      this.parentSlot = parentSlot;
      this.type = type;
      this.end = end;
      this.gapOffset = gapOffset;
      this.generation = generation;
      this.capacity = capacity;
    }
    if (gapCapacity !== this.gapCapacity) {
      // An arena without gaps keeps the shared empty pool (no buffer of its own).
      const gaps = gapCapacity === 0 ? NO_F64 : new Float64Array(mk(gapCapacity * GAP_STRIDE * 8));
      gaps.set(this.gaps);
      this.gaps = gaps;
      this.gapCapacity = gapCapacity;
    }
  }
}
