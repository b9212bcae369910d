/**
 * `SharedMapleTree`: the writer's side of a tree in SharedArrayBuffers that
 * readers in other threads walk with no lock.
 *
 * The tree is a maple-core `MapleTree<number>` in RCU mode built on a
 * {@link StampedArena} (fixed capacity: a store that needs more nodes than
 * are free, after reclaiming what it can, throws MapleError('ENOMEM') and
 * changes nothing). Stored numbers are mirrored into a shared Float64Array at
 * their value index, written before the version that uses them is published.
 *
 * Each write: the core builds the new nodes and copies the changed path up to
 * a new root (no node a reader can reach changes); the new value is written;
 * the root is published with one atomic store (see shared-layout.ts); the
 * replaced nodes, already marked dead, wait on a retire queue stamped with the
 * new version and are freed once every reader has moved past it.
 */

import { MAPLE_MAX, type MapleEntry, MapleError, MapleTree } from '@maple-tree/core';
import { checkRange, lookup } from '@maple-tree/core/internal';
import { RetireQueue } from './retire.js';
import {
  DEFAULT_MAX_READERS,
  EPOCH_MASK,
  EPOCH_SPAN,
  epochOf,
  M_NODELESS_VERSION,
  M_READERS,
  M_ROOT,
  M_TREE_ID,
  M_VERSION,
  M_VERSION_HI,
  META_WORDS,
  newTreeId,
  type SharedMapleTreeHandle,
  SLOT_FREE,
  StampedArena,
  valueSlots,
} from './shared-layout.js';
import { type SharedMapleReader, SharedReader } from './shared-reader.js';

/** Options for a {@link SharedMapleTree}. */
export interface SharedMapleTreeOptions {
  /** MT_FLAGS_ALLOC_RANGE: gap tracking. */
  allocRange?: boolean;
  /** Fixed node capacity (default 16384); retired nodes waiting for readers count against it. */
  maxNodes?: number;
  /** Reader slots, the most readers attached at once (default 64). */
  maxReaders?: number;
  /**
   * How long (ms) a write that finds the arena full waits for readers to move
   * past the nodes they hold back before failing with ENOMEM: the kernel's
   * synchronize_rcu(). Default 0 (fail at once). Waiting uses Atomics.wait, so
   * it is for Node and worker threads, not a browser's main thread.
   */
  synchronizeMs?: number;
}

const DEFAULT_MAX_NODES = 16384;

