/**
 * Node shapes and limits, as the kernel sizes them (include/linux/maple_tree.h
 * with 64-bit longs).
 *
 * A range node holds up to 16 slots separated by 15 pivots; slot i covers
 * `(pivot[i-1], pivot[i]]`, the first slot starts at the node's minimum and the
 * last used slot ends at its maximum:
 *
 * ```
 *   min      pivot[0]     pivot[1]          pivot[end-1]       max
 *    | slot 0  |   slot 1   |   ...   |  slot end-1  |  slot end  |
 * ```
 *
 * Gap-tracking trees use 10-slot internal nodes (9 pivots, 10 gaps) so that a
 * node still fits in 256 bytes.
 */

/** Node type codes, kept in the arena's `type` array. 0 marks a free node; handle 0 and value index 0 mean "none". */
export const FREE_NODE = 0;
/** maple_leaf_64: every leaf. */
export const LEAF_64 = 1;
/** maple_range_64: internal node of a plain tree. */
export const RANGE_64 = 2;
/** maple_arange_64: internal node of a gap-tracking (alloc range) tree. */
export const ARANGE_64 = 3;

/** Slots of a leaf / range node: 16 (kernel MAPLE_RANGE64_SLOTS, a 256-byte node). */
export const RANGE64_SLOTS = 16;
/** Slots of an arange node: 10 (kernel MAPLE_ARANGE64_SLOTS, 240 bytes with the gaps). */
export const ARANGE64_SLOTS = 10;

/**
 * Per-node stride of the pivot array: 16, of which 15 (RANGE64_SLOTS - 1)
 * are used (9 by arange nodes); the pad makes each node's pivots exactly one
 * 64-byte cache line of 32-bit words, or two of 64-bit ones (pivots.ts).
 */
export const PIVOT_STRIDE = RANGE64_SLOTS;
/** Per-node stride of the slots array: 16. */
export const SLOT_STRIDE = RANGE64_SLOTS;
/** Per-node stride of the gaps array: 10 = ARANGE64_SLOTS. */
export const GAP_STRIDE = ARANGE64_SLOTS;

/** mt_slots[type], indexed by type code. */
export const MT_SLOTS: readonly number[] = [0, RANGE64_SLOTS, RANGE64_SLOTS, ARANGE64_SLOTS];
/** mt_pivots[type]. */
export const MT_PIVOTS: readonly number[] = [0, RANGE64_SLOTS - 1, RANGE64_SLOTS - 1, ARANGE64_SLOTS - 1];
/**
 * mt_min_slots[type]: a non-root node whose last slot offset falls below this
 * is rebalanced. 6 = 16 / 2 - 2 for range nodes, 4 = 10 / 2 - 1 for arange.
 */
export const MT_MIN_SLOTS: readonly number[] = [
  0,
  RANGE64_SLOTS / 2 - 2,
  RANGE64_SLOTS / 2 - 2,
  ARANGE64_SLOTS / 2 - 1,
];

/** The kernel's MAPLE_HEIGHT_MAX: 31 levels; sizes every per-level scratch stack. */
export const MAPLE_HEIGHT_MAX = 31;

/**
 * Big node capacity: 34 = 2 * 16 + 2 (kernel MAPLE_BIG_NODE_SLOTS), enough for
 * two full nodes plus the up to two extra ranges one store can add.
 */
export const BIG_NODE_SLOTS = RANGE64_SLOTS * 2 + 2;
