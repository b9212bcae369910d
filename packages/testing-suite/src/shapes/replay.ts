/**
 * The two sides of a shape comparison in one text form. {@link scriptOf}
 * writes a sequence as the kernel oracle's script (tools/kernel-oracle);
 * {@link replayOnCore} runs it on `@maple-tree/core` and answers each line
 * the way the oracle does, so the two outputs compare line by line:
 *
 *   store F L V      ->  "NODES HEIGHT"
 *   erase I          ->  "NODES HEIGHT OLD"   (OLD: the erased value, or N)
 *   dump             ->  one line per node (see {@link dumpLines}), then "end"
 *
 * NODES counts the tree's nodes (walking the kernel's tree; `nodeCount` here)
 * and HEIGHT is mt_height (`height`).
 */
import { inspectNodes, MAPLE_MAX, type MapleNodeInfo, MapleTree } from '@maple-tree/core';
import type { ShapeCase, ShapeOp } from './sequences.js';

/**
 * Indices from 2^52 up print as `max-K` (K = MAPLE_MAX - index), as the oracle
 * prints the kernel's from 2^63 up (K = ULONG_MAX - index): keys near the top
 * of the two index spaces line up. MAPLE_MAX, the kernel's ULONG_MAX, is `max`.
 */
export function indexText(index: number): string {
  if (index === MAPLE_MAX) return 'max';
  return index >= 2 ** 52 ? `max-${MAPLE_MAX - index}` : String(index);
}

/** {@link indexText} read back: a decimal index, `max` or `max-K`. @throws RangeError on anything else */
export function parseIndex(text: string | undefined): number {
  const match = text === undefined ? null : /^(?:(\d+)|max(?:-(\d+))?)$/.exec(text);
  if (!match) throw new RangeError(`bad index ${JSON.stringify(text)}`);
  const value = match[1] !== undefined ? Number(match[1]) : MAPLE_MAX - Number(match[2] ?? 0);
  // Plain indices stay below 2^52 and `max-K` ones above it, or the two index spaces would not line up.
  if (!Number.isSafeInteger(value) || value < 0 || (match[1] !== undefined) !== value < 2 ** 52) {
    throw new RangeError(`index ${text} is outside what both trees can hold alike`);
  }
  return value;
}

/**
 * A gap that runs to MAPLE_MAX is 2^64 - 2^53 smaller here than the kernel's,
 * which runs to ULONG_MAX; no gap between the keys the sequences use comes
 * near 2^50, so the larger ones are exactly those.
 */
function gapText(gap: number): string {
  return gap >= 2 ** 50 ? String(BigInt(gap) + 2n ** 64n - 2n ** 53n) : String(gap);
}

/** The oracle's script line for one operation. */
export function opLine(op: ShapeOp): string {
  if (op.op === 'erase') return `erase ${indexText(op.index)}`;
  return `store ${indexText(op.first)} ${indexText(op.last)} ${op.value === null ? 'null' : op.value}`;
}

/** The `tree` line that starts a case's script. */
export function treeLine(c: Pick<ShapeCase, 'alloc' | 'rcu'>): string {
  return ['tree', ...(c.alloc ? ['alloc'] : []), ...(c.rcu ? ['rcu'] : [])].join(' ');
}

/**
 * The oracle script for `ops` on a tree made as `c` says, with a `dump` after
 * each operation whose index is in `dumpAfter` (0-based) and one at the end.
 */
export function scriptOf(
  c: Pick<ShapeCase, 'alloc' | 'rcu'>,
  ops: readonly ShapeOp[],
  dumpAfter: ReadonlySet<number> = new Set(),
): string[] {
  const lines = [treeLine(c)];
  ops.forEach((op, i) => {
    lines.push(opLine(op));
    if (dumpAfter.has(i) && i !== ops.length - 1) lines.push('dump');
  });
  lines.push('dump');
  return lines;
}

function nodeLine(node: MapleNodeInfo<number>): string {
  const leaf = node.type === 'leaf_64';
  const slots = leaf
    ? node.values.map((v) => (v === undefined ? 'N' : String(v)))
    : node.children.map(() => '*');
  let line = `${node.depth} ${node.type} ${indexText(node.min)} ${indexText(node.max)} | ${node.pivots.map(indexText).join(' ')} | ${slots.join(' ')}`;
  if (node.type === 'arange_64') line += ` | gaps ${node.gaps.map(gapText).join(' ')} meta ${node.gapOffset}`;
  return line;
}

/**
 * The tree as the oracle's `dump` prints the kernel's: `empty`, `root V` for a
 * lone entry kept in the root, or one line per node, depth first,
 * `DEPTH TYPE MIN MAX | PIVOTS | SLOTS [| gaps GAPS meta OFFSET]`; then `end`.
 */
export function dumpLines(tree: MapleTree<number>): string[] {
  const lines: string[] = [];
  if (tree.nodeCount === 0) {
    const lone = tree.load(0);
    lines.push(tree.isEmpty ? 'empty' : `root ${lone === undefined ? 'N' : lone}`);
  } else {
    for (const node of inspectNodes(tree)) lines.push(nodeLine(node));
  }
  lines.push('end');
  return lines;
}

/** Applies one operation and answers it as the oracle does. */
export function applyOp(tree: MapleTree<number>, op: ShapeOp): string {
  if (op.op === 'store') {
    tree.storeRange(op.first, op.last, op.value ?? undefined);
    return `${tree.nodeCount} ${tree.height}`;
  }
  const old = tree.erase(op.index);
  return `${tree.nodeCount} ${tree.height} ${old === undefined ? 'N' : old}`;
}

/** A new, empty tree made as the case says. */
export function caseTree(c: Pick<ShapeCase, 'alloc' | 'rcu'>): MapleTree<number> {
  return new MapleTree<number>({ allocRange: c.alloc, rcu: c.rcu });
}

/**
 * What the oracle would print for {@link scriptOf}(c, ops, dumpAfter), computed
 * on core: `tree`, one answer per operation, the dumps asked for, the final dump.
 */
export function replayOnCore(
  c: Pick<ShapeCase, 'alloc' | 'rcu'>,
  ops: readonly ShapeOp[],
  dumpAfter: ReadonlySet<number> = new Set(),
): string[] {
  const tree = caseTree(c);
  const out = ['tree'];
  ops.forEach((op, i) => {
    out.push(applyOp(tree, op));
    if (dumpAfter.has(i) && i !== ops.length - 1) out.push(...dumpLines(tree));
  });
  out.push(...dumpLines(tree));
  return out;
}
