/**
 * @maple-tree/rcu: versioned reads for the maple tree. O(1) snapshots with
 * epoch-based reclamation in one thread, and trees in SharedArrayBuffers that
 * worker threads read with no lock while one writer writes.
 */

export type { SharedMapleTreeHandle } from './shared-layout.js';
export type { SharedMapleReader, SharedReaderStats } from './shared-reader.js';
export { SharedMapleTree, type SharedMapleTreeOptions } from './shared-tree.js';
export { type MapleSnapshot, Snapshot, SnapshotCursor } from './snapshot.js';
export { VersionedMapleTree, type VersionedMapleTreeOptions } from './versioned.js';
