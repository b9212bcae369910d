/**
 * The VMA index: what an mm needs from the structure that maps page ranges
 * to VMAs. Two implementations sit behind it:
 *
 * - `maple`: the Maple Tree (Linux >= 6.1), a gap-tracking range B-tree;
 * - `legacy`: what it replaced (Linux < 6.1): an augmented red-black tree
 *   keyed by vm_start with per-subtree largest gaps, the sorted doubly linked
 *   VMA list and the per-thread VMA cache in front of find_vma.
 *
 * All positions are page numbers. A VMA occupies [startPage, endPage - 1].
 * Callers keep stored ranges disjoint at every step (shrink before grow).
 */
import type { Vma } from '../vma.js';

/** Which index implementation an address space uses. */
export type BackendName = 'maple' | 'legacy';

/** Counters a backend keeps about its own work (for comparisons). */
export interface IndexStats {
  /** find_vma calls answered. */
  lookups: number;
  /** find_vma calls answered from a VMA cache (legacy's vmacache, maple's four-slot cache). */
  cacheHits: number;
}

/** The VMA index interface (mm->mm_mt, or mm_rb + mmap list + vmacache). */
export interface VmaIndex {
  readonly backend: BackendName;
  /** Number of VMAs stored. */
  readonly count: number;
  readonly stats: IndexStats;
  /** Store `vma` over its range, which must be empty. */
  insert(vma: Vma): void;
  /** Erase `vma` (stores NULL over its range). */
  remove(vma: Vma): void;
  /**
   * Move a stored VMA's bounds to [start, end); the caller guarantees the new
   * range overlaps no other stored VMA. Updates `vma.startPage/endPage`.
   */
  setRange(vma: Vma, start: number, end: number): void;
  /** The VMA containing `page` (vma_lookup / mtree_load). */
  load(page: number): Vma | undefined;
  /** The first VMA ending above `page` (find_vma). */
  findAbove(page: number): Vma | undefined;
  /** The VMA before `vma` in address order. */
  prev(vma: Vma): Vma | undefined;
  /** The VMA after `vma` in address order. */
  next(vma: Vma): Vma | undefined;
  /** The last VMA that starts below `page` (the VMA at or before a gap). */
  findBelow(page: number): Vma | undefined;
  /** VMAs intersecting [startPage, endPage), in order. Safe against removal of the returned VMA. */
  range(startPage: number, endPage: number): IterableIterator<Vma>;
  /** Lowest page s >= lo with [s, s + size - 1] empty and s + size - 1 <= hi (mas_empty_area). */
  emptyArea(lo: number, hi: number, size: number): number | undefined;
  /** Highest page s with [s, s + size - 1] empty, s >= lo, s + size - 1 <= hi (mas_empty_area_rev). */
  emptyAreaRev(lo: number, hi: number, size: number): number | undefined;
  /** A copy holding `map(v)` for every VMA v (dup_mmap / __mt_dup). */
  clone(map: (vma: Vma) => Vma): VmaIndex;
  /**
   * A system call is done: an index that deferred writes within it (the
   * maple index's NULL stores) finishes them, so that the structure
   * underneath holds exactly the stored VMAs between calls. Answers never
   * depend on it.
   */
  syscallDone?(): void;
  /** Check every invariant; throws an Error naming the broken one. */
  validate(): void;
}
