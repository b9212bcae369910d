/**
 * A structured, read-only picture of a maple tree's nodes, for drawing:
 * every node with its type, range, slots (child or value), pivots and, on
 * gap-tracking trees, its per-child gaps. Also the root-to-leaf path a walk
 * to an index takes (mas_walk's descent), for highlighting.
 *
 * @maple-tree/core does not (yet) export a node visitor, so this module is
 * the single place that reads the tree's arena. It reads it defensively:
 * strides are derived from the array sizes, and {@link readTree} checks the
 * node count, height and entry count it finds against the tree's public
 * `nodeCount`, `height` and `size`, throwing when they disagree, so a change
 * of the core's layout fails loudly instead of drawing a wrong tree.
 */
import { MAPLE_MAX, type MapleTree } from '@maple-tree/core';

/** Node kinds as the kernel names them (enum maple_type). */
export type NodeKind = 'leaf_64' | 'range_64' | 'arange_64';

/** One slot of a node: the range it covers and what it holds. */
export interface SlotView<V> {
  /** First index covered (inclusive). */
  readonly first: number;
  /** Last index covered (inclusive; the pivot, or the node's max for the last slot). */
  readonly last: number;
  /** Internal nodes: the child's handle. */
  readonly child?: number;
  /** Leaves: the stored value, undefined for an empty range (a gap). */
  readonly value?: V;
  /** Gap-tracking internal nodes: the largest empty run below this child. */
  readonly gap?: number;
}

/** One node. */
export interface NodeView<V> {
  /** Arena handle (stable while the node lives). */
  readonly handle: number;
  readonly kind: NodeKind;
  /** Depth from the root (root = 0). */
  readonly depth: number;
  /** The node's range, implied by the parent's pivots. */
  readonly min: number;
  readonly max: number;
  /** Slot capacity of this node type (16 or 10). */
  readonly capacity: number;
  /** Slots in use, in order. */
  readonly slots: readonly SlotView<V>[];
  /** Pivots in use (`slots.length - 1` of them; the last slot ends at `max`). */
  readonly pivots: readonly number[];
  /** Gap-tracking internal nodes: offset of the largest gap (the node metadata). */
  readonly largestGapSlot?: number;
}

/** The whole tree, level by level. */
export interface TreeView<V> {
  readonly height: number;
  readonly gapTracking: boolean;
  /** Nodes by depth, each level left to right. */
  readonly levels: readonly (readonly NodeView<V>[])[];
  /** Stored (non-empty) ranges. */
  readonly entries: number;
  /** A single entry at index 0 held in the root pointer (height 0), if any. */
  readonly rootEntry?: V;
}

/** The part of the core's internal state this module reads. */
interface CoreShape {
  root: number;
  rootValue: number;
  height: number;
  alloc: boolean;
  arena: {
    capacity: number;
    pivots: Float64Array;
    slots: Int32Array;
    gaps: Float64Array;
    type: Uint8Array;
    end: Uint8Array;
    gapOffset: Uint8Array;
  };
  values: { get(index: number): unknown };
}

const KINDS: Record<number, NodeKind> = { 1: 'leaf_64', 2: 'range_64', 3: 'arange_64' };
const CAPACITY: Record<NodeKind, number> = { leaf_64: 16, range_64: 16, arange_64: 10 };

function coreOf<V>(tree: MapleTree<V>): CoreShape {
  const core = (tree as unknown as { core?: CoreShape }).core;
  if (!core || typeof core.root !== 'number' || !core.arena || !(core.arena.pivots instanceof Float64Array)) {
    throw new Error('tree-view: this @maple-tree/core does not expose the node arena this view reads');
  }
  return core;
}

/**
 * Reads every node of `tree` (the shape mt_dump prints, as data).
 * @throws Error when what it reads disagrees with the tree's own nodeCount/height/size
 */
export function readTree<V>(tree: MapleTree<V>): TreeView<V> {
  const core = coreOf(tree);
  const a = core.arena;
  const ps = a.pivots.length / a.capacity;
  const ss = a.slots.length / a.capacity;
  const gs = a.gaps.length / a.capacity;
  const levels: NodeView<V>[][] = [];
  let entries = 0;
  let rootEntry: V | undefined;
  if (core.root === 0) {
    if (core.rootValue !== 0) {
      rootEntry = core.values.get(core.rootValue) as V;
      entries = 1;
    }
  } else {
    let frontier: { h: number; min: number; max: number }[] = [{ h: core.root, min: 0, max: MAPLE_MAX }];
    for (let depth = 0; frontier.length > 0; depth++) {
      if (depth > 64) throw new Error('tree-view: deeper than any maple tree can be (a cycle?)');
      const level: NodeView<V>[] = [];
      const next: typeof frontier = [];
      for (const { h, min, max } of frontier) {
        const kind = KINDS[a.type[h] as number];
        if (!kind) throw new Error(`tree-view: node #${h} has unknown type ${a.type[h]}`);
        const end = a.end[h] as number;
        const slots: SlotView<V>[] = [];
        const pivots: number[] = [];
        let lo = min;
        for (let i = 0; i <= end; i++) {
          const hi = i < end ? (a.pivots[h * ps + i] as number) : max;
          if (i < end) pivots.push(hi);
          const slot = a.slots[h * ss + i] as number;
          if (kind === 'leaf_64') {
            const value = slot === 0 ? undefined : (core.values.get(slot) as V);
            if (slot !== 0) entries++;
            slots.push({ first: lo, last: hi, value });
          } else {
            const gap = kind === 'arange_64' ? (a.gaps[h * gs + i] as number) : undefined;
            slots.push({ first: lo, last: hi, child: slot, gap });
            next.push({ h: slot, min: lo, max: hi });
          }
          lo = hi + 1;
        }
        level.push({
          handle: h,
          kind,
          depth,
          min,
          max,
          capacity: CAPACITY[kind],
          slots,
          pivots,
          largestGapSlot: kind === 'arange_64' ? (a.gapOffset[h] as number) : undefined,
        });
      }
      levels.push(level);
      frontier = next;
    }
  }
  const view: TreeView<V> = { height: levels.length, gapTracking: core.alloc, levels, entries, rootEntry };
  const nodes = levels.reduce((n, l) => n + l.length, 0);
  if (nodes !== tree.nodeCount || view.height !== tree.height || entries !== tree.size) {
    throw new Error(
      `tree-view: read ${nodes} nodes, height ${view.height}, ${entries} entries but the tree reports ` +
        `${tree.nodeCount}, ${tree.height}, ${tree.size}: the core's node layout changed`,
    );
  }
  return view;
}

/**
 * The handles a walk to `index` visits, root first (mas_walk / mtree_load's
 * descent: in each node, the first slot whose pivot is >= index).
 */
export function walkPath<V>(view: TreeView<V>, index: number): number[] {
  const path: number[] = [];
  if (view.levels.length === 0) return path;
  const byHandle = new Map<number, NodeView<V>>();
  for (const level of view.levels) for (const n of level) byHandle.set(n.handle, n);
  let node: NodeView<V> | undefined = view.levels[0]![0];
  while (node) {
    path.push(node.handle);
    const slot: SlotView<V> | undefined = node.slots.find((s) => s.last >= index);
    if (!slot || slot.child === undefined) break;
    node = byHandle.get(slot.child);
  }
  return path;
}
