/**
 * madvise for the advice that changes a VMA's flags (mm/madvise.c do_madvise,
 * madvise_walk_vmas, madvise_vma_behavior, madvise_update_vma): read-ahead
 * hints, fork and core-dump behaviour, transparent huge pages, KSM.
 *
 *   MADV_NORMAL / SEQUENTIAL / RANDOM    VM_SEQ_READ, VM_RAND_READ
 *   MADV_DONTFORK / DOFORK               VM_DONTCOPY (DOFORK: not on VM_IO)
 *   MADV_WIPEONFORK / KEEPONFORK         VM_WIPEONFORK (private anonymous only)
 *   MADV_DONTDUMP / DODUMP               VM_DONTDUMP (DODUMP: not on special mappings but hugetlb ones)
 *   MADV_MERGEABLE / UNMERGEABLE         VM_MERGEABLE (ignored where KSM cannot go)
 *   MADV_HUGEPAGE / NOHUGEPAGE           VM_HUGEPAGE, VM_NOHUGEPAGE
 *
 * Each VMA piece of the range gets its new flags through vma_modify_flags,
 * so it splits and merges as mprotect's pieces do (EAGAIN where that would
 * pass vm.max_map_count). Unmapped parts of the range are passed over and
 * make the answer ENOMEM; a range running past the last VMA stops there.
 * Advice that acts on pages (DONTNEED, FREE, WILLNEED, REMOVE, COLD, PAGEOUT,
 * DONTNEED_LOCKED: MADV_PAGE) leaves the VMAs as they are: only its answers
 * are modelled, VMA by VMA. So are guard regions (MADV_GUARD_INSTALL /
 * REMOVE), whose install gives an anonymous VMA its anon_vma (so it decides
 * later merges), and MADV_POPULATE_READ / WRITE, whose write faults give
 * private memory one. MADV_COLLAPSE is not modelled.
 */
import { pageOffset } from './arch.js';
import { EACCES, EAGAIN, EFAULT, EINVAL, ENOMEM, EPERM } from './errno.js';
import { hugePagePages, kernelHugePageSize } from './hugetlb.js';
import { modifyFlags } from './merge.js';
import { argValue, type MmCore } from './mm.js';
import {
  isAnonymous,
  VM_DONTCOPY,
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_DROPPABLE,
  VM_HUGEPAGE,
  VM_HUGETLB,
  VM_IO,
  VM_LOCKED,
  VM_MAYSHARE,
  VM_MAYWRITE,
  VM_MERGEABLE,
  VM_MIXEDMAP,
  VM_NOHUGEPAGE,
  VM_PFNMAP,
  VM_RAND_READ,
  VM_READ,
  VM_SEALED,
  VM_SEQ_READ,
  VM_SHARED,
  VM_SPECIAL,
  VM_WIPEONFORK,
  VM_WRITE,
  type Vma,
} from './vma.js';

/** The madvise advice values that change VMA flags (include/uapi/asm-generic/mman-common.h). */
export const MADV = Object.freeze({
  NORMAL: 0,
  RANDOM: 1,
  SEQUENTIAL: 2,
  DONTFORK: 10,
  DOFORK: 11,
  MERGEABLE: 12,
  UNMERGEABLE: 13,
  HUGEPAGE: 14,
  NOHUGEPAGE: 15,
  DONTDUMP: 16,
  DODUMP: 17,
  WIPEONFORK: 18,
  KEEPONFORK: 19,
});

const FLAG_ADVICE: ReadonlySet<number> = new Set(Object.values(MADV));

/** The guard region advice (Linux 6.13+): PTE markers that fault, installed and removed. */
export const MADV_GUARD = Object.freeze({ INSTALL: 102, REMOVE: 103 });

/** MADV_POPULATE_READ / WRITE (Linux 5.14+): fault a range in for reading or writing. */
export const MADV_POPULATE = Object.freeze({ READ: 22, WRITE: 23 });

/** Whether `advice` is one that changes VMA flags (sysMadvise models these and MADV_GUARD's). */
export function madviseChangesFlags(advice: number): boolean {
  return FLAG_ADVICE.has(advice);
}

/**
 * The advice that acts on pages rather than on VMA flags (madvise_vma_behavior's page cases): the
 * VMAs stay as they are, so what is modelled is the answer, VMA by VMA (pageAdvice below).
 */
