/**
 * Trace events: an opt-in hook mirroring the kernel's maple tree trace points
 * (include/trace/events/maple_tree.h: `ma_op`, `ma_read`, `ma_write`).
 *
 * ```
 *   tree.trace = (e) => log.push(e);      // on
 *   tree.load(5);   ──► { kind: 'read',  fn: 'mtree_load', path: [root, ..., leaf], ... }
 *   tree.store(9);  ──► { kind: 'op',    fn: 'mas_split', ... }      (when the leaf splits)
 *                  ──► { kind: 'write', fn: 'mas_store', storeType: 'split', ... }
 *   tree.trace = null;                     // off: each call site costs one null check
 * ```
 *
 * An event is a plain object made only when a hook is installed; with no hook
 * the call sites test one field and build nothing. The hook runs
 * synchronously, before the operation changes anything (the kernel traces at
 * function entry), so `path` names nodes of the tree as it was. A hook must
 * not write to the tree it watches (that throws EBUSY).
 */

import { areaHit, emptyAreaSearch } from './area.js';
import { MAPLE_HEIGHT_MAX } from './constants.js';
import type { TreeCore } from './core.js';
import { slotMax, slotMin, slotValue, type Walker } from './walk.js';
import { WR_REBALANCE, WR_SPANNING, WR_SPLIT, wp, ws } from './write.js';

/** The kernel trace point an event stands for: ma_op, ma_read or ma_write. */
export type MapleTraceKind = 'op' | 'read' | 'write';

/** The kernel's store_type names, for write events. */
export type MapleStoreType =
  | 'store_root'
  | 'spanning_store'
  | 'exact_fit'
  | 'new_root'
  | 'rebalance'
  | 'split'
  | 'append'
  | 'slot_store'
  | 'node_store';

/** One trace event: plain data, safe to keep after the hook returns. */
export interface MapleTraceEvent<V = unknown> {
  /** Trace point: `op` (ma_op), `read` (ma_read) or `write` (ma_write). */
  readonly kind: MapleTraceKind;
  /**
   * Kernel function the event stands for: `mtree_load`, `mt_find`, `mas_walk`,
   * `mtree_erase`, `mas_store`, `mas_split`, `mas_rebalance`,
   * `mas_wr_spanning_store`, `mas_empty_area`, `mas_empty_area_rev`.
   */
  readonly fn: string;
  /**
   * Range of the operation: for reads the range found (the slot holding the
   * index, empty or not); for writes the range written (a NULL store widened
   * over its empty neighbours); for gap searches the fit found, or the
   * searched `[min, max]` when there was none.
   */
  readonly index: number;
  readonly last: number;
  /** The node the operation works on (the leaf reached), 0 when the tree has no node. */
  readonly node: number;
  /** That node's bounds. */
  readonly min: number;
  readonly max: number;
  /**
   * Node handles visited: root to `node` for walks and writes; for gap searches
   * every node the search entered, in order.
   */
  readonly path: readonly number[];
  /** Writes: the store case chosen (mas_wr_store_type); '' for other events. */
  readonly storeType: MapleStoreType | '';
  /** Reads: the value found; writes: the value stored (undefined erases). */
  readonly value: V | undefined;
  /** Gap searches: the size asked for; 0 for other events. */
  readonly size: number;
  /** Gap searches: whether a fit was found; reads: whether an entry was; writes: true. */
  readonly found: boolean;
}

/** A trace hook (see {@link MapleTraceEvent}). */
export type MapleTraceHook<V = unknown> = (event: MapleTraceEvent<V>) => void;

/** Store case code (write.ts) to kernel name. */
export const STORE_TYPE_NAMES: readonly MapleStoreType[] = [
  'store_root',
  'spanning_store',
  'exact_fit',
  'new_root',
  'rebalance',
  'split',
  'append',
  'slot_store',
  'node_store',
];

/** Events built so far, all trees (a statistic: tests check that an unhooked tree builds none). */
export const traceStats = { events: 0 };

/** Delivers `event` to the core's hook, with writes to the tree blocked while the hook runs. */
export function emitTrace<V>(core: TreeCore<V>, event: MapleTraceEvent<V>): void {
  const hook = core.trace;
  if (hook === null) return;
  traceStats.events++;
  core.inTraceHook = true;
  try {
    hook(event);
  } finally {
    core.inTraceHook = false;
  }
}

