/**
 * Epoch bookkeeping shared by the single-thread and the shared-memory trees.
 *
 * A write that produces version `s` retires the nodes (and value indices) it
 * replaced; they stay reachable from versions before `s` only. Each goes on a
 * {@link RetireQueue} stamped with `s`. A reader pinned at version `e` can
 * reach it only while `e < s`, so an entry may be freed once the oldest
 * pinned version is at least its stamp: the kernel's grace period, counted in
 * versions instead of quiescent states.
 *
 * ```
 *   queue (stamps never decrease):  [s=4 h=17] [s=4 h=9] [s=7 h=3] [s=9 h=21] ...
 *   oldest pinned version = 7   ->  free ^^^^^^^^^^^^^^^^^^^^^^^^^^^  keep the rest
 * ```
 *
 * {@link PinSet} holds the versions pinned by live snapshots, oldest first.
 */

/** A FIFO of retired handles with the version that retired each (stamps are non-decreasing). */
export class RetireQueue {
  private handles: number[] = [];
  private stamps: number[] = [];
  private head = 0;

  /** Entries waiting. */
  get length(): number {
    return this.handles.length - this.head;
  }

  /** Queues `handle`, retired by the write that produced version `stamp`. */
  push(handle: number, stamp: number): void {
    this.handles.push(handle);
    this.stamps.push(stamp);
  }

  /**
   * Hands every entry stamped at most `limit` to `free`, oldest first.
   * @returns the number of entries freed
   */
  drain(limit: number, free: (handle: number) => void): number {
    const handles = this.handles;
    const stamps = this.stamps;
    let i = this.head;
    while (i < handles.length && (stamps[i] as number) <= limit) free(handles[i++] as number);
    const freed = i - this.head;
    this.head = i;
    if (i === handles.length) {
      handles.length = 0;
      stamps.length = 0;
      this.head = 0;
    } else if (i > 1024 && i * 2 > handles.length) {
      // Compact once the drained prefix is most of the arrays.
      this.handles = handles.slice(i);
      this.stamps = stamps.slice(i);
      this.head = 0;
    }
    return freed;
  }
}

/** A multiset of pinned versions, taken in non-decreasing order and released in any order. */
export class PinSet {
  // Versions and their pin counts, in order, in [head, len); the arrays are reused, never shrunk.
  private readonly versions: number[] = [];
  private readonly counts: number[] = [];
  private head = 0;
  private len = 0;
  private total = 0;

  /** Number of pins held. */
  get size(): number {
    return this.total;
  }

  /** The oldest pinned version, or `fallback` when nothing is pinned. */
  oldest(fallback: number): number {
    return this.total === 0 ? fallback : (this.versions[this.head] as number);
  }

  /** Pins `version` (never older than a version pinned before). */
  pin(version: number): void {
    const n = this.len;
    if (n > this.head && this.versions[n - 1] === version) {
      (this.counts[n - 1] as number)++;
    } else {
      this.versions[n] = version;
      this.counts[n] = 1;
      this.len = n + 1;
    }
    this.total++;
  }

  /** Drops one pin of `version` (which must be pinned). */
  unpin(version: number): void {
    const versions = this.versions;
    // Binary search: versions are sorted from head on.
    let lo = this.head;
    let hi = this.len - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((versions[mid] as number) < version) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= this.len || versions[lo] !== version || this.counts[lo] === 0) {
      throw new Error(`version ${version} is not pinned`);
    }
    (this.counts[lo] as number)--;
    this.total--;
    while (this.head < this.len && this.counts[this.head] === 0) this.head++;
    if (this.head === this.len) {
      this.head = 0;
      this.len = 0;
    } else if (this.head > 1024 && this.head * 2 > this.len) {
      // Move the live part to the front once the released prefix is most of the arrays.
      const live = this.len - this.head;
      for (let i = 0; i < live; i++) {
        versions[i] = versions[this.head + i] as number;
        this.counts[i] = this.counts[this.head + i] as number;
      }
      this.head = 0;
      this.len = live;
    }
  }
}
