/**
 * The per-thread VMA cache of Linux 3.15 - 5.x (mm/vmacache.c): four recently
 * found VMAs, hashed by page number, in front of the rb-tree walk in
 * find_vma. The cache is trusted only while its sequence number equals the
 * mm's; any change that could leave a stale VMA in it bumps the mm's number
 * (vmacache_invalidate), and the next lookup flushes the cache.
 *
 *   slot = page & 3      lookup probes slot, slot+1, ... (all four)
 */
import type { Vma } from '../vma.js';

/** VMACACHE_SIZE. */
export const VMACACHE_SIZE = 4;

/** One thread's cache (task_struct.vmacache). */
export class VmaCache {
  private readonly slots: (Vma | null)[] = [null, null, null, null];
  private seq = 0;
  hits = 0;
  misses = 0;

  /**
   * vmacache_find: a cached VMA containing `page`, if the cache is current.
   * @param page - page number looked up
   * @param mmSeq - the mm's vmacache_seqnum
   */
  find(page: number, mmSeq: number): Vma | undefined {
    if (this.seq !== mmSeq) {
      this.seq = mmSeq;
      this.slots.fill(null);
      this.misses++;
      return undefined;
    }
    let idx = page & (VMACACHE_SIZE - 1);
    for (let i = 0; i < VMACACHE_SIZE; i++) {
      const vma = this.slots[idx];
      if (vma && vma.startPage <= page && vma.endPage > page) {
        this.hits++;
        return vma;
      }
      if (++idx === VMACACHE_SIZE) idx = 0;
    }
    this.misses++;
    return undefined;
  }

  /** vmacache_update: remember `vma` as the answer for `page`. */
  update(page: number, vma: Vma, mmSeq: number): void {
    if (this.seq === mmSeq) this.slots[page & (VMACACHE_SIZE - 1)] = vma;
  }
}