/** The node handles of a walker's path, root to leaf. */
export function walkerPath(w: Walker, depth: number = w.depth): number[] {
  const out: number[] = [];
  const top = Math.min(depth, MAPLE_HEIGHT_MAX);
  for (let d = 0; d <= top; d++) out.push(w.node[d] as number);
  return out;
}

/** Builds and emits a read (or `kind`) event for a walker standing on the slot found. */
export function traceWalkerRead<V>(
  core: TreeCore<V>,
  fn: string,
  w: Walker,
  kind: MapleTraceKind = 'read',
): void {
  const d = w.depth;
  const v = slotValue(core, w);
  emitTrace(core, {
    kind,
    fn,
    index: slotMin(core, w),
    last: slotMax(core, w),
    node: w.node[d] as number,
    min: w.min[d] as number,
    max: w.max[d] as number,
    path: walkerPath(w),
    storeType: '',
    value: core.values.get(v),
    size: 0,
    found: v !== 0,
  });
}

/** Read event for a tree with no node: the virtual root slot holding `index`. */
export function traceRootRead<V>(core: TreeCore<V>, fn: string, index: number, maxIndex: number): void {
  const atRoot = index === 0 && core.rootValue !== 0;
  emitTrace(core, {
    kind: 'read',
    fn,
    index: atRoot ? 0 : core.rootValue !== 0 ? 1 : 0,
    last: atRoot ? 0 : maxIndex,
    node: 0,
    min: 0,
    max: maxIndex,
    path: [],
    storeType: '',
    value: atRoot ? core.values.get(core.rootValue) : undefined,
    size: 0,
    found: atRoot,
  });
}

/**
 * Emits the events of a classified store (write.ts `ws`/`wp` hold its walk):
 * `ma_op` for a split, rebalance or spanning store, then `ma_write`.
 */
export function traceWrite<V>(core: TreeCore<V>, value: V | undefined): void {
  const type = ws.storeType;
  const rooted = core.root !== 0;
  const d = wp.depth;
  const node = rooted ? (wp.node[d] as number) : 0;
  const min = rooted ? (wp.min[d] as number) : 0;
  const max = rooted ? (wp.max[d] as number) : 0;
  const path = rooted ? walkerPath(wp, d) : [];
  const op = type === WR_SPLIT ? 'mas_split' : type === WR_REBALANCE ? 'mas_rebalance' : '';
  const fn = type === WR_SPANNING ? 'mas_wr_spanning_store' : op;
  if (fn !== '') {
    emitTrace(core, {
      kind: 'op',
      fn,
      index: ws.index,
      last: ws.last,
      node,
      min,
      max,
      path,
      storeType: STORE_TYPE_NAMES[type] ?? 'node_store',
      value,
      size: 0,
      found: true,
    });
  }
  emitTrace(core, {
    kind: 'write',
    fn: 'mas_store',
    index: ws.index,
    last: ws.last,
    node,
    min,
    max,
    path: path.slice(),
    storeType: STORE_TYPE_NAMES[type] ?? 'node_store',
    value,
    size: 0,
    found: true,
  });
}

/** An empty-area search, traced when the tree has a hook (the tree's and the cursor's). */
export function areaSearch<V>(
  core: TreeCore<V>,
  min: number,
  max: number,
  size: number,
  rev: boolean,
): number | undefined {
  if (core.trace === null) return emptyAreaSearch(core, min, max, size, rev);
  return tracedAreaSearch(core, min, max, size, rev);
}

/**
 * An empty-area search that records the nodes it enters and emits them as an
 * `ma_op` event (mas_empty_area / mas_empty_area_rev).
 * @returns what {@link emptyAreaSearch} returns
 */
export function tracedAreaSearch<V>(
  core: TreeCore<V>,
  min: number,
  max: number,
  size: number,
  rev: boolean,
): number | undefined {
  const visited: number[] = [];
  areaHit.node = 0;
  const start = emptyAreaSearch(core, min, max, size, rev, visited);
  const found = start !== undefined;
  const hit = found && visited.length > 0;
  emitTrace(core, {
    kind: 'op',
    fn: rev ? 'mas_empty_area_rev' : 'mas_empty_area',
    index: found ? start : min,
    last: found ? start + size - 1 : max,
    node: hit ? areaHit.node : 0,
    min: hit ? areaHit.min : 0,
    max: hit ? areaHit.max : 0,
    path: visited,
    storeType: '',
    value: undefined,
    size,
    found,
  });
  return start;
}
