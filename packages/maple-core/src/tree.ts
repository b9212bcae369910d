/**
 * The public tree: `MapleTree<V>` (the kernel's normal API, mtree_*), its
 * argument checks, and the bookkeeping around each write (node budget, value
 * references, sequence number).
 *
 * Every method that changes the tree first checks its arguments and the node
 * budget, so a call that throws leaves the tree exactly as it was.
 */

import { accountLeaf, accountOverlap } from './account.js';
import type { NodeArena } from './arena.js';
import { bulkBuild } from './bulk.js';
import { LEAF_64, SLOT_STRIDE } from './constants.js';
import { TreeCore } from './core.js';
import { dumpTree } from './dump.js';
import { checkArea, checkIndex, checkRange, MAPLE_MAX, MapleError } from './errors.js';
import { inspectCore, type MapleNodeInfo } from './inspect.js';
import { EntryIterator, forEachEntry } from './iterate.js';
import { innerPivot } from './pivots.js';
import { MapleState } from './state.js';
import { executeStore } from './store.js';
import { areaSearch, type MapleTraceHook, traceRootRead, traceWalkerRead, traceWrite } from './trace.js';
import { validateTree } from './validate.js';
import {
  descend,
  lookup,
  lookupHit,
  lookupSlot,
  nextSlot,
  prevSlot,
  slotMax,
  slotMin,
  slotValue,
  Walker,
} from './walk.js';
import { classifyStore, newRoot, nodesNeeded, WR_SPANNING, ws } from './write.js';

/** Options for a new tree (the kernel's mt_init_flags). */
export interface MapleTreeOptions {
  /** MT_FLAGS_ALLOC_RANGE: track gaps in 10-way internal nodes; enables allocRange*. */
  allocRange?: boolean;
  /** MT_FLAGS_USE_RCU: copy-on-write writes; replaced nodes are retired, not reused at once. */
  rcu?: boolean;
  /** Cap on arena nodes; a store that could need more throws ENOMEM and changes nothing. */
  maxNodes?: number;
  /**
   * Keep pivots in 32-bit words while every key stays below 2^31 - 1 (default
   * true): half the memory for the node's range ends. The first larger key
   * turns them into 64-bit words, for good and at once. Set false for a tree
   * whose keys are large from the start (it then never has the 32-bit form).
   */
  compactPivots?: boolean;
}

/** One stored range and its value. */
export interface MapleEntry<V> {
  readonly first: number;
  readonly last: number;
  readonly value: V;
}

/** Reader walker shared by the one-shot queries (find/next/prev/erase). */
const rw = new Walker();
/** Walker that records the path of a traced read. */
const tw = new Walker();

function checkOptions(options: MapleTreeOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new MapleError('EINVAL', 'options must be an object');
  const { allocRange, rcu, maxNodes, compactPivots } = options;
  if (allocRange !== undefined && typeof allocRange !== 'boolean') {
    throw new MapleError('EINVAL', `allocRange must be a boolean, got ${String(allocRange)}`);
  }
  if (rcu !== undefined && typeof rcu !== 'boolean') {
    throw new MapleError('EINVAL', `rcu must be a boolean, got ${String(rcu)}`);
  }
  if (compactPivots !== undefined && typeof compactPivots !== 'boolean') {
    throw new MapleError('EINVAL', `compactPivots must be a boolean, got ${String(compactPivots)}`);
  }
  // Infinity is the default: no cap.
  if (
    maxNodes !== undefined &&
    maxNodes !== Number.POSITIVE_INFINITY &&
    (typeof maxNodes !== 'number' || !(maxNodes >= 0) || !Number.isInteger(maxNodes))
  ) {
    throw new MapleError(
      'EINVAL',
      `maxNodes must be a non-negative integer or Infinity, got ${String(maxNodes)}`,
    );
  }
}

/** A maple tree: non-overlapping inclusive ranges `[first, last]` of integers in `[0, MAPLE_MAX]`. */
export class MapleTree<V> implements Iterable<MapleEntry<V>> {
  /** @internal The tree's storage; for the sibling packages (rcu, testing), not for users. */
  readonly core: TreeCore<V>;

