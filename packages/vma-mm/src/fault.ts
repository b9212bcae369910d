/**
 * Page faults, as far as they change the VMA layout: a write fault on a
 * private mapping gives the VMA an anonymous identity (anon_vma_prepare),
 * a fault below a grows-down VMA extends it (expand_stack), and
 * MAP_POPULATE / mlock fault every page of a range (populate_vma_page_range).
 *
 *   fault(addr, write):  no VMA / below a non-stack VMA  -> -EFAULT (SIGSEGV)
 *                        access not allowed by the VMA   -> -EACCES (SIGSEGV)
 *                        below a stack, within limits    -> stack grows (expand_downwards)
 */
import { EACCES, EFAULT, ENOMEM, EPERM } from './errno.js';
import type { MmCore } from './mm.js';
import { mayExpandVm } from './vm-limits.js';
import {
  isAccessible,
  VM_ACCESS_FLAGS,
  VM_GROWSDOWN,
  VM_HUGETLB,
  VM_IO,
  VM_LOCKED,
  VM_LOCKONFAULT,
  VM_PFNMAP,
  VM_SHARED,
  VM_WRITE,
  type Vma,
} from './vma.js';

/**
 * Fault-in effect of touching `vma`: private memory written gets an anon_vma. A hugetlb mapping has
 * no huge page to fault in (none are reserved here), so nothing changes.
 * @param write - a write access (FOLL_WRITE / FAULT_FLAG_WRITE)
 */
function touch(mm: MmCore, vma: Vma, write: boolean): void {
  if (write && !(vma.flags & (VM_SHARED | VM_HUGETLB))) mm.anonVmaPrepare(vma);
}

/**
 * populate_vma_page_range over [start, end) (pages): every accessible VMA is
 * faulted, with write faults where the mapping is private and writable;
 * one locked on fault (VM_LOCKONFAULT) is left as it is. Mirrors __mm_populate.
 */
export function populateRange(mm: MmCore, start: number, end: number): void {
  for (const vma of mm.index.range(start, end)) {
    if (vma.flags & (VM_IO | VM_PFNMAP | VM_LOCKONFAULT) || !isAccessible(vma)) continue;
    touch(mm, vma, (vma.flags & (VM_WRITE | VM_SHARED)) === VM_WRITE);
  }
}

/**
 * expand_downwards: grow the stack VMA `vma` down to page `page`.
 * @returns 0, -ENOMEM (guard gap to the previous VMA, RLIMIT_STACK), -EPERM (below mmap_min_addr)
 */
export function expandStack(mm: MmCore, vma: Vma, page: number): number {
  if (!(vma.flags & VM_GROWSDOWN)) return -EFAULT;
  if (page * mm.pageSize < mm.mmapMinAddr) return -EPERM;
  const prev = mm.index.prev(vma);
  if (
    prev &&
    !(prev.flags & VM_GROWSDOWN) &&
    isAccessible(prev) &&
    page - prev.endPage < mm.stackGuardGapPages
  ) {
    return -ENOMEM;
  }
  mm.anonVmaPrepare(vma);
  const grow = vma.startPage - page;
  if (grow <= 0) return 0;
  // acct_stack_growth: the stack may not pass RLIMIT_STACK, nor its offset go below zero.
  if (!mayExpandVm(mm, vma.flags, grow)) return -ENOMEM; // RLIMIT_AS
  if (grow > vma.pgoff || (vma.endPage - page) * mm.pageSize > mm.stackRlimit) return -ENOMEM;
  if (vma.flags & VM_LOCKED) mm.lockedVm += grow;
  mm.setRange(vma, page, vma.endPage, vma.pgoff - grow);
  return 0;
}

/**
 * A user page fault at `addr` (bytes) as the x86 fault handler sees it.
 * @param mm - the address space
 * @param addr - faulting address
 * @param write - true for a write access
 * @returns 0 when the access succeeds, -EFAULT / -EACCES / -ENOMEM when the
 *   process would get SIGSEGV
 */
export function handleFault(mm: MmCore, addr: number, write: boolean): number {
  if (!Number.isFinite(addr) || addr < 0 || addr >= mm.arch.taskSize) return -EFAULT;
  const page = Math.floor(addr / mm.pageSize);
  let vma = mm.findVmaPage(page);
  if (!vma) return -EFAULT;
  if (vma.startPage > page) {
    const err = expandStack(mm, vma, page);
    if (err) return err;
    vma = mm.findVmaPage(page)!;
  }
  if (write ? !(vma.flags & VM_WRITE) : !(vma.flags & VM_ACCESS_FLAGS)) return -EACCES;
  touch(mm, vma, write);
  return 0;
}
