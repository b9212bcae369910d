/**
 * The legacy VMA index (Linux < 6.1): the augmented rb-tree for lookups and
 * free-area searches, the sorted VMA list for neighbours and iteration, and
 * the per-thread VMA cache (with mm-wide sequence-number invalidation) in
 * front of find_vma. Behind the same VmaIndex interface as the Maple Tree,
 * so both can run the same work.
 */
import type { Vma } from '../vma.js';
import { VmaCache } from './legacy-cache.js';
import { GapRbTree, type RbNode } from './legacy-rbtree.js';
import type { IndexStats, VmaIndex } from './types.js';

/** mm_rb + mm->mmap + vmacache behind the VmaIndex interface. */
export class LegacyIndex implements VmaIndex {
  readonly backend = 'legacy' as const;
  readonly stats: IndexStats = { lookups: 0, cacheHits: 0 };
  private readonly tree = new GapRbTree();
  private readonly nodes = new Map<Vma, RbNode>();
  /** mm->vmacache_seqnum. */
  private seq = 0;
  /** current->vmacache: the replaying thread's cache. */
  private readonly cache = new VmaCache();

  get count(): number {
    return this.tree.size;
  }

  private node(vma: Vma): RbNode {
    const n = this.nodes.get(vma);
    if (!n) throw new Error(`legacy index: VMA at page ${vma.startPage} is not stored`);
    return n;
  }

  insert(vma: Vma): void {
    if (this.nodes.has(vma)) throw new Error('legacy index: VMA stored twice');
    this.nodes.set(vma, this.tree.insert(vma));
  }

  remove(vma: Vma): void {
    this.tree.erase(this.node(vma));
    this.nodes.delete(vma);
    this.seq++; // vmacache_invalidate
  }

  setRange(vma: Vma, start: number, end: number): void {
    const n = this.node(vma);
    // Ranges stay disjoint, so order by vm_start is unchanged: update in place.
    vma.startPage = start;
    vma.endPage = end;
    this.tree.refreshGap(n);
    if (n.next) this.tree.refreshGap(n.next);
    // No vmacache_invalidate: a cached VMA is checked against its current bounds.
  }

  load(page: number): Vma | undefined {
    const vma = this.findAbove(page);
    return vma && vma.startPage <= page ? vma : undefined;
  }

  findAbove(page: number): Vma | undefined {
    this.stats.lookups++;
    const cached = this.cache.find(page, this.seq);
    if (cached) {
      this.stats.cacheHits++;
      return cached;
    }
    const n = this.tree.findAbove(page);
    if (!n) return undefined;
    this.cache.update(page, n.vma, this.seq);
    return n.vma;
  }

  findBelow(page: number): Vma | undefined {
    return this.tree.findBelow(page)?.vma;
  }

  prev(vma: Vma): Vma | undefined {
    return this.node(vma).prev?.vma;
  }

  next(vma: Vma): Vma | undefined {
    return this.node(vma).next?.vma;
  }

  *range(startPage: number, endPage: number): IterableIterator<Vma> {
    let n = this.tree.findAbove(startPage);
    while (n && n.vma.startPage < endPage) {
      const vma = n.vma;
      const end = vma.endPage;
      yield vma;
      // Continue after the range just returned, even if the caller changed the tree.
      const cur = this.nodes.get(vma);
      n = cur === n && vma.endPage === end ? n.next : this.tree.findAbove(end);
    }
  }

  emptyArea(lo: number, hi: number, size: number): number | undefined {
    if (size < 1 || lo > hi) return undefined;
    return this.tree.emptyArea(lo, hi, size);
  }

  emptyAreaRev(lo: number, hi: number, size: number): number | undefined {
    if (size < 1 || lo > hi) return undefined;
    return this.tree.emptyAreaRev(lo, hi, size);
  }

  clone(map: (vma: Vma) => Vma): LegacyIndex {
    const copy = new LegacyIndex();
    for (let n = this.tree.head; n; n = n.next) copy.insert(map(n.vma));
    return copy;
  }

  validate(): void {
    this.tree.validate();
    if (this.nodes.size !== this.tree.size)
      throw new Error('legacy index: node map out of step with the tree');
  }

  /** The VMA cache's counters (hits, misses). */
  get cacheStats(): { hits: number; misses: number } {
    return { hits: this.cache.hits, misses: this.cache.misses };
  }
}
