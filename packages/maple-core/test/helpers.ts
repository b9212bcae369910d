/**
 * Test helpers: validation that prints the tree when it fails, and readers of
 * the tree's internals for white-box tests.
 */

import { LEAF_64, SLOT_STRIDE } from '../src/constants.js';
import { pivotOf } from '../src/pivots.js';
import type { MapleTree } from '../src/tree.js';

/** Runs `tree.validate()`; on failure rethrows with the dump attached so the report shows the tree. */
export function expectValid<V>(tree: MapleTree<V>, context = ''): void {
  try {
    tree.validate();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}${context ? `\nafter: ${context}` : ''}\n${tree.dump()}`);
  }
}

/** The tree's entries as `first-last:value` text, for compact comparisons. */
export function contents<V>(tree: MapleTree<V>): string {
  return [...tree.entries()].map((e) => `${e.first}-${e.last}:${String(e.value)}`).join(',');
}

/** Leaf handles in key order, with their bounds (white-box). */
export function leaves<V>(tree: MapleTree<V>): { node: number; min: number; max: number; end: number }[] {
  const core = tree.core;
  const arena = core.arena;
  const out: { node: number; min: number; max: number; end: number }[] = [];
  if (core.root === 0) return out;
  const stack: [number, number, number][] = [[core.root, 0, Number.MAX_SAFE_INTEGER]];
  while (stack.length > 0) {
    const [h, min, max] = stack.pop() as [number, number, number];
    const end = arena.end[h] as number;
    if (arena.type[h] === LEAF_64) {
      out.push({ node: h, min, max, end });
      continue;
    }
    const kids: [number, number, number][] = [];
    let lo = min;
    for (let i = 0; i <= end; i++) {
      const hi = i < end ? pivotOf(arena, h, i) : max;
      kids.push([arena.slots[h * SLOT_STRIDE + i] as number, lo, hi]);
      lo = hi + 1;
    }
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as [number, number, number]);
  }
  return out;
}
