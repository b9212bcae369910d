/**
 * @maple-tree/core: the Linux kernel's Maple Tree, an RCU-safe range B-tree,
 * on a typed-array node arena.
 */
export { MAPLE_MAX, MapleError, type MapleErrorCode } from './errors.js';
export { inspectNodes, type MapleNodeInfo, type MapleNodeType } from './inspect.js';
export { MapleState } from './state.js';
export type { MapleStoreType, MapleTraceEvent, MapleTraceHook, MapleTraceKind } from './trace.js';
export { type MapleEntry, MapleTree, type MapleTreeOptions } from './tree.js';
