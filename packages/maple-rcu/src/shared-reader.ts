/**
 * `SharedMapleReader`: a lock-free reader of a {@link SharedMapleTree}, in
 * any thread. It never blocks the writer and the writer never blocks it.
 *
 * Each operation pins an epoch (shared-layout.ts): it publishes the version
 * it reads in its slot, loads the root, reads, and goes idle. While pinned,
 * nothing it can reach is freed. Two checks guard every node it reads:
 *
 * - dead (the kernel's `ma_dead_node`): the node's parent points to itself,
 *   so a newer version has replaced it. A point lookup then walks again from
 *   the newest root (when one has been published), as the kernel does, so
 *   answers stay fresh; its nodes are still intact, so this is not needed for
 *   safety. A range scan stays on the version it started in: it returns one
 *   consistent version.
 * - freed: the node's generation changed while it was read, it is a free
 *   node, or it was handed out again for a version after the one being read.
 *   The epoch protocol makes this impossible; if it happens anyway it is
 *   counted in `stats.freedNodeReads` and the walk starts again from the
 *   newest root rather than answer from reused memory.
 */

import { MAPLE_MAX, type MapleEntry, MapleError } from '@maple-tree/core';
import {
  FREE_NODE,
  LEAF_64,
  MAPLE_HEIGHT_MAX,
  NodeArena,
  PIVOT_STRIDE,
  pivotOf,
  SLOT_STRIDE,
  slotFor,
} from '@maple-tree/core/internal';
import {
  EPOCH_SPAN,
  epochAfter,
  epochDiff,
  M_NODELESS_VERSION,
  M_READERS,
  M_ROOT,
  M_TREE_ID,
  M_VERSION,
  M_VERSION_HI,
  META_WORDS,
  type SharedMapleTreeHandle,
  SLOT_FREE,
  SLOT_IDLE,
  valueSlots,
} from './shared-layout.js';
import { SharedEntryIterator } from './shared-scan.js';
import { DEAD, FREED, OK, type Pin, SharedPath } from './shared-walk.js';

/** A lock-free reader of a shared maple tree. */
export interface SharedMapleReader {
  /** The value at `index`. Mirrors mtree_load(). */
  load(index: number): number | undefined;
  /** The first entry overlapping `[index, max]`. Mirrors mt_find(). */
  find(index: number, max?: number): MapleEntry<number> | undefined;
  /** The entries overlapping `[first, last]` of one version, in order. Mirrors mt_for_each(). */
  entries(first?: number, last?: number): IterableIterator<MapleEntry<number>>;
  /**
   * The version its last answer came from. Each entry of a scan (and its end)
   * is an answer from the scan's version, which stays the one it started in.
   */
  readonly version: number;
  /** What the reader ran into (restarts, freed nodes detected). */
  readonly stats: SharedReaderStats;
  /** Gives up the reader slot: this reader no longer holds back reclamation. */
  close(): void;
}

/** Counters of a reader. */
export interface SharedReaderStats {
  /** Walks started again because a node on the way was dead and a newer root existed. */
  restarts: number;
  /** Nodes found freed or reused under the reader (should stay 0). */
  freedNodeReads: number;
  /** Node-less roots read again because the writer published a newer root meanwhile. */
  pinRetries: number;
}

/** A point lookup walks again from a newer root at most this often, then answers from its version. */
const MAX_RESTARTS = 8;
/** A walk that keeps meeting freed nodes gives up (the protocol is broken). */
const MAX_FREED_RETRIES = 1000;

function checkIndex(index: unknown, name: string): void {
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > MAPLE_MAX) {
    throw new MapleError('EINVAL', `${name} must be an integer in [0, MAPLE_MAX], got ${String(index)}`);
  }
}

const isSab = (b: unknown, bytes?: number): b is SharedArrayBuffer =>
  b instanceof SharedArrayBuffer && (bytes === undefined || b.byteLength === bytes);

/**
 * EINVAL unless `handle` is a whole handle of one SharedMapleTree: every
 * buffer a SharedArrayBuffer of the size its capacity and kind call for, and
 * meta, born and values carrying the same tree id (buffers mixed from
 * different trees are refused; see M_TREE_ID).
 */
