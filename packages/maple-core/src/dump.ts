/**
 * `dump()`: an indented picture of the tree (mt_dump), one line per node and
 * per slot: node type and handle, its range and end; for each slot its range
 * and the child below, or the value; gaps on gap-tracking trees.
 *
 * ```
 * maple tree: height 2, 3 nodes, 20 entries, gap tracking
 * arange_64 #3 [0, MAX] end 1 largest gap @1
 *   [0, 14] gap 0
 *     leaf_64 #1 [0, 14] end 14
 *       [0, 0] 'a'
 * ```
 */

import { ARANGE_64, LEAF_64, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
import { pivotOf } from './pivots.js';

const TYPE_NAMES = ['free', 'leaf_64', 'range_64', 'arange_64'];

function num(n: number): string {
  return n === MAPLE_MAX ? 'MAX' : String(n);
}

function show(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'object' && value !== null) {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  } else text = String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** How {@link dumpTree} describes a tree that is an older version sharing a live tree's arena. */
export interface DumpOptions {
  /** Node count for the header (default: the arena's live nodes that are not retired). */
  nodes?: number;
  /** Mark nodes a later write retired as DEAD (default true; false for a snapshot of the version they belong to). */
  markDead?: boolean;
}

/** Renders the tree as indented text. Mirrors mt_dump(). */
export function dumpTree<V>(core: TreeCore<V>, options: DumpOptions = {}): string {
  const arena = core.arena;
  const lines: string[] = [];
  const nodes = options.nodes ?? arena.live - arena.retiredCount;
  const markDead = options.markDead ?? true;
  lines.push(
    `maple tree: height ${core.height}, ${nodes} nodes, ${core.count} entries${core.alloc ? ', gap tracking' : ''}${core.rcu ? ', rcu' : ''}`,
  );
  if (core.root === 0) {
    lines.push(
      core.rootValue !== 0 ? `root entry [0, 0] ${show(core.values.get(core.rootValue))}` : '(empty)',
    );
    return lines.join('\n');
  }
  const stack: number[] = [core.root, 0, MAPLE_MAX, 0];
  let budget = arena.capacity;
  while (stack.length > 0) {
    if (budget-- <= 0) {
      lines.push('... (more nodes than the arena holds: the tree has a cycle)');
      break;
    }
    const depth = stack.pop() as number;
    const max = stack.pop() as number;
    const min = stack.pop() as number;
    const h = stack.pop() as number;
    const pad = '  '.repeat(depth * 2);
    const type = arena.type[h] as number;
    const end = arena.end[h] as number;
    const meta = type === ARANGE_64 ? ` largest gap @${arena.gapOffset[h]}` : '';
    const dead = markDead && arena.isDead(h) ? ' DEAD' : '';
    lines.push(
      `${pad}${TYPE_NAMES[type] ?? `type${type}`} #${h} [${num(min)}, ${num(max)}] end ${end}${meta}${dead}`,
    );
    const s = h * SLOT_STRIDE;
    let lo = min;
    const children: number[] = [];
    for (let i = 0; i <= end && i < 16; i++) {
      const hi = i < end ? pivotOf(arena, h, i) : max;
      const slot = arena.slots[s + i] as number;
      if (type === LEAF_64) {
        lines.push(
          `${pad}  [${num(lo)}, ${num(hi)}] ${slot === 0 ? '(empty)' : show(core.values.get(slot))}`,
        );
      } else {
        const gap =
          type === ARANGE_64 ? ` gap ${num(arena.gaps[(arena.gapBase[h] as number) + i] as number)}` : '';
        lines.push(`${pad}  [${num(lo)}, ${num(hi)}]${gap} -> #${slot}`);
        children.push(slot, lo, hi, depth + 1);
      }
      lo = hi + 1;
    }
    // Children print after the node's own slot lines, first child first.
    for (let i = children.length - 4; i >= 0; i -= 4) {
      stack.push(
        children[i] as number,
        children[i + 1] as number,
        children[i + 2] as number,
        children[i + 3] as number,
      );
    }
  }
  return lines.join('\n');
}
