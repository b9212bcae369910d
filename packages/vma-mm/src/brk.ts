/**
 * brk (mm/mmap.c sys_brk, do_brk_flags): move the program break. Shrinking
 * unmaps the released pages; growing extends the heap VMA in place when it
 * can (a VMA reaching past start_brk with matching flags and offset), else
 * maps a fresh anonymous VMA. Failure returns the old break, never an errno.
 *
 *   start_brk          brk (old)      brk (new)
 *      |[heap ..........|+++++++++++++|        + = do_brk_flags
 */
import { populateRange } from './fault.js';
import { mergeNewRange } from './merge.js';
import { mlockFutureOk } from './mlock.js';
import { argValue, type MmCore } from './mm.js';
import { unmapRange } from './munmap.js';
import { getUnmappedArea } from './unmapped-area.js';
import { brkWithinDataRlimit, mayExpandVm } from './vm-limits.js';
import { MAP, VM_ACCOUNT, VM_DATA_DEFAULT_FLAGS, VM_EXEC, VM_LOCKED, Vma } from './vma.js';

/**
 * do_brk_flags: map [addr, addr + len) (pages) as heap, extending `brkVma`
 * when it ends at `addr` and matches.
 * @returns true on success
 */
function doBrkFlags(mm: MmCore, brkVma: Vma | undefined, start: number, pages: number): boolean {
  // mm->def_flags: after mlockall(MCL_FUTURE) the heap grows locked.
  // VM_DATA_FLAGS_TSK_EXEC: the heap is executable under READ_IMPLIES_EXEC.
  const flags = VM_DATA_DEFAULT_FLAGS | (mm.readImpliesExec ? VM_EXEC : 0) | VM_ACCOUNT | mm.defFlags;
  if (!mayExpandVm(mm, flags, pages)) return false; // RLIMIT_AS, RLIMIT_DATA
  if (mm.mapCount > mm.maxMapCount) return false;
  const end = start + pages;
  if (flags & VM_LOCKED) mm.lockedVm += pages;
  if (brkVma && brkVma.endPage === start) {
    const c = { start, end, flags, pgoff: start, file: null, anon: 0, anonForked: false, name: null };
    if (mergeNewRange(mm, c, brkVma, undefined, true)) return true;
  }
  mm.link(new Vma(mm.pageSize, start, end, flags, start, null));
  return true;
}

/**
 * The brk system call.
 * @param mm - the address space
 * @param addr - the new break in bytes (0 or anything below start_brk asks for the current one)
 * @returns the new break on success, the unchanged break on failure
 */
export function sysBrk(mm: MmCore, addr: unknown): number {
  const brk = argValue(addr);
  const origBrk = mm.brkValue;
  if (Number.isNaN(brk) || brk < mm.startBrk) return origBrk;
  // check_data_rlimit: the heap asked for plus the data segment, against RLIMIT_DATA (even to shrink).
  if (!brkWithinDataRlimit(mm, brk)) return origBrk;
  const ps = mm.pageSize;
  if (brk > mm.arch.taskSize) return origBrk;
  // PAGE_ALIGN(brk) in pages, by a division rather than alignUp's fmod (brk is past 2^31).
  const newBrk = mm.pagesUp(brk);
  const oldBrk = mm.pagesUp(mm.brkValue);
  if (oldBrk === newBrk) {
    mm.brkValue = brk;
    return brk;
  }
  if (brk <= mm.brkValue) {
    // Shrink: the pages [newBrk, oldBrk) must belong to the heap.
    const vma = mm.intersect(newBrk, oldBrk);
    if (!vma || vma.startPage >= oldBrk) return origBrk;
    mm.brkValue = brk;
    if (unmapRange(mm, newBrk, oldBrk)) {
      mm.brkValue = origBrk;
      return origBrk;
    }
    return brk;
  }
  // Grow. check_brk_limits: the new pages must pass get_unmapped_area as a MAP_FIXED request (so none
  // below vm.mmap_min_addr: EPERM, as for mmap) and a locked heap stays within RLIMIT_MEMLOCK; then
  // leave a page and the stack guard gap below the next mapping.
  if (getUnmappedArea(mm, null, oldBrk * ps, (newBrk - oldBrk) * ps, 0, MAP.FIXED) < 0) return origBrk;
  if (!mlockFutureOk(mm, mm.defFlags, newBrk - oldBrk)) return origBrk;
  const next = mm.intersect(oldBrk, newBrk + 1 + mm.stackGuardGapPages);
  if (next && newBrk + 1 > mm.startGap(next)) return origBrk;
  const prev = mm.index.findBelow(oldBrk);
  const brkVma = prev && prev.endPage > mm.startBrk / ps ? prev : undefined;
  if (!doBrkFlags(mm, brkVma, oldBrk, newBrk - oldBrk)) return origBrk;
  mm.brkValue = brk;
  if (mm.defFlags & VM_LOCKED) populateRange(mm, oldBrk, newBrk);
  return brk;
}
