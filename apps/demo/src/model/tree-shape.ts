/**
 * The shape of a maple tree in numbers: height, nodes and slot fill per
 * level, and memory per stored entry (a kernel maple node is 256 bytes:
 * struct maple_node is one cache-aligned 256-byte object for every type), plus
 * a small text picture of it for the terminal.
 */
import type { TreeView } from './tree-view.js';

/** sizeof(struct maple_node) in the kernel. */
export const KERNEL_NODE_BYTES = 256;

/** One level of the tree. */
export interface LevelShape {
  depth: number;
  kind: string;
  nodes: number;
  /** Slots in use over slots available, in [0, 1]. */
  fill: number;
  usedSlots: number;
}

/** The tree's shape. */
export interface TreeShape {
  height: number;
  nodes: number;
  entries: number;
  levels: LevelShape[];
  /** Kernel bytes of nodes per stored entry (VMA). */
  bytesPerEntry: number;
}

/** Measures a tree read by readTree. */
export function treeShape<V>(view: TreeView<V>): TreeShape {
  const levels = view.levels.map((level, depth) => {
    let used = 0;
    let capacity = 0;
    for (const n of level) {
      used += n.slots.length;
      capacity += n.capacity;
    }
    const kinds = [...new Set(level.map((n) => n.kind))].join('/');
    return { depth, kind: kinds, nodes: level.length, usedSlots: used, fill: capacity ? used / capacity : 0 };
  });
  const nodes = levels.reduce((s, l) => s + l.nodes, 0);
  return {
    height: view.height,
    nodes,
    entries: view.entries,
    levels,
    bytesPerEntry: view.entries ? (nodes * KERNEL_NODE_BYTES) / view.entries : 0,
  };
}

function bar(fill: number, width: number): string {
  const full = Math.round(fill * width);
  return `${'#'.repeat(full)}${'.'.repeat(width - full)}`;
}

/**
 * A text picture: one line per level, the nodes as boxes (up to a dozen,
 * then a count) and the level's slot fill as a bar.
 *
 * ```
 * level 0  arange_64   1 node   [#]                  fill  30% ###.......
 * level 1  leaf_64     3 nodes  [#] [#] [#]          fill  62% ######....
 * ```
 */
export function drawShape(shape: TreeShape): string[] {
  if (shape.height === 0) return ['(empty tree, or a single entry in the root)'];
  const lines = shape.levels.map((l) => {
    const boxes = '[#] '.repeat(Math.min(l.nodes, 12)).trimEnd() + (l.nodes > 12 ? ` ... x${l.nodes}` : '');
    const count = `${l.nodes} node${l.nodes === 1 ? '' : 's'}`;
    return `level ${l.depth}  ${l.kind.padEnd(10)} ${count.padStart(11)}  ${boxes.padEnd(58)} fill ${String(
      Math.round(l.fill * 100),
    ).padStart(3)}% ${bar(l.fill, 10)}`;
  });
  lines.push(
    `height ${shape.height}, ${shape.nodes} nodes for ${shape.entries} entries: ` +
      `${shape.bytesPerEntry.toFixed(1)} bytes per VMA at ${KERNEL_NODE_BYTES} bytes per node`,
  );
  return lines;
}
