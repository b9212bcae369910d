/**
 * get_unmapped_area: where a mapping goes when the caller does not fix it.
 *
 * __get_unmapped_area           length checks, THP padding for anon/file
 *   thp_get_unmapped_area       search len + 2 MiB, then place so that
 *                                (addr - offset) is 2 MiB aligned
 *   arch_get_unmapped_area[_topdown]   hints, then vm_unmapped_area
 *     unmapped_area[_topdown]   gap search in the index + stack guard retry
 *
 * Mirrors mm/mmap.c, mm/huge_memory.c and arch/x86/kernel/sys_x86_64.c;
 * profiles with `placement: 'generic'` use mm/mmap.c's generic searches. A
 * hugetlbfs file goes through hugetlb_get_unmapped_area (hugetlb.ts's
 * hugetlbHint), then the same searches with a huge page alignment mask.
 * Addresses are bytes at the edges and pages inside the gap search.
 */
import { mmapEnd as archMmapEnd, legacyBase, mmapBaseFor, pageOffset } from './arch.js';
import { EINVAL, ENOMEM, EPERM } from './errno.js';
import { hugePagePages, hugetlbHint } from './hugetlb.js';
import type { MmCore } from './mm.js';
import { MAP, type MappedFile, VM_GROWSDOWN } from './vma.js';

/** struct vm_unmapped_area_info, in pages. */
export interface AreaInfo {
  topdown: boolean;
  length: number;
  low: number;
  high: number;
  alignMask: number;
  alignOffset: number;
}

function posMod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}

/** unmapped_area: the lowest fitting gap, honouring the stack guard gap. */
function unmappedArea(mm: MmCore, info: AreaInfo): number {
  const length = info.length + info.alignMask;
  let low = Math.max(info.low, Math.ceil(mm.mmapMinAddr / mm.pageSize));
  const high = info.high;
  for (;;) {
    if (low > high - 1) return -ENOMEM;
    const s = mm.index.emptyArea(low, high - 1, length);
    if (s === undefined) return -ENOMEM;
    let gap = s;
    if (info.alignMask) gap += posMod(info.alignOffset - gap, info.alignMask + 1);
    const next = mm.index.findAbove(s);
    if (next && next.flags & VM_GROWSDOWN) {
      if (mm.startGap(next) < gap + length) {
        low = next.endPage;
        continue;
      }
    } else {
      const prev = mm.index.findBelow(s);
      if (prev && mm.endGap(prev) > gap) {
        low = mm.endGap(prev);
        continue;
      }
    }
    return gap;
  }
}

/** unmapped_area_topdown: the highest fitting gap, honouring the stack guard gap. */
function unmappedAreaTopdown(mm: MmCore, info: AreaInfo): number {
  const length = info.length + info.alignMask;
  const low = Math.max(info.low, Math.ceil(mm.mmapMinAddr / mm.pageSize));
  let high = info.high;
  const top = high;
  // Lowest page of a window rejected for a guard gap (for the retry memo).
  let floor = top;
  const known = info.alignMask ? undefined : mm.retryMemo.resume(low, top, length);
  if (known) {
    high = known.resume;
    floor = known.floor;
  }
  for (;;) {
    if (low > high - 1) return -ENOMEM;
    const s = mm.index.emptyAreaRev(low, high - 1, length);
    if (s === undefined) return -ENOMEM;
    const gapEnd = s + length;
    let gap = gapEnd - info.length;
    if (info.alignMask) gap -= posMod(gap - info.alignOffset, info.alignMask + 1);
    const next = mm.index.findAbove(s);
    if (next && next.flags & VM_GROWSDOWN) {
      if (mm.startGap(next) < gapEnd) {
        high = mm.startGap(next);
        if (s < floor) floor = s;
        continue;
      }
    } else {
      const prev = mm.index.findBelow(s);
      if (prev && mm.endGap(prev) > gap) {
        high = prev.startPage;
        if (s < floor) floor = s;
        continue;
      }
    }
    if (!info.alignMask) mm.retryMemo.remember(low, top, length, high, floor);
    return gap;
  }
}

