/**
 * munmap (mm/vma.c do_vmi_munmap, vms_gather_munmap_vmas): split the VMAs at
 * the edges of the range, then remove everything inside it at once.
 *
 *     [ A ......|.... B ....|.... C .... ]      munmap [x, y)
 *               x           y
 *     [ A ]                   [ C ]            A and C are split-off pieces
 *
 * Splitting one VMA into three needs a free map slot: at vm.max_map_count the
 * call fails with ENOMEM before changing anything. A special mapping ([vdso],
 * [vvar]) cannot be split at all (special_mapping_split), a hugetlb one only
 * at a huge page boundary (hugetlb_vm_op_split): EINVAL, and when the start
 * split was done before the end split was refused, it stays done.
 */
import { pageOffset } from './arch.js';
import { EINVAL, ENOMEM, EPERM } from './errno.js';
import { splitRefused } from './hugetlb.js';
import { argValue, type MmCore } from './mm.js';
import { VM_LOCKED, VM_SEALED, type Vma } from './vma.js';

/**
 * do_vmi_align_munmap in pages: unmap [start, end), which the caller checked.
 *
 * One find_vma of `start` answers the common cases, as the kernel's
 * vma_iterator does: when the range lies inside that VMA (or covers exactly
 * it), the VMA is removed or cut down with no further walk; only a range
 * reaching past it iterates over the VMAs it covers (splitting the edges off
 * and removing everything inside, as vms_gather_munmap_vmas).
 * @returns 0, -ENOMEM when a middle split would pass max_map_count, or -EINVAL when a VMA refuses
 *   a split (splitRefused)
 */
export function unmapRange(mm: MmCore, start: number, end: number): number {
  if (start >= end) return 0;
  const first = mm.index.findAbove(start);
  if (first === undefined || first.startPage >= end) return 0;
  // vms_gather_munmap_vmas: cutting [start, end) out of the middle of one VMA needs a free map slot.
  if (start > first.startPage && end < first.endPage && mm.mapCount >= mm.maxMapCount) return -ENOMEM;
  // A sealed VMA is neither split nor unmapped (mseal.ts).
  if (first.flags & VM_SEALED) return -EPERM;
  if (end <= first.endPage) {
    const cutStart = start > first.startPage;
    if (cutStart && splitRefused(mm, first, start)) return -EINVAL;
    if (end < first.endPage && splitRefused(mm, first, end)) {
      if (cutStart) mm.split(first, start, true); // the start split stays (abort_munmap_vmas)
      return -EINVAL;
    }
    if (first.flags & VM_LOCKED) mm.lockedVm -= end - Math.max(start, first.startPage);
    // The whole range lies in `first`: what is left of it is one or two pieces, so `first`
    // is cut down in place (one tree write, none of the kernel's split-then-remove; only a
    // hole in the middle needs a new VMA, for the piece above it).
    if (start <= first.startPage && end >= first.endPage) mm.unlink(first);
    else if (start <= first.startPage)
      mm.setRange(first, end, first.endPage, first.pgoff + (end - first.startPage));
    else {
      if (end < first.endPage) mm.split(first, end, false);
      mm.setRange(first, first.startPage, start);
    }
    return 0;
  }
  if (start > first.startPage) {
    if (splitRefused(mm, first, start)) return -EINVAL;
    mm.split(first, start, true);
  }
  const doomed: Vma[] = [...mm.index.range(start, end)];
  // A sealed VMA further on stops the unmap; the start split stays (abort_munmap_vmas).
  if (doomed.some((v) => v.flags & VM_SEALED)) return -EPERM;
  const last = doomed[doomed.length - 1]!;
  if (last.endPage > end) {
    // The end split fails after the start split succeeded: the kernel puts the detached VMAs back
    // (abort_munmap_vmas) and the start split stays.
    if (splitRefused(mm, last, end)) return -EINVAL;
    mm.split(last, end, false);
  }
  for (const vma of doomed) {
    if (vma.flags & VM_LOCKED) mm.lockedVm -= vma.endPage - vma.startPage;
    mm.unlink(vma);
  }
  return 0;
}

/**
 * do_vmi_munmap: check the byte range, then unmap it.
 * @param mm - the address space
 * @param addr - start address in bytes (must be page aligned)
 * @param len - length in bytes (rounded up to pages)
 * @returns 0 or -errno (EINVAL for a bad range, ENOMEM at the map limit)
 */
export function doMunmap(mm: MmCore, addr: number, len: number): number {
  const task = mm.arch.taskSize;
  if (Number.isNaN(addr) || Number.isNaN(len)) return -EINVAL;
  if (pageOffset(addr, mm.pageSize) || addr > task || len > task - addr) return -EINVAL;
  const start = addr / mm.pageSize;
  const pages = mm.pagesUp(len);
  if (pages === 0) return -EINVAL;
  return unmapRange(mm, start, start + pages);
}

/**
 * The munmap system call.
 * @returns 0 or -errno
 */
export function sysMunmap(mm: MmCore, addr: unknown, len: unknown): number {
  return doMunmap(mm, argValue(addr), argValue(len));
}
