/**
 * The data every benchmark sees, from the seeded PRNG: `n` ranges six
 * indices wide, separated by gaps of four, with every 97th gap 24 wide so
 * that a gap search for 20 has to look past most of the tree.
 *
 * ```
 *   [0..5] gap4 [10..15] gap4 ... [..] gap24 [..] ...
 * ```
 */
import { Random } from '../src/random.js';
import type { Span } from './peers/range-map.js';

/** Ranges, plus query indices drawn from the seed. */
export interface Layout {
  ranges: Span[];
  /** One past the last stored index. */
  top: number;
  /** Indices inside ranges. */
  hits: Float64Array;
  /** Indices in gaps. */
  misses: Float64Array;
  /** Range numbers, for writes that target one range. */
  picks: Int32Array;
}

/** Width of every range and of the usual gap. */
export const RANGE_WIDTH = 6;
export const GAP = 4;
export const WIDE_GAP = 24;
export const WIDE_EVERY = 97;

/** Builds the layout for `n` ranges with `queries` queries of each kind. */
export function makeLayout(n: number, seed: number, queries = 1024): Layout {
  const ranges: Span[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    ranges.push({ first: at, last: at + RANGE_WIDTH - 1, value: i });
    at += RANGE_WIDTH + (i % WIDE_EVERY === WIDE_EVERY - 1 ? WIDE_GAP : GAP);
  }
  const r = new Random(seed);
  const hits = new Float64Array(queries);
  const misses = new Float64Array(queries);
  const picks = new Int32Array(queries);
  for (let q = 0; q < queries; q++) {
    const k = r.below(n);
    picks[q] = k;
    const span = ranges[k]!;
    hits[q] = span.first + r.below(RANGE_WIDTH);
    misses[q] = span.last + 1 + r.below(GAP);
  }
  return { ranges, top: at, hits, misses, picks };
}
