/**
 * Carrying out a classified store (the kernel's mas_wr_store_entry): the
 * cases that stay within one leaf are here; splits, spanning stores and
 * rebalances have files of their own. See write.ts for the case order.
 */

import { big, writeBigInto } from './bignode.js';
import { LEAF_64, PIVOT_STRIDE, RANGE64_SLOTS, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
import { updateLeafGap } from './gaps.js';
import { splitLeafInPlace } from './leaf-split.js';
import { fitPivot, movePivots, pivotWord, setPivot } from './pivots.js';
import { rebalanceStore } from './rebalance.js';
import { spanningStore } from './spanning.js';
import { splitStore } from './split.js';
import { storeStats } from './stats.js';
import {
  fillStoreBig,
  forgetWritePaths,
  newRoot,
  publish,
  WR_APPEND,
  WR_EXACT_FIT,
  WR_NEW_ROOT,
  WR_NODE,
  WR_REBALANCE,
  WR_SLOT,
  WR_SPANNING,
  WR_SPLIT,
  WR_STORE_ROOT,
  wp,
  ws,
} from './write.js';

/**
 * Carries out the store classified by {@link classifyStore} with value index `entry`.
 * Mirrors mas_wr_store_entry().
 */
export function executeStore<V>(core: TreeCore<V>, entry: number): void {
  ws.entry = entry;
  const type = ws.storeType;
  // Only a leaf rewritten in place keeps every node's bounds and handle.
  if (core.rcu || !(type === WR_EXACT_FIT || type === WR_APPEND || type === WR_SLOT || type === WR_NODE)) {
    forgetWritePaths();
  }
  switch (type) {
    case WR_STORE_ROOT:
      storeStats.storeRoot++;
      storeRoot(core, entry);
      return;
    case WR_SPANNING:
      storeStats.spanningStore++;
      spanningStore(core, entry);
      return;
    case WR_EXACT_FIT:
      storeStats.exactFit++;
      exactFit(core, entry);
      return;
    case WR_NEW_ROOT:
      storeStats.newRoot++;
      newRoot(core, entry);
      return;
    case WR_REBALANCE:
      storeStats.rebalance++;
      fillLeafBig(core, entry);
      rebalanceStore(core);
      return;
    case WR_SPLIT:
      storeStats.splitStore++;
      if (core.rcu) {
        fillLeafBig(core, entry);
        splitStore(core);
      } else splitLeafInPlace(core, entry);
      return;
    case WR_APPEND:
      storeStats.append++;
      appendStore(core, entry);
      return;
    case WR_SLOT:
      storeStats.slotStore++;
      if (core.rcu) rewriteLeaf(core, entry);
      else slotStore(core, entry);
      return;
    default:
      storeStats.nodeStore++;
      rewriteLeaf(core, entry);
  }
}

/**
 * Size of the largest empty range among the slots the classified store
 * overwrites (ws.offset..ws.offsetEnd, read before the leaf changes); 0 when
 * the tree keeps no gaps or there is none.
 */
function touchedNullMax<V>(core: TreeCore<V>): number {
  if (!core.alloc) return 0;
  const arena = core.arena;
  // Pivots before the end: their words are their values (pivots.ts).
  const pivots = arena.pivots;
  const slots = arena.slots;
  const h = ws.node;
  const s = h * SLOT_STRIDE;
  const p = h * PIVOT_STRIDE;
  const o = ws.offset;
  const oe = ws.offsetEnd;
  let best = 0;
  for (let i = o; i <= oe; i++) {
    if (slots[s + i] !== 0) continue;
    const lo = i === o ? ws.rMin : (pivots[p + i - 1] as number) + 1;
    const hi = i === oe ? ws.endPiv : i === o ? ws.rMax : (pivots[p + i] as number);
    if (hi - lo + 1 > best) best = hi - lo + 1;
  }
  return best;
}

/** wr_exact_fit: one slot changes value. */
function exactFit<V>(core: TreeCore<V>, entry: number): void {
  const arena = core.arena;
  let h = ws.node;
  if (core.rcu) {
    h = arena.alloc(LEAF_64);
    arena.copyNode(h, ws.node);
  }
  arena.slots[h * SLOT_STRIDE + ws.offset] = entry;
  if (h !== ws.node) publish(core, ws.node, h, ws.depth, wp);
  else if ((entry === 0) !== (ws.content === 0)) {
    const size = ws.rMax - ws.rMin + 1;
    updateLeafGap(core, h, ws.min, ws.max, entry === 0 ? size : 0, entry === 0 ? 0 : size);
  }
}

/**
 * wr_append: the store lands in the leaf's last slot and adds one or two
 * slots after it, changing nothing before (never in RCU mode). Mirrors mas_wr_append().
 */
function appendStore<V>(core: TreeCore<V>, entry: number): void {
  const arena = core.arena;
  const h = ws.node;
  const s = h * SLOT_STRIDE;
  const slots = arena.slots;
  const end = ws.end;
  const newEnd = ws.newEnd;
  const lost = entry !== 0 ? touchedNullMax(core) : 0;
  if (newEnd < RANGE64_SLOTS - 1) movePivots(arena, h, end, newEnd, 1);
  if (newEnd === end + 1) {
    if (ws.last === ws.rMax) {
      // The new range takes the tail of the last range.
      slots[s + newEnd] = entry;
      setPivot(arena, h, end, ws.index - 1);
    } else {
      // The new range takes the head of the last range.
      slots[s + newEnd] = ws.content;
      setPivot(arena, h, end, ws.last);
      slots[s + end] = entry;
    }
  } else {
    // The new range sits inside the last range: head, new, tail.
    slots[s + newEnd] = ws.content;
    setPivot(arena, h, end + 1, ws.last);
    slots[s + end + 1] = entry;
    setPivot(arena, h, end, ws.index - 1);
  }
  arena.end[h] = newEnd;
  if (ws.content === 0 || entry === 0)
    updateLeafGap(core, h, ws.min, ws.max, entry === 0 ? ws.last - ws.index + 1 : 0, lost);
}

/**
 * wr_slot_store: the slot count does not change; move one or two pivots in
 * place (outside RCU mode). Mirrors mas_wr_slot_store().
 */
function slotStore<V>(core: TreeCore<V>, entry: number): void {
  const arena = core.arena;
  const h = ws.node;
  const s = h * SLOT_STRIDE;
  const slots = arena.slots;
  const offset = ws.offset;
  let gap = slots[s + offset] === 0 || slots[s + offset + 1] === 0;
  const lost = entry !== 0 ? touchedNullMax(core) : 0;
  if (ws.offsetEnd - offset === 1) {
    if (ws.index === ws.rMin) {
      // Overwrites the first range and the head of the second.
      slots[s + offset] = entry;
      setPivot(arena, h, offset, ws.last);
    } else {
      // Overwrites the tail of the first range and the whole second.
      slots[s + offset + 1] = entry;
      setPivot(arena, h, offset, ws.index - 1);
    }
  } else {
    // Tail of the first, all of the second, head of the third.
    gap = gap || slots[s + offset + 2] === 0;
    slots[s + offset + 1] = entry;
    setPivot(arena, h, offset, ws.index - 1);
    setPivot(arena, h, offset + 1, ws.last);
  }
  if (entry === 0 || gap)
    updateLeafGap(core, h, ws.min, ws.max, entry === 0 ? ws.last - ws.index + 1 : 0, lost);
}

/** Lays the classified leaf store (`ws`) with `entry` written over it into the big node. */
function fillLeafBig<V>(core: TreeCore<V>, entry: number): void {
  fillStoreBig(core, ws.node, ws.min, ws.max, ws.offset, ws.offsetEnd, ws.index, ws.last, entry, ws.content);
}

/**
 * wr_slot_store in RCU mode / wr_node_store: the leaf keeps its place in the
 * tree and gets its new contents: in place outside RCU mode, in a fresh node
 * built through the big node in RCU mode.
 */
function rewriteLeaf<V>(core: TreeCore<V>, entry: number): void {
  if (!core.rcu) {
    nodeStoreInPlace(core, entry);
    return;
  }
  fillLeafBig(core, entry);
  const h = core.arena.alloc(LEAF_64);
  writeBigInto(core, h, LEAF_64, 0, big.count - 1);
  publish(core, ws.node, h, ws.depth, wp);
}

/**
 * wr_node_store outside RCU mode, in place: the slots after the touched ones
 * move over by the change in slot count, and the one to three new ranges
 * (head of the first touched range, the new range, tail of the last) are
 * written between. The leaf ends up exactly as {@link rewriteLeaf} would
 * leave it, without the round trip through the big node.
 */
function nodeStoreInPlace<V>(core: TreeCore<V>, entry: number): void {
  const arena = core.arena;
  const slots = arena.slots;
  const h = ws.node;
  const s = h * SLOT_STRIDE;
  const end = ws.end;
  const o = ws.offset;
  const oe = ws.offsetEnd;
  const index = ws.index;
  const last = ws.last;
  const max = ws.max;
  const head = ws.rMin < index ? 1 : 0;
  const endPiv = ws.endPiv;
  const tail = endPiv > last ? 1 : 0;
  const tailValue = oe !== o ? (slots[s + oe] as number) : ws.content;
  const lost = entry !== 0 ? touchedNullMax(core) : 0;
  const restFrom = o + head + 1 + tail;
  const newEnd = restFrom + end - oe - 1;
  // The new pivots are checked (the arena may turn wide) before the pivot
  // words are held in a local (pivots.ts: fitPivot, pivotWord); endPiv and
  // max are pivots the tree already holds.
  fitPivot(arena, index - 1);
  fitPivot(arena, last);
  const pivots = arena.pivots;
  const p = h * PIVOT_STRIDE;
  // Move slots oe+1..end to restFrom.. (right to left when moving right), and
  // their pivots, of which a full leaf has one fewer (no pivot 15).
  const shift = restFrom - (oe + 1);
  const lastPivot = RANGE64_SLOTS - 2;
  // Slots and pivots move in loops of their own, each bounded up front.
  if (shift > 0) {
    for (let i = end; i > oe; i--) slots[s + i + shift] = slots[s + i] as number;
    for (let i = Math.min(end, lastPivot - shift); i > oe; i--)
      pivots[p + i + shift] = pivots[p + i] as number;
  } else if (shift < 0) {
    for (let i = oe + 1; i <= end; i++) slots[s + i + shift] = slots[s + i] as number;
    const top = Math.min(end, lastPivot);
    for (let i = oe + 1; i <= top; i++) pivots[p + i + shift] = pivots[p + i] as number;
  }
  for (let i = newEnd + 1; i <= end; i++) {
    slots[s + i] = 0;
    if (i <= lastPivot) pivots[p + i] = 0;
  }
  let at = o;
  if (head === 1) {
    slots[s + at] = ws.content;
    pivots[p + at] = index - 1;
    at++;
  }
  slots[s + at] = entry;
  if (at <= lastPivot) pivots[p + at] = pivotWord(arena, last);
  if (tail === 1) {
    slots[s + at + 1] = tailValue;
    if (at + 1 <= lastPivot) pivots[p + at + 1] = pivotWord(arena, endPiv);
  }
  // The end pivot holds the node max; a full leaf has none.
  if (newEnd <= lastPivot) pivots[p + newEnd] = pivotWord(arena, max);
  arena.end[h] = newEnd;
  updateLeafGap(core, h, ws.min, max, entry === 0 ? last - index + 1 : 0, lost);
}

/**
 * wr_store_root: the tree has no node. An entry for exactly index 0 stays in
 * the root; anything else expands the root into a leaf. Mirrors
 * mas_store_root() / mas_root_expand().
 */
function storeRoot<V>(core: TreeCore<V>, entry: number): void {
  const index = ws.index;
  const last = ws.last;
  if (entry === 0) {
    if (index === 0) core.rootValue = 0;
    return;
  }
  if (index === 0 && last === 0) {
    core.rootValue = entry;
    return;
  }
  const arena = core.arena;
  const contents = core.rootValue;
  const h = arena.alloc(LEAF_64);
  const s = h * SLOT_STRIDE;
  let slot = 0;
  if (index > 0) {
    if (contents !== 0) {
      arena.slots[s] = contents;
      setPivot(arena, h, 0, 0);
      if (index > 1) slot++;
    }
    setPivot(arena, h, slot, index - 1);
    slot++;
  }
  arena.slots[s + slot] = entry;
  setPivot(arena, h, slot, last);
  if (last !== MAPLE_MAX) {
    slot++;
    setPivot(arena, h, slot, MAPLE_MAX);
  }
  arena.end[h] = slot;
  core.root = h;
  core.rootValue = 0;
  core.height = 1;
}
