/**
 * Anonymous MAP_HUGETLB mappings (mm/mmap.c ksys_mmap_pgoff, fs/hugetlbfs
 * get_unmapped_area and mmap). This model reserves no huge pages
 * (vm.nr_hugepages = 0), so such a mapping never succeeds; what matters is
 * which error the kernel gives, in its order:
 *
 *   unknown huge page size (MAP_HUGE_*)                 EINVAL
 *   length rounded up to the huge page size is 0        EINVAL
 *   too many mappings                                   ENOMEM
 *   MAP_FIXED at an address not huge-page aligned       EINVAL
 *   MAP_FIXED below vm.mmap_min_addr                    EPERM
 *   MAP_FIXED_NOREPLACE over a mapping                  EEXIST
 *   a mapping type other than shared or private         EINVAL
 *   anything else: the reservation finds no pages       ENOMEM
 *
 * A MAP_FIXED that gets as far as the reservation still unmaps the range it
 * replaces: __mmap_region has cleared it before the hugetlbfs mmap fails,
 * and leaves the gap.
 */

import type { ArchProfile } from './arch.js';
import { EEXIST, EINVAL, ENOMEM, EPERM } from './errno.js';
import type { MmCore } from './mm.js';
import { unmapRange } from './munmap.js';
import { MAP } from './vma.js';

/** MAP_HUGE_SHIFT: log2 of the requested huge page size sits at bit 26 (6 bits). */
const MAP_HUGE_SHIFT = 26;
const MAP_HUGE_MASK = 0x3f;

/**
 * The kernel's default huge page size (HPAGE_SIZE, the PMD size) for a
 * profile: a compat (ia32) process on an x86_64 kernel has the kernel's
 * 2 MiB pages (and its VM_NOHUGEPAGE flag) although no THP alignment applies
 * to it. 0 when the profile's kernel has none.
 */
export function kernelHugePageSize(arch: ArchProfile): number {
  if (arch.thpSize) return arch.thpSize;
  return arch.compat && arch.placement === 'x86' ? 2 * 1024 * 1024 : 0;
}

/**
 * The mmap of anonymous MAP_HUGETLB memory, after the argument checks common
 * to every mmap. Only the default huge page size is modelled.
 * @param mm - the address space
 * @param addr - hint or fixed address in bytes
 * @param len - length in bytes, not yet rounded
 * @param flags - MAP_* flags (MAP_HUGETLB set)
 * @returns -errno (never an address: no huge pages are reserved)
 */
export function hugetlbMmap(mm: MmCore, addr: number, len: number, flags: number): number {
  const size = kernelHugePageSize(mm.arch);
  const log = (flags >>> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
  if (!size || (log !== 0 && 2 ** log !== size)) return -EINVAL; // hstate_sizelog finds no hstate
  const bytes = Math.ceil(len / size) * size;
  // ALIGN(len, huge page size) wraps to 0 past 2^64: do_mmap's zero length.
  if (!bytes || bytes >= 2 ** mm.kernelBits) return -EINVAL;
  if (mm.mapCount > mm.maxMapCount) return -ENOMEM;
  if (flags & (MAP.FIXED | MAP.FIXED_NOREPLACE)) {
    if (addr % size) return -EINVAL;
    if (bytes > mm.arch.taskSize || addr > mm.arch.taskSize - bytes) return -ENOMEM;
    if (addr < mm.dacMmapMinAddr) return -EPERM;
    const ps = mm.pageSize;
    if (flags & MAP.FIXED_NOREPLACE && mm.intersect(addr / ps, (addr + bytes) / ps)) return -EEXIST;
  }
  // The memory is now a hugetlbfs file: only the shared and private mapping types are valid.
  const type = flags & MAP.TYPE;
  if (type !== MAP.SHARED && type !== MAP.SHARED_VALIDATE && type !== MAP.PRIVATE) return -EINVAL;
  if (flags & MAP.FIXED) {
    // The reservation fails after __mmap_region cleared the range: what was there is gone.
    const ps = mm.pageSize;
    const err = unmapRange(mm, addr / ps, (addr + bytes) / ps);
    if (err) return err;
  }
  return -ENOMEM;
}
