/**
 * The Maple Tree VMA index (Linux >= 6.1, mm->mm_mt): a gap-tracking
 * MapleTree from @maple-tree/core whose keys are page numbers; each VMA is
 * stored over [vm_start_page, vm_end_page - 1] and holes are explicit NULL
 * ranges, so free-area searches are mas_empty_area / mas_empty_area_rev and
 * fork is a node-by-node copy of the tree (__mt_dup) followed by a walk that
 * puts the child's VMAs in place.
 *
 *   pivots:  ... | 0x7ffff7dd1 | 0x7ffff7dd3 | 0x7ffff7df9 | ...
 *   slots:   ... |  NULL (gap) |  anon VMA   |  libc VMA   | ...
 *
 * Look-ups follow the kernel's pattern of one walk per question: find_vma
 * is a plain load when the page is mapped (mtree_load: no path recorded, no
 * entry object) and a find only for a hole (a load that misses costs less
 * than half a find, so this wins whenever about half the questions hit, as
 * page faults do); the gap search leaves a cursor
 * on the gap it found, so the VMA above it is one step forward and the VMA
 * below one step back (mas_empty_area_rev, then mas_next / mas_prev on the
 * same ma_state, as unmapped_area_topdown does). The neighbours answered
 * for one page are remembered until the next write through this index
 * (every write bumps `writes`), so asking for the VMA below a page right
 * after the VMA above it (as mmap_region and the guard-gap check do) costs
 * no second walk. There is no VMA cache: a page other than the last one
 * asked about always walks the tree.
 */
import { MAPLE_MAX, type MapleState, MapleTree } from '@maple-tree/core';
import type { Vma } from '../vma.js';
import type { IndexStats, VmaIndex } from './types.js';

/** Where the gap cursor stands after the last neighbour question. */
const CURSOR_NONE = 0;
/** On the empty range holding `nbPage` (just after a gap search). */
const CURSOR_GAP = 1;
/** On the range of `nbAbove`. */
const CURSOR_ABOVE = 2;

/** mm->mm_mt behind the VmaIndex interface. */
export class MapleIndex implements VmaIndex {
  readonly backend = 'maple' as const;
  readonly stats: IndexStats = { lookups: 0, cacheHits: 0 };
  private tree: MapleTree<Vma>;
  /** Writes through this index; answers remembered below are valid only while it is unchanged. */
  private writes = 0;
  /** The cursor of gap searches and neighbour steps (one ma_state, as in unmapped_area_topdown). */
  private readonly mas: MapleState<Vma>;
  private cursorAt = CURSOR_NONE;
  /** Page the remembered neighbours belong to (-1: none) and the write count they were found at. */
  private nbPage = -1;
  private nbWrites = -1;
  /** find_vma(nbPage), when known (null: not known; undefined: no VMA above). */
  private nbAbove: Vma | undefined | null = null;
  /** The last VMA starting below nbPage, when known (same conventions). */
  private nbBelow: Vma | undefined | null = null;

  /**
   * @param tree - the tree to index in, new and empty (clone() passes a copy); default a new
   *   gap-tracking MapleTree. Any subclass will do (e.g. @maple-tree/rcu's VersionedMapleTree).
   * @throws TypeError for a tree without gap tracking (allocRange), which mm_mt always has
   */
  constructor(tree?: MapleTree<Vma>) {
    if (tree !== undefined && !(tree instanceof MapleTree && tree.core.alloc)) {
      throw new TypeError('the maple backend needs a MapleTree made with allocRange: true');
    }
    this.tree = tree ?? new MapleTree<Vma>({ allocRange: true });
    this.mas = this.tree.state();
  }

  get count(): number {
    return this.tree.size;
  }

  /** The underlying tree (read-only use: dumps, statistics). */
  get mapleTree(): MapleTree<Vma> {
    return this.tree;
  }

  insert(vma: Vma): void {
    this.writes++;
    this.tree.storeRange(vma.startPage, vma.endPage - 1, vma);
  }

  remove(vma: Vma): void {
    this.writes++;
    this.tree.storeRange(vma.startPage, vma.endPage - 1, undefined);
  }

  setRange(vma: Vma, start: number, end: number): void {
    this.writes++;
    const os = vma.startPage;
    const oe = vma.endPage;
    // Clear what the VMA gives up, then store it over its new range.
    if (start > os) this.tree.storeRange(os, Math.min(start, oe) - 1, undefined);
    if (end < oe) this.tree.storeRange(Math.max(end, os), oe - 1, undefined);
    vma.startPage = start;
    vma.endPage = end;
    if (start < os || end > oe) this.tree.storeRange(start, end - 1, vma);
  }

  load(page: number): Vma | undefined {
    return this.tree.load(page);
  }

  /** Start remembering the neighbours of `page` (forgets those of any other page). */
  private remember(page: number): void {
    if (this.nbPage !== page || this.nbWrites !== this.writes) {
      this.nbPage = page;
      this.nbWrites = this.writes;
      this.nbAbove = null;
      this.nbBelow = null;
      this.cursorAt = CURSOR_NONE;
    }
  }

