/**
 * What the maple tree did during one system call, from @maple-tree/core's
 * trace hook (the kernel's ma_read / ma_op / ma_write trace points): every
 * walk, gap search and store, with the nodes each one went through. The
 * visualiser outlines the last store's walk and numbers the nodes the gap
 * search entered, in order (backtracking included).
 */
import { inspectNodes, type MapleTraceEvent, type MapleTree } from '@maple-tree/core';
import type { AddressSpace, Vma } from '@maple-tree/vma-mm';
import { mapleTreeOf } from './layout.js';

/**
 * Collects the trace events of the address space's maple tree, only while
 * {@link record} runs a call (not the visualiser's own reads of the tree).
 */
export class OpRecorder {
  /** Events of the last recorded call. */
  events: MapleTraceEvent<Vma>[] = [];
  private tree: MapleTree<Vma> | undefined;
  private active = false;
  private readonly hook = (e: MapleTraceEvent<Vma>) => {
    if (this.active) this.events.push(e);
  };

  /** Where each node of the watched tree sat before the last recorded call. */
  before: ReadonlyMap<number, NodePlace> = new Map();

  /**
   * Runs `call` and keeps the events it causes (forgetting earlier ones).
   * @returns what `call` returns
   */
  record<T>(call: () => T): T {
    this.events = [];
    this.before = this.tree ? nodePlaces(this.tree) : new Map();
    this.active = true;
    try {
      return call();
    } finally {
      this.active = false;
    }
  }

  /** Watches `mm`'s maple tree (and stops watching the previous one); nothing on the legacy backend. */
  attach(mm: AddressSpace): void {
    const tree = mapleTreeOf(mm);
    if (tree === this.tree) return;
    this.detach();
    this.tree = tree;
    if (tree) tree.trace = this.hook;
  }

  /** Stops watching. */
  detach(): void {
    if (this.tree && this.tree.trace === this.hook) this.tree.trace = null;
    this.tree = undefined;
  }

  /** Forgets the events so far. */
  clear(): void {
    this.events = [];
    this.before = new Map();
  }

  /** The last call's events with their node handles as in the watched tree now (see {@link eventsNow}). */
  eventsNow(): MapleTraceEvent<Vma>[] {
    return this.tree ? eventsNow(this.events, this.before, nodePlaces(this.tree)) : this.events;
  }
}

/** Where a node sits: its depth and the range it covers. */
export interface NodePlace {
  readonly depth: number;
  readonly min: number;
  readonly max: number;
}

/** Every node of `tree` by handle, with its place. */
export function nodePlaces<V>(tree: MapleTree<V>): Map<number, NodePlace> {
  const out = new Map<number, NodePlace>();
  for (const n of inspectNodes(tree)) out.set(n.handle, { depth: n.depth, min: n.min, max: n.max });
  return out;
}

/**
 * Trace events name nodes as they were when the call walked them; a write
 * can replace them (always in RCU mode, where every write copies its path,
 * and on a split or rebalance otherwise) and the arena can hand a freed
 * handle to a new node. This names, in each event's path, the node now in
 * the same place instead of a replaced one: for a walk to an index (reads,
 * writes), the node at the same depth holding that index; for a gap
 * search, which also enters nodes off that path, the node at the same
 * depth holding the replaced node's first index (`before` is where every
 * node sat before the call). A node that cannot be placed keeps its handle.
 */
export function eventsNow(
  events: readonly MapleTraceEvent<Vma>[],
  before: ReadonlyMap<number, NodePlace>,
  now: ReadonlyMap<number, NodePlace>,
): MapleTraceEvent<Vma>[] {
  const byDepth: { handle: number; min: number; max: number }[][] = [];
  for (const [handle, p] of now) (byDepth[p.depth] ??= []).push({ handle, min: p.min, max: p.max });
  const holding = (depth: number, index: number) =>
    byDepth[depth]?.find((n) => n.min <= index && index <= n.max)?.handle;
  const same = (h: number) => {
    const b = before.get(h);
    const n = now.get(h);
    return n !== undefined && (b === undefined || (b.depth === n.depth && b.min === n.min));
  };
  return events.map((e) => {
    const search = e.fn.startsWith('mas_empty_area');
    // A walk's k-th node is at depth k; a node that kept its place overall may still
    // have changed depth and back within the call (a tree that shrank and grew again).
    const keeps = (h: number, k: number) => same(h) && (search || now.get(h)?.depth === k);
    if (e.path.every(keeps)) return e;
    const path = e.path.map((h, k) => {
      if (keeps(h, k)) return h;
      if (!search) return holding(k, e.index) ?? h;
      const b = before.get(h);
      return (b && holding(b.depth, b.min)) ?? h;
    });
    return { ...e, path };
  });
}