function checkHandle(handle: SharedMapleTreeHandle): void {
  const bad = (why: string): never => {
    throw new MapleError('EINVAL', `not a SharedMapleTree handle: ${why}`);
  };
  if (typeof handle !== 'object' || handle === null) bad('not an object');
  const { arena, capacity } = handle;
  if (!Number.isInteger(capacity) || capacity < 2) bad(`capacity ${String(capacity)}`);
  if (typeof handle.allocRange !== 'boolean') bad('allocRange is not a boolean');
  if (!isSab(handle.meta, META_WORDS * 4)) bad('meta is not its shared buffer');
  if (!isSab(handle.epochs) || handle.epochs.byteLength < 4 || handle.epochs.byteLength % 4 !== 0) {
    bad('epochs is not its shared buffer');
  }
  if (!isSab(handle.born, capacity * 4)) bad('born does not match the capacity');
  if (!isSab(handle.values, valueSlots(capacity) * 8)) bad('values does not match the capacity');
  if (typeof arena !== 'object' || arena === null) bad('no arena');
  if (arena.capacity !== capacity || arena.gaps !== handle.allocRange) bad('the arena is of another kind');
  // The gap pool is shared only by a gap-tracking arena (a block per handle); else it is empty.
  const gapsOk = arena.gaps ? isSab(arena.gapArray) : arena.gapArray?.byteLength === 0;
  if (!isSab(arena.nodes) || !gapsOk || !isSab(arena.pivots, capacity * PIVOT_STRIDE * 8)) {
    bad('the arena buffers do not match the capacity');
  }
  const id = Atomics.load(new Int32Array(handle.meta), M_TREE_ID);
  if (id === 0 || new Int32Array(handle.born)[0] !== id || new Float64Array(handle.values)[0] !== id) {
    bad('its buffers come from different trees');
  }
}

/** The reader behind {@link SharedMapleTree.attach}. */
export class SharedReader implements SharedMapleReader {
  readonly stats: SharedReaderStats = { restarts: 0, freedNodeReads: 0, pinRetries: 0 };
  /** The attached node arena (its pivots are read through pivotOf / slotFor). */
  private readonly arena: NodeArena;
  private readonly slots: Int32Array;
  private readonly types: Uint8Array;
  private readonly ends: Uint8Array;
  private readonly parent: Int32Array;
  private readonly generation: Uint32Array;
  private readonly born: Int32Array;
  private readonly values: Float64Array;
  private readonly meta: Int32Array;
  private readonly epochs: Int32Array;
  private readonly capacity: number;
  private readonly slot: number;
  private readonly path = new SharedPath();
  private readonly pinned: Pin = { root: 0, epoch: 0, version: 0 };
  /** Value index found by the last point walk. */
  private found = 0;
  private pins = 0;
  private closed = false;
  private lastVersion = 0;
  /** A full version number and its epoch: later epochs are turned into full versions from it. */
  private baseVersion: number;
  private baseEpoch: number;

  constructor(handle: SharedMapleTreeHandle) {
    checkHandle(handle);
    let arena: NodeArena;
    try {
      arena = NodeArena.attach(handle.arena);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new MapleError('EINVAL', `not a SharedMapleTree handle: the arena buffers are too small`);
    }
    this.arena = arena;
    this.slots = arena.slots;
    this.types = arena.type;
    this.ends = arena.end;
    this.parent = arena.parent;
    this.generation = arena.generation;
    this.born = new Int32Array(handle.born);
    this.values = new Float64Array(handle.values);
    this.meta = new Int32Array(handle.meta);
    this.epochs = new Int32Array(handle.epochs);
    this.capacity = handle.capacity;
    this.slot = this.claimSlot();
    this.baseEpoch = Atomics.load(this.meta, M_VERSION);
    this.baseVersion = Atomics.load(this.meta, M_VERSION_HI) * EPOCH_SPAN + this.baseEpoch;
  }

  get version(): number {
    return this.lastVersion;
  }

