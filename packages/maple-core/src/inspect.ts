/**
 * A read-only, structured view of a tree's nodes for visualisers and tools:
 * {@link inspectNodes} yields one plain object per node, root first, then
 * depth first with children in slot order (the order `dump()` prints).
 *
 * ```
 *   node #7 arange [0, MAX] depth 0      pivots  [ 99,   MAX ]
 *                                         children[ #3,   #5  ]
 *                                         gaps    [ 4,    12  ]
 *   node #3 leaf [0, 99] depth 1          pivots  [ 9, 19, ..., 99 ]
 *                                         values  [ 'a', undefined, ... ]
 * ```
 *
 * The objects are copies: changing them changes nothing in the tree, and a
 * write to the tree does not change objects already yielded. Iterating while
 * the tree is written to is not supported (the walk reads the live arena).
 */

import { ARANGE_64, LEAF_64, RANGE_64, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX, MapleError } from './errors.js';
import { pivotOf } from './pivots.js';
import type { MapleTree } from './tree.js';

/** The kernel's node type names: maple_leaf_64, maple_range_64, maple_arange_64. */
export type MapleNodeType = 'leaf_64' | 'range_64' | 'arange_64';

/** One node of a tree, as {@link inspectNodes} reports it. */
export interface MapleNodeInfo<V> {
  /** Node handle (an arena index; stable while the node stays in the tree). */
  readonly handle: number;
  /** Node type. */
  readonly type: MapleNodeType;
  /** 0 for the root; the leaves are at `height - 1`. */
  readonly depth: number;
  /** Handle of the parent node, 0 for the root. */
  readonly parent: number;
  /** Slot of the parent that points here (0 for the root). */
  readonly parentSlot: number;
  /** First index the node covers (implied by the parent's pivots; 0 for the root). */
  readonly min: number;
  /** Last index the node covers (MAPLE_MAX for the root). */
  readonly max: number;
  /** Last used slot offset: the node uses slots `0..end`. */
  readonly end: number;
  /**
   * Inclusive upper bound of each used slot, `end + 1` of them; the last one is
   * the node's `max`. Slot i covers `[i > 0 ? pivots[i - 1] + 1 : min, pivots[i]]`.
   */
  readonly pivots: readonly number[];
  /** Internal nodes: the child handle in each used slot. Empty for leaves. */
  readonly children: readonly number[];
  /** Leaves: the value in each used slot (undefined for an empty range). Empty for internal nodes. */
  readonly values: readonly (V | undefined)[];
  /** arange_64 nodes: the largest empty run below each child. Empty otherwise. */
  readonly gaps: readonly number[];
  /** arange_64 nodes: the slot holding the largest gap (the kernel's metadata); -1 otherwise. */
  readonly gapOffset: number;
}

const TYPE_NAMES: Record<number, MapleNodeType> = {
  [LEAF_64]: 'leaf_64',
  [RANGE_64]: 'range_64',
  [ARANGE_64]: 'arange_64',
};

/**
 * Yields every node under `root` (default: the tree's root), root first, then
 * depth first with children in slot order. A tree with no node (empty, or a lone
 * entry at index 0 kept in the root) yields nothing. Read-only; mirrors the node
 * walk of mt_dump().
 * @param core - the tree's core (`tree.core`)
 * @param root - a root handle to start from (e.g. an older RCU version's root)
 * @throws MapleError EINVAL when `root` is not an allocated node
 */
export function* inspectCore<V>(core: TreeCore<V>, root: number = core.root): Generator<MapleNodeInfo<V>> {
  if (root === 0) return;
  const arena = core.arena;
  if (!arena.isAllocated(root)) throw new MapleError('EINVAL', `node ${root} is not an allocated node`);
  // Depth-first stack of [handle, min, max, depth, parent, parentSlot] records.
  const stack: number[] = [root, 0, MAPLE_MAX, 0, 0, 0];
  while (stack.length > 0) {
    const parentSlot = stack.pop() as number;
    const parent = stack.pop() as number;
    const depth = stack.pop() as number;
    const max = stack.pop() as number;
    const min = stack.pop() as number;
    const h = stack.pop() as number;
    const type = arena.type[h] as number;
    const end = arena.end[h] as number;
    const s = h * SLOT_STRIDE;
    const pivots: number[] = [];
    const children: number[] = [];
    const values: (V | undefined)[] = [];
    const gaps: number[] = [];
    for (let i = 0; i <= end; i++) {
      pivots.push(i < end ? pivotOf(arena, h, i) : max);
      const slot = arena.slots[s + i] as number;
      if (type === LEAF_64) values.push(core.values.get(slot));
      else children.push(slot);
      if (type === ARANGE_64) gaps.push(arena.gaps[(arena.gapBase[h] as number) + i] as number);
    }
    // Push children last-first so that the first child comes out next.
    for (let i = children.length - 1; i >= 0; i--) {
      const lo = i > 0 ? (pivots[i - 1] as number) + 1 : min;
      stack.push(children[i] as number, lo, pivots[i] as number, depth + 1, h, i);
    }
    const name = TYPE_NAMES[type];
    if (name === undefined)
      throw new MapleError('EINVAL', `node ${h} has no node type (a freed node in the tree)`);
    yield {
      handle: h,
      type: name,
      depth,
      parent,
      parentSlot,
      min,
      max,
      end,
      pivots,
      children,
      values,
      gaps,
      gapOffset: type === ARANGE_64 ? (arena.gapOffset[h] as number) : -1,
    };
  }
}

/**
 * Every node of `tree`, root first, then depth first with children in slot
 * order, as plain read-only records (see {@link MapleNodeInfo}). For
 * visualisers and tools; the walk a reader of mt_dump() would recognise.
 * @example
 * for (const node of inspectNodes(tree)) draw(node.handle, node.depth, node.pivots);
 */
export function inspectNodes<V>(tree: MapleTree<V>): IterableIterator<MapleNodeInfo<V>> {
  return inspectCore(tree.core);
}
