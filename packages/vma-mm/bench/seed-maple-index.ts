/**
 * The maple index as the seed had it (before the look-up work in
 * src/backend/maple.ts), kept here as the benchmark's baseline so that each
 * run measures the change on the same @maple-tree/core: every question is
 * its own walk from the root (find_vma = mt_find, the VMA below = load + prev),
 * each answer an entry object.
 */
import { MapleTree } from '@maple-tree/core';
import { validateVmaTree } from '../src/backend/maple.js';
import type { IndexStats, Vma, VmaIndex } from '../src/index.js';

/** The seed's MapleIndex. */
export class SeedMapleIndex implements VmaIndex {
  readonly backend = 'maple' as const;
  readonly stats: IndexStats = { lookups: 0, cacheHits: 0 };
  private tree: MapleTree<Vma>;

  constructor(tree?: MapleTree<Vma>) {
    this.tree = tree ?? new MapleTree<Vma>({ allocRange: true });
  }

  get count(): number {
    return this.tree.size;
  }

  /** The underlying tree (read-only use: dumps, statistics). */
  get mapleTree(): MapleTree<Vma> {
    return this.tree;
  }

  insert(vma: Vma): void {
    this.tree.storeRange(vma.startPage, vma.endPage - 1, vma);
  }

  remove(vma: Vma): void {
    this.tree.storeRange(vma.startPage, vma.endPage - 1, undefined);
  }

  setRange(vma: Vma, start: number, end: number): void {
    const os = vma.startPage;
    const oe = vma.endPage;
    // Clear what the VMA gives up, then store it over its new range.
    if (start > os) this.tree.storeRange(os, Math.min(start, oe) - 1, undefined);
    if (end < oe) this.tree.storeRange(Math.max(end, os), oe - 1, undefined);
    vma.startPage = start;
    vma.endPage = end;
    this.tree.storeRange(start, end - 1, vma);
  }

  load(page: number): Vma | undefined {
    return this.tree.load(page);
  }

  findAbove(page: number): Vma | undefined {
    this.stats.lookups++;
    return this.tree.find(page)?.value;
  }

  findBelow(page: number): Vma | undefined {
    if (page <= 0) return undefined;
    const here = this.tree.load(page - 1);
    if (here) return here;
    return this.tree.prev(page - 1)?.value;
  }

  prev(vma: Vma): Vma | undefined {
    return this.tree.prev(vma.startPage)?.value;
  }

  next(vma: Vma): Vma | undefined {
    return this.tree.next(vma.startPage)?.value;
  }

  *range(startPage: number, endPage: number): IterableIterator<Vma> {
    let pos = startPage;
    while (pos < endPage) {
      const e = this.tree.find(pos, endPage - 1);
      if (!e) return;
      pos = e.last + 1;
      yield e.value;
    }
  }

  emptyArea(lo: number, hi: number, size: number): number | undefined {
    if (size < 1 || lo > hi || size > hi - lo + 1) return undefined;
    return this.tree.emptyArea(lo, hi, size);
  }

  emptyAreaRev(lo: number, hi: number, size: number): number | undefined {
    if (size < 1 || lo > hi || size > hi - lo + 1) return undefined;
    return this.tree.emptyAreaRev(lo, hi, size);
  }

  clone(map: (vma: Vma) => Vma): SeedMapleIndex {
    const copy = this.tree.clone();
    for (const e of this.tree.entries()) copy.storeRange(e.first, e.last, map(e.value));
    return new SeedMapleIndex(copy);
  }

  validate(): void {
    validateVmaTree(this.tree);
  }
}
