/**
 * Memory sealing (mm/mseal.c, Linux 6.18): mseal(addr, len, 0) gives every
 * VMA piece of a fully mapped range VM_SEALED, through vma_modify_flags (so
 * it splits and merges as mprotect's pieces do). A sealed VMA refuses, with
 * EPERM, what would change or remove it:
 *
 *   munmap, MAP_FIXED over it, brk shrinking into it   vms_gather_munmap_vmas
 *   mprotect (even to its own protection)              mprotect_fixup
 *   mremap of it (and MAP_FIXED / MREMAP_FIXED onto it)  check_prep_vma
 *   madvise that discards private anonymous memory it may not write
 *     (FREE, DONTNEED, DONTNEED_LOCKED, REMOVE, DONTFORK, WIPEONFORK,
 *     GUARD_INSTALL)                                    can_madvise_modify
 *
 * mlock, munlock and the other advice still apply. The checks themselves
 * live with each call (madvise's in madvise.ts, sealAllowsAdvice).
 */
import { pageOffset } from './arch.js';
import { EINVAL, ENOMEM, ENOSYS } from './errno.js';
import { modifyFlags } from './merge.js';
import { argValue, type MmCore } from './mm.js';
import { VM_SEALED, type Vma } from './vma.js';

/** range_contains_unmapped: a hole anywhere in [start, end) (pages). */
function containsUnmapped(mm: MmCore, start: number, end: number): boolean {
  let reached = start;
  for (const vma of mm.index.range(start, end)) {
    if (vma.startPage > reached) return true;
    reached = vma.endPage;
  }
  return reached < end;
}

/**
 * The mseal system call (do_mseal, mseal_apply).
 * @param mm - the address space
 * @param addr - start (bytes, page aligned)
 * @param len - length in bytes (rounded up to pages; 0 is a no-op)
 * @param flags - must be 0
 * @returns 0 or -errno: EINVAL for flags, an unaligned start or a range that wraps, ENOMEM when part
 *   of the range is unmapped (nothing is sealed then) or a split would pass vm.max_map_count, ENOSYS
 *   on a 32-bit kernel (mseal needs CONFIG_64BIT; an ia32 process on a 64-bit kernel has it)
 */
export function sysMseal(mm: MmCore, addr: unknown, len: unknown, flags: unknown): number {
  if (mm.kernelBits === 32) return -ENOSYS;
  const a = argValue(addr);
  const l = argValue(len);
  const f = argValue(flags);
  if (Number.isNaN(a + l + f) || f !== 0) return -EINVAL; // argValue's NaN carries through the sum
  const ps = mm.pageSize;
  if (pageOffset(a, ps)) return -EINVAL;
  const pages = mm.pagesUp(l);
  // PAGE_ALIGN(len) wraps to 0 for a length in the last page below 2^64; an end past it wraps too.
  if ((l && pages * ps >= 2 ** mm.kernelBits) || a + pages * ps >= 2 ** mm.kernelBits) return -EINVAL;
  if (!pages) return 0;
  const start = a / ps;
  const end = start + pages;
  if (containsUnmapped(mm, start, end)) return -ENOMEM;
  const first = mm.findVmaPage(start);
  let prev = first && (start > first.startPage ? first : mm.index.prev(first));
  // No hole: every page from `pos` to `end` lies in a VMA.
  for (let pos = start; pos < end; ) {
    const vma = mm.findVmaPage(pos) as Vma;
    const stop = Math.min(vma.endPage, end);
    let sealed = vma;
    if (!(vma.flags & VM_SEALED)) {
      const r = modifyFlags(mm, vma, prev, pos, stop, vma.flags | VM_SEALED);
      if (typeof r === 'number') return r;
      sealed = r;
    }
    prev = sealed;
    pos = stop;
  }
  return 0;
}
