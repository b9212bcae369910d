/**
 * Value accounting before each write: the value references and the entry
 * count follow the ranges a store overwrites (a range it cuts in two gains a
 * reference). Runs after the store is classified, before it is carried out.
 */

import { PIVOT_STRIDE, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';

import { descend, nextSlot, slotMax, slotMin, slotValue, Walker } from './walk.js';
import { ws } from './write.js';

/** Walker for the value accounting that precedes each write. */
const aw = new Walker();

/**
 * Releases the value references of the ranges that `[first, last]` overwrites
 * (a range cut in two gains one), and keeps the entry count.
 */
export function accountOverlap<V>(core: TreeCore<V>, first: number, last: number): void {
  const values = core.values;
  if (core.root === 0) {
    if (core.rootValue !== 0 && first === 0) {
      values.unref(core.rootValue);
      core.count--;
    }
    return;
  }
  descend(core, aw, core.root, first);
  while (true) {
    const lo = slotMin(core, aw);
    const hi = slotMax(core, aw);
    const v = slotValue(core, aw);
    if (v !== 0) {
      if (lo >= first && hi <= last) {
        values.unref(v);
        core.count--;
      } else if (lo < first && hi > last) {
        values.ref(v);
        core.count++;
      }
    }
    if (hi >= last || !nextSlot(core, aw)) return;
  }
}

/**
 * {@link accountOverlap} for a store that stays in one leaf: the slots it
 * touches are `ws.offset..ws.offsetEnd` of the leaf the write walk found
 * (NULL-extension only adds empty slots, which hold no value).
 */
export function accountLeaf<V>(core: TreeCore<V>, first: number, last: number): void {
  const arena = core.arena;
  // Pivots before the end: their words are their values (pivots.ts).
  const pivots = arena.pivots;
  const values = core.values;
  const h = ws.node;
  const s = h * SLOT_STRIDE;
  const p = h * PIVOT_STRIDE;
  const end = ws.end;
  for (let i = ws.offset; i <= ws.offsetEnd; i++) {
    const v = arena.slots[s + i] as number;
    if (v === 0) continue;
    const lo = i > 0 ? (pivots[p + i - 1] as number) + 1 : ws.min;
    const hi = i < end ? (pivots[p + i] as number) : ws.max;
    if (lo >= first && hi <= last) {
      values.unref(v);
      core.count--;
    } else if (lo < first && hi > last) {
      values.ref(v);
      core.count++;
    }
  }
}