  load(index: number): number | undefined {
    checkIndex(index, 'index');
    this.live();
    const pin = this.pinned;
    this.pin(pin);
    let restarts = 0;
    let freedRetries = 0;
    while (true) {
      const root = pin.root;
      let status = OK;
      if (root <= 0) this.found = root < 0 && index === 0 ? -root : 0;
      else status = this.pointWalk(root, index, pin.epoch);
      if (status === FREED) {
        this.repinAfterFreed(pin, ++freedRetries);
        continue;
      }
      if (status === DEAD && this.restartOnDead(pin, restarts)) {
        restarts++;
        continue;
      }
      break;
    }
    const idx = this.found;
    const value = idx === 0 ? undefined : (this.values[idx] as number);
    this.lastVersion = pin.version;
    this.unpin();
    return value;
  }

  find(index: number, max: number = MAPLE_MAX): MapleEntry<number> | undefined {
    checkIndex(index, 'index');
    checkIndex(max, 'max');
    if (index > max) throw new MapleError('EINVAL', `index ${index} > max ${max}`);
    this.live();
    const pin = this.pinned;
    this.pin(pin);
    let restarts = 0;
    let freedRetries = 0;
    let result: MapleEntry<number> | undefined;
    while (true) {
      const root = pin.root;
      if (root <= 0) {
        result =
          root < 0 && index === 0 ? { first: 0, last: 0, value: this.values[-root] as number } : undefined;
        break;
      }
      const status = this.findFrom(root, index, max, pin.epoch);
      if (status === FREED) {
        this.repinAfterFreed(pin, ++freedRetries);
        continue;
      }
      if (status === DEAD && this.restartOnDead(pin, restarts)) {
        restarts++;
        continue;
      }
      result = this.entry;
      break;
    }
    this.lastVersion = pin.version;
    this.unpin();
    return result;
  }

  entries(first = 0, last: number = MAPLE_MAX): IterableIterator<MapleEntry<number>> {
    checkIndex(first, 'first');
    checkIndex(last, 'last');
    if (first > last) throw new MapleError('EINVAL', `first ${first} > last ${last}`);
    this.live();
    return new SharedEntryIterator(this, first, last);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pins = 0;
    Atomics.store(this.epochs, this.slot, SLOT_FREE);
  }

  // ---- internals shared with the entry iterator ----

  /** @internal Entry found by the last {@link findFrom} (undefined when none). */
  entry: MapleEntry<number> | undefined = undefined;

  /** @internal Throws once closed. */
  live(): void {
    if (this.closed) throw new MapleError('EINVAL', 'this SharedMapleReader is closed');
  }

  /**
   * @internal Pins the newest version into `pin`: publishes the published
   * epoch in the slot (unless an older pin of this reader holds the slot
   * already), loads the root (at least that new) and learns its exact version
   * (see shared-layout.ts). Never waits for the writer.
   */
  pin(pin: Pin): void {
    const meta = this.meta;
    const e = Atomics.load(meta, M_VERSION);
    if (this.pins === 0) Atomics.store(this.epochs, this.slot, e);
    let root = Atomics.load(meta, M_ROOT);
    let epoch: number;
    if (root > 0) {
      // Every write makes a new root node, born in the version it is the root of.
      epoch = Atomics.load(this.born, root);
    } else {
      while (true) {
        epoch = Atomics.load(meta, M_NODELESS_VERSION);
        const again = Atomics.load(meta, M_ROOT);
        if (again === root) break;
        // The writer published again in between: take the newer root.
        this.stats.pinRetries++;
        root = again;
        if (root > 0) {
          epoch = Atomics.load(this.born, root);
          break;
        }
      }
    }
    pin.root = root;
    pin.epoch = epoch;
    this.baseVersion += epochDiff(epoch, this.baseEpoch);
    this.baseEpoch = epoch;
    pin.version = this.baseVersion;
    this.pins++;
  }

  /** @internal Drops one pin; the last one makes the slot idle. */
  unpin(): void {
    if (this.pins > 0 && --this.pins === 0 && !this.closed) Atomics.store(this.epochs, this.slot, SLOT_IDLE);
  }

  /** @internal Moves `pin` to the newest version. */
  repin(pin: Pin): void {
    this.unpin();
    this.pin(pin);
  }

  /** @internal Counts a read of a freed node and {@link repin}s; gives up when that keeps happening. */
  repinAfterFreed(pin: Pin, tries: number): void {
    this.stats.freedNodeReads++;
    if (tries > MAX_FREED_RETRIES) {
      this.unpin();
      throw new Error('SharedMapleReader: nodes keep being freed under the reader (reclamation is broken)');
    }
    this.repin(pin);
  }

