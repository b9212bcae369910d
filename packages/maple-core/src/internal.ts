/**
 * `@maple-tree/core/internal`: the building blocks under `MapleTree`, for the
 * sibling packages (the RCU layer drives the arena's reclaimer and walks old
 * roots; the testing suite reads the store-case counters). Not a stable API.
 */
export { type ArenaBuffers, type ArenaOptions, type BufferFactory, NodeArena } from './arena.js';
export {
  ARANGE_64,
  ARANGE64_SLOTS,
  FREE_NODE,
  GAP_STRIDE,
  LEAF_64,
  MAPLE_HEIGHT_MAX,
  MT_MIN_SLOTS,
  MT_PIVOTS,
  MT_SLOTS,
  PIVOT_STRIDE,
  RANGE_64,
  RANGE64_SLOTS,
  SLOT_STRIDE,
} from './constants.js';
export { type CoreFlags, type Reclaimer, TreeCore } from './core.js';
export { type DumpOptions, dumpTree } from './dump.js';
export { checkRange } from './errors.js';
export { inspectCore } from './inspect.js';
export { EntryIterator } from './iterate.js';
export { pivotOf, slotFor } from './pivots.js';
export { resetStoreStats, type StoreStat, storeStats } from './stats.js';
export { emitTrace, traceStats } from './trace.js';
export { validateTree } from './validate.js';
export { ValueStore } from './values.js';
export {
  descend,
  lookup,
  lookupFrom,
  nextSlot,
  prevSlot,
  slotMax,
  slotMin,
  slotValue,
  Walker,
} from './walk.js';
