/**
 * The shared-memory layout of a {@link SharedMapleTree}: what the writer and
 * its readers in other threads both see, and the protocol between them.
 *
 * ```
 *  handle ─┬─ arena     node arena arrays (pivots, slots, parent, type, end, generation, ...)
 *          ├─ born      Int32   per node: epoch of the version its current incarnation first appears in
 *          │                    (born[0]: the tree id)
 *          ├─ values    Float64 per value index: the stored number (index 0 = empty; values[0]: the tree id)
 *          ├─ meta      Int32   [ROOT, VERSION, NODELESS_VERSION, VERSION_HI, READERS, TREE_ID, ...]
 *          └─ epochs    Int32   per reader slot: FREE, IDLE or the epoch it reads in
 * ```
 *
 * Publishing version v (writer):           Pinning (reader):
 *   build new nodes (born = epoch(v)),       e = VERSION; epochs[slot] = e
 *   write the new value                      r = ROOT
 *   [no node: NODELESS_VERSION = epoch(v)]   version of r: born[r] for a node (every
 *   ROOT = new root      <- the one atomic     write makes a new root node), else
 *   VERSION = epoch(v)      publish            NODELESS_VERSION, re-checking ROOT
 *
 * The reader never waits for the writer: ROOT is one word, and the version
 * of the root it names is known from the root itself. Only the node-less case
 * re-reads ROOT, and retries only if the writer published again meanwhile.
 *
 * Reclaiming: a node retired by the write that produced version s is freed
 * once every active reader slot holds an epoch >= s. A reader stores its epoch
 * before loading ROOT, and the writer stores ROOT before VERSION and before
 * scanning the slots (all with Atomics, sequentially consistent), so the root
 * a reader loads is at least as new as the epoch it published, and a reader
 * the scan missed loads a root at least as new as the scan's: it never
 * reaches what the scan frees.
 *
 * Epochs are versions modulo 2^30 (slot values FREE and IDLE are negative);
 * a reader may lag the writer by fewer than 2^29 versions.
 */

import type { ArenaBuffers } from '@maple-tree/core/internal';
import { NodeArena } from '@maple-tree/core/internal';

/** meta[ROOT]: > 0 root node handle; 0 empty tree; < 0 minus the value index of the lone entry at 0. */
export const M_ROOT = 0;
/** meta[VERSION]: epoch of the last published version. */
export const M_VERSION = 1;
/** meta[NODELESS_VERSION]: epoch of the last version published with no root node. */
export const M_NODELESS_VERSION = 2;
/** meta[VERSION_HI]: the published version divided by 2^30 (a reader's starting point). */
export const M_VERSION_HI = 3;
/** meta[READERS]: reader slots ever claimed (the writer scans that many). */
export const M_READERS = 4;
/**
 * meta[TREE_ID]: a random non-zero number naming the tree, also written at
 * born[0] and values[0] (handle 0 and value index 0 are never used), so that
 * attaching to a handle whose buffers come from different trees is refused.
 */
export const M_TREE_ID = 5;
/** Words in meta. */
export const META_WORDS = 8;

/** Epoch slot: never claimed or closed. */
export const SLOT_FREE = -2;
/** Epoch slot: claimed, not reading. */
export const SLOT_IDLE = -1;
/** Reader slots (and so concurrent readers) per tree, by default. */
export const DEFAULT_MAX_READERS = 64;

/** 2^30: epochs are versions modulo this. */
export const EPOCH_SPAN = 0x40000000;
/** Mask for an epoch. */
export const EPOCH_MASK = EPOCH_SPAN - 1;

/** Value slots per node: a leaf holds at most 16 value indices. */
export const VALUES_PER_NODE = 16;

/** Length of the shared value array of a tree of `capacity` node handles. */
export function valueSlots(capacity: number): number {
  return capacity * VALUES_PER_NODE + 2;
}

/** A random non-zero 31-bit tree id (see {@link M_TREE_ID}). */
export function newTreeId(): number {
  return 1 + Math.floor(Math.random() * 0x7ffffffe);
}

/** The epoch of version `v`. */
export function epochOf(v: number): number {
  return v % EPOCH_SPAN;
}

/** `a - b` for epochs, as a signed number (modular: they differ by less than 2^29). */
export function epochDiff(a: number, b: number): number {
  return (((a - b) & EPOCH_MASK) << 2) >> 2;
}

/** True when epoch `a` is later than epoch `b` (modular: they differ by less than 2^29). */
export function epochAfter(a: number, b: number): boolean {
  const d = (a - b) & EPOCH_MASK;
  return d !== 0 && d < EPOCH_SPAN / 2;
}

/**
 * Everything a reader needs, structured-cloneable: SharedArrayBuffers and
 * numbers. Post it to a worker and call `SharedMapleTree.attach` there.
 */
export interface SharedMapleTreeHandle {
  readonly arena: ArenaBuffers;
  readonly born: SharedArrayBuffer;
  readonly values: SharedArrayBuffer;
  readonly meta: SharedArrayBuffer;
  readonly epochs: SharedArrayBuffer;
  readonly allocRange: boolean;
  /** Node capacity (handles 1 .. capacity-1). */
  readonly capacity: number;
}

/**
 * A fixed-capacity arena on SharedArrayBuffers that stamps each node it hands
 * out with the epoch of the version being built, so a reader can tell a node
 * that was freed and handed out again under it (born after the version it
 * reads) from one of its own version.
 */
export class StampedArena extends NodeArena {
  readonly born: Int32Array;
  /** Epoch of the version the writer is building; set before each write. */
  building = 0;

  constructor(gaps: boolean, capacity: number) {
    super({ gaps, capacity, fixed: true, buffer: (n) => new SharedArrayBuffer(n) });
    this.born = new Int32Array(new SharedArrayBuffer(capacity * 4));
  }

  override alloc(type: number): number {
    const h = super.alloc(type);
    Atomics.store(this.born, h, this.building);
    return h;
  }
}