/**
 * vm_unmapped_area: a free window of `length` pages in [low, high) whose
 * start is congruent to `alignOffset` modulo `alignMask + 1`, the lowest or
 * (topdown) the highest, kept clear of grows-down VMAs' guard gaps.
 * @returns the start page, or -ENOMEM
 */
export function vmUnmappedArea(mm: MmCore, info: AreaInfo): number {
  return info.topdown ? unmappedAreaTopdown(mm, info) : unmappedArea(mm, info);
}

/**
 * vm_unmapped_area as the arch and generic searches ask for it: bounds in pages, the answer in
 * bytes, or -ENOMEM; `alignMask` (pages) is 0 but for a hugetlbfs file.
 */
function searchBytes(
  mm: MmCore,
  topdown: boolean,
  length: number,
  low: number,
  high: number,
  alignOffset: number,
  alignMask: number,
): number {
  const r = vmUnmappedArea(mm, { topdown, length, low, high, alignMask, alignOffset });
  return r < 0 ? r : r * mm.pageSize;
}

/** A hint is usable when [addr, addr + len) misses every VMA and its guard gap. */
function hintFree(mm: MmCore, addr: number, len: number): boolean {
  const page = addr / mm.pageSize;
  const vma = mm.findVmaPage(page);
  return !vma || page + len / mm.pageSize <= mm.startGap(vma);
}

/** arch_get_unmapped_area (x86): the bottom-up search. Bytes in and out; `alignMask` in pages. */
function archBottomUp(
  mm: MmCore,
  addr: number,
  len: number,
  pgoff: number,
  flags: number,
  alignMask: number,
): number {
  const arch = mm.arch;
  if (flags & MAP.FIXED) return addr;
  let begin: number;
  let end: number;
  if (!arch.compat && flags & MAP['32BIT']) {
    begin = 0x40000000;
    end = 0x80000000;
  } else {
    begin = mm.mmapLegacyBase;
    end = arch.compat || addr <= arch.mapWindow ? arch.mapWindow : arch.taskSize;
  }
  if (len > end) return -ENOMEM;
  if (addr) {
    addr = Math.ceil(addr / mm.pageSize) * mm.pageSize;
    if (end - len >= addr && hintFree(mm, addr, len)) return addr;
  }
  const ps = mm.pageSize;
  return searchBytes(mm, false, len / ps, Math.ceil(begin / ps), Math.floor(end / ps), pgoff, alignMask);
}

/** arch_get_unmapped_area_topdown (x86). Bytes in and out; `alignMask` in pages. */
function archTopDown(
  mm: MmCore,
  addr0: number,
  len: number,
  pgoff: number,
  flags: number,
  alignMask: number,
): number {
  const arch = mm.arch;
  const ps = mm.pageSize;
  if (len > arch.taskSize) return -ENOMEM;
  if (flags & MAP.FIXED) return addr0;
  if (!arch.compat && flags & MAP['32BIT']) return archBottomUp(mm, addr0, len, pgoff, flags, alignMask);
  let addr = addr0;
  if (addr) {
    addr = Math.floor(addr / ps) * ps;
    const valid = arch.taskSize - len >= addr && addr > arch.mapWindow === addr + len > arch.mapWindow;
    if (valid && hintFree(mm, addr, len)) return addr;
  }
  let high = mm.mmapBase;
  if (addr > arch.mapWindow && !arch.compat) high += arch.taskSize - arch.mapWindow;
  const low = !arch.compat && flags & MAP.ABOVE4G ? 2 ** 32 : ps;
  const r = searchBytes(mm, true, len / ps, Math.ceil(low / ps), Math.floor(high / ps), pgoff, alignMask);
  if (r >= 0) return r;
  return archBottomUp(mm, addr0, len, pgoff, flags, alignMask);
}