  /**
   * @internal After a walk that met a dead node (a writer replaced it): when
   * fewer than MAX_RESTARTS restarts were made and a newer version is
   * published, counts the restart, moves `pin` to the newest version and
   * returns true (walk again); else false (the pinned version's answer stands).
   */
  restartOnDead(pin: Pin, restarts: number): boolean {
    if (restarts >= MAX_RESTARTS || !this.newerPublished(pin)) return false;
    this.stats.restarts++;
    this.repin(pin);
    return true;
  }

  /** @internal True when a version after `pin`'s has been published. */
  newerPublished(pin: Pin): boolean {
    return epochAfter(Atomics.load(this.meta, M_VERSION), pin.epoch);
  }

  /** @internal Records the version of an answer. */
  answered(version: number): void {
    this.lastVersion = version;
  }

  /** True when node `h`, read since its generation was `gen`, is not a node of the version of `epoch`. */
  private freed(h: number, gen: number, epoch: number): boolean {
    return (
      Atomics.load(this.generation, h) !== gen ||
      this.types[h] === FREE_NODE ||
      epochAfter(Atomics.load(this.born, h), epoch)
    );
  }

  /** Descends from `root` to the slot holding `index`; sets {@link found}. Mirrors mtree_lookup_walk(). */
  private pointWalk(root: number, index: number, epoch: number): number {
    // Hot path: every array in a local, the freed-node check written out.
    const arena = this.arena;
    const slots = this.slots;
    const types = this.types;
    const ends = this.ends;
    const parent = this.parent;
    const generation = this.generation;
    const born = this.born;
    const cap = this.capacity;
    let dead = false;
    let h = root;
    for (let d = 0; d <= MAPLE_HEIGHT_MAX; d++) {
      if (h <= 0 || h >= cap) return FREED;
      const gen = Atomics.load(generation, h);
      const type = types[h] as number;
      let end = ends[h] as number;
      if (end > PIVOT_STRIDE - 1) end = PIVOT_STRIDE - 1;
      const off = slotFor(arena, h, end, index);
      const next = slots[h * SLOT_STRIDE + off] as number;
      if (parent[h] === h) dead = true;
      if (
        Atomics.load(generation, h) !== gen ||
        type === FREE_NODE ||
        epochAfter(Atomics.load(born, h), epoch)
      ) {
        return FREED;
      }
      if (type === LEAF_64) {
        this.found = next;
        return dead ? DEAD : OK;
      }
      h = next;
    }
    return FREED;
  }

  /**
   * @internal Descends from `root` to the slot holding `index`, recording the
   * path with each node's generation. Mirrors mas_walk().
   */
  descend(w: SharedPath, root: number, index: number, epoch: number): number {
    const arena = this.arena;
    let dead = false;
    let h = root;
    let min = 0;
    let max = MAPLE_MAX;
    for (let d = 0; d <= MAPLE_HEIGHT_MAX; d++) {
      if (h <= 0 || h >= this.capacity) return FREED;
      const gen = Atomics.load(this.generation, h);
      const type = this.types[h] as number;
      const end = Math.min(this.ends[h] as number, PIVOT_STRIDE - 1);
      const off = slotFor(arena, h, end, index);
      w.node[d] = h;
      w.gen[d] = gen;
      w.min[d] = min;
      w.max[d] = max;
      w.off[d] = off;
      const next = this.slots[h * SLOT_STRIDE + off] as number;
      const nMin = off > 0 ? pivotOf(arena, h, off - 1) + 1 : min;
      const nMax = off < end ? pivotOf(arena, h, off) : max;
      if (this.parent[h] === h) dead = true;
      if (this.freed(h, gen, epoch)) return FREED;
      if (type === LEAF_64) {
        w.depth = d;
        return dead ? DEAD : OK;
      }
      h = next;
      min = nMin;
      max = nMax;
    }
    return FREED;
  }

  /** @internal First index of the slot the path is on. */
  slotMin(w: SharedPath): number {
    const d = w.depth;
    const o = w.off[d] as number;
    return o > 0 ? pivotOf(this.arena, w.node[d] as number, o - 1) + 1 : (w.min[d] as number);
  }

