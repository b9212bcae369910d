/**
 * hugetlbfs mappings (mm/mmap.c ksys_mmap_pgoff, fs/hugetlbfs/inode.c
 * hugetlb_get_unmapped_area and hugetlbfs_file_mmap, mm/hugetlb.c): anonymous
 * MAP_HUGETLB memory, which the kernel turns into a file of its own on its
 * internal hugetlbfs mount (`/anon_hugepage (deleted)`), and files on
 * hugetlbfs (a memfd made with MFD_HUGETLB). The huge page sizes the kernel
 * has pools of are AddressSpaceOptions.hugePageSizes (default: the profile's
 * default size), and no huge pages are reserved (vm.nr_hugepages = 0):
 *
 *   a huge page size (MAP_HUGE_*) with no pool          EINVAL
 *   the length is rounded up to the huge page size; 0   EINVAL
 *   placement: huge-page aligned (a hint is rounded up,
 *     MAP_FIXED at an unaligned address                 EINVAL)
 *   hugetlbfs_file_mmap, once __mmap_region has cleared a MAP_FIXED range:
 *     a file offset not huge-page aligned               EINVAL
 *     the reservation finds no pages                    ENOMEM
 *       (unless MAP_NORESERVE: nothing is reserved, the
 *        mapping is made, and its faults will fail)
 *
 * A mapping that is made is VM_HUGETLB | VM_DONTEXPAND: it never merges nor
 * grows, is never VM_LOCKED, and may be split, unmapped, protected or moved
 * only at huge page boundaries (hugetlb_vm_op_split); faulting it in fails
 * (no page to fault), so populating it answers EFAULT.
 */

import type { ArchProfile } from './arch.js';
import { EINVAL, ENOMEM } from './errno.js';
import type { MmCore } from './mm.js';
import { MAP, type MappedFile, VM_HUGETLB, VM_NORESERVE, type Vma } from './vma.js';

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

/** A hugetlbfs file's huge page size in bytes (MappedFile.hugePageSize, else the kernel's default). */
export function fileHugePageSize(mm: MmCore, file: MappedFile | null): number {
  return file?.hugePageSize ?? kernelHugePageSize(mm.arch);
}

/** A hugetlbfs file's huge page size in base pages. */
export function hugePagePages(mm: MmCore, file: MappedFile | null): number {
  return fileHugePageSize(mm, file) / mm.pageSize;
}

/**
 * A VMA's may_split refuses a cut at page `at`: a special mapping refuses every split
 * (special_mapping_split), a hugetlb one any that is not at a huge page boundary (hugetlb_vm_op_split).
 */
export function splitRefused(mm: MmCore, vma: Vma, at: number): boolean {
  if (vma.special) return true;
  return (vma.flags & VM_HUGETLB) !== 0 && at % hugePagePages(mm, vma.file) !== 0;
}

/** ALIGN(len, size), 0 where it wraps past 2^BITS_PER_LONG (do_mmap then answers EINVAL). */
export function hugeAlignedLength(mm: MmCore, len: number, size: number): number {
  const bytes = Math.ceil(len / size) * size;
  return bytes >= 2 ** mm.kernelBits ? 0 : bytes;
}

/**
 * ksys_mmap_pgoff for anonymous MAP_HUGETLB memory: the huge page size asked for (MAP_HUGE_*; none:
 * the default one) must be one the kernel has a pool of (hstate_sizelog), and the memory becomes a
 * new hugetlbfs file of that page size (hugetlb_file_setup reserves nothing yet: the mmap does) and
 * of the rounded-up length.
 * @returns the file and the rounded length, or -EINVAL for a size the kernel has no pool of
 */
export function hugetlbAnonFile(
  mm: MmCore,
  len: number,
  flags: number,
): { file: MappedFile; len: number } | number {
  const log = (flags >>> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
  const size = log ? 2 ** log : kernelHugePageSize(mm.arch);
  if (!size || !mm.hugePageSizes.includes(size)) return -EINVAL; // hstate_sizelog finds no hstate
  const bytes = hugeAlignedLength(mm, len, size);
  const file: MappedFile = {
    path: '/anon_hugepage (deleted)',
    dev: mm.hugetlbfsDev,
    inode: mm.nextHugetlbInode++,
    size: bytes,
    hugetlb: true,
    ...(size !== kernelHugePageSize(mm.arch) && { hugePageSize: size }),
  };
  return { file, len: bytes };
}

/**
 * hugetlb_get_unmapped_area's checks before the search: the length must be whole huge pages and a
 * MAP_FIXED address huge-page aligned (EINVAL); a hint is rounded up to a huge page.
 * @returns the address to search from, or -EINVAL
 */
export function hugetlbHint(mm: MmCore, file: MappedFile, addr: number, len: number, flags: number): number {
  const size = fileHugePageSize(mm, file);
  if (len % size) return -EINVAL;
  if (flags & MAP.FIXED) return addr % size ? -EINVAL : addr;
  return addr ? Math.ceil(addr / size) * size : 0;
}

/**
 * hugetlbfs_file_mmap's refusals: a file offset (pages) that is not huge-page aligned (EINVAL), then
 * the reservation, which finds no huge page unless VM_NORESERVE asks for none (ENOMEM).
 * @returns 0 or -errno
 */
export function hugetlbFileMmap(mm: MmCore, file: MappedFile, pgoff: number, vmFlags: number): number {
  if (pgoff % hugePagePages(mm, file)) return -EINVAL;
  return vmFlags & VM_NORESERVE ? 0 : -ENOMEM;
}