/** arch_get_mmap_end for this mm's profile. */
function mmapEnd(mm: MmCore, addr: number): number {
  return archMmapEnd(mm.arch, addr);
}

/** The hint test of the generic searches: room below the next VMA's guard and above the previous one. */
function genericHintFree(mm: MmCore, addr: number, len: number, end: number): boolean {
  if (end - len < addr || addr < mm.mmapMinAddr) return false;
  const page = addr / mm.pageSize;
  const prev = mm.index.findBelow(page);
  return hintFree(mm, addr, len) && (!prev || page >= mm.endGap(prev));
}

/**
 * What generic_get_unmapped_area and its top-down twin check before searching:
 * the length against the window, MAP_FIXED, then a page-aligned hint with room.
 * @returns the answer (the address, or -ENOMEM), or undefined to go on and search
 */
function genericChecks(
  mm: MmCore,
  addr: number,
  len: number,
  flags: number,
  end: number,
): number | undefined {
  if (len > end - mm.mmapMinAddr) return -ENOMEM;
  if (flags & MAP.FIXED) return addr;
  if (addr) {
    const hint = Math.ceil(addr / mm.pageSize) * mm.pageSize;
    if (genericHintFree(mm, hint, len, end)) return hint;
  }
  return undefined;
}

/** generic_get_unmapped_area (mm/mmap.c): bottom-up from mmap_base. */
function genericBottomUp(mm: MmCore, addr: number, len: number, flags: number, alignMask: number): number {
  const ps = mm.pageSize;
  const end = mmapEnd(mm, addr);
  const checked = genericChecks(mm, addr, len, flags, end);
  if (checked !== undefined) return checked;
  return searchBytes(mm, false, len / ps, Math.ceil(mm.mmapBase / ps), end / ps, 0, alignMask);
}

/** generic_get_unmapped_area_topdown (mm/mmap.c), falling back to bottom-up from TASK_UNMAPPED_BASE. */
function genericTopDown(mm: MmCore, addr: number, len: number, flags: number, alignMask: number): number {
  const arch = mm.arch;
  const ps = mm.pageSize;
  const end = mmapEnd(mm, addr);
  const checked = genericChecks(mm, addr, len, flags, end);
  if (checked !== undefined) return checked;
  // The search window depends on the hint as given (rounded up: the same for a page-aligned one).
  const base = mmapBaseFor(arch, Math.ceil(addr / ps) * ps, mm.mmapBase);
  const length = len / ps;
  const r = searchBytes(mm, true, length, 1, base / ps, 0, alignMask);
  if (r >= 0) return r;
  // The fallback starts at TASK_UNMAPPED_BASE itself, not the randomised legacy base.
  return searchBytes(mm, false, length, Math.ceil(legacyBase(arch) / ps), end / ps, 0, alignMask);
}

/** mm_get_unmapped_area: the layout's arch search (`alignMask` in pages: a hugetlbfs file's). */
function mmGetUnmappedArea(
  mm: MmCore,
  addr: number,
  len: number,
  pgoff: number,
  flags: number,
  alignMask = 0,
): number {
  if (mm.arch.placement === 'generic') {
    return mm.topDown
      ? genericTopDown(mm, addr, len, flags, alignMask)
      : genericBottomUp(mm, addr, len, flags, alignMask);
  }
  return mm.topDown
    ? archTopDown(mm, addr, len, pgoff, flags, alignMask)
    : archBottomUp(mm, addr, len, pgoff, flags, alignMask);
}

const U64 = (1n << 64n) - 1n;

/** A 64-bit two's-complement value read as signed (loff_t). */
function s64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/**
 * __thp_get_unmapped_area: search `len + PMD_SIZE`, then shift the result so
 * that the file offset and the address agree modulo PMD_SIZE. 0 when the
 * rule does not apply or the padded search fails.
 *
 * The offset tests are done as the kernel does them, in 64-bit arithmetic:
 * `off_end` and `off_align` are signed (`round_up` of an offset near 2^63
 * wraps negative), `off_end - off_align` is compared with the unsigned PMD
 * size, and `off + len_pad` is checked for unsigned wrap-around. So a file
 * range that ends just below 2^63 still gets the padded, aligned search.
 */
