/**
 * `VersionedMapleTree<V>`: a maple tree in RCU mode whose versions can be
 * held (the kernel's MT_FLAGS_USE_RCU readers, in one thread).
 *
 * Every write that completes advances {@link VersionedMapleTree.version}. A
 * write copies the path it changes up to a new root (maple-core's RCU mode),
 * so the old root still describes the old version. `snapshot()` records that
 * root in O(1) and pins its version.
 *
 * Reclamation is epoch-based. While no snapshot is held nothing can reach a
 * replaced node, so the core frees it at the end of the write, as a non-RCU
 * tree would. From a snapshot on, until a write finds none held, replaced
 * nodes and value indices are retired instead: queued with the version whose
 * write replaced them (see retire.ts) and given back to the allocator once
 * the oldest held snapshot is at least that version, when a snapshot is
 * released, after each write, or on `reclaim()`.
 */

import type { MapleEntry, MapleTreeOptions } from '@maple-tree/core';
import { MapleError, MapleTree } from '@maple-tree/core';
import type { Reclaimer, TreeCore } from '@maple-tree/core/internal';
import { PinSet, RetireQueue } from './retire.js';
import { type MapleSnapshot, Snapshot, type SnapshotOwner, versionRoot } from './snapshot.js';

/** Options for a {@link VersionedMapleTree}: those of MapleTree; RCU mode is always on. */
export type VersionedMapleTreeOptions = Omit<MapleTreeOptions, 'rcu'>;

/** The options with RCU mode on; anything but an object is EINVAL (MapleTree checks the fields). */
function rcuOptions(options: VersionedMapleTreeOptions): MapleTreeOptions {
  if (typeof options !== 'object' || options === null) {
    throw new MapleError('EINVAL', 'options must be an object');
  }
  return { ...options, rcu: true };
}

/** A maple tree in RCU mode with O(1) snapshots and epoch-based reclamation. */
export class VersionedMapleTree<V> extends MapleTree<V> implements SnapshotOwner {
  // ES private fields: no clash with anything MapleTree has or adds.
  #ver = 0;
  readonly #pins = new PinSet();
  readonly #nodes = new RetireQueue();
  readonly #values = new RetireQueue();
  readonly #reclaimer: Reclaimer;
  #reclaimerOn = false;
  readonly #freeNode: (h: number) => void;
  readonly #freeValue: (i: number) => void;

  /**
   * Creates an empty tree in RCU mode (mt_init_flags with MT_FLAGS_USE_RCU).
   * @param options - allocRange, maxNodes (retired, unreclaimed nodes count against maxNodes)
   * @param core - internal: a core in RCU mode to adopt (see {@link VersionedMapleTree.from})
   */
  constructor(options: VersionedMapleTreeOptions = {}, core?: TreeCore<V>) {
    super(rcuOptions(options), undefined, core);
    // The version a retiring write is about to publish stamps what it retires.
    this.#freeNode = (h) => this.core.arena.free(h);
    this.#freeValue = (i) => this.core.values.free(i);
    this.#reclaimer = {
      retireNode: (h) => this.#nodes.push(h, this.#ver + 1),
      retireValue: (i) => this.#values.push(i, this.#ver + 1),
    };
  }

  /**
   * Builds a versioned tree from entries sorted by `first` and not overlapping,
   * bottom-up in O(n) (MapleTree.from in RCU mode); its version is 0.
   * @throws MapleError EINVAL on a bad, unsorted or overlapping entry; ENOMEM over maxNodes
   */
  static override from<V>(
    entries: Iterable<MapleEntry<V>>,
    options: VersionedMapleTreeOptions = {},
  ): VersionedMapleTree<V> {
    const built = MapleTree.from(entries, { ...options, rcu: true });
    return new VersionedMapleTree<V>(options, built.core);
  }

  /** A versioned copy with the same shape and values, at version 0 (__mt_dup). */
  override clone(): VersionedMapleTree<V> {
    return new VersionedMapleTree<V>({}, super.clone().core);
  }

  /** Advances with every completed write; version 0 is the empty new tree. */
  get version(): number {
    return this.#ver;
  }

  /** Retired nodes not yet given back to the allocator. */
  get retiredNodes(): number {
    return this.#nodes.length;
  }

  /** Snapshots held (not yet released). */
  get heldSnapshots(): number {
    return this.#pins.size;
  }

  /**
   * A snapshot of the tree as it is now, in O(1); it keeps showing this
   * version, whatever is written later, until released.
   */
  snapshot(): Snapshot<V> {
    if (!this.#reclaimerOn) {
      this.core.setReclaimer(this.#reclaimer);
      this.#reclaimerOn = true;
    }
    this.#pins.pin(this.#ver);
    return new Snapshot<V>(this, versionRoot(this.core), this.#ver);
  }

  /**
   * Gives back to the allocator every retired node and value index that no
   * held snapshot can reach (mt_free_rcu, once the grace period is over).
   * @returns the number of nodes freed
   */
  reclaim(): number {
    const limit = this.#pins.oldest(this.#ver);
    const freed = this.#nodes.drain(limit, this.#freeNode);
    this.#values.drain(limit, this.#freeValue);
    return freed;
  }

  /** @internal Called by a snapshot's release(). */
  unpinVersion(version: number): void {
    this.#pins.unpin(version);
    this.reclaim();
  }

  /** @internal Every write goes through here: the write, then a new version. */
  override write(first: number, last: number, value: V | undefined): void {
    super.write(first, last, value);
    this.#published();
  }

  /** Removes every entry (mtree_destroy); held snapshots keep theirs. */
  override clear(): void {
    super.clear();
    this.#published();
  }

  #published(): void {
    this.#ver++;
    if (this.#nodes.length > 0 || this.#values.length > 0) this.reclaim();
    if (this.#reclaimerOn && this.#pins.size === 0) {
      // Nothing is pinned, so nothing can reach what the next write replaces:
      // let the core free it at once again (switched on by the next snapshot).
      this.core.setReclaimer(null);
      this.#reclaimerOn = false;
    }
  }
}

export type { MapleSnapshot };
