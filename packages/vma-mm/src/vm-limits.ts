/**
 * RLIMIT_AS and RLIMIT_DATA (mm/mmap.c may_expand_vm, check_data_rlimit).
 * mm->total_vm counts every VMA's pages and mm->data_vm those of private
 * writable memory that is not a stack (is_data_mapping); vm_stat_account
 * keeps both in step with the VMAs, so here they are summed from them when a
 * limit is set (no cost otherwise). Who asks:
 *
 *   mmap (__mmap_region: the new pages less those it replaces)   ENOMEM
 *   brk growth (do_brk_flags), and the heap plus the data segment
 *     against RLIMIT_DATA first (check_data_rlimit)              the old break
 *   mremap growth, a DONTUNMAP copy (check_prep_vma)             ENOMEM
 *   stack growth (acct_stack_growth)                             ENOMEM
 *   mprotect making memory data (only when it was allowed before) ENOMEM
 */
import type { MmCore } from './mm.js';
import { VM_GROWSDOWN, VM_SHARED, VM_WRITE } from './vma.js';

/** is_data_mapping: private writable memory that is not a stack. */
export function isDataMapping(flags: number): boolean {
  return (flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) === VM_WRITE;
}

/** mm->total_vm and mm->data_vm in pages, as the VMAs stand. */
function vmTotals(mm: MmCore): { total: number; data: number } {
  let total = 0;
  let data = 0;
  for (const vma of mm.index.range(0, mm.taskPages)) {
    const pages = vma.endPage - vma.startPage;
    total += pages;
    if (isDataMapping(vma.flags)) data += pages;
  }
  return { total, data };
}

/** Whether RLIMIT_AS or RLIMIT_DATA is set: only then are the totals worth counting. */
export function vmLimited(mm: MmCore): boolean {
  return mm.asRlimit !== Number.POSITIVE_INFINITY || mm.dataRlimit !== Number.POSITIVE_INFINITY;
}

/**
 * may_expand_vm: whether `pages` more pages with `flags` stay within RLIMIT_AS and, for data,
 * RLIMIT_DATA (an RLIMIT_DATA of 0 is Valgrind's case, which the hard limit decides; that is taken
 * to be unlimited here).
 */
export function mayExpandVm(mm: MmCore, flags: number, pages: number): boolean {
  if (!vmLimited(mm)) return true;
  const as = mm.asRlimit;
  const dataLimit = mm.dataRlimit;
  const { total, data } = vmTotals(mm);
  const ps = mm.pageSize;
  if (total + pages > Math.floor(as / ps)) return false;
  if (isDataMapping(flags) && dataLimit !== 0 && data + pages > Math.floor(dataLimit / ps)) return false;
  return true;
}

/** check_data_rlimit for brk: the heap up to `brk` (bytes) plus the data segment within RLIMIT_DATA. */
export function brkWithinDataRlimit(mm: MmCore, brk: number): boolean {
  return mm.dataRlimit === Number.POSITIVE_INFINITY || brk - mm.startBrk + mm.dataSegment <= mm.dataRlimit;
}
