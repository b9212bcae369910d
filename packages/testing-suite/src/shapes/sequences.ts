/**
 * Seeded operation sequences for comparing tree shapes with the Linux
 * kernel's maple tree (tools/kernel-oracle runs them through the kernel's
 * lib/maple_tree.c, `test/kernel/kernel-shapes.test.ts` replays the kernel's
 * answers against core). A sequence is named by a {@link ShapeCase}: the same
 * case always gives the same operations, so a fixture stores the case and the
 * kernel's answers, never the operations themselves.
 *
 * Every operation is one of the kernel's two plain writes: `store` is
 * mtree_store_range (storeRange here; a null value stores NULL, which empties
 * the range) and `erase` is mtree_erase. Values are small positive integers,
 * opaque to both trees.
 */
import { MAPLE_MAX } from '@maple-tree/core';
import { Random } from '../random.js';

/** One write: mtree_store_range(first, last, value or NULL), or mtree_erase(index). */
export type ShapeOp =
  | { readonly op: 'store'; readonly first: number; readonly last: number; readonly value: number | null }
  | { readonly op: 'erase'; readonly index: number };

/**
 * How a sequence is made:
 * - `random-build`: disjoint ranges (random stride, length and gap, sometimes
 *   touching) stored in random order into an empty tree;
 * - `ascending` / `descending`: the same layout stored in order, or in reverse;
 * - `mixed`: a random-order build of a third of the operations, then stores
 *   and erases of random ranges over its key space, mostly short ones, some
 *   long enough to span many ranges and nodes, a quarter of the stores NULL,
 *   a few reaching the top of the index space;
 * - `nulls`: a random-order build where every third store or so is NULL or
 *   overwrites part of an earlier range, so values and empty runs interleave;
 * - `vma`: page-aligned ranges with gaps, mapped bottom-up, top-down or in
 *   random order, then torn down in random order by erases and NULL stores
 *   over a few neighbours (partial and spanning munmaps);
 * - `aligned`: a random-order build of half the operations, then stores
 *   (a third NULL) and erases whose ends fall on the ends of earlier ranges
 *   (or just beside them), so that writes often end exactly where a slot, a
 *   leaf or a subtree ends.
 */
export type SequenceKind =
  | 'random-build'
  | 'ascending'
  | 'descending'
  | 'mixed'
  | 'nulls'
  | 'vma'
  | 'aligned';

/** Every kind, in the order reports list them. */
export const SEQUENCE_KINDS: readonly SequenceKind[] = [
  'random-build',
  'ascending',
  'descending',
  'mixed',
  'nulls',
  'vma',
  'aligned',
];

/** Names one sequence: the same case always gives the same operations. */
export interface ShapeCase {
  readonly kind: SequenceKind;
  /** Any 32-bit integer. */
  readonly seed: number;
  /** Number of operations, at least 1. */
  readonly size: number;
  /** A gap-tracking tree (MT_FLAGS_ALLOC_RANGE, `allocRange: true`). */
  readonly alloc: boolean;
  /** An RCU-mode tree (MT_FLAGS_USE_RCU, `rcu: true`). */
  readonly rcu: boolean;
}

const PAGE = 4096;

/** A range layout: `count` disjoint ranges in ascending order, with random stride, length and gap. */
function layout(rng: Random, count: number): [number, number][] {
  const ranges: [number, number][] = [];
  // Keys past 2^32 in a third of the layouts: core keeps pivots in 32-bit
  // words while they fit, and the shapes must not depend on it.
  let at = (rng.below(3) === 0 ? 2 ** 40 : 0) + (rng.below(4) === 0 ? 0 : rng.int(1, 1000));
  const maxLen = [1, 4, 16, 200][rng.below(4)] as number;
  const maxGap = [0, 1, 3, 50][rng.below(4)] as number;
  for (let i = 0; i < count; i++) {
    const len = rng.int(1, maxLen);
    ranges.push([at, at + len - 1]);
    at += len + rng.int(0, maxGap);
  }
  return ranges;
}

function buildOps(ranges: readonly [number, number][]): ShapeOp[] {
  return ranges.map(([first, last], i) => ({ op: 'store', first, last, value: i + 1 }));
}

/** A range inside the key space `[0, space)`: mostly short, sometimes long enough to span many nodes. */
function randomRange(rng: Random, space: number): [number, number] {
  const first = rng.below(space);
  const roll = rng.below(100);
  let len: number;
  if (roll < 80) len = rng.int(1, 8);
  else if (roll < 96) len = rng.int(1, Math.max(1, Math.floor(space / 50)));
  else len = rng.int(1, Math.max(1, Math.floor(space / 5)));
  return [first, Math.min(first + len - 1, space - 1)];
}

function mixedOps(rng: Random, size: number): ShapeOp[] {
  // A third of the operations build a tree first (in random order), so that
  // the writes after them cut into one several levels deep.
  const ranges = layout(rng, Math.floor(size / 3));
  const ops = buildOps(rng.shuffle(ranges.slice()));
  const top = ranges.length > 0 ? (ranges[ranges.length - 1] as [number, number])[1] + 1 : 0;
  const space = Math.max(top, rng.int(Math.max(16, size >> 1), Math.max(32, size * 8)));
  for (let i = ops.length; i < size; i++) {
    if (rng.below(100) < 30) {
      ops.push({ op: 'erase', index: rng.below(space) });
      continue;
    }
    let [first, last] = randomRange(rng, space);
    if (rng.below(100) === 0) last = MAPLE_MAX;
    ops.push({ op: 'store', first, last, value: rng.below(4) === 0 ? null : i + 1 });
  }
  return ops;
}

