/**
 * Snapshots of a {@link VersionedMapleTree}: one version, readable for as long
 * as it is held.
 *
 * A snapshot is O(1): it records the version's root (node handle, the entry
 * kept in the root when there is no node, height, entry count) and, on first
 * use, wraps it in a read-only {@link MapleTree} view that shares the live
 * tree's node arena and value store. Copy-on-write writes never change a node a version can reach,
 * and the owner does not free retired nodes while a snapshot that can reach
 * them is held, so every answer is the version's answer.
 *
 * ```
 *   tree.core.root ──► new root ─┬─► copied path ─► new leaf
 *                                └─► shared subtrees ◄─┐
 *   snapshot.view.root ─► old root (dead) ─────────────┘ and its retired path
 * ```
 *
 * Using a released snapshot (or a cursor or iterator made from it) throws
 * MapleError('EINVAL').
 */

import { MAPLE_MAX, type MapleEntry, MapleError, type MapleState, MapleTree } from '@maple-tree/core';
import { dumpTree, TreeCore } from '@maple-tree/core/internal';

/** One version of a tree, readable until released. */
export interface MapleSnapshot<V> extends Iterable<MapleEntry<V>>, Disposable {
  /** The version it shows. */
  readonly version: number;
  /** The value at `index` in this version. Mirrors mtree_load(). */
  load(index: number): V | undefined;
  /** The first entry overlapping `[index, max]`. Mirrors mt_find(). */
  find(index: number, max?: number): MapleEntry<V> | undefined;
  /** The entries overlapping `[first, last]`, in order. Mirrors mt_for_each(). */
  entries(first?: number, last?: number): IterableIterator<MapleEntry<V>>;
  /** Ends the snapshot: its nodes may be reclaimed. Same as `[Symbol.dispose]`. */
  release(): void;
}

/** What a snapshot needs from the tree that made it. */
export interface SnapshotOwner {
  /** Drops the pin of `version`; may reclaim nodes. */
  unpinVersion(version: number): void;
}

/** A MapleTree over a frozen core: reads work, every write throws. */
class ReadOnlyView<V> extends MapleTree<V> {
  override write(): void {
    throw new MapleError('EINVAL', 'a snapshot is read-only');
  }

  override clear(): void {
    throw new MapleError('EINVAL', 'a snapshot is read-only');
  }
}

/** The root fields of one version of a core: all a snapshot needs to read it later. */
export interface VersionRoot<V> {
  readonly src: TreeCore<V>;
  readonly root: number;
  readonly rootValue: number;
  readonly height: number;
  readonly count: number;
  readonly seq: number;
  /** Nodes of this version (the arena's live nodes that are not retired, when it was recorded). */
  readonly nodes: number;
}

/** Records `src`'s current version (its root fields), in O(1). */
export function versionRoot<V>(src: TreeCore<V>): VersionRoot<V> {
  return {
    src,
    root: src.root,
    rootValue: src.rootValue,
    height: src.height,
    count: src.count,
    seq: src.seq,
    nodes: src.arena.live - src.arena.retiredCount,
  };
}

/** A read-only MapleTree over the recorded version: shares the arena and values, O(1). */
export function viewOf<V>(v: VersionRoot<V>): MapleTree<V> {
  const src = v.src;
  const core = new TreeCore<V>(
    { allocRange: src.alloc, rcu: true, maxNodes: src.maxNodes },
    src.arena,
    src.values,
  );
  core.root = v.root;
  core.rootValue = v.rootValue;
  core.height = v.height;
  core.count = v.count;
  core.seq = v.seq;
  return new ReadOnlyView<V>({}, undefined, core);
}

/** The snapshot returned by `VersionedMapleTree.snapshot()`. */
export class Snapshot<V> implements MapleSnapshot<V> {
  readonly version: number;
  /** The version's root, until released. */
  private at: VersionRoot<V> | null;
  /** The read-only view, made on first use. */
  private view: MapleTree<V> | null = null;
  private owner: SnapshotOwner | null;

  /** @internal Use `tree.snapshot()`. */
  constructor(owner: SnapshotOwner, at: VersionRoot<V>, version: number) {
    this.owner = owner;
    this.at = at;
    this.version = version;
  }

  /** True once released. */
  get released(): boolean {
    return this.at === null;
  }

  /** Number of entries in this version. */
  get size(): number {
    return this.live().size;
  }

  /** Height of this version's tree (mt_height): 0 empty or a lone root entry, 1 a lone leaf, ... */
  get height(): number {
    return this.live().height;
  }

  /** Nodes in this version's tree (its nodeCount when the snapshot was taken). */
  get nodeCount(): number {
    this.live();
    return (this.at as VersionRoot<V>).nodes;
  }

  /** The value at `index` in this version. Mirrors mtree_load(). */
  load(index: number): V | undefined {
    return this.live().load(index);
  }

  /** The first entry overlapping `[index, max]` in this version. Mirrors mt_find(). */
  find(index: number, max: number = MAPLE_MAX): MapleEntry<V> | undefined {
    return this.live().find(index, max);
  }