  /**
   * Creates an empty tree (mt_init_flags).
   * @param options - allocRange, rcu, maxNodes
   * @param arena - internal: a node arena to build in (e.g. one on SharedArrayBuffers); it must
   *   be empty and made with `gaps` equal to `allocRange`
   * @param core - internal: an existing core to wrap (e.g. a read-only view of one version of
   *   another tree, for RCU snapshots); `options` and `arena` are then not used
   */
  constructor(options: MapleTreeOptions = {}, arena?: NodeArena, core?: TreeCore<V>) {
    if (core !== undefined) {
      this.core = core;
      return;
    }
    checkOptions(options);
    if (arena && (arena.live !== 0 || arena.hasGaps !== (options.allocRange === true))) {
      throw new MapleError('EINVAL', 'the arena must be empty, with gaps exactly when allocRange is set');
    }
    this.core = new TreeCore<V>(
      {
        allocRange: options.allocRange === true,
        rcu: options.rcu === true,
        maxNodes: options.maxNodes ?? Number.POSITIVE_INFINITY,
        compactPivots: options.compactPivots !== false,
      },
      arena,
    );
  }

  /**
   * Builds a tree from entries sorted by `first` and not overlapping, bottom-up
   * in O(n) (see bulk.ts; the shape differs from one store per entry).
   * @throws MapleError EINVAL on a bad, unsorted or overlapping entry; ENOMEM over maxNodes (nothing is built)
   */
  static from<V>(entries: Iterable<MapleEntry<V>>, options: MapleTreeOptions = {}): MapleTree<V> {
    if (typeof (entries as Partial<Iterable<unknown>> | null)?.[Symbol.iterator] !== 'function') {
      throw new MapleError('EINVAL', 'entries must be an iterable of { first, last, value }');
    }
    const list: readonly MapleEntry<V>[] = Array.isArray(entries)
      ? (entries as readonly MapleEntry<V>[])
      : Array.from(entries);
    const tree = new MapleTree<V>(options);
    bulkBuild(tree.core, list);
    return tree;
  }

  /** The value stored at `index`, or undefined. Mirrors mtree_load(). */
  load(index: number): V | undefined {
    checkIndex(index, 'index');
    const core = this.core;
    if (core.trace !== null) traceRead(core, 'mtree_load', index);
    return core.values.get(lookup(core, index));
  }

  /** Stores `value` at the single index `index` (undefined erases). Mirrors mtree_store(). */
  store(index: number, value: V | undefined): void {
    checkIndex(index, 'index');
    this.write(index, index, value);
  }

  /** Stores `value` over `[first, last]`, overwriting whatever was there. Mirrors mtree_store_range(). */
  storeRange(first: number, last: number, value: V | undefined): void {
    checkRange(first, last);
    this.write(first, last, value);
  }

  /** Stores `value` at `index` only if nothing is there. Mirrors mtree_insert(). @returns false on -EEXIST */
  insert(index: number, value: V): boolean {
    return this.insertRange(index, index, value);
  }

  /**
   * Stores `value` over `[first, last]` only if the whole range is empty.
   * Mirrors mtree_insert_range().
   * @returns false (tree unchanged) when any index in the range is occupied (-EEXIST)
   */
  insertRange(first: number, last: number, value: V): boolean {
    checkRange(first, last);
    if (value === undefined) throw new MapleError('EINVAL', 'cannot insert undefined');
    if (this.findIndex(first, last) !== 0) return false;
    this.write(first, last, value);
    return true;
  }

  /**
   * Erases the whole range holding `index`. Mirrors mtree_erase().
   * @returns the value that was there
   */
  erase(index: number): V | undefined {
    checkIndex(index, 'index');
    const core = this.core;
    if (core.root === 0) {
      if (index !== 0 || core.rootValue === 0) return undefined;
      const v = core.values.get(core.rootValue);
      this.write(0, 0, undefined);
      return v;
    }
    descend(core, rw, core.root, index);
    if (core.trace !== null) traceWalkerRead(core, 'mtree_erase', rw, 'op');
    const idx = slotValue(core, rw);
    if (idx === 0) return undefined;
    const v = core.values.get(idx);
    this.write(slotMin(core, rw), slotMax(core, rw), undefined);
    return v;
  }