function thpArea(mm: MmCore, addr: number, len: number, pgoff: number, flags: number): number {
  const size = mm.arch.thpSize;
  if (!size || mm.arch.compat) return 0;
  const off = BigInt(pgoff) * BigInt(mm.pageSize);
  const bigSize = BigInt(size);
  const bigLen = BigInt(len);
  const offEnd = s64(off + bigLen);
  const offAlign = s64(((off - 1n) | (bigSize - 1n)) + 1n);
  if (offEnd <= offAlign || ((offEnd - offAlign) & U64) < bigSize) return 0;
  const lenPad = len + size;
  if (((off + BigInt(lenPad)) & U64) < (off & U64)) return 0;
  const ret = mmGetUnmappedArea(mm, addr, lenPad, pgoff, flags);
  if (ret < 0) return 0;
  if (ret === addr) return addr;
  const offSub = Number((off - BigInt(ret)) & (bigSize - 1n));
  if (mm.topDown && offSub === 0) return ret + size;
  return ret + offSub;
}

/** thp_get_unmapped_area: THP placement, else the plain search. */
function thpGetUnmappedArea(mm: MmCore, addr: number, len: number, pgoff: number, flags: number): number {
  const ret = thpArea(mm, addr, len, pgoff, flags);
  if (ret) return ret;
  return mmGetUnmappedArea(mm, addr, len, pgoff, flags);
}

/**
 * __get_unmapped_area: choose an address for a mapping of `len` bytes.
 * @param mm - the address space
 * @param file - the mapped file, or null for anonymous memory
 * @param addr - hint or fixed address in bytes (0 for none)
 * @param len - page-aligned length in bytes
 * @param pgoff - file offset in pages
 * @param flags - MAP_* flags (MAP_FIXED, MAP_SHARED matter)
 * @returns the address in bytes, or -errno
 */
export function getUnmappedArea(
  mm: MmCore,
  file: MappedFile | null,
  addr: number,
  len: number,
  pgoff: number,
  flags: number,
): number {
  const arch = mm.arch;
  if (len > arch.taskSize) return -ENOMEM;
  // get_unmapped_area_zero: a shared /dev/zero mapping is placed as shared anonymous memory.
  if (file?.mmapOp === 'zero' && flags & MAP.SHARED) file = null;
  if (!file) pgoff = 0;
  let r: number;
  // A regular file's filesystem (ext4, xfs) and /dev/zero place through thp_get_unmapped_area; other
  // files (devices, sockets, pipes) have no get_unmapped_area and take the plain search.
  const thpFile = file && !file.shmem && !file.hugetlb && (file.type === undefined || file.mmapOp === 'zero');
  if (file?.hugetlb) {
    const hint = hugetlbHint(mm, file, addr, len, flags);
    if (hint < 0) return hint;
    r = mmGetUnmappedArea(mm, hint, len, pgoff, flags, hugePagePages(mm, file) - 1);
  } else if (thpFile) r = thpGetUnmappedArea(mm, addr, len, pgoff, flags);
  else if (file || flags & MAP.SHARED) r = mmGetUnmappedArea(mm, addr, len, pgoff, flags);
  else if (arch.thpSize && !addr && pageOffset(len, arch.thpSize) === 0)
    r = thpGetUnmappedArea(mm, addr, len, pgoff, flags);
  else r = mmGetUnmappedArea(mm, addr, len, pgoff, flags);
  if (r < 0) return r;
  if (r > arch.taskSize - len) return -ENOMEM;
  if (pageOffset(r, mm.pageSize)) return -EINVAL;
  // security_mmap_addr (cap_mmap_addr): below vm.mmap_min_addr needs CAP_SYS_RAWIO, which we never have.
  if (r < mm.dacMmapMinAddr) return -EPERM;
  return r;
}