function nullsOps(rng: Random, size: number): ShapeOp[] {
  const ranges = rng.shuffle(layout(rng, size));
  return ranges.map(([first, last], i): ShapeOp => {
    const roll = rng.below(3);
    if (roll === 0) return { op: 'store', first, last, value: null };
    if (roll === 1 && last > first) {
      // Part of the range (its start, its end or its middle) on its own.
      const a = rng.int(first, last);
      const b = rng.int(a, last);
      return { op: 'store', first: a, last: b, value: rng.below(2) === 0 ? null : i + 1 };
    }
    return { op: 'store', first, last, value: i + 1 };
  });
}

function vmaOps(rng: Random, size: number): ShapeOp[] {
  const count = Math.max(1, size >> 1);
  const maps: [number, number][] = [];
  // Low in the address space, or near the top of a 47-bit user space.
  let at = rng.below(2) === 0 ? 0x400000 : 0x7f0000000000;
  for (let i = 0; i < count; i++) {
    const pages = rng.below(4) === 0 ? rng.int(16, 512) : rng.int(1, 16);
    maps.push([at, at + pages * PAGE - 1]);
    at += pages * PAGE + (rng.below(3) === 0 ? 0 : rng.int(1, 8) * PAGE);
  }
  const order = rng.below(3);
  const mapped =
    order === 0 ? maps.slice() : order === 1 ? maps.slice().reverse() : rng.shuffle(maps.slice());
  const ops = buildOps(mapped);
  const teardown = rng.shuffle(maps.slice());
  for (let i = 0; ops.length < size && i < teardown.length; i++) {
    const [first, last] = teardown[i] as [number, number];
    if (rng.below(5) === 0) {
      // munmap of a window from inside this mapping over up to three neighbours.
      const start = first + rng.below((last - first + 1) / PAGE) * PAGE;
      const reach = maps[Math.min(maps.length - 1, maps.indexOf(teardown[i]!) + rng.below(4))]!;
      ops.push({ op: 'store', first: start, last: Math.max(start + PAGE - 1, reach[1]), value: null });
    } else {
      ops.push({ op: 'erase', index: rng.int(first, last) });
    }
  }
  return ops.slice(0, size);
}

function alignedOps(rng: Random, size: number): ShapeOp[] {
  const ranges = layout(rng, Math.max(1, Math.floor(size / 2)));
  const ops = buildOps(rng.shuffle(ranges.slice()));
  // The ends of the ranges built: a write starts on a range's first index
  // (or just before it) and ends on a range's last (or just after it), mostly
  // within a few ranges, so that the tree keeps its size; now and then far.
  const starts = ranges.map(([first]) => first);
  const ends = ranges.map(([, last]) => last);
  for (let i = ops.length; i < size; i++) {
    const a = rng.below(starts.length);
    const first = (starts[a] as number) + (rng.below(4) === 0 ? -1 : 0);
    const roll = rng.below(100);
    const reach = a + (roll < 70 ? rng.below(3) : roll < 95 ? rng.below(20) : rng.below(ends.length));
    const b = Math.min(ends.length - 1, Math.max(a, reach));
    const last = Math.max(first, (ends[b] as number) + (rng.below(4) === 0 ? 1 : 0));
    const lo = Math.max(0, first);
    if (rng.below(5) === 0) {
      ops.push({ op: 'erase', index: rng.below(2) === 0 ? lo : last });
      continue;
    }
    ops.push({ op: 'store', first: lo, last, value: rng.below(3) === 0 ? null : i + 1 });
  }
  return ops;
}

/** The operations of `shapeCase`; deterministic in the case. @throws RangeError on a size below 1 */
export function generateOps(shapeCase: ShapeCase): ShapeOp[] {
  const { kind, seed, size } = shapeCase;
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`size must be a positive integer, got ${size}`);
  const rng = new Random(seed);
  switch (kind) {
    case 'random-build':
      return buildOps(rng.shuffle(layout(rng, size)));
    case 'ascending':
      return buildOps(layout(rng, size));
    case 'descending':
      return buildOps(layout(rng, size).reverse());
    case 'mixed':
      return mixedOps(rng, size);
    case 'nulls':
      return nullsOps(rng, size);
    case 'vma':
      return vmaOps(rng, size);
    case 'aligned':
      return alignedOps(rng, size);
    default:
      throw new RangeError(`unknown sequence kind ${String(kind)}`);
  }
}

/** A case's name, as reports and fixtures print it: `mixed/alloc/s42/n1000`. */
export function caseName(c: ShapeCase): string {
  const flags = [c.alloc ? 'alloc' : 'plain', ...(c.rcu ? ['rcu'] : [])].join('+');
  return `${c.kind}/${flags}/s${c.seed}/n${c.size}`;
}
