/**
 * Store-case counters: which branch of the write path each store took, named
 * after the kernel's `enum store_type` (6.12 `mas_wr_store_type`). Internal:
 * the testing suite imports this module by path to prove every case is hit.
 */

/** Counts of writes per store case, plus the rarer structural events inside them. */
export const storeStats = {
  /** wr_store_root: empty tree or the single entry kept in the root. */
  storeRoot: 0,
  /** wr_spanning_store: the range runs past the leaf (or a NULL ends a non-rightmost leaf). */
  spanningStore: 0,
  /** wr_exact_fit: the range is exactly one slot. */
  exactFit: 0,
  /** wr_new_root: the store covers 0..MAPLE_MAX. */
  newRoot: 0,
  /** wr_rebalance: the leaf would fall under mt_min_slots. */
  rebalance: 0,
  /** wr_split_store: the leaf would overflow. */
  splitStore: 0,
  /** wr_append: writing at the end of the node (not in RCU mode). */
  append: 0,
  /** wr_slot_store: the slot count stays the same. */
  slotStore: 0,
  /** wr_node_store: rebuild the node. */
  nodeStore: 0,
  /** A split that pushed data into the left sibling instead (mas_push_data, left). */
  pushLeft: 0,
  /** A split that pushed data into the right sibling instead. */
  pushRight: 0,
  /** A three-way split (mab_middle_node). */
  threeWaySplit: 0,
  /** A rebalance that borrowed from a neighbour or cousin (mast_spanning_rebalance). */
  borrow: 0,
  /** The root collapsed to a lower level. */
  collapse: 0,
  /** The tree grew a new root above the old one. */
  grow: 0,
};

/** Names of the counters. */
export type StoreStat = keyof typeof storeStats;

/** Zeroes every counter. */
export function resetStoreStats(): void {
  for (const key of Object.keys(storeStats) as StoreStat[]) storeStats[key] = 0;
}
