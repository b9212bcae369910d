/**
 * A pool of fixed-size Float64 blocks that only some nodes hold: the gap
 * blocks of arange_64 nodes, about one node in ten of a gap-tracking tree.
 *
 * ```
 *   data: | block 0 (never handed out, zero) | block 1 | block 2 | ...
 *           offsets are 0, stride, 2*stride, ...; free blocks hold the next free offset
 * ```
 *
 * A block is named by its offset into {@link data}. Block 0 is never handed
 * out, so offset 0 can mean "no block". Free blocks are threaded through their
 * first entry. The pool grows by half again on its own; a fixed pool throws
 * ENOMEM instead (an arena on shared buffers sizes it to one block per handle,
 * so it runs out of handles first). Callers must re-read {@link data} after
 * anything that takes a block.
 */

import { MapleError } from './errors.js';

/** Makes the backing store for one typed array; lets a later package use SharedArrayBuffer. */
export type BufferFactory = (byteLength: number) => ArrayBufferLike;

const NO_F64 = new Float64Array(0);

/** The capacity after growing a full store of `capacity` units: 1.5x (amortised O(1)). */
export function grownCapacity(capacity: number): number {
  return capacity + Math.max(2, capacity >> 1);
}

/** Blocks of `stride` Float64 entries with a free list. */
export class BlockPool {
  /** The blocks; empty (no buffer) while the pool has capacity 0. */
  data: Float64Array = NO_F64;
  /** Blocks the pool can hold (block 0 included). */
  capacity = 0;
  /** Next never-used block. */
  private top = 1;
  /** Offset of the first free block (0: none). */
  private freeHead = 0;
  private freeCount = 0;

  /**
   * @param stride - entries per block
   * @param name - what the blocks hold, for the ENOMEM message
   */
  constructor(
    readonly stride: number,
    private readonly name: string,
    private readonly makeBuffer: BufferFactory,
    private readonly fixed: boolean,
  ) {}

  /** Blocks handed out and not given back. */
  get inUse(): number {
    return this.top - 1 - this.freeCount;
  }

  /** Blocks wanted (block 0 included) to hand out `more` blocks beyond those in use. */
  wanted(more: number): number {
    return this.top + more - this.freeCount;
  }

  /** A zeroed block from the free list or the pool's top (growing when full); its offset. */
  take(): number {
    let off = this.freeHead;
    if (off !== 0) {
      this.freeHead = this.data[off] as number;
      this.freeCount--;
    } else {
      if (this.top >= this.capacity) {
        if (this.fixed)
          throw new MapleError('ENOMEM', `${this.name} pool full (${this.capacity - 1} blocks)`);
        this.resize(grownCapacity(Math.max(this.capacity, 1)));
      }
      off = this.top++ * this.stride;
    }
    const data = this.data;
    for (let i = 0; i < this.stride; i++) data[off + i] = 0;
    return off;
  }

  /** Gives the block at `off` back. */
  give(off: number): void {
    this.data[off] = this.freeHead;
    this.freeHead = off;
    this.freeCount++;
  }

  /** Reallocates the pool at `capacity` blocks (never below the blocks in use), keeping its contents. */
  resize(capacity: number): void {
    if (capacity === this.capacity) return;
    const data = capacity === 0 ? NO_F64 : new Float64Array(this.makeBuffer(capacity * this.stride * 8));
    data.set(this.data.subarray(0, Math.min(this.data.length, data.length)));
    this.data = data;
    this.capacity = capacity;
  }

  /** Uses `buffer` (another pool's, e.g. a SharedArrayBuffer) as this pool's blocks, all taken. */
  adopt(buffer: ArrayBufferLike): void {
    this.data = buffer.byteLength === 0 ? NO_F64 : new Float64Array(buffer);
    this.capacity = this.data.length / this.stride;
    this.top = this.capacity;
  }

  /** Makes this pool an exact copy of `src` (same blocks at the same offsets, same free list). */
  copyFrom(src: BlockPool): void {
    if (src.top <= 1) {
      this.reset();
      return;
    }
    if (this.capacity < src.top) this.resize(src.top);
    this.data.set(src.data.subarray(0, src.top * this.stride));
    this.top = src.top;
    this.freeHead = src.freeHead;
    this.freeCount = src.freeCount;
  }

  /** Gives every block back (keeps capacity). */
  reset(): void {
    this.top = 1;
    this.freeHead = 0;
    this.freeCount = 0;
  }
}