/** The highlight of one call. */
export interface TraceHighlight {
  /** Root-to-leaf path of the last store (or, with no store, of the last read). */
  walk: number[];
  /** Nodes the last gap search entered, in order (empty when there was none). */
  search: number[];
  /** One line per event. */
  lines: string[];
  /** A short summary. */
  label: string;
}

const hexPage = (page: number, pageSize: number) => `0x${(page * pageSize).toString(16)}`;

/** One event as text, addresses in bytes. */
export function eventLine(e: MapleTraceEvent<Vma>, pageSize: number): string {
  const range = `[${hexPage(e.index, pageSize)}, ${hexPage(e.last + 1, pageSize)})`;
  const path = e.path.length ? e.path.map((h) => `#${h}`).join(' > ') : '(root)';
  const point = e.kind === 'op' ? 'ma_op' : e.kind === 'read' ? 'ma_read' : 'ma_write';
  if (e.fn.startsWith('mas_empty_area')) {
    return `${point} ${e.fn} ${e.size} pages: ${e.found ? `found ${range}` : 'no fit'}; entered ${path}`;
  }
  const what =
    e.kind === 'write'
      ? `${e.storeType} ${e.value === undefined ? 'NULL' : 'VMA'}`
      : e.found
        ? 'hit'
        : 'empty';
  return `${point} ${e.fn} ${range} ${what}: ${path}`;
}

/** Picks what to outline for one call's events. */
export function highlightOf(events: readonly MapleTraceEvent<Vma>[], pageSize: number): TraceHighlight {
  const lines = events.map((e) => eventLine(e, pageSize));
  const search = [...events].reverse().find((e) => e.fn.startsWith('mas_empty_area'));
  const write = [...events].reverse().find((e) => e.kind === 'write');
  const last = write ?? [...events].reverse().find((e) => e.kind === 'read');
  const parts: string[] = [];
  if (search)
    parts.push(
      `${search.fn} entered ${search.path.length} node${search.path.length === 1 ? '' : 's'} (numbered)`,
    );
  const writes = events.filter((e) => e.kind === 'write').length;
  if (writes) parts.push(`${writes} store${writes === 1 ? '' : 's'}, the last one's walk outlined`);
  else if (last) parts.push(`${last.fn}'s walk outlined`);
  return {
    walk: last ? [...last.path] : [],
    search: search ? [...search.path] : [],
    lines,
    label: parts.join('; ') || 'the tree was not touched',
  };
}

/** How a replay exercised the tree, from its trace events. */
export interface TreeActivity {
  /** Stores by the kernel's store case (mas_wr_store_type). */
  stores: Record<string, number>;
  /** Gap searches (mas_empty_area / mas_empty_area_rev) and the nodes they entered in all. */
  gapSearches: number;
  nodesEntered: number;
  /** Splits, rebalances and spanning stores (ma_op events other than gap searches). */
  structural: Record<string, number>;
}

/**
 * Runs `work` with a counting hook on `mm`'s maple tree (reads are not
 * counted: the replay's own snapshot comparisons read the tree too).
 * @returns the counts, or undefined on the legacy backend
 */
export function countActivity(mm: AddressSpace, work: () => void): TreeActivity | undefined {
  const tree = mapleTreeOf(mm);
  if (!tree) {
    work();
    return undefined;
  }
  const activity: TreeActivity = { stores: {}, gapSearches: 0, nodesEntered: 0, structural: {} };
  const previous = tree.trace;
  tree.trace = (e) => {
    if (e.kind === 'write') activity.stores[e.storeType] = (activity.stores[e.storeType] ?? 0) + 1;
    else if (e.fn.startsWith('mas_empty_area')) {
      activity.gapSearches++;
      activity.nodesEntered += e.path.length;
    } else if (e.kind === 'op') activity.structural[e.fn] = (activity.structural[e.fn] ?? 0) + 1;
  };
  try {
    work();
  } finally {
    tree.trace = previous;
  }
  return activity;
}