  /** @internal Last index of the slot the path is on. */
  slotMax(w: SharedPath): number {
    const d = w.depth;
    const h = w.node[d] as number;
    const o = w.off[d] as number;
    return o < Math.min(this.ends[h] as number, PIVOT_STRIDE - 1)
      ? pivotOf(this.arena, h, o)
      : (w.max[d] as number);
  }

  /** @internal Value index in the slot the path is on. */
  slotValue(w: SharedPath): number {
    const d = w.depth;
    return this.slots[(w.node[d] as number) * SLOT_STRIDE + (w.off[d] as number)] as number;
  }

  /** @internal The value stored at value index `idx`. */
  valueAt(idx: number): number {
    return this.values[idx] as number;
  }

  /** @internal True when every node on the path still is what it was when entered. */
  pathIntact(w: SharedPath, epoch: number): boolean {
    for (let d = 0; d <= w.depth; d++)
      if (this.freed(w.node[d] as number, w.gen[d] as number, epoch)) return false;
    return true;
  }

  /**
   * @internal Steps the path to the next slot, climbing at node edges.
   * Mirrors mas_next_slot().
   * @returns OK, FREED, or -1 at the end of the tree
   */
  step(w: SharedPath, epoch: number): number {
    const ends = this.ends;
    const d = w.depth;
    const leaf = w.node[d] as number;
    if ((w.off[d] as number) < Math.min(ends[leaf] as number, PIVOT_STRIDE - 1)) {
      w.off[d] = (w.off[d] as number) + 1;
      return this.freed(leaf, w.gen[d] as number, epoch) ? FREED : OK;
    }
    let k = d - 1;
    while (k >= 0 && (w.off[k] as number) >= Math.min(ends[w.node[k] as number] as number, PIVOT_STRIDE - 1))
      k--;
    if (k < 0) return -1;
    w.off[k] = (w.off[k] as number) + 1;
    for (let j = k + 1; j <= d; j++) {
      const p = w.node[j - 1] as number;
      const o = w.off[j - 1] as number;
      const end = Math.min(ends[p] as number, PIVOT_STRIDE - 1);
      const h = this.slots[p * SLOT_STRIDE + o] as number;
      w.min[j] = o > 0 ? pivotOf(this.arena, p, o - 1) + 1 : (w.min[j - 1] as number);
      w.max[j] = o < end ? pivotOf(this.arena, p, o) : (w.max[j - 1] as number);
      if (this.freed(p, w.gen[j - 1] as number, epoch) || h <= 0 || h >= this.capacity) return FREED;
      w.node[j] = h;
      w.gen[j] = Atomics.load(this.generation, h);
      w.off[j] = 0;
      if (this.freed(h, w.gen[j] as number, epoch)) return FREED;
    }
    return OK;
  }

  /** Sets {@link entry} to the first entry overlapping `[index, max]` under `root`. */
  private findFrom(root: number, index: number, max: number, epoch: number): number {
    const w = this.path;
    this.entry = undefined;
    const status = this.descend(w, root, index, epoch);
    if (status === FREED) return FREED;
    while (true) {
      const v = this.slotValue(w);
      if (v !== 0) {
        const entry = { first: this.slotMin(w), last: this.slotMax(w), value: this.valueAt(v) };
        if (!this.pathIntact(w, epoch)) return FREED;
        this.entry = entry;
        return status;
      }
      if (this.slotMax(w) >= max) return status;
      const s = this.step(w, epoch);
      if (s === FREED) return FREED;
      if (s < 0 || this.slotMin(w) > max) return status;
    }
  }

  /** Claims a free reader slot. @throws MapleError EBUSY when there is none */
  private claimSlot(): number {
    const epochs = this.epochs;
    for (let i = 0; i < epochs.length; i++) {
      if (Atomics.compareExchange(epochs, i, SLOT_FREE, SLOT_IDLE) !== SLOT_FREE) continue;
      let seen = Atomics.load(this.meta, M_READERS);
      while (seen < i + 1) {
        const prev = Atomics.compareExchange(this.meta, M_READERS, seen, i + 1);
        if (prev === seen) break;
        seen = prev;
      }
      return i;
    }
    throw new MapleError('EBUSY', `all ${epochs.length} reader slots of this shared tree are taken`);
  }
}
