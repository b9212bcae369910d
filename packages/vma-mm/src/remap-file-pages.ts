/**
 * remap_file_pages (mm/mmap.c, Linux 6.18): the deprecated call, now an
 * emulation. A range of a shared file mapping (it may run over several VMAs
 * of the same open file with the same flags, back to back) is mapped again
 * at a new file offset: do_mmap with the VMA's protection, MAP_SHARED |
 * MAP_FIXED | MAP_POPULATE (MAP_NONBLOCK kept, MAP_LOCKED for a locked VMA)
 * and the same open file, so the pieces split and merge as any mmap of it.
 *
 *   prot other than 0, an empty or wrapping range, a wrapping offset   EINVAL
 *   no VMA at start, or not a shared one (VM_SHARED)                   EINVAL
 *   the range runs into a hole, another file or other flags            EINVAL
 */
import { EINVAL, EOVERFLOW } from './errno.js';
import { argValue, type MmCore } from './mm.js';
import { sysMmap } from './mmap.js';
import { MAP, PROT, VM_EXEC, VM_LOCKED, VM_READ, VM_SHARED, VM_WRITE } from './vma.js';

/**
 * The remap_file_pages system call.
 * @param mm - the address space
 * @param start - start address (rounded down to a page)
 * @param size - length in bytes (rounded down to pages)
 * @param prot - must be 0
 * @param pgoff - the new file offset, in pages
 * @param flags - only MAP_NONBLOCK counts
 * @returns 0 or -errno
 */
export function sysRemapFilePages(
  mm: MmCore,
  start: unknown,
  size: unknown,
  prot: unknown,
  pgoff: unknown,
  flags: unknown,
): number {
  const s0 = argValue(start);
  const l0 = argValue(size);
  const p = argValue(prot);
  const off = argValue(pgoff);
  const f = argValue(flags);
  if (Number.isNaN(s0 + l0 + p + off + f) || p !== 0) return -EINVAL; // argValue's NaN carries through the sum
  const ps = mm.pageSize;
  const first = Math.floor(s0 / ps);
  const pages = Math.floor(l0 / ps);
  // start + size <= start: nothing to map, or the end wraps past 2^64; then pgoff + pages wrapping.
  if (!pages || (first + pages) * ps >= 2 ** 64 || off + pages >= 2 ** 64) return -EINVAL;
  const end = first + pages;
  const vma = mm.findVmaPage(first);
  if (!vma || vma.startPage > first || !(vma.flags & VM_SHARED) || !vma.file) return -EINVAL;
  // The range may run on over VMAs of the same open file and flags, with no hole between them.
  for (let prev = vma; prev.endPage < end; ) {
    const next = mm.findVmaPage(prev.endPage);
    if (!next || next.startPage !== prev.endPage || next.file !== vma.file || next.flags !== vma.flags)
      return -EINVAL;
    prev = next;
  }
  const vmProt =
    (vma.flags & VM_READ ? PROT.READ : 0) |
    (vma.flags & VM_WRITE ? PROT.WRITE : 0) |
    (vma.flags & VM_EXEC ? PROT.EXEC : 0);
  const mapFlags =
    (f & MAP.NONBLOCK) | MAP.SHARED | MAP.FIXED | MAP.POPULATE | (vma.flags & VM_LOCKED ? MAP.LOCKED : 0);
  // do_mmap takes the offset in pages; one past 2^64 bytes is past any file's end.
  if (off * ps >= 2 ** 64) return -EOVERFLOW;
  const r = sysMmap(mm, first * ps, pages * ps, vmProt, mapFlags, vma.file, off * ps);
  return Math.min(r, 0); // success is 0, not the address
}
