/**
 * The address space mirrored into a @maple-tree/rcu VersionedMapleTree, so
 * that the visualiser can pin a version (an O(1) snapshot), keep writing,
 * and compare. After every change the mirror receives only the differences
 * (removed ranges erased, new or changed ones stored), so its writes are
 * real copy-on-write writes: the nodes they replace are retired and held
 * back for as long as a snapshot might still read them.
 */
import type { MapleSnapshot } from '@maple-tree/rcu';
import { VersionedMapleTree } from '@maple-tree/rcu';

/** One VMA as the mirror stores it: page range and its maps line. */
export interface MirrorEntry {
  first: number;
  last: number;
  line: string;
}

/** What changed between a snapshot and now, as maps lines. */
export interface SnapshotDiff {
  /** In the current tree only. */
  added: string[];
  /** In the snapshot only. */
  removed: string[];
  /** Entries both have, unchanged. */
  same: number;
}

const key = (first: number, last: number, line: string) => `${first}:${last}:${line}`;

/** A versioned mirror of an address space's VMAs. */
export class RcuMirror {
  readonly tree = new VersionedMapleTree<string>({ allocRange: true });
  private pinned: MapleSnapshot<string> | null = null;

  /**
   * Brings the mirror to `entries` (sorted, disjoint) with as few writes as it takes.
   * @returns the number of writes (each one publishes a version)
   */
  sync(entries: readonly MirrorEntry[]): number {
    const want = new Set(entries.map((e) => key(e.first, e.last, e.line)));
    const have = new Set<string>();
    const stale: { first: number; last: number }[] = [];
    for (const e of this.tree.entries()) {
      const k = key(e.first, e.last, e.value);
      if (want.has(k)) have.add(k);
      else stale.push(e);
    }
    let writes = 0;
    for (const e of stale) {
      this.tree.storeRange(e.first, e.last, undefined);
      writes++;
    }
    for (const e of entries) {
      if (have.has(key(e.first, e.last, e.line))) continue;
      this.tree.storeRange(e.first, e.last, e.line);
      writes++;
    }
    return writes;
  }

  /** The held snapshot, if any. */
  get snapshot(): MapleSnapshot<string> | null {
    return this.pinned;
  }

  /** Pins the current version (releasing an earlier pin). */
  pin(): MapleSnapshot<string> {
    this.pinned?.release();
    this.pinned = this.tree.snapshot();
    return this.pinned;
  }

  /**
   * Releases the pin; retired nodes no reader can reach go back to the allocator.
   * @returns the retired nodes that were held back and are now reclaimed
   */
  release(): number {
    const held = this.tree.retiredNodes;
    this.pinned?.release();
    this.pinned = null;
    return held - this.tree.retiredNodes;
  }

  /** Compares the pinned snapshot with the tree now. */
  compare(): SnapshotDiff | null {
    const snap = this.pinned;
    if (!snap) return null;
    const then = new Map<string, string>();
    for (const e of snap.entries()) then.set(key(e.first, e.last, e.value), e.value);
    const added: string[] = [];
    let same = 0;
    for (const e of this.tree.entries()) {
      const k = key(e.first, e.last, e.value);
      if (then.delete(k)) same++;
      else added.push(e.value);
    }
    return { added, removed: [...then.values()], same };
  }
}
