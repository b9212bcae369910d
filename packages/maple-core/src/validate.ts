/**
 * `validate()`: checks every structural invariant the kernel's mt_validate()
 * checks, and a few it cannot (value references, entry count, node count),
 * and throws `MapleError('EINVAL')` naming the node and the rule that broke.
 *
 * Checked per node, in key order: the handle is live and not dead; its type
 * fits its depth; parent link and parent slot; pivots strictly increasing
 * inside the node's [min, max] (implied by the parent); the end (metadata)
 * and unused slots/pivots clear; minimum occupancy except on the right edge
 * (the kernel allows a short node whose max is ULONG_MAX); gaps and the
 * largest-gap offset on gap-tracking trees, and that exactly the arange
 * nodes hold a gap block of their own (a leaf none) and no block leaked.
 * Across leaves: no two adjacent empty ranges.
 */

import type { NodeArena } from './arena.js';
import {
  ARANGE_64,
  GAP_STRIDE,
  LEAF_64,
  MAPLE_HEIGHT_MAX,
  MT_MIN_SLOTS,
  MT_PIVOTS,
  MT_SLOTS,
  RANGE_64,
  SLOT_STRIDE,
} from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX, MapleError } from './errors.js';
import { nodeMaxGap } from './gaps.js';
import { pivotClear, pivotOf } from './pivots.js';

const TYPE_NAMES = ['free', 'leaf_64', 'range_64', 'arange_64'];

function fail(h: number, min: number, max: number, what: string): never {
  throw new MapleError('EINVAL', `validate: node ${h} [${min}, ${max}]: ${what}`);
}

/** Throws when any invariant of the tree is broken. Mirrors mt_validate(). */
export function validateTree<V>(core: TreeCore<V>): void {
  const arena = core.arena;
  if (core.root === 0) {
    if (core.height !== 0)
      throw new MapleError('EINVAL', `validate: height ${core.height} with no root node`);
    const expect = core.rootValue !== 0 ? 1 : 0;
    if (core.count !== expect)
      throw new MapleError('EINVAL', `validate: size ${core.count}, expected ${expect}`);
    if (arena.live - arena.retiredCount !== 0) {
      throw new MapleError(
        'EINVAL',
        `validate: ${arena.live - arena.retiredCount} nodes allocated in a tree with no node`,
      );
    }
    return;
  }
  if (core.rootValue !== 0) throw new MapleError('EINVAL', 'validate: both a root node and a root entry');
  if (core.height < 1 || core.height > MAPLE_HEIGHT_MAX)
    throw new MapleError('EINVAL', `validate: bad height ${core.height}`);
  const internal = core.alloc ? ARANGE_64 : RANGE_64;
  // Explicit stack of (node, min, max, depth, parent, parentSlot), children pushed right to left.
  const stack: number[] = [core.root, 0, MAPLE_MAX, 0, 0, 0];
  let nodes = 0;
  let entries = 0;
  let prevNull = false;
  let first = true;
  // Gap blocks of the reachable arange nodes (gap-tracking arenas).
  const blocks = new Set<number>();
  while (stack.length > 0) {
    const pslot = stack.pop() as number;
    const parent = stack.pop() as number;
    const depth = stack.pop() as number;
    const max = stack.pop() as number;
    const min = stack.pop() as number;
    const h = stack.pop() as number;
    nodes++;
    if (nodes > arena.capacity)
      throw new MapleError('EINVAL', 'validate: more nodes reachable than the arena holds (a cycle)');
    if (!arena.isAllocated(h)) fail(h, min, max, 'handle is not an allocated node');
    if (arena.isDead(h)) fail(h, min, max, 'dead node reachable from the root');
    const type = arena.type[h] as number;
    const leaf = depth === core.height - 1;
    if (leaf ? type !== LEAF_64 : type !== internal) {
      fail(h, min, max, `type ${TYPE_NAMES[type]} at depth ${depth} of a height-${core.height} tree`);
    }
    if (arena.hasGaps) checkGapBlock(arena, h, min, max, blocks);
    if (arena.parent[h] !== parent) fail(h, min, max, `parent link ${arena.parent[h]}, expected ${parent}`);
    if (arena.parentSlot[h] !== pslot)
      fail(h, min, max, `parent slot ${arena.parentSlot[h]}, expected ${pslot}`);
    const end = arena.end[h] as number;
    const nslots = MT_SLOTS[type] as number;
    const npiv = MT_PIVOTS[type] as number;
    if (end >= nslots) fail(h, min, max, `end ${end} past the last slot`);
    if (end < (MT_MIN_SLOTS[type] as number) && max !== MAPLE_MAX) {
      fail(h, min, max, `end ${end} under the minimum ${MT_MIN_SLOTS[type]} (not on the right edge)`);
    }
    if (parent !== 0 && end === 0 && type !== LEAF_64) fail(h, min, max, 'internal node with a single child');
    const s = h * SLOT_STRIDE;
    let lo = min;
    for (let i = 0; i <= end; i++) {
      const hi = i < end ? pivotOf(arena, h, i) : max;
      if (i < end) {
        if (hi < lo)
          fail(
            h,
            min,
            max,
            `pivot[${i}] = ${hi} below the slot start ${lo} (pivots out of order or outside the node)`,
          );
        if (hi >= max)
          fail(h, min, max, `pivot[${i}] = ${hi} reaches the node max before the end slot ${end}`);
      }
      lo = hi + 1;
    }
    if (end < npiv && pivotOf(arena, h, end) !== max) {
      fail(h, min, max, `pivot[${end}] (the end pivot) = ${pivotOf(arena, h, end)}, expected the node max`);
    }
    for (let i = end + 1; i < npiv; i++) {
      if (!pivotClear(arena, h, i))
        fail(h, min, max, `unused pivot[${i}] = ${pivotOf(arena, h, i)}, not cleared`);
    }
    for (let i = end + 1; i < nslots; i++) {
      if (arena.slots[s + i] !== 0) fail(h, min, max, `unused slot[${i}] holds ${arena.slots[s + i]}`);
    }
    if (type === LEAF_64) {
      if (first) {
        if (min !== 0) fail(h, min, max, 'first leaf does not start at 0');
        first = false;
      }
      for (let i = 0; i <= end; i++) {
        const v = arena.slots[s + i] as number;
        if (v === 0) {
          if (prevNull) fail(h, min, max, `slot ${i}: two adjacent empty ranges`);
          prevNull = true;
        } else {
          if (core.values.refCount(v) < 1) fail(h, min, max, `slot ${i}: value index ${v} has no reference`);
          prevNull = false;
          entries++;
        }
      }
      continue;
    }
    // Internal node: children, then gaps.
    lo = min;
    const bounds: number[] = [];
    for (let i = 0; i <= end; i++) {
      const hi = i < end ? pivotOf(arena, h, i) : max;
      const child = arena.slots[s + i] as number;
      if (child === 0) fail(h, min, max, `slot ${i}: missing child`);
      bounds.push(child, lo, hi);
      lo = hi + 1;
    }
    for (let i = end; i >= 0; i--) {
      stack.push(
        bounds[i * 3] as number,
        bounds[i * 3 + 1] as number,
        bounds[i * 3 + 2] as number,
        depth + 1,
        h,
        i,
      );
    }
    if (type === ARANGE_64) checkGaps(core, h, min, max, bounds);
  }
  if (entries !== core.count)
    throw new MapleError('EINVAL', `validate: ${entries} entries in the leaves, size says ${core.count}`);
  const live = arena.live - arena.retiredCount;
  if (nodes !== live)
    throw new MapleError('EINVAL', `validate: ${nodes} nodes reachable, ${live} allocated and not retired`);
  if (!arena.hasGaps) return;
  // Retired nodes keep their blocks until freed; with none, every block in use is a reachable node's.
  if (arena.retiredCount === 0 && arena.gapBlocksInUse !== blocks.size) {
    throw new MapleError(
      'EINVAL',
      `validate: ${arena.gapBlocksInUse} gap blocks in use, ${blocks.size} held by arange nodes`,
    );
  }
  for (let i = 0; i < GAP_STRIDE; i++) {
    if (arena.gaps[i] !== 0)
      throw new MapleError('EINVAL', `validate: the zero gap block holds ${arena.gaps[i]}`);
  }
}