  /** The first entry after the range holding `index`. Mirrors mt_next(). */
  next(index: number, max: number = MAPLE_MAX): MapleEntry<V> | undefined {
    return this.live().next(index, max);
  }

  /** The last entry before the range holding `index`. Mirrors mt_prev(). */
  prev(index: number, min = 0): MapleEntry<V> | undefined {
    return this.live().prev(index, min);
  }

  /** The entries of this version overlapping `[first, last]`, in order. Mirrors mt_for_each(). */
  entries(first = 0, last: number = MAPLE_MAX): IterableIterator<MapleEntry<V>> {
    return new GuardedIterator(this, this.live().entries(first, last));
  }

  [Symbol.iterator](): IterableIterator<MapleEntry<V>> {
    return this.entries();
  }

  /**
   * A read-only cursor over this version (MA_STATE on the snapshot's root).
   * @param first - start of the range (mas.index)
   * @param last - end of the range (mas.last), default `first`
   */
  cursor(first = 0, last: number = first): SnapshotCursor<V> {
    return new SnapshotCursor(this, this.live().state(first, last));
  }

  /**
   * A readable picture of this version, the same for as long as the snapshot
   * is held: the tree's dump when the snapshot was taken. Mirrors mt_dump().
   * The view shares the live tree's arena, so the header takes the version's
   * own node count and nodes later writes retired are not marked DEAD.
   */
  dump(): string {
    return dumpTree(this.live().core, { nodes: this.nodeCount, markDead: false });
  }

  /** Ends the snapshot; its version's nodes may be reclaimed. Releasing twice is a no-op. */
  release(): void {
    const owner = this.owner;
    if (owner === null) return;
    this.owner = null;
    this.at = null;
    this.view = null;
    owner.unpinVersion(this.version);
  }

  [Symbol.dispose](): void {
    this.release();
  }

  /** @internal The view, or a clear error once released. */
  live(): MapleTree<V> {
    const at = this.at;
    if (at === null) {
      throw new MapleError('EINVAL', `the snapshot of version ${this.version} was released`);
    }
    if (this.view === null) this.view = viewOf(at);
    return this.view;
  }
}

/** An entry iterator that stops working (throws) once its snapshot is released. */
class GuardedIterator<V> implements IterableIterator<MapleEntry<V>> {
  constructor(
    private readonly snap: Snapshot<V>,
    private readonly inner: IterableIterator<MapleEntry<V>>,
  ) {}

  next(): IteratorResult<MapleEntry<V>> {
    this.snap.live();
    return this.inner.next();
  }

  [Symbol.iterator](): IterableIterator<MapleEntry<V>> {
    return this;
  }
}

/**
 * A read-only cursor over one snapshot: the reading half of `MapleState`
 * (the kernel's ma_state), with the same answers and `index`/`last` meaning.
 */
export class SnapshotCursor<V> {
  constructor(
    private readonly snap: Snapshot<V>,
    private readonly mas: MapleState<V>,
  ) {}

  /** First index of the range of the last answer. */
  get index(): number {
    return this.mas.index;
  }

  set index(value: number) {
    this.mas.index = value;
  }

  /** Last index of the range of the last answer. */
  get last(): number {
    return this.mas.last;
  }

  set last(value: number) {
    this.mas.last = value;
  }

  /** Mirrors mas_walk(). */
  walk(): V | undefined {
    this.snap.live();
    return this.mas.walk();
  }

  /** Mirrors mas_find(). */
  find(max: number): V | undefined {
    this.snap.live();
    return this.mas.find(max);
  }

  /** Mirrors mas_find_rev(). */
  findRev(min: number): V | undefined {
    this.snap.live();
    return this.mas.findRev(min);
  }

  /** Mirrors mas_next(). */
  next(max: number): V | undefined {
    this.snap.live();
    return this.mas.next(max);
  }

  /** Mirrors mas_prev(). */
  prev(min: number): V | undefined {
    this.snap.live();
    return this.mas.prev(min);
  }

  /** Mirrors mas_next_range(). */
  nextRange(max: number): V | undefined {
    this.snap.live();
    return this.mas.nextRange(max);
  }

  /** Mirrors mas_prev_range(). */
  prevRange(min: number): V | undefined {
    this.snap.live();
    return this.mas.prevRange(min);
  }

  /** Mirrors mas_empty_area(). */
  emptyArea(min: number, max: number, size: number): boolean {
    this.snap.live();
    return this.mas.emptyArea(min, max, size);
  }

  /** Mirrors mas_empty_area_rev(). */
  emptyAreaRev(min: number, max: number, size: number): boolean {
    this.snap.live();
    return this.mas.emptyAreaRev(min, max, size);
  }

  /** Mirrors mas_set(). */
  set(index: number): this {
    this.mas.set(index);
    return this;
  }

  /** Mirrors mas_set_range(). */
  setRange(first: number, last: number): this {
    this.mas.setRange(first, last);
    return this;
  }

  /** Mirrors mas_reset(). */
  reset(): this {
    this.mas.reset();
    return this;
  }

  /** Mirrors mas_pause(). */
  pause(): this {
    this.mas.pause();
    return this;
  }
}
