/**
 * Empty-area search (mas_empty_area / mas_empty_area_rev): the lowest (or
 * highest) start of a run of `size` empty indices inside `[min, max]`.
 *
 * On gap-tracking trees the search descends only into children whose
 * recorded largest gap is at least `size`, so a fit is found in O(log n) node
 * visits; plain trees have no gaps recorded and are scanned leaf by leaf.
 * Empty ranges never sit next to each other, so each empty run is one slot.
 */

import { ARANGE_64, LEAF_64, MAPLE_HEIGHT_MAX, PIVOT_STRIDE, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
import { slotDownTo, slotFor } from './pivots.js';
import type { Walker } from './walk.js';

/** Per-level scratch for the depth-first search: node, offset, node min and max. */
const sNode = new Int32Array(MAPLE_HEIGHT_MAX + 1);
const sOff = new Int32Array(MAPLE_HEIGHT_MAX + 1);
const sMin = new Float64Array(MAPLE_HEIGHT_MAX + 1);
const sMax = new Float64Array(MAPLE_HEIGHT_MAX + 1);

/** Depth of the leaf where the last successful search found its fit (its path is in the scratch). */
let hitDepth = -1;

/** Counts searches: a fit's path stays in the scratch until the next search overwrites it. */
let searches = 0;

/**
 * Puts the leaf level of the last successful search (the leaf slot of the
 * fit, with the leaf's bounds) into walker `w`, so a cursor can step on from
 * the fit without walking from the root again (the kernel leaves mas->node on
 * that leaf). The levels above are not copied: a step out of the leaf walks
 * down again. Only valid right after {@link emptyAreaSearch} found a fit on a
 * tree with a root node.
 * @returns the depth of the leaf
 */
export function takeAreaLeaf(w: Walker): number {
  const d = hitDepth;
  w.node[d] = sNode[d] as number;
  w.min[d] = sMin[d] as number;
  w.max[d] = sMax[d] as number;
  w.off[d] = sOff[d] as number;
  w.depth = d;
  return d;
}

/** The number of the last search: {@link takeAreaUpper} is valid while it stands. */
export function areaSearchCount(): number {
  return searches;
}

/**
 * Copies the levels above the leaf of the last successful search into `w`
 * (the rest of {@link takeAreaLeaf}'s path), if no search has run since the
 * one numbered `search` ({@link areaSearchCount}).
 * @returns false, copying nothing, when the scratch holds a later search
 */
export function takeAreaUpper(w: Walker, search: number): boolean {
  if (search !== searches) return false;
  for (let k = 0; k < hitDepth; k++) {
    w.node[k] = sNode[k] as number;
    w.min[k] = sMin[k] as number;
    w.max[k] = sMax[k] as number;
    w.off[k] = sOff[k] as number;
  }
  return true;
}

/** Where the last traced search (one given a `visited` list) found its fit: the leaf and its bounds. */
export const areaHit = { node: 0, min: 0, max: 0 };

/**
 * Finds a fit for `size` empty indices in `[min, max]`; arguments already checked.
 * @param rev - false: lowest start (mas_empty_area); true: highest start (mas_empty_area_rev)
 * @param visited - when given, receives each node handle the search enters, in order (tracing)
 * @returns the start index, or undefined when there is none
 */
export function emptyAreaSearch<V>(
  core: TreeCore<V>,
  min: number,
  max: number,
  size: number,
  rev: boolean,
  visited: number[] | null = null,
): number | undefined {
  searches++;
  if (core.root === 0) {
    // Empty, or only index 0 used (by the entry in the root).
    const lo = core.rootValue !== 0 ? Math.max(min, 1) : min;
    if (lo > max || max - lo + 1 < size) return undefined;
    return rev ? max - size + 1 : lo;
  }
  return rev ? revSearch(core, min, max, size, visited) : fwdSearch(core, min, max, size, visited);
}

/**
 * The forward search (mas_empty_area / mas_awalk) on a tree with a root
 * node: each node is entered at the slot holding `min` (the slots before it
 * lie wholly below the window); in a gap-tracking node the slots whose
 * largest gap is too small are skipped on the gap block alone.
 */
function fwdSearch<V>(
  core: TreeCore<V>,
  min: number,
  max: number,
  size: number,
  visited: number[] | null,
): number | undefined {
  const arena = core.arena;
  // Pivots before a node's end are their own words (pivots.ts); nothing writes during the search.
  const pivots = arena.pivots;
  const slots = arena.slots;
  const gaps = arena.gaps;
  const gapBase = arena.gapBase;
  const types = arena.type;
  const ends = arena.end;
  let d = 0;
  sNode[0] = core.root;
  sMin[0] = 0;
  sMax[0] = MAPLE_MAX;
  sOff[0] = slotFor(arena, core.root, ends[core.root] as number, min);
  if (visited !== null) visited.push(core.root);
  while (d >= 0) {
    const h = sNode[d] as number;
    let off = sOff[d] as number;
    const end = ends[h] as number;
    const type = types[h] as number;
    if (type === ARANGE_64) {
      // A slot whose largest gap is too small holds no fit: skip it on the gap block alone.
      const g = gapBase[h] as number;
      while (off <= end && (gaps[g + off] as number) < size) off++;
      sOff[d] = off;
    }
    const lo = off > 0 ? (pivots[h * PIVOT_STRIDE + off - 1] as number) + 1 : (sMin[d] as number);
    // Past the node's last slot, or past the window: resume the parent one slot up.
    if (off > end || lo > max) {
      d--;
      if (d >= 0) sOff[d] = (sOff[d] as number) + 1;
      continue;
    }
    const hi = off < end ? (pivots[h * PIVOT_STRIDE + off] as number) : (sMax[d] as number);
    if (hi >= min) {
      if (type === LEAF_64) {
        if (slots[h * SLOT_STRIDE + off] === 0) {
          const a = Math.max(lo, min);
          const b = Math.min(hi, max);
          if (b - a + 1 >= size) {
            if (visited !== null) {
              areaHit.node = h;
              areaHit.min = sMin[d] as number;
              areaHit.max = sMax[d] as number;
            }
            hitDepth = d;
            return a;
          }
        }
      } else {
        const child = slots[h * SLOT_STRIDE + off] as number;
        d++;
        sNode[d] = child;
        sMin[d] = lo;
        sMax[d] = hi;
        sOff[d] = slotFor(arena, child, ends[child] as number, min);
        if (visited !== null) visited.push(child);
        continue;
      }
    }
    sOff[d] = off + 1;
  }
  return undefined;
}

/**
 * The reverse search (mas_empty_area_rev / mas_rev_awalk) on a tree with a
 * root node: each node is entered at the slot holding `max`, found scanning
 * down from its top; in a gap-tracking node the slots below are skipped on
 * the gap array alone, so only a slot whose gap could hold `size` has its
 * pivots read; a leaf is scanned downward reading each pivot once.
 */
function revSearch<V>(
  core: TreeCore<V>,
  min: number,
  max: number,
  size: number,
  visited: number[] | null,
): number | undefined {
  const arena = core.arena;
  // Pivots before a node's end are their own words (pivots.ts); nothing writes during the search.
  const pivots = arena.pivots;
  const slots = arena.slots;
  const gaps = arena.gaps;
  const gapBase = arena.gapBase;
  const types = arena.type;
  const ends = arena.end;
  const root = core.root;
  let d = 0;
  sNode[0] = root;
  sMin[0] = 0;
  sMax[0] = MAPLE_MAX;
  sOff[0] = slotDownTo(arena, root, ends[root] as number, max);
  if (visited !== null) visited.push(root);
  while (d >= 0) {
    const h = sNode[d] as number;
    let off = sOff[d] as number;
    const end = ends[h] as number;
    const type = types[h] as number;
    if (type === LEAF_64) {
      const s = h * SLOT_STRIDE;
      const nodeMin = sMin[d] as number;
      let hi = off < end ? (pivots[h * PIVOT_STRIDE + off] as number) : (sMax[d] as number);
      while (off >= 0 && hi >= min) {
        const lo = off > 0 ? (pivots[h * PIVOT_STRIDE + off - 1] as number) + 1 : nodeMin;
        if (slots[s + off] === 0) {
          const a = Math.max(lo, min);
          const b = Math.min(hi, max);
          if (b - a + 1 >= size) {
            if (visited !== null) {
              areaHit.node = h;
              areaHit.min = nodeMin;
              areaHit.max = sMax[d] as number;
            }
            sOff[d] = off;
            hitDepth = d;
            return b - size + 1;
          }
        }
        hi = lo - 1;
        off--;
      }
    } else {
      if (type === ARANGE_64) {
        const g = gapBase[h] as number;
        while (off >= 0 && (gaps[g + off] as number) < size) off--;
      }
      if (off >= 0) {
        const hi = off < end ? (pivots[h * PIVOT_STRIDE + off] as number) : (sMax[d] as number);
        if (hi >= min) {
          sOff[d] = off;
          const child = slots[h * SLOT_STRIDE + off] as number;
          d++;
          sNode[d] = child;
          sMin[d] = off > 0 ? (pivots[h * PIVOT_STRIDE + off - 1] as number) + 1 : (sMin[d - 1] as number);
          sMax[d] = hi;
          // The slot holding `max`: one probe of the middle pivot says which half holds it, and
          // that half is scanned from its outer end (the search's top often lies low in a child
          // when an earlier fit lowered it: a top-down run of mappings).
          const childEnd = ends[child] as number;
          const mid = childEnd >> 1;
          sOff[d] =
            mid > 0 && (pivots[child * PIVOT_STRIDE + mid - 1] as number) >= max
              ? slotFor(arena, child, mid - 1, max)
              : slotDownTo(arena, child, childEnd, max);
          if (visited !== null) visited.push(child);
          continue;
        }
      }
    }
    // Nothing (more) in this node: resume the parent one slot down.
    d--;
    if (d >= 0) sOff[d] = (sOff[d] as number) - 1;
  }
  return undefined;
}