export const MADV_PAGE = Object.freeze({
  WILLNEED: 3,
  DONTNEED: 4,
  FREE: 8,
  REMOVE: 9,
  COLD: 20,
  PAGEOUT: 21,
  DONTNEED_LOCKED: 24,
});

const PAGE_ADVICE: ReadonlySet<number> = new Set(Object.values(MADV_PAGE));

/**
 * Advice the kernel knows (madvise_behavior_valid, 6.18) that is not modelled: MADV_COLLAPSE (with
 * transparent huge pages), for which sysMadvise throws. HWPOISON (100) and SOFT_OFFLINE (101) exist
 * only with CONFIG_MEMORY_FAILURE, which the recorded Linux 6.18 lacks: they are no advice (EINVAL).
 * Any other value is no advice at all, which the kernel answers with EINVAL.
 */
const MADV_COLLAPSE = 25;
const UNMODELLED_ADVICE: ReadonlySet<number> = new Set([MADV_COLLAPSE]);

/** madvise_behavior_valid, less MADV_COLLAPSE: the advice sysMadvise carries out. */
const KNOWN_ADVICE: ReadonlySet<number> = new Set([
  ...FLAG_ADVICE,
  ...PAGE_ADVICE,
  MADV_GUARD.INSTALL,
  MADV_GUARD.REMOVE,
  MADV_POPULATE.READ,
  MADV_POPULATE.WRITE,
]);

/**
 * Whether sysMadvise answers `advice`: every value but MADV_COLLAPSE, including values that are no
 * advice at all (the kernel's answer to those, EINVAL, is modelled too).
 */
export function madviseModelled(advice: number): boolean {
  return !UNMODELLED_ADVICE.has(advice);
}

/** vma_ksm_compatible: mappings KSM leaves alone (MADV_MERGEABLE is then ignored). */
const KSM_INCOMPATIBLE =
  VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_MIXEDMAP | VM_DROPPABLE;

/**
 * madvise_vma_behavior for the flag advice: the flags `vma` would get, or -EINVAL when the
 * advice does not apply to it.
 */
