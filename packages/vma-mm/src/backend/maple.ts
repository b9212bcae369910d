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
 * entry object) and one mt_find for a hole (the entry after the hole is in
 * the same leaf); which one goes first is guessed from the last answer, so
 * a run of hits (page faults) or of holes (mmap's checks) costs one walk
 * each. The gap search leaves its cursor (an ma_state) on the gap it found,
 * so the VMA above it is one step forward and the VMA below one step back
 * (mas_empty_area_rev, then mas_next / mas_prev, as unmapped_area_topdown
 * does); prev and next of a VMA the cursor stands on are one step too.
 *
 * What a look-up learns about a hole is kept in a hole record (maple-hole.ts):
 * pages known to hold no VMA, with the VMAs bounding them once known.
 * Unlike the cursor, the record survives writes through the index: each
 * write keeps it true. So a run of brk calls, whose questions (find_vma of
 * the old break, the VMA below it) all fall in the hole above the heap while
 * the heap grows into it, and the mmaps that land at the top of that hole,
 * ask the tree nothing.
 *
 * Writes follow the kernel in not clearing what is about to be stored over:
 * a removed VMA's pages, and the pages a VMA gives up when it shrinks, go to
 * a short list of pending NULL stores (maple-clears.ts); a store over them
 * (the new part of a split, the VMA mmap_region puts where MAP_FIXED unmapped,
 * a merge growing over a removed neighbour) makes the NULL store unnecessary,
 * and the rest is cleared at the next gap search or iteration, or when the
 * system call ends (`syscallDone`, as vms_complete_munmap_vmas: no pending
 * store outlives the call, so the tree is exact between calls).
 * Reads skip entries that lie wholly in a pending range, so every answer is
 * the current layout's.
 *
 * In front of the tree sits a four-slot VMA cache, like the per-thread
 * vmacache Linux had before the Maple Tree (3.15 - 6.0), but emptied by
 * every write through the index (the vmacache was trusted while a sequence
 * number stood still; here that number is `writes`) and filled round robin,
 * so four hot VMAs stay cached whatever their page numbers. After eight
 * look-ups in a row it could not answer it rests for the next 248 (no
 * probe, no fill), so a stream that never repeats a VMA pays for the walk
 * alone.
 */
import { MAPLE_MAX, type MapleEntry, type MapleState, MapleTree } from '@maple-tree/core';
import type { Vma } from '../vma.js';
import { AreaRecord } from './maple-area.js';
import { PendingClears } from './maple-clears.js';
import { HoleRecord } from './maple-hole.js';
import type { IndexStats, VmaIndex } from './types.js';

/**
 * After this many look-ups in a row that the VMA cache could not answer,
 * the next CACHE_REST skip it (neither probed nor filled): questions that
 * never repeat a recent VMA, such as a scan, then cost the tree walk alone.
 */
const CACHE_TRIES = 8;
const CACHE_REST = 248;

/** Options of a {@link MapleIndex}. */
export interface MapleIndexOptions {
  /**
   * Keep what look-ups learn across writes (default true): the four-slot
   * VMA cache in front of the tree, and the hole record kept true through
   * each write (maple-hole.ts). Linux 6.1 dropped the per-thread vmacache
   * along with the rb-tree, so `false` gives the kernel's own look-up path:
   * find_vma walks the tree, and only what one walk or gap search found is
   * reused (as a vma_iterator is) until the next write. Answers are the same
   * either way.
   */
  vmaCache?: boolean;
}

/** mm->mm_mt behind the VmaIndex interface. */
export class MapleIndex implements VmaIndex {
  readonly backend = 'maple' as const;
  readonly stats: IndexStats = { lookups: 0, cacheHits: 0 };
  private tree: MapleTree<Vma>;
  /** The tree was made here (a plain gap-tracking MapleTree), not passed in by the caller. */
  private ownTree: boolean;
  /** map_count: VMAs stored (the tree may still hold removed ones in pending ranges). */
  private vmas: number;
  /** Writes through this index; the VMA cache is valid only while it is unchanged. */
  private writes = 0;
  /** NULL stores not made yet (see maple-clears.ts). */
  private readonly clears = new PendingClears();
  /** The look-up cursor (one ma_state, as a vma_iterator's). */
  private readonly mas: MapleState<Vma>;
  /** A spare cursor for range(), free while no iteration holds it (made on first use). */
  private iter: MapleState<Vma> | null = null;
  /** Stores made in the tree (puts and NULL stores): the cursor's place is valid while it stands still. */
  private stores = 0;
  /**
   * The cursor stands on the empty range holding the hole record's pages (a
   * gap search's fit), valid while `stores` is `cursorStores`.
   */
  private cursorGap = false;
  /** The VMA whose entry the cursor stands on (same validity). */
  private cursorVma: Vma | undefined = undefined;
  private cursorStores = -1;
  /**
   * Pages known to hold no VMA and their neighbours, kept true through every
   * write (maple-hole.ts); forgotten at each write when the caches are off.
   */
  private readonly hole: HoleRecord;
  /** What the last gap search proved about where a fit can lie (maple-area.ts). */
  private readonly areaRecord: AreaRecord;
  /**
   * A small VMA cache in front of the tree, as the vmacache of Linux 3.15 - 6.0:
   * the last four VMAs found, filled round robin (not by page & 3, so that
   * four hot VMAs always fit). It is trusted only while `cacheWrites` equals
   * `writes`: any write through the index empties it.
   */
  private c0: Vma | undefined = undefined;
  private c1: Vma | undefined = undefined;
  private c2: Vma | undefined = undefined;
  private c3: Vma | undefined = undefined;
  /** The slot the next VMA found goes to (round robin). */
  private cacheNext = 0;
  /** Look-ups since the last cache hit (see CACHE_TRIES). */
  private cacheMisses = 0;
  private cacheWrites = 0;
  /** The last find_vma the tree answered was for a page inside a VMA (predicts the next one). */
  private lastHit = true;
  /** False: no look-up answer outlives a write, as Linux >= 6.1 (see {@link MapleIndexOptions.vmaCache}). */
  private readonly cacheOn: boolean;

  /**
   * @param tree - the tree to index in, new and empty (clone() passes a copy); default a new
   *   gap-tracking MapleTree. Any subclass will do (e.g. @maple-tree/rcu's VersionedMapleTree).
   * @param options - see {@link MapleIndexOptions}
   * @throws TypeError for a tree without gap tracking (allocRange), which mm_mt always has
   */
  constructor(tree?: MapleTree<Vma>, options: MapleIndexOptions = {}) {
    if (tree !== undefined && !(tree instanceof MapleTree && tree.core.alloc)) {
      throw new TypeError('the maple backend needs a MapleTree made with allocRange: true');
    }
    if (options.vmaCache !== undefined && typeof options.vmaCache !== 'boolean') {
      throw new TypeError('vmaCache must be a boolean');
    }
    this.cacheOn = options.vmaCache ?? true;
    this.hole = new HoleRecord(this.cacheOn);
    this.areaRecord = new AreaRecord(this.cacheOn);
    // Page numbers pass 2^31 in any real address space: 64-bit pivots from the start.
    this.tree = tree ?? new MapleTree<Vma>({ allocRange: true, compactPivots: false });
    this.ownTree = tree === undefined;
    this.vmas = this.tree.size;
    this.mas = this.tree.state();
  }

  get count(): number {
    return this.vmas;
  }

  /** The underlying tree (read-only use: dumps, statistics), with every pending store made. */
  get mapleTree(): MapleTree<Vma> {
    this.sync();
    return this.tree;
  }

  /** Makes the pending NULL stores, so that the tree holds exactly the current VMAs. */
  sync(): void {
    const clears = this.clears;
    if (clears.size === 0) return;
    for (let i = 0; i < clears.size; i++) this.tree.storeRange(clears.first(i), clears.last(i), undefined);
    clears.reset();
    this.stores++;
  }

  /** A system call is done: its pending NULL stores are made (none outlives the call). */
  syscallDone(): void {
    this.sync();
  }

  /** Stores `vma` over [first, last]; no pending clear there is needed any more. */
  private put(first: number, last: number, vma: Vma): void {
    if (this.clears.size !== 0) this.clears.cut(first, last);
    this.stores++;
    this.tree.storeRange(first, last, vma);
  }

  /** [first, last] holds no VMA any more: clear it later, unless a store covers it first. */
  private clear(first: number, last: number): void {
    if (this.clears.add(first, last)) this.sync();
  }

  insert(vma: Vma): void {
    this.writes++;
    this.vmas++;
    this.hole.taken(vma);
    this.areaRecord.taken(vma.startPage, vma.endPage - 1);
    this.put(vma.startPage, vma.endPage - 1, vma);
  }

  remove(vma: Vma): void {
    this.writes++;
    this.vmas--;
    this.hole.removed(vma);
    this.areaRecord.freed(vma.startPage, vma.endPage - 1);
    this.clear(vma.startPage, vma.endPage - 1);
  }

  setRange(vma: Vma, start: number, end: number): void {
    this.writes++;
    const os = vma.startPage;
    const oe = vma.endPage;
    // What the VMA gives up is cleared later (or stored over first); a VMA that grows is stored again.
    if (start > os) this.clear(os, Math.min(start, oe) - 1);
    if (end < oe) this.clear(Math.max(end, os), oe - 1);
    vma.startPage = start;
    vma.endPage = end;
    this.hole.moved(vma);
    const area = this.areaRecord;
    if (start > os) area.freed(os, Math.min(start, oe) - 1);
    if (end < oe) area.freed(Math.max(end, os), oe - 1);
    if (start < os) area.taken(start, Math.min(os, end) - 1);
    if (end > oe) area.taken(Math.max(oe, start), end - 1);
    if (start < os || end > oe) this.put(start, end - 1, vma);
  }

  /** Records that [lo, hi] holds no VMA (see HoleRecord.set); the cursor is not known to be on it. */
  private setHole(
    lo: number,
    hi: number,
    below: Vma | undefined | null,
    above: Vma | undefined | null,
  ): void {
    this.hole.set(lo, hi, below, above);
    this.cursorGap = false;
  }

  load(page: number): Vma | undefined {
    if (this.clears.size !== 0 && this.clears.covers(page, page)) return undefined;
    return this.tree.load(page);
  }

  /**
   * find_vma by the tree: the first entry at or after `page` (mt_find: one
   * walk, the entry after a hole being in the same leaf), skipping entries
   * that lie wholly in a pending range. A page in a hole records the hole up
   * to the VMA found.
   */
  private treeAbove(page: number): Vma | undefined {
    const clears = this.clears;
    let e = this.tree.find(page);
    while (e !== undefined && clears.size !== 0 && clears.covers(Math.max(e.first, page), e.last)) {
      e = e.last < MAPLE_MAX ? this.tree.find(e.last + 1) : undefined;
    }
    const v = e?.value;
    if (v === undefined) this.setHole(page, MAPLE_MAX, null, undefined);
    else if (v.startPage > page) this.setHole(page, v.startPage - 1, null, v);
    return v;
  }

  /** Steps the cursor on to the next entry that is not wholly in a pending range (mas_next). */
  private nextFrom(): Vma | undefined {
    const mas = this.mas;
    const clears = this.clears;
    for (;;) {
      const v = mas.next(MAPLE_MAX);
      if (v === undefined) return this.offEntry();
      if (clears.size === 0 || !clears.covers(mas.index, mas.last)) return this.onEntry(v);
    }
  }

  /**
   * The last VMA with a page below `page` by the tree: a plain load of
   * page - 1 (mtree_load) when that page is mapped, else a walk there and a
   * step back (mas_walk, mas_prev), as treeAbove.
   */
  private treeBelow(page: number): Vma | undefined {
    const clears = this.clears;
    if (clears.size === 0 || !clears.covers(page - 1, page - 1)) {
      const hit = this.tree.load(page - 1);
      if (hit !== undefined) return hit;
    }
    const mas = this.mas;
    const v = mas.set(page - 1).walk();
    if (v !== undefined && !this.stale(mas.index, mas.last, page)) return this.onEntry(v);
    return this.prevFrom(page);
  }

  /** Steps the cursor back to the last entry below its range that is not stale below `page` (mas_prev). */
  private prevFrom(page: number): Vma | undefined {
    const mas = this.mas;
    for (;;) {
      const v = mas.prev(0);
      if (v === undefined) return this.offEntry();
      if (!this.stale(mas.index, mas.last, page)) return this.onEntry(v);
    }
  }

  /** The entry [first, last] lies wholly in pending ranges as far as it reaches below `page`. */
  private stale(first: number, last: number, page: number): boolean {
    return this.clears.size !== 0 && this.clears.covers(first, Math.min(last, page - 1));
  }

  /** The cursor now stands on the entry of `vma`. */
  private onEntry(vma: Vma): Vma {
    this.cursorVma = vma;
    this.cursorStores = this.stores;
    this.cursorGap = false;
    return vma;
  }

  /** The cursor stands on no VMA's entry. */
  private offEntry(): undefined {
    this.cursorVma = undefined;
    this.cursorGap = false;
    return undefined;
  }

  /** True when the cursor stands on the entry of `vma` and the tree has not changed since. */
  private cursorOn(vma: Vma): boolean {
    return this.cursorVma === vma && this.cursorStores === this.stores;
  }

  /** The cached VMA holding `page`, if any (vmacache_find). */
  private cached(page: number): Vma | undefined {
    let c = this.c0;
    if (c !== undefined && c.startPage <= page && page < c.endPage) return c;
    c = this.c1;
    if (c !== undefined && c.startPage <= page && page < c.endPage) return c;
    c = this.c2;
    if (c !== undefined && c.startPage <= page && page < c.endPage) return c;
    c = this.c3;
    if (c !== undefined && c.startPage <= page && page < c.endPage) return c;
    return undefined;
  }

  /** Remember `vma` in the next slot (vmacache_update). */
  private toCache(vma: Vma): void {
    const k = this.cacheNext;
    this.cacheNext = (k + 1) & 3;
    if (k === 0) this.c0 = vma;
    else if (k === 1) this.c1 = vma;
    else if (k === 2) this.c2 = vma;
    else this.c3 = vma;
  }

  findAbove(page: number): Vma | undefined {
    this.stats.lookups++;
    // A page in the recorded hole: the VMA above it, once known, answers with no cache and no walk.
    const hole = this.hole;
    if (hole.holds(page)) {
      const known = hole.above;
      return known !== null ? known : this.holeAboveFill(page);
    }
    if (this.cacheWrites !== this.writes) {
      this.c0 = this.c1 = this.c2 = this.c3 = undefined;
      this.cacheWrites = this.writes;
    }
    const probing = this.cacheOn && this.cacheMisses < CACHE_TRIES;
    if (probing) {
      const c = this.cached(page);
      if (c !== undefined) {
        this.cacheMisses = 0;
        this.stats.cacheHits++;
        return c;
      }
      this.cacheMisses++;
    } else if (this.cacheOn && ++this.cacheMisses === CACHE_TRIES + CACHE_REST) this.cacheMisses = 0;
    // After a hit, a page inside a VMA is likely again: one plain load answers it (mtree_load,
    // no path recorded). Else one mt_find answers either (and records a hole it lands in).
    const clears = this.clears;
    if (this.lastHit && (clears.size === 0 || !clears.covers(page, page))) {
      const hit = this.tree.load(page);
      if (hit !== undefined) {
        if (probing) this.toCache(hit);
        return hit;
      }
    }
    const vma = this.treeAbove(page);
    this.lastHit = vma !== undefined && vma.startPage <= page;
    if (probing && this.lastHit) this.toCache(vma as Vma);
    return vma;
  }

  /** find_vma(page) for a page in the recorded hole whose upper neighbour is not known yet. */
  private holeAboveFill(page: number): Vma | undefined {
    const hole = this.hole;
    if (!(this.cursorGap && this.cursorStores === this.stores)) {
      // From the tree (the lower part of the hole stays known).
      const lo = hole.lo;
      const below = hole.below;
      const vma = this.treeAbove(page);
      if (vma === undefined || vma.startPage > page) {
        hole.lo = lo;
        hole.below = below;
      }
      return vma;
    }
    // The gap search left the cursor on the empty range holding the hole: the next entry.
    const vma = this.nextFrom();
    hole.setAbove(vma);
    return vma;
  }

  findBelow(page: number): Vma | undefined {
    if (page <= 0) return undefined;
    const hole = this.hole;
    // A page in the recorded hole or just above it: the VMA below the hole.
    if (page >= hole.lo && page <= hole.hi + 1) {
      const known = hole.below;
      if (known !== null) return known;
      let vma: Vma | undefined;
      const above = hole.above;
      if (this.cursorGap && this.cursorStores === this.stores) vma = this.prevFrom(page);
      else if (above !== null && above !== undefined && this.cursorOn(above)) {
        // The cursor is on the VMA above the hole: the VMA below is the previous entry (mas_prev).
        vma = this.prevFrom(page);
      } else vma = this.treeBelow(page);
      // No VMA starts between it and `page`, and [page, hi] is empty: it bounds the hole.
      hole.setBelow(vma);
      return vma;
    }
    return this.treeBelow(page);
  }

  prev(vma: Vma): Vma | undefined {
    // The VMA above the recorded hole: the one below it, when known.
    const hole = this.hole;
    if (vma === hole.above && hole.below !== null) return hole.below;
    // From the VMA's own entry when the cursor is on it (mas_prev).
    if (this.cursorOn(vma)) return this.prevFrom(vma.startPage);
    const start = vma.startPage;
    if (start === 0) return undefined;
    if (this.clears.size === 0 || !this.clears.covers(start - 1, start - 1)) {
      // A VMA right below it: one plain load. Else a walk into the hole below it and a step
      // back, which makes the hole known (both its neighbours).
      const adjacent = this.tree.load(start - 1);
      if (adjacent !== undefined) return adjacent;
      this.mas.set(start - 1);
      const below = this.prevFrom(start);
      this.setHole(below === undefined ? 0 : below.endPage, start - 1, below, vma);
      return below;
    }
    // The page below is in a pending range, maybe the stale tail of the VMA sought: from its own entry.
    this.mas.set(start);
    return this.prevFrom(start);
  }

  next(vma: Vma): Vma | undefined {
    const hole = this.hole;
    if (vma === hole.below && hole.above !== null) return hole.above;
    if (this.cursorOn(vma)) return this.nextFrom();
    // A VMA right above it: one plain load. Else one mt_find from its end, which makes the hole
    // above it known.
    const adjacent = this.loadMapped(vma.endPage);
    if (adjacent !== undefined) return adjacent;
    const above = this.treeAbove(vma.endPage);
    this.hole.setBelow(vma);
    return above;
  }

  /** The VMA holding `page` by one plain load (mtree_load), or undefined (a page in a pending range included). */
  private loadMapped(page: number): Vma | undefined {
    if (page < 0 || (this.clears.size !== 0 && this.clears.covers(page, page))) return undefined;
    return this.tree.load(page);
  }

  *range(startPage: number, endPage: number): IterableIterator<Vma> {
    if (startPage >= endPage) return;
    this.sync();
    // A cursor of its own, so that look-ups between the steps do not move it.
    const mas = this.iter ?? this.tree.state();
    this.iter = null;
    try {
      const max = endPage - 1;
      let pos = startPage;
      let seen = -1;
      while (pos < endPage) {
        // Step on from the last entry while the index is unchanged; after a write, walk again to
        // the page after the last VMA returned (the caller may have split or removed it).
        let v: Vma | undefined;
        if (seen === this.writes) v = mas.next(max);
        else {
          this.sync();
          v = mas.set(pos).find(max);
        }
        if (v === undefined) return;
        pos = mas.last + 1;
        seen = this.writes;
        yield v;
      }
    } finally {
      this.iter = mas;
    }
  }

  private area(lo: number, hi: number, size: number, rev: boolean): number | undefined {
    if (size < 1 || lo > hi || size > hi - lo + 1) return undefined;
    // Where the last search of this window proved a fit can lie, if it covers this size.
    const record = this.areaRecord;
    const narrowed = record.covers(lo, hi, size);
    const a = narrowed ? Math.max(lo, record.bottom) : lo;
    const b = narrowed ? Math.min(hi, record.top) : hi;
    if (b - a + 1 < size) return undefined;
    this.sync();
    const mas = this.mas;
    const found = rev ? mas.emptyAreaRev(a, b, size) : mas.emptyArea(a, b, size);
    record.searched(lo, hi, size, rev, found ? mas.index : undefined, narrowed);
    // A search that found nothing has still moved the cursor off any VMA it stood on.
    if (!found) return this.offEntry();
    const start = mas.index;
    // The fit is empty; the cursor stands on the empty range holding it (its neighbours: one
    // step). A fit inside the recorded hole keeps the record and the neighbours known.
    if (start < this.hole.lo || mas.last > this.hole.hi) this.setHole(start, mas.last, null, null);
    this.cursorVma = undefined;
    this.cursorGap = true;
    this.cursorStores = this.stores;
    return start;
  }

  emptyArea(lo: number, hi: number, size: number): number | undefined {
    return this.area(lo, hi, size, false);
  }

  emptyAreaRev(lo: number, hi: number, size: number): number | undefined {
    return this.area(lo, hi, size, true);
  }

  clone(map: (vma: Vma) => Vma): MapleIndex {
    this.sync();
    if (this.ownTree) {
      // A tree of our own: the child's is built bottom-up from the parent's VMAs in one pass
      // (MapleTree.from, O(n)) instead of a store per VMA; only its node shapes differ.
      const entries: MapleEntry<Vma>[] = [];
      this.tree.forEach((v, first, last) => {
        entries.push({ first, last, value: map(v) });
      });
      const child = new MapleIndex(MapleTree.from(entries, { allocRange: true, compactPivots: false }), {
        vmaCache: this.cacheOn,
      });
      child.ownTree = true;
      return child;
    }
    // A caller's tree (of any kind): __mt_dup, a copy of its nodes through its own clone(), then
    // each child VMA put in its slot (an exact-fit store), walking the parent with a cursor.
    const copy = this.tree.clone();
    const mas = this.tree.state(0);
    for (let v = mas.find(MAPLE_MAX); v !== undefined; v = mas.find(MAPLE_MAX)) {
      copy.storeRange(mas.index, mas.last, map(v));
    }
    return new MapleIndex(copy, { vmaCache: this.cacheOn });
  }

  validate(): void {
    this.sync();
    validateVmaTree(this.tree);
    if (this.tree.size !== this.vmas) {
      throw new Error(`maple index: ${this.tree.size} entries but map_count ${this.vmas}`);
    }
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
