/**
 * A picture of a maple tree's nodes as the visualiser draws them: nodes
 * level by level, each with its type, range, slots (child or value),
 * pivots and, on gap-tracking trees, its per-child gaps.
 *
 * Read through @maple-tree/core's public node visitor, inspectNodes().
 */
import { inspectNodes, type MapleTree } from '@maple-tree/core';

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
  /** Nodes by depth, each level left to right. */
  readonly levels: readonly (readonly NodeView<V>[])[];
  /** Stored (non-empty) ranges. */
  readonly entries: number;
  /** A single entry at index 0 held in the root pointer (height 0), if any. */
  readonly rootEntry?: V;
}

const CAPACITY: Record<NodeKind, number> = { leaf_64: 16, range_64: 16, arange_64: 10 };

/**
 * Reads every node of `tree` (what mt_dump prints, as data), level by level.
 * @throws Error when the nodes it reads disagree with the tree's nodeCount, height or size
 */
export function readTree<V>(tree: MapleTree<V>): TreeView<V> {
  const levels: NodeView<V>[][] = [];
  let entries = 0;
  for (const n of inspectNodes(tree)) {
    const slots: SlotView<V>[] = n.pivots.map((last, i) => {
      const first = i > 0 ? n.pivots[i - 1]! + 1 : n.min;
      if (n.type === 'leaf_64') {
        const value = n.values[i];
        if (value !== undefined) entries++;
        return { first, last, value };
      }
      return { first, last, child: n.children[i], gap: n.type === 'arange_64' ? n.gaps[i] : undefined };
    });
    (levels[n.depth] ??= []).push({
      handle: n.handle,
      kind: n.type,
      depth: n.depth,
      min: n.min,
      max: n.max,
      capacity: CAPACITY[n.type],
      slots,
      pivots: n.pivots.slice(0, -1),
      largestGapSlot: n.type === 'arange_64' ? n.gapOffset : undefined,
    });
  }
  // inspectNodes walks depth first; within a level that is left to right already.
  const rootEntry = levels.length === 0 && tree.size === 1 ? tree.load(0) : undefined;
  if (rootEntry !== undefined) entries = 1;
  const view: TreeView<V> = { height: levels.length, levels, entries, rootEntry };
  const nodes = levels.reduce((n, l) => n + l.length, 0);
  if (nodes !== tree.nodeCount || view.height !== tree.height || entries !== tree.size) {
    throw new Error(
      `tree-view: read ${nodes} nodes, height ${view.height}, ${entries} entries but the tree reports ` +
        `${tree.nodeCount}, ${tree.height}, ${tree.size}`,
    );
  }
  return view;
}