  /**
   * The first entry overlapping `[index, max]`. Mirrors mt_find().
   */
  find(index: number, max: number = MAPLE_MAX): MapleEntry<V> | undefined {
    checkRange(index, max);
    const core = this.core;
    if (core.trace === null && core.root !== 0) {
      // The common case without a recorded path: the slot holding `index`, or the
      // one after it in the same leaf (two empty slots never sit side by side).
      const v = lookupSlot(core, index);
      const hit = lookupHit;
      if (v !== 0) return { first: hit.lo, last: hit.hi, value: core.values.get(v) as V };
      if (hit.hi >= max) return undefined;
      const h = hit.node;
      const off = hit.off + 1;
      const end = core.arena.end[h] as number;
      if (off <= end) {
        const next = core.arena.slots[h * SLOT_STRIDE + off] as number;
        const last = off < end ? innerPivot(core.arena, h, off) : hit.max;
        if (next !== 0) return { first: hit.hi + 1, last, value: core.values.get(next) as V };
      }
    }
    if (this.findIndex(index, max) === 0) {
      if (core.trace !== null) traceRead(core, 'mt_find', index);
      return undefined;
    }
    if (core.trace !== null) {
      if (core.root === 0) traceRootRead(core, 'mt_find', 0, MAPLE_MAX);
      else traceWalkerRead(core, 'mt_find', rw);
    }
    if (core.root === 0) return { first: 0, last: 0, value: core.values.get(core.rootValue) as V };
    return this.entryAt(rw);
  }

  /** The first entry after the range holding `index`, starting at most at `max`. Mirrors mt_next(). */
  next(index: number, max: number = MAPLE_MAX): MapleEntry<V> | undefined {
    checkIndex(index, 'index');
    checkIndex(max, 'max');
    const core = this.core;
    if (core.root === 0) return undefined;
    descend(core, rw, core.root, index);
    while (nextSlot(core, rw)) {
      if (slotMin(core, rw) > max) return undefined;
      if (slotValue(core, rw) !== 0) return this.entryAt(rw);
    }
    return undefined;
  }

  /** The last entry before the range holding `index`, ending at least at `min`. Mirrors mt_prev(). */
  prev(index: number, min = 0): MapleEntry<V> | undefined {
    checkIndex(index, 'index');
    checkIndex(min, 'min');
    const core = this.core;
    if (core.root === 0) {
      if (index > 0 && core.rootValue !== 0 && min === 0)
        return { first: 0, last: 0, value: core.values.get(core.rootValue) as V };
      return undefined;
    }
    descend(core, rw, core.root, index);
    while (prevSlot(core, rw)) {
      if (slotMax(core, rw) < min) return undefined;
      if (slotValue(core, rw) !== 0) return this.entryAt(rw);
    }
    return undefined;
  }

  /**
   * Iterates the entries overlapping `[first, last]` in order. Mirrors mt_for_each().
   * Each step returns a new result and entry; {@link forEach} allocates nothing.
   */
  entries(first = 0, last: number = MAPLE_MAX): IterableIterator<MapleEntry<V>> {
    checkRange(first, last);
    return new EntryIterator(this.core, first, last);
  }

  /**
   * Calls `fn(value, first, last)` for each entry overlapping `[first, last]`,
   * in order, stepping along leaf slots without allocating: the fastest full
   * scan. `fn` may write the tree; the scan then goes on after the range it
   * was given. Mirrors mt_for_each().
   */
  forEach(fn: (value: V, first: number, last: number) => void, first = 0, last: number = MAPLE_MAX): void {
    if (typeof fn !== 'function') throw new MapleError('EINVAL', 'forEach needs a callback function');
    checkRange(first, last);
    forEachEntry(this.core, first, last, fn);
  }

  [Symbol.iterator](): IterableIterator<MapleEntry<V>> {
    return this.entries();
  }

  /**
   * Lowest start of an empty run of `size` indices inside `[min, max]`. Mirrors mas_empty_area().
   * @returns the start, or undefined when there is none (-EBUSY)
   * @throws MapleError EINVAL for min > max, size < 1 or size > max - min + 1
   */
  emptyArea(min: number, max: number, size: number): number | undefined {
    checkArea(min, max, size);
    return areaSearch(this.core, min, max, size, false);
  }

  /** Highest start of an empty run of `size` indices inside `[min, max]`. Mirrors mas_empty_area_rev(). */
  emptyAreaRev(min: number, max: number, size: number): number | undefined {
    checkArea(min, max, size);
    return areaSearch(this.core, min, max, size, true);
  }

  /**
   * Stores `value` in the lowest empty run of `size` indices in `[min, max]`.
   * Mirrors mtree_alloc_range() (6.12: max inclusive).
   * @returns the start index, or undefined when there is no room (-EBUSY)
   * @throws MapleError EINVAL on a tree without allocRange, or bad arguments
   */
  allocRange(value: V, size: number, min: number, max: number): number | undefined {
    return this.alloc(value, size, min, max, false);
  }

