/**
 * The state of one tree, shared by the write path, the readers and the
 * public class: the arena, the value store, the root and the flags.
 *
 * The root is one of: nothing (empty tree), a single entry for index 0 kept in
 * the root itself (`rootValue`, height 0, no node: the kernel's root pointer),
 * or a node handle (`root`).
 */

import { NodeArena } from './arena.js';
import { ARANGE_64, RANGE_64 } from './constants.js';
import type { MapleTraceHook } from './trace.js';
import { ValueStore } from './values.js';

/** Receives what a write retires (RCU mode): node handles and value indices. */
export interface Reclaimer {
  retireNode(handle: number): void;
  retireValue(index: number): void;
}

/** Construction flags for a {@link TreeCore}. */
export interface CoreFlags {
  allocRange: boolean;
  rcu: boolean;
  maxNodes: number;
  /** 32-bit pivots while the keys allow (default true; see MapleTreeOptions.compactPivots). */
  compactPivots?: boolean;
}

/** Entries the retire queue keeps between writes; a longer queue is dropped when its write ends. */
const RETIRE_KEEP = 1024;

/** One tree's storage and bookkeeping. */
export class TreeCore<V> {
  readonly arena: NodeArena;
  readonly values: ValueStore<V>;
  /** Root node handle, 0 when the tree has no node. */
  root = 0;
  /** Value index of the entry at index 0 kept in the root (height 0), 0 when none. */
  rootValue = 0;
  /** mt_height. */
  height = 0;
  /** MT_FLAGS_ALLOC_RANGE: gap tracking. */
  readonly alloc: boolean;
  /** MT_FLAGS_USE_RCU: copy-on-write writes. */
  rcu: boolean;
  /** Cap on live nodes (Infinity when none). */
  maxNodes: number;
  /** Advances with every write; cursors and iterators compare it to know they must re-walk. */
  seq = 0;
  /**
   * The write walk whose path (the module's `wp`) ends on a leaf of this
   * tree and is still valid, -1 for none (see classifyStore).
   */
  pathWalk = -1;
  /** Number of non-empty ranges stored. */
  count = 0;
  /** Internal node type of this tree: arange_64 with gap tracking, range_64 without. */
  readonly internalType: number;
  /**
   * Nodes removed by the write in progress (the first {@link retiredCount});
   * retired or freed when it ends. The array is kept between writes
   * (setting its length to 0 drops its backing store, and the next write
   * that retires a node would allocate a new one), unless a write queued
   * more than RETIRE_KEEP nodes.
   */
  readonly retired: number[] = [];
  /** Number of entries of {@link retired} that the write in progress queued. */
  retiredCount = 0;
  /** Trace hook (trace.ts); null when tracing is off, which every call site tests first. */
  trace: MapleTraceHook<V> | null = null;
  /** True while the trace hook runs: writes are refused then. */
  inTraceHook = false;

  /**
   * @param flags - allocRange, rcu, maxNodes
   * @param arena - the node arena to use (default: a new one)
   * @param values - a value store to share (default: a new one); a read-only view of another
   *   core's version (RCU snapshots) shares both
   */
  constructor(flags: CoreFlags, arena?: NodeArena, values?: ValueStore<V>) {
    this.alloc = flags.allocRange;
    this.rcu = flags.rcu;
    this.maxNodes = flags.maxNodes;
    this.internalType = flags.allocRange ? ARANGE_64 : RANGE_64;
    this.arena = arena ?? new NodeArena({ gaps: flags.allocRange, wide: flags.compactPivots === false });
    this.values = values ?? new ValueStore<V>();
  }

  /**
   * Installs (or, with null, removes) the reclaimer: retired nodes and
   * released value indices go to it instead of being reused at once; it gives
   * them back later with `arena.free(h)` / `values.free(i)`.
   */
  setReclaimer(reclaimer: Reclaimer | null): void {
    this.arena.onRetire = reclaimer ? (h) => reclaimer.retireNode(h) : null;
    this.values.onRetire = reclaimer ? (i) => reclaimer.retireValue(i) : null;
  }

  /** Queues `h` for retirement at the end of the current write. */
  retire(h: number): void {
    this.retired[this.retiredCount++] = h;
  }

  /**
   * Ends a write: marks removed nodes dead (parent points to self), then frees
   * them or hands them to the arena's reclaimer hook.
   */
  finishWrite(): void {
    const arena = this.arena;
    const list = this.retired;
    const n = this.retiredCount;
    if (n === 0) {
      this.seq++;
      return;
    }
    for (let i = 0; i < n; i++) arena.markDead(list[i] as number);
    const hook = arena.onRetire;
    for (let i = 0; i < n; i++) {
      const h = list[i] as number;
      if (hook) hook(h);
      else arena.free(h);
    }
    this.retiredCount = 0;
    // A write that retired a whole tree (clear(), a spanning store over most of it) gives
    // its large queue back; ordinary writes keep theirs.
    if (n > RETIRE_KEEP) list.length = 0;
    this.seq++;
  }
}