function adviseFlags(vma: Vma, advice: number): number {
  const f = vma.flags;
  switch (advice) {
    case MADV.NORMAL:
      return f & ~(VM_RAND_READ | VM_SEQ_READ);
    case MADV.SEQUENTIAL:
      return (f & ~VM_RAND_READ) | VM_SEQ_READ;
    case MADV.RANDOM:
      return (f & ~VM_SEQ_READ) | VM_RAND_READ;
    case MADV.DONTFORK:
      return f | VM_DONTCOPY;
    case MADV.DOFORK:
      return f & VM_IO ? -EINVAL : f & ~VM_DONTCOPY;
    case MADV.WIPEONFORK:
      // Anonymous private memory only.
      return vma.file || f & VM_SHARED ? -EINVAL : f | VM_WIPEONFORK;
    case MADV.KEEPONFORK:
      return f & VM_DROPPABLE ? -EINVAL : f & ~VM_WIPEONFORK;
    case MADV.DONTDUMP:
      return f | VM_DONTDUMP;
    case MADV.DODUMP:
      // A hugetlb VMA is special (VM_DONTEXPAND) but may be dumped again.
      if ((f & VM_SPECIAL && !(f & VM_HUGETLB)) || f & VM_DROPPABLE) return -EINVAL;
      return f & ~VM_DONTDUMP;
    case MADV.MERGEABLE:
      return f & KSM_INCOMPATIBLE ? f : f | VM_MERGEABLE;
    case MADV.UNMERGEABLE:
      return f & ~VM_MERGEABLE;
    case MADV.HUGEPAGE:
      return (f & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
    default:
      return (f & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
  }
}

/**
 * The advice is_discard names: what a sealed VMA of private anonymous memory it may not write refuses
 * (mseal.ts).
 */
const DISCARD_ADVICE: ReadonlySet<number> = new Set([
  MADV_PAGE.FREE,
  MADV_PAGE.DONTNEED,
  MADV_PAGE.DONTNEED_LOCKED,
  MADV_PAGE.REMOVE,
  MADV.DONTFORK,
  MADV.WIPEONFORK,
  MADV_GUARD.INSTALL,
]);

/**
 * can_madvise_modify: whether `advice` may act on `vma`. A sealed VMA refuses discarding advice
 * unless it maps a file, is shared, or is writable anyway.
 */
export function sealAllowsAdvice(vma: Vma, advice: number): boolean {
  if (!(vma.flags & VM_SEALED) || !DISCARD_ADVICE.has(advice)) return true;
  return vma.file !== null || (vma.flags & (VM_SHARED | VM_WRITE)) !== 0;
}

/** One piece [start, end) of `vma`: its new flags, then madvise_update_vma. @returns the VMA now covering it, or -errno */
function advise(
  mm: MmCore,
  vma: Vma,
  prev: Vma | undefined,
  start: number,
  end: number,
  advice: number,
): Vma | number {
  if (!sealAllowsAdvice(vma, advice)) return -EPERM;
  if (advice === MADV_GUARD.INSTALL || advice === MADV_GUARD.REMOVE) return guard(mm, vma, advice);
  if (PAGE_ADVICE.has(advice)) {
    const err = pageAdvice(mm, vma, start, advice);
    return err < 0 ? err : vma;
  }
  const flags = adviseFlags(vma, advice);
  if (flags < 0) return flags;
  if (flags === vma.flags) return vma;
  const r = modifyFlags(mm, vma, prev, start, end, flags);
  // madvise_vma_behavior answers EAGAIN where a split ran out of map slots.
  return r === -ENOMEM ? -EAGAIN : r;
}

/**
 * madvise_vma_behavior's page cases on the piece of one VMA from page `start`: 0, or -errno when the
 * advice does not apply to it.
 *
 *   WILLNEED                  swap-in or read-ahead: never refused
 *   COLD, PAGEOUT             can_madv_lru_vma: not on locked, VM_PFNMAP or hugetlb memory
 *   DONTNEED, FREE            madvise_dontneed_free_valid_vma: not on locked or VM_PFNMAP memory;
 *                             FREE only on anonymous memory (madvise_free_single_vma); on hugetlb
 *                             memory only DONTNEED, from a huge page boundary
 *   DONTNEED_LOCKED           as DONTNEED, locked memory included
 *   REMOVE                    madvise_remove: not on locked memory, a file needed (EINVAL), and a
 *                             shared writable mapping of it (EACCES)
 */
function pageAdvice(mm: MmCore, vma: Vma, start: number, advice: number): number {
  const f = vma.flags;
  switch (advice) {
    case MADV_PAGE.WILLNEED:
      return 0;
    case MADV_PAGE.COLD:
    case MADV_PAGE.PAGEOUT:
      return f & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB) ? -EINVAL : 0;
    case MADV_PAGE.REMOVE:
      if (f & VM_LOCKED || !vma.file) return -EINVAL;
      return (f & (VM_SHARED | VM_MAYWRITE)) === (VM_SHARED | VM_MAYWRITE) ? 0 : -EACCES;
    default: {
      if (f & VM_HUGETLB)
        return advice === MADV_PAGE.FREE || start % hugePagePages(mm, vma.file) !== 0 ? -EINVAL : 0;
      const forbidden = advice === MADV_PAGE.DONTNEED_LOCKED ? VM_PFNMAP : VM_PFNMAP | VM_LOCKED;
      if (f & forbidden) return -EINVAL;
      return advice === MADV_PAGE.FREE && !isAnonymous(vma) ? -EINVAL : 0;
    }
  }
}

/**
 * madvise_guard_install / madvise_guard_remove on one VMA: special (and hugetlb) mappings are refused,
 * and so are locked ones for an install, which gives anonymous memory its anon_vma (page tables with
 * markers and no anon_vma would confuse fork); the markers themselves leave the VMA as it is.
 */
function guard(mm: MmCore, vma: Vma, advice: number): Vma | number {
  const refused = advice === MADV_GUARD.INSTALL ? VM_SPECIAL | VM_LOCKED : VM_SPECIAL;
  if (vma.flags & refused) return -EINVAL;
  if (advice === MADV_GUARD.INSTALL && isAnonymous(vma)) mm.anonVmaPrepare(vma);
  return vma;
}

/**
 * madvise_populate (faultin_page_range with FOLL_MADV_POPULATE) over pages [start, end): VMA by VMA,
 * a hole answers ENOMEM and a VMA the access is not allowed on (I/O memory, no VM_WRITE for a write,
 * no VM_READ for a read) EINVAL, with what came before faulted in. A write fault on private memory
 * gives it its anon_vma (before the fault itself, so also on a file page past the end); a file page
 * past the end of the file is SIGBUS: EFAULT, and so is a hugetlb page (none are reserved here).
 * Guard markers (EFAULT too) are not tracked.
 */
function populateAdvice(mm: MmCore, start: number, end: number, write: boolean): number {
  for (let pos = start; pos < end; ) {
    const vma = mm.findVmaPage(pos);
    if (!vma || vma.startPage > pos) return -ENOMEM;
    if (vma.flags & (VM_IO | VM_PFNMAP) || !(vma.flags & (write ? VM_WRITE : VM_READ))) return -EINVAL;
    if (vma.flags & VM_HUGETLB) return -EFAULT;
    const stop = Math.min(end, vma.endPage);
    if (write && !(vma.flags & VM_SHARED)) mm.anonVmaPrepare(vma);
    const size = isAnonymous(vma) ? undefined : vma.file?.size;
    if (size !== undefined && vma.pgoff + (stop - vma.startPage) > Math.ceil(size / mm.pageSize))
      return -EFAULT;
    pos = stop;
  }
  return 0;
}

/**
 * The madvise system call, for the advice that changes VMA flags (madviseChangesFlags), the page
 * advice (MADV_PAGE: answers only), the guard region advice (MADV_GUARD) and populating
 * (MADV_POPULATE).
 * @param mm - the address space
 * @param addr - start (bytes, page aligned)
 * @param len - length in bytes (rounded up to pages; 0 is a no-op)
 * @param advice - one of MADV
 * @returns 0 or -errno (EINVAL for bad arguments, advice the kernel does not know or advice that does
 *   not apply to a VMA, EACCES for MADV_REMOVE on memory that is not shared and writable, ENOMEM when
 *   part of the range is unmapped, EAGAIN at vm.max_map_count)
 * @throws RangeError for MADV_COLLAPSE (not modelled)
 */
export function sysMadvise(mm: MmCore, addr: unknown, len: unknown, advice: unknown): number {
  const a = argValue(addr);
  const l = argValue(len);
  // `behavior` is an int: the low 32 bits of what was passed, as a C caller's value would be truncated.
  const adv = argValue(advice);
  const behavior = Number.isNaN(adv) ? -1 : adv | 0;
  // madvise_behavior_valid comes first: the huge page advice exists only with transparent huge pages.
  const thpAdvice = behavior === MADV.HUGEPAGE || behavior === MADV.NOHUGEPAGE || behavior === MADV_COLLAPSE;
  if (thpAdvice && !kernelHugePageSize(mm.arch)) return -EINVAL;
  if (UNMODELLED_ADVICE.has(behavior))
    throw new RangeError(`madvise advice ${behavior} (MADV_COLLAPSE) is not modelled`);
  if (!KNOWN_ADVICE.has(behavior)) return -EINVAL;
  if (Number.isNaN(a) || Number.isNaN(l)) return -EINVAL;
  const ps = mm.pageSize;
  if (pageOffset(a, ps)) return -EINVAL;
  const pages = mm.pagesUp(l);
  // A length that rounds up past 2^BITS_PER_LONG wraps to 0 (or makes the end wrap): EINVAL.
  if (a + pages * ps >= 2 ** mm.kernelBits) return -EINVAL;
  if (!pages) return 0;
  let start = a / ps;
  const end = start + pages;
  if (behavior === MADV_POPULATE.READ || behavior === MADV_POPULATE.WRITE)
    return populateAdvice(mm, start, end, behavior === MADV_POPULATE.WRITE);

  // madvise_walk_vmas
  let vma = mm.findVmaPage(start);
  let prev = vma ? (start > vma.startPage ? vma : mm.index.prev(vma)) : undefined;
  let unmapped = 0;
  for (;;) {
    if (!vma) return -ENOMEM;
    if (start < vma.startPage) {
      unmapped = -ENOMEM;
      start = vma.startPage;
      if (start >= end) break;
    }
    const tmp = Math.min(vma.endPage, end);
    const r = advise(mm, vma, prev, start, tmp, behavior);
    if (typeof r === 'number') return r;
    prev = r;
    start = Math.max(tmp, r.endPage);
    if (start >= end) break;
    vma = mm.findVmaPage(start);
  }
  return unmapped;
}