  /** Stores `value` in the highest empty run of `size` indices in `[min, max]`. Mirrors mtree_alloc_rrange(). */
  allocRangeRev(value: V, size: number, min: number, max: number): number | undefined {
    return this.alloc(value, size, min, max, true);
  }

  /** A cursor on this tree over `[first, last]` (MA_STATE). */
  state(first = 0, last: number = first): MapleState<V> {
    checkRange(first, last);
    return new MapleState<V>(this, first, last);
  }

  /**
   * A copy of the tree with the same shape and values (__mt_dup): the node
   * arena is copied whole (or node by node while retired nodes await
   * reclamation), never entry by entry. Values are shared, not deep-copied.
   */
  clone(): MapleTree<V> {
    const core = this.core;
    const copy = new MapleTree<V>({ allocRange: core.alloc, rcu: core.rcu });
    copy.core.maxNodes = core.maxNodes;
    copyTreeInto(core, copy.core);
    return copy;
  }

  /** Removes every entry and node. Mirrors mtree_destroy(). */
  clear(): void {
    const core = this.core;
    accountOverlap(core, 0, MAPLE_MAX);
    newRoot(core, 0);
    core.finishWrite();
  }

  /**
   * True when no entry is stored. Mirrors mtree_empty(), except that a tree
   * reduced to a leaf holding one empty range (which the kernel still calls
   * non-empty) counts as empty here.
   */
  get isEmpty(): boolean {
    return this.core.count === 0;
  }

  /** Number of stored (non-empty) ranges. */
  get size(): number {
    return this.core.count;
  }

  /** mt_height: 0 for an empty tree or a lone entry in the root, 1 for one leaf, ... */
  get height(): number {
    return this.core.height;
  }

  /** Nodes in the tree (not free-listed, not retired). */
  get nodeCount(): number {
    return this.core.arena.live - this.core.arena.retiredCount;
  }

  /**
   * The trace hook: called with a plain {@link MapleTraceEvent} at each of the
   * kernel's trace points (ma_read for load/find/erase, ma_op for split,
   * rebalance, spanning store and gap searches, ma_write for every store), before
   * the operation changes anything; null (the default) turns tracing off.
   * The hook must not write to this tree (EBUSY).
   */
  get trace(): MapleTraceHook<V> | null {
    return this.core.trace;
  }

  set trace(hook: MapleTraceHook<V> | null) {
    if (hook !== null && typeof hook !== 'function') {
      throw new MapleError('EINVAL', 'trace must be a function or null');
    }
    this.core.trace = hook;
  }

  /** Every node, root first then depth first, as read-only records: see {@link inspectNodes}. */
  nodes(): IterableIterator<MapleNodeInfo<V>> {
    return inspectCore(this.core);
  }

  /** Checks every invariant. Mirrors mt_validate(). @throws MapleError EINVAL naming the node and the broken rule */
  validate(): void {
    validateTree(this.core);
  }

  /** A readable, indented picture of the tree. Mirrors mt_dump(). */
  dump(): string {
    return dumpTree(this.core);
  }

  /** @internal The write every mutator goes through: budget check, value accounting, store, retire. */
  write(first: number, last: number, value: V | undefined): void {
    const core = this.core;
    if (core.inTraceHook) throw new MapleError('EBUSY', 'a trace hook cannot write to the tree it traces');
    const isNull = value === undefined;
    classifyStore(core, first, last, isNull);
    const need = nodesNeeded(core, isNull ? 0 : 1);
    if (need > 0) {
      const arena = core.arena;
      if (arena.live + need > core.maxNodes) {
        throw new MapleError(
          'ENOMEM',
          `store of [${first}, ${last}] may need ${need} nodes; ${arena.live} of ${core.maxNodes} in use`,
        );
      }
      if (arena.isFixed && need > arena.headroom) {
        throw new MapleError(
          'ENOMEM',
          `store of [${first}, ${last}] may need ${need} nodes; arena has room for ${arena.headroom}`,
        );
      }
    }
    if (core.trace !== null) traceWrite(core, value);
    const values = core.values;
    const inLeaf = ws.storeType !== WR_SPANNING && core.root !== 0;
    // Storing the value that the first or last range it touches already holds
    // (a range that grows up or down: brk, a VMA merge) keeps that index: one
    // more reference, taken before the accounting below drops the old one.
    // Object.is, not ===: 0 and -0 are different values to keep (NaN the same).
    let entry = 0;
    if (!isNull && inLeaf) {
      const lastContent = core.arena.slots[ws.node * SLOT_STRIDE + ws.offsetEnd] as number;
      if (ws.content !== 0 && Object.is(values.get(ws.content), value)) entry = ws.content;
      else if (lastContent !== 0 && Object.is(values.get(lastContent), value)) entry = lastContent;
      if (entry !== 0) values.ref(entry);
    }
    if (inLeaf) accountLeaf(core, first, last);
    else accountOverlap(core, first, last);
    if (!isNull) {
      if (entry === 0) entry = values.add(value);
      core.count++;
    }
    executeStore(core, entry);
    core.finishWrite();
  }