function checkCount(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new MapleError('EINVAL', `${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

function checkValue(value: unknown): void {
  if (value !== undefined && typeof value !== 'number') {
    throw new MapleError('EINVAL', `a shared tree stores numbers, got ${typeof value}`);
  }
}

/** The writer's side of a maple tree in shared memory; values are numbers. */
export class SharedMapleTree {
  /** Structured-cloneable: post it to a worker and call {@link SharedMapleTree.attach} there. */
  readonly handle: SharedMapleTreeHandle;
  private readonly tree: MapleTree<number>;
  private readonly arena: StampedArena;
  private readonly meta: Int32Array;
  private readonly epochs: Int32Array;
  private readonly values: Float64Array;
  private readonly retiredNodeQueue = new RetireQueue();
  private readonly retiredValueQueue = new RetireQueue();
  private ver = 0;
  private reclaimed = 0;
  private readonly synchronizeMs: number;

  constructor(options: SharedMapleTreeOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new MapleError('EINVAL', 'options must be an object');
    if (options.allocRange !== undefined && typeof options.allocRange !== 'boolean') {
      throw new MapleError('EINVAL', `allocRange must be a boolean, got ${String(options.allocRange)}`);
    }
    const allocRange = options.allocRange === true;
    // Only an omitted (undefined) option takes its default: null is a bad value, as in MapleTree.
    const or = <T>(value: T | undefined, fallback: T) => (value === undefined ? fallback : value);
    const maxNodes = checkCount('maxNodes', or(options.maxNodes, DEFAULT_MAX_NODES), 1, 1 << 24);
    const maxReaders = checkCount('maxReaders', or(options.maxReaders, DEFAULT_MAX_READERS), 1, 1 << 16);
    this.synchronizeMs = checkCount('synchronizeMs', or(options.synchronizeMs, 0), 0, 2 ** 31 - 1);
    const capacity = maxNodes + 1;
    try {
      this.arena = new StampedArena(allocRange, capacity);
      // Every value index in use or waiting is held by a slot of an allocated leaf, or is the root entry.
      this.values = new Float64Array(new SharedArrayBuffer(valueSlots(capacity) * 8));
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new MapleError(
        'ENOMEM',
        `cannot allocate shared buffers for ${maxNodes} nodes: ${error.message}`,
      );
    }
    this.tree = new MapleTree<number>({ allocRange, rcu: true }, this.arena);
    this.tree.core.setReclaimer({
      retireNode: (h) => this.retiredNodeQueue.push(h, this.ver + 1),
      retireValue: (i) => this.retiredValueQueue.push(i, this.ver + 1),
    });
    this.meta = new Int32Array(new SharedArrayBuffer(META_WORDS * 4));
    this.epochs = new Int32Array(new SharedArrayBuffer(maxReaders * 4)).fill(SLOT_FREE);
    const id = newTreeId();
    this.meta[M_TREE_ID] = id;
    this.arena.born[0] = id;
    this.values[0] = id;
    this.handle = {
      arena: this.arena.buffers,
      born: this.arena.born.buffer as SharedArrayBuffer,
      values: this.values.buffer as SharedArrayBuffer,
      meta: this.meta.buffer as SharedArrayBuffer,
      epochs: this.epochs.buffer as SharedArrayBuffer,
      allocRange,
      capacity,
    };
  }

  /**
   * A lock-free reader of the tree behind `handle`, in any thread.
   * @throws MapleError EBUSY when every reader slot is taken; EINVAL for a malformed handle
   */
  static attach(handle: SharedMapleTreeHandle): SharedMapleReader {
    return new SharedReader(handle);
  }

  /** Advances with every published write. */
  get version(): number {
    return this.ver;
  }

  /** Nodes given back to the allocator so far. */
  get reclaimedNodes(): number {
    return this.reclaimed;
  }

  /** Retired nodes not yet given back (some reader may still reach them). */
  get retiredNodes(): number {
    return this.retiredNodeQueue.length;
  }

  /** Nodes in the current version of the tree. */
  get nodeCount(): number {
    return this.tree.nodeCount;
  }

  /** Number of stored ranges. */
  get size(): number {
    return this.tree.size;
  }

  /** The value at `index`. Mirrors mtree_load(). */
  load(index: number): number | undefined {
    return this.tree.load(index);
  }

  /** The first entry overlapping `[index, max]`. Mirrors mt_find(). */
  find(index: number, max: number = MAPLE_MAX): MapleEntry<number> | undefined {
    return this.tree.find(index, max);
  }

  /** The entries overlapping `[first, last]`, in order. Mirrors mt_for_each(). */
  entries(first = 0, last: number = MAPLE_MAX): IterableIterator<MapleEntry<number>> {
    return this.tree.entries(first, last);
  }

  /** Stores `value` at `index` (undefined erases). Mirrors mtree_store(). */
  store(index: number, value: number | undefined): void {
    checkValue(value);
    // Bad indices are EINVAL before the value-slot check could answer ENOMEM.
    checkRange(index, index);
    this.mutate(() => this.tree.store(index, value), index, value);
  }

  /** Stores `value` over `[first, last]`. Mirrors mtree_store_range(). */
  storeRange(first: number, last: number, value: number | undefined): void {
    checkValue(value);
    checkRange(first, last);
    this.mutate(() => this.tree.storeRange(first, last, value), first, value);
  }

  /** Erases the whole range holding `index`. Mirrors mtree_erase(). @returns the value that was there */
  erase(index: number): number | undefined {
    return this.mutate(() => this.tree.erase(index), index, undefined);
  }

  /** Checks every invariant of the current version. Mirrors mt_validate(). */
  validate(): void {
    this.tree.validate();
  }

  /**
   * Frees the retired nodes and value indices that no reader can reach: those
   * retired by versions no later than the oldest epoch a reader holds.
   * Mirrors the kernel's RCU callback freeing (mt_free_rcu) after a grace period.
   * @returns the number of nodes freed
   */
  reclaim(): number {
    return this.freeRetired(this.oldestReaderVersion());
  }

  /**
   * @internal Test hook: frees every retired node as if no reader existed.
   * Breaks readers that are walking old versions; used to show that they detect it.
   */
  reclaimIgnoringReaders(): number {
    return this.freeRetired(this.ver);
  }

  /**
   * Reclaims, waiting until `deadline` (performance.now() time) for readers to
   * let go of retired nodes or value indices when none can be freed yet.
   * Mirrors synchronize_rcu() followed by the deferred frees.
   * @returns the number of nodes and value indices freed
   */
  private synchronize(deadline: number): number {
    const retired = () => this.retiredNodeQueue.length + this.retiredValueQueue.length;
    const reclaimBoth = () => {
      const before = retired();
      this.reclaim();
      return before - retired();
    };
    let freed = reclaimBoth();
    if (freed > 0 || retired() === 0) return freed;
    const nap = new Int32Array(new SharedArrayBuffer(4));
    while (freed === 0 && performance.now() < deadline) {
      Atomics.wait(nap, 0, 0, 1);
      freed = reclaimBoth();
    }
    return freed;
  }

  /** The oldest version an active reader may be reading (the current one when none is). */
  private oldestReaderVersion(): number {
    const epochs = this.epochs;
    const n = Atomics.load(this.meta, M_READERS);
    const cur = this.ver;
    const curEpoch = epochOf(cur);
    let oldest = cur;
    for (let i = 0; i < n; i++) {
      const e = Atomics.load(epochs, i);
      if (e < 0) continue;
      const v = cur - ((curEpoch - e) & EPOCH_MASK);
      if (v < oldest) oldest = v;
    }
    return oldest;
  }

  private freeRetired(limit: number): number {
    const arena = this.arena;
    const values = this.tree.core.values;
    const freed = this.retiredNodeQueue.drain(limit, (h) => arena.free(h));
    this.retiredValueQueue.drain(limit, (i) => values.free(i));
    this.reclaimed += freed;
    return freed;
  }

  /** Runs one write, then mirrors its value and publishes the new root. */
  private mutate<R>(op: () => R, first: number, value: number | undefined): R {
    const core = this.tree.core;
    const seq = core.seq;
    this.arena.building = epochOf(this.ver + 1);
    let result: R;
    let deadline = -1;
    while (true) {
      try {
        if (value !== undefined) this.checkValueRoom();
        result = op();
        break;
      } catch (error) {
        // A failed write changed nothing: reclaim what readers allow (waiting
        // for them up to synchronizeMs) and try again.
        if (!(error instanceof MapleError && error.code === 'ENOMEM')) throw error;
        if (deadline < 0) deadline = performance.now() + this.synchronizeMs;
        if (this.synchronize(deadline) === 0) throw error;
      }
    }
    if (core.seq === seq) return result;
    if (value !== undefined) this.values[lookup(core, first)] = value;
    this.publish();
    if (this.retiredNodeQueue.length > 0 || this.retiredValueQueue.length > 0) this.reclaim();
    return result;
  }

  /**
   * Throws ENOMEM (changing nothing) when a write storing a new value could
   * need a value index past the shared value buffer. Every value index of a
   * leaf slot is bounded by the arena, but the lone entry at index 0 (a tree
   * with no node) is not: overwriting it while a reader holds an old version
   * retires one index per write with no node to count against maxNodes.
   */
  private checkValueRoom(): void {
    const values = this.tree.core.values;
    const slots = values.array.length;
    if (slots - 1 > values.used || slots < this.values.length) return;
    throw new MapleError('ENOMEM', `all ${this.values.length - 1} value slots are in use or held by readers`);
  }

  /** Publishes the core's current root as the next version (see the protocol in shared-layout.ts). */
  private publish(): void {
    const core = this.tree.core;
    const meta = this.meta;
    const v = this.ver + 1;
    const e = epochOf(v);
    const root = core.root !== 0 ? core.root : -core.rootValue;
    if (root <= 0) Atomics.store(meta, M_NODELESS_VERSION, e);
    Atomics.store(meta, M_ROOT, root);
    Atomics.store(meta, M_VERSION_HI, Math.floor(v / EPOCH_SPAN));
    Atomics.store(meta, M_VERSION, e);
    this.ver = v;
  }
}