/** An arange node has a gap block of its own, every other node block 0 (gap-tracking arenas). */
function checkGapBlock(arena: NodeArena, h: number, min: number, max: number, blocks: Set<number>): void {
  const base = arena.gapBase[h] as number;
  if (arena.type[h] !== ARANGE_64) {
    if (base !== 0)
      fail(h, min, max, `a ${TYPE_NAMES[arena.type[h] as number]} node holds gap block ${base}`);
    return;
  }
  if (base <= 0 || base % GAP_STRIDE !== 0 || base + GAP_STRIDE > arena.gaps.length) {
    fail(h, min, max, `bad gap block offset ${base}`);
  }
  if (blocks.has(base)) fail(h, min, max, `gap block ${base} shared with another node`);
  blocks.add(base);
}

/** Gaps of an arange node: each child's largest gap, zeros past the end, and the largest-gap offset. */
function checkGaps<V>(core: TreeCore<V>, h: number, min: number, max: number, bounds: number[]): void {
  const arena = core.arena;
  const g = arena.gapBase[h] as number;
  const end = arena.end[h] as number;
  let best = 0;
  for (let i = 0; i <= end; i++) {
    const want = nodeMaxGap(
      core,
      bounds[i * 3] as number,
      bounds[i * 3 + 1] as number,
      bounds[i * 3 + 2] as number,
    );
    const have = arena.gaps[g + i] as number;
    if (have !== want) fail(h, min, max, `gap[${i}] = ${have}, largest gap below is ${want}`);
    if (have > best) best = have;
  }
  for (let i = end + 1; i < GAP_STRIDE; i++) {
    if (arena.gaps[g + i] !== 0) fail(h, min, max, `unused gap[${i}] = ${arena.gaps[g + i]}`);
  }
  const off = arena.gapOffset[h] as number;
  if (off > end || arena.gaps[g + off] !== best)
    fail(h, min, max, `largest-gap offset ${off} does not hold the largest gap ${best}`);
}