  /** Value index of the first entry in `[first, last]` (0 when none); leaves `rw` on it. */
  private findIndex(first: number, last: number): number {
    const core = this.core;
    if (core.root === 0) return first === 0 ? core.rootValue : 0;
    descend(core, rw, core.root, first);
    while (true) {
      const v = slotValue(core, rw);
      if (v !== 0) return v;
      if (slotMax(core, rw) >= last || !nextSlot(core, rw)) return 0;
      if (slotMin(core, rw) > last) return 0;
    }
  }

  private entryAt(w: Walker): MapleEntry<V> {
    const core = this.core;
    return {
      first: slotMin(core, w),
      last: slotMax(core, w),
      value: core.values.get(slotValue(core, w)) as V,
    };
  }

  private alloc(value: V, size: number, min: number, max: number, rev: boolean): number | undefined {
    if (!this.core.alloc)
      throw new MapleError('EINVAL', 'allocRange needs a tree made with { allocRange: true }');
    checkArea(min, max, size);
    if (value === undefined) throw new MapleError('EINVAL', 'cannot allocate a range for undefined');
    const start = areaSearch(this.core, min, max, size, rev);
    if (start === undefined) return undefined;
    this.write(start, start + size - 1, value);
    return start;
  }
}

/**
 * Copies `src`'s nodes and values into the empty core `dst` (__mt_dup). When
 * nothing is waiting for reclamation, the arena and the value store are copied
 * whole (same handles, same value indices: a few typed-array copies);
 * otherwise node by node from the root, skipping retired nodes and values.
 */
function copyTreeInto<V>(src: TreeCore<V>, dst: TreeCore<V>): void {
  dst.height = src.height;
  dst.count = src.count;
  if (
    src.arena.retiredCount === 0 &&
    src.values.onRetire === null &&
    !dst.arena.isFixed &&
    dst.arena.hasGaps === src.arena.hasGaps
  ) {
    dst.arena.copyFrom(src.arena);
    dst.values.copyFrom(src.values);
    dst.root = src.root;
    dst.rootValue = src.rootValue;
    return;
  }
  if (src.root === 0) {
    if (src.rootValue !== 0) dst.rootValue = dst.values.add(src.values.get(src.rootValue) as V);
    return;
  }
  const sa = src.arena;
  const da = dst.arena;
  const stack: number[] = [src.root, 0, 0];
  while (stack.length > 0) {
    const slot = stack.pop() as number;
    const parent = stack.pop() as number;
    const h = stack.pop() as number;
    const n = da.alloc(sa.type[h] as number);
    da.copyNodeFrom(sa, n, h);
    da.parent[n] = parent;
    da.parentSlot[n] = slot;
    if (parent === 0) dst.root = n;
    else da.slots[parent * SLOT_STRIDE + slot] = n;
    const end = sa.end[h] as number;
    if (sa.type[h] === LEAF_64) {
      for (let i = 0; i <= end; i++) {
        const v = sa.slots[h * SLOT_STRIDE + i] as number;
        if (v !== 0) da.slots[n * SLOT_STRIDE + i] = dst.values.add(src.values.get(v) as V);
      }
    } else {
      for (let i = end; i >= 0; i--) stack.push(sa.slots[h * SLOT_STRIDE + i] as number, n, i);
    }
  }
}

/** Read event for a lookup of `index`: walks again with a recording walker (only when tracing). */
function traceRead<V>(core: TreeCore<V>, fn: string, index: number): void {
  if (core.root === 0) {
    traceRootRead(core, fn, index, MAPLE_MAX);
    return;
  }
  descend(core, tw, core.root, index);
  traceWalkerRead(core, fn, tw);
}