  findAbove(page: number): Vma | undefined {
    this.stats.lookups++;
    if (page !== this.nbPage || this.nbWrites !== this.writes) {
      // A page inside a VMA: that VMA is the answer, found by one plain load (mtree_load).
      const hit = this.tree.load(page);
      if (hit !== undefined) return hit;
    }
    this.remember(page);
    const known = this.nbAbove;
    if (known !== null) return known;
    const mas = this.mas;
    let vma: Vma | undefined;
    const below = this.nbBelow;
    if (this.cursorAt === CURSOR_GAP) {
      // The gap search left the cursor on the hole holding `page`: the VMA above is the next entry.
      vma = mas.next(MAPLE_MAX);
    } else if (below !== null && below !== undefined && below.endPage > page) {
      vma = below;
    } else {
      // A hole: one walk to the first entry above it (mt_find).
      vma = this.tree.find(page)?.value;
      this.cursorAt = CURSOR_NONE;
      this.nbAbove = vma;
      return vma;
    }
    this.cursorAt = vma !== undefined && vma !== below ? CURSOR_ABOVE : CURSOR_NONE;
    this.nbAbove = vma;
    return vma;
  }

  findBelow(page: number): Vma | undefined {
    if (page <= 0) return undefined;
    this.remember(page);
    const known = this.nbBelow;
    if (known !== null) return known;
    const mas = this.mas;
    let vma: Vma | undefined;
    const above = this.nbAbove;
    if (above !== null && above !== undefined && above.startPage < page) vma = above;
    else if (this.cursorAt === CURSOR_ABOVE) {
      // The cursor is on the first VMA ending above `page`, which starts at or after it:
      // the VMA below is the previous entry (mas_prev).
      vma = mas.prev(0);
    } else {
      // The VMA holding page - 1 if any (one load), else the last entry before it.
      vma = this.tree.load(page - 1);
      if (vma === undefined) vma = this.tree.prev(above ? above.startPage : page - 1)?.value;
    }
    this.cursorAt = CURSOR_NONE;
    this.nbBelow = vma;
    return vma;
  }

  prev(vma: Vma): Vma | undefined {
    return this.tree.prev(vma.startPage)?.value;
  }

  next(vma: Vma): Vma | undefined {
    return this.tree.next(vma.startPage)?.value;
  }

  *range(startPage: number, endPage: number): IterableIterator<Vma> {
    let pos = startPage;
    // Most ranges start inside a VMA (munmap, mprotect): the first one is a plain load.
    const first = startPage < endPage ? this.tree.load(startPage) : undefined;
    if (first !== undefined) {
      pos = first.endPage;
      yield first;
    }
    while (pos < endPage) {
      const e = this.tree.find(pos, endPage - 1);
      if (!e) return;
      pos = e.last + 1;
      yield e.value;
    }
  }

  private area(lo: number, hi: number, size: number, rev: boolean): number | undefined {
    if (size < 1 || lo > hi || size > hi - lo + 1) return undefined;
    const mas = this.mas;
    if (!(rev ? mas.emptyAreaRev(lo, hi, size) : mas.emptyArea(lo, hi, size))) return undefined;
    const start = mas.index;
    this.remember(start);
    this.cursorAt = CURSOR_GAP;
    return start;
  }

  emptyArea(lo: number, hi: number, size: number): number | undefined {
    return this.area(lo, hi, size, false);
  }

  emptyAreaRev(lo: number, hi: number, size: number): number | undefined {
    return this.area(lo, hi, size, true);
  }

  clone(map: (vma: Vma) => Vma): MapleIndex {
    // __mt_dup: copy the nodes, then put each child VMA in its slot (an exact-fit store),
    // walking the parent with an allocation-free cursor.
    const copy = this.tree.clone();
    const mas = this.tree.state(0);
    for (let v = mas.find(MAPLE_MAX); v !== undefined; v = mas.find(MAPLE_MAX)) {
      copy.storeRange(mas.index, mas.last, map(v));
    }
    return new MapleIndex(copy);
  }

  validate(): void {
    validateVmaTree(this.tree);
  }
}

/**
 * Checks a VMA tree: the tree's own invariants (mt_validate), then that each
 * VMA is stored over exactly its pages, in order (validate_mm's walk).
 * @throws Error naming the first broken invariant
 */
export function validateVmaTree(tree: MapleTree<Vma>): void {
  tree.validate();
  let prevEnd = -1;
  for (const e of tree.entries()) {
    const v = e.value;
    if (e.first !== v.startPage || e.last !== v.endPage - 1) {
      throw new Error(`maple index: VMA [${v.startPage}, ${v.endPage}) stored over [${e.first}, ${e.last}]`);
    }
    if (e.first < prevEnd) throw new Error('maple index: entries out of order');
    prevEnd = e.last + 1;
  }
}
