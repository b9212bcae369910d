/**
 * Rebalancing a leaf that a store leaves with too few entries (the kernel's
 * mas_rebalance): its contents are combined with the whole next sibling, or
 * the previous one when it is the last child, and the pair is rebuilt level by
 * level up to the root with the spanning store's machinery (spanning.ts).
 */

import { big, bigCopyIn, bigShiftRight } from './bignode.js';
import type { TreeCore } from './core.js';
import { keepPrefix } from './inplace.js';
import { copyWalk, lp, rebuildLevels, rp } from './spanning.js';
import { enterChild } from './walk.js';
import { wp, ws } from './write.js';

/**
 * Commits the big node holding the leaf's new contents when the leaf would be
 * under mt_min_slots. Mirrors mas_rebalance().
 */
export function rebalanceStore<V>(core: TreeCore<V>): void {
  const arena = core.arena;
  const d = wp.depth;
  copyWalk(lp, wp);
  copyWalk(rp, wp);
  const parent = wp.node[d - 1] as number;
  const pOff = wp.off[d - 1] as number;
  if (pOff < (arena.end[parent] as number)) {
    rp.off[d - 1] = pOff + 1;
    enterChild(core, rp, d);
    const n = rp.node[d] as number;
    const e = arena.end[n] as number;
    bigCopyIn(core, n, 0, e, rp.max[d] as number, big.count);
    big.count += e + 1;
    // The big node starts with the leaf's head before the store (store.ts fillLeafBig).
    keepPrefix(wp.node[d] as number, ws.offset);
  } else {
    lp.off[d - 1] = pOff - 1;
    enterChild(core, lp, d);
    const n = lp.node[d] as number;
    const e = arena.end[n] as number;
    bigShiftRight(big.count, e + 1);
    bigCopyIn(core, n, 0, e, lp.max[d] as number, 0);
    big.count += e + 1;
    // The previous sibling's entries before its end are where it holds them.
    keepPrefix(n, e);
  }
  rebuildLevels(core, d);
}
