/**
 * Snapshots of the address space's own maple tree (mm->mm_mt). The explorer
 * builds its address spaces on a @maple-tree/rcu VersionedMapleTree (vma-mm's
 * `mapleTree` option), so the tree the system calls write is the tree that
 * is versioned, as mm_mt is in RCU mode since Linux 6.4: pinning takes an
 * O(1) snapshot of it, every later write copies its path instead of
 * changing nodes the snapshot reads, and the nodes it replaces are retired
 * and held back for as long as the snapshot might read them.
 *
 * The tree holds VMAs, and a VMA is one object that the mm changes in place
 * (mprotect of a whole VMA rewrites its flags without touching the tree), as
 * the kernel's vm_area_struct is. So the pinned version's maps lines are
 * noted when it is pinned, from the snapshot's own entries.
 */
import type { MapleSnapshot } from '@maple-tree/rcu';
import { VersionedMapleTree } from '@maple-tree/rcu';
import { type AddressSpace, formatVma, type Vma } from '@maple-tree/vma-mm';
import { mapleTreeOf } from './layout.js';

/** What changed between a snapshot and now, as maps lines. */
export interface SnapshotDiff {
  /** In the current tree only. */
  added: string[];
  /** In the snapshot only. */
  removed: string[];
  /** Entries both have, unchanged. */
  same: number;
}

/** A new tree for mm->mm_mt: versioned, gap-tracking (vma-mm's `mapleTree` option). */
export function versionedMmTree(): VersionedMapleTree<Vma> {
  return new VersionedMapleTree<Vma>({ allocRange: true });
}

/** The pinned version: the snapshot, the tree it belongs to, and its maps lines. */
interface Pin {
  readonly snapshot: MapleSnapshot<Vma>;
  readonly tree: VersionedMapleTree<Vma>;
  readonly lines: readonly string[];
}

/** Pins and compares versions of the address space's maple tree. */
export class TreeSnapshots {
  private mm: AddressSpace | null = null;
  private pinned: Pin | null = null;

  /** Follows `mm` (call whenever the address space shown changes). */
  follow(mm: AddressSpace): void {
    this.mm = mm;
  }

  /** The current address space's tree, when it is versioned. */
  get tree(): VersionedMapleTree<Vma> | null {
    const t = this.mm ? mapleTreeOf(this.mm) : undefined;
    return t instanceof VersionedMapleTree ? (t as VersionedMapleTree<Vma>) : null;
  }

  /** The held snapshot, if any. */
  get snapshot(): MapleSnapshot<Vma> | null {
    return this.pinned?.snapshot ?? null;
  }

  /** The tree the held snapshot belongs to (an earlier one after a replay started again). */
  get pinnedTree(): VersionedMapleTree<Vma> | null {
    return this.pinned?.tree ?? null;
  }

  /**
   * Pins the current version (releasing an earlier pin).
   * @throws Error when the address space's tree is not versioned
   */
  pin(): MapleSnapshot<Vma> {
    const tree = this.tree;
    if (!tree || !this.mm) throw new Error('the address space has no versioned maple tree');
    this.release();
    const snapshot = tree.snapshot();
    const mm = this.mm;
    const lines = [...snapshot.entries()].map((e) => formatVma(mm, e.value));
    this.pinned = { snapshot, tree, lines };
    return snapshot;
  }

  /**
   * Releases the pin; retired nodes no reader can reach go back to the allocator.
   * @returns the retired nodes that were held back and are now reclaimed
   */
  release(): number {
    const p = this.pinned;
    if (!p) return 0;
    const held = p.tree.retiredNodes;
    p.snapshot.release();
    this.pinned = null;
    return held - p.tree.retiredNodes;
  }

  /** Compares the pinned version with the address space now. */
  compare(): SnapshotDiff | null {
    const p = this.pinned;
    const mm = this.mm;
    if (!p || !mm) return null;
    const then = new Set(p.lines);
    const added: string[] = [];
    let same = 0;
    const tree = mapleTreeOf(mm);
    for (const vma of tree ? tree.entries() : []) {
      const line = formatVma(mm, vma.value);
      if (then.delete(line)) same++;
      else added.push(line);
    }
    return { added, removed: [...then], same };
  }
}
