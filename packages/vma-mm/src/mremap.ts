/**
 * mremap (mm/mremap.c as restructured in Linux 6.17): shrink in place, grow
 * in place, or move (MREMAP_MAYMOVE), to a fixed place (MREMAP_FIXED),
 * keeping the source mapped (MREMAP_DONTUNMAP), and - when MREMAP_FIXED
 * keeps the size - move a range that spans several VMAs and holes, each VMA
 * piece keeping its offset from the first.
 *
 *   check_mremap_params  ->  remap_move (fixed, same size, many VMAs)
 *                        ->  vma_lookup + check_prep_vma
 *                              -> mremap_to  (fixed / dontunmap)
 *                              -> mremap_at  (shrink, no-op, expand / move)
 */
import { pageOffset } from './arch.js';
import { EAGAIN, EFAULT, EINVAL, ENOMEM, EPERM } from './errno.js';
import { populateRange } from './fault.js';
import { hugePagePages } from './hugetlb.js';
import { mergeNewRange } from './merge.js';
import { mlockFutureOk } from './mlock.js';
import { argValue, type MmCore } from './mm.js';
import { unmapRange } from './munmap.js';
import { getUnmappedArea } from './unmapped-area.js';
import { mayExpandVm } from './vm-limits.js';
import {
  isAnonymous,
  MAP,
  MREMAP,
  VM_DONTEXPAND,
  VM_HUGETLB,
  VM_LOCKED,
  VM_LOCKED_MASK,
  VM_MAYSHARE,
  VM_PFNMAP,
  VM_SEALED,
  VM_SHARED,
  type Vma,
} from './vma.js';

/** State of one remap request (struct vma_remap_struct), lengths in pages. */
interface Remap {
  addr: number;
  oldLen: number;
  newLen: number;
  flags: number;
  newAddr: number;
  vma: Vma | undefined;
}

enum RemapType {
  NoResize,
  Shrink,
  Expand,
}

function impliesNewAddr(r: Remap): boolean {
  return (r.flags & (MREMAP.FIXED | MREMAP.DONTUNMAP)) !== 0;
}

function remapType(r: Remap): RemapType {
  if (r.oldLen === r.newLen) return RemapType.NoResize;
  return r.newLen < r.oldLen ? RemapType.Shrink : RemapType.Expand;
}

/**
 * align_hugetlb: a hugetlb mapping is remapped in whole huge pages: both lengths are rounded up to
 * them, both addresses must lie on one, and it may not grow.
 * @returns whether the request is acceptable
 */
function alignHugetlb(mm: MmCore, r: Remap, vma: Vma): boolean {
  const huge = hugePagePages(mm, vma.file);
  r.oldLen = Math.ceil(r.oldLen / huge) * huge;
  r.newLen = Math.ceil(r.newLen / huge) * huge;
  return r.addr % huge === 0 && r.newAddr % huge === 0 && r.newLen <= r.oldLen;
}

/** check_prep_vma: per-VMA checks before anything changes. */
function checkPrepVma(mm: MmCore, r: Remap): number {
  const vma = r.vma;
  if (!vma) return -EFAULT;
  if (vma.flags & VM_SEALED) return -EPERM; // mseal.ts
  if (vma.flags & VM_HUGETLB && !alignHugetlb(mm, r, vma)) return -EINVAL;
  const type = remapType(r);
  if (!impliesNewAddr(r)) r.newAddr = r.addr;
  if (type !== RemapType.Expand && !impliesNewAddr(r)) return 0;
  if (!r.oldLen && !(vma.flags & (VM_SHARED | VM_MAYSHARE))) return -EINVAL;
  if (r.flags & MREMAP.DONTUNMAP && vma.flags & (VM_DONTEXPAND | VM_PFNMAP)) return -EINVAL;
  const needed = type === RemapType.Shrink ? r.newLen : r.oldLen;
  if (needed > vma.endPage - r.addr) return -EFAULT;
  // Only growth is checked further (a shrink counts as new_len == old_len here): a shrinking move of
  // a VMA that may not grow (VM_DONTEXPAND, VM_PFNMAP) is allowed.
  if (type !== RemapType.Expand) return 0;
  if (vma.flags & (VM_DONTEXPAND | VM_PFNMAP)) return -EFAULT;
  // A locked mapping that grows stays within RLIMIT_MEMLOCK (mlock_future_ok on the growth).
  if (!mlockFutureOk(mm, vma.flags, r.newLen - r.oldLen)) return -EAGAIN;
  if (!mayExpandVm(mm, vma.flags, r.newLen - r.oldLen)) return -ENOMEM; // RLIMIT_AS / RLIMIT_DATA
  return 0;
}

/** vrm_set_new_addr: ask get_unmapped_area where the moved range goes. */
function setNewAddr(mm: MmCore, r: Remap): number {
  const vma = r.vma!;
  const pgoff = vma.pgoff + (r.addr - vma.startPage);
  const hint = impliesNewAddr(r) ? r.newAddr * mm.pageSize : 0;
  let mapFlags = 0;
  if (r.flags & MREMAP.FIXED) mapFlags |= MAP.FIXED;
  if (vma.flags & VM_MAYSHARE) mapFlags |= MAP.SHARED;
  const res = getUnmappedArea(mm, vma.file, hint, r.newLen * mm.pageSize, pgoff, mapFlags);
  if (res < 0) return res;
  r.newAddr = res / mm.pageSize;
  return 0;
}

/**
 * copy_vma: create (or merge into a neighbour) the destination VMA for the
 * moved range. An anonymous VMA with no page faulted in takes its new
 * address as page offset, so it can merge where it lands.
 */
function copyVma(mm: MmCore, vma: Vma, start: number, len: number, pgoff: number): Vma {
  if (isAnonymous(vma) && !vma.anon) pgoff = start;
  const end = start + len;
  const prev = mm.index.findBelow(start);
  const next = mm.findVmaPage(start);
  const c = {
    start,
    end,
    flags: vma.flags,
    pgoff,
    file: vma.file,
    anon: vma.anon,
    anonForked: vma.anonForked,
    name: vma.name,
  };
  const merged = mergeNewRange(mm, c, prev, next && next.startPage >= end ? next : undefined);
  if (merged) return merged;
  const fresh = vma.dup();
  fresh.startPage = start;
  fresh.endPage = end;
  fresh.pgoff = pgoff;
  mm.link(fresh);
  return fresh;
}

/**
 * What MREMAP_DONTUNMAP drops from the whole source VMA: the lock bits. On
 * 6.18 the source stays accounted (VM_ACCOUNT) and keeps its page offset;
 * only when the whole VMA moved does it lose its anon_vma
 * (dontunmap_complete). Newer upstream trees also clear VM_ACCOUNT here.
 */
const DONTUNMAP_CLEARS = VM_LOCKED_MASK;

/** move_vma: copy the range to r.newAddr, then unmap (or keep) the source. */
function moveVma(mm: MmCore, r: Remap): number {
  if (mm.mapCount >= mm.maxMapCount - 3) return -ENOMEM;
  const vma = r.vma!;
  // prep_move_vma: a special mapping moves whole or not at all (may_split refuses).
  if (vma.special && (vma.startPage !== r.addr || vma.endPage !== r.addr + r.oldLen)) return -EINVAL;
  const newPgoff = vma.pgoff + (r.addr - vma.startPage);
  const created = copyVma(mm, vma, r.newAddr, r.newLen, newPgoff);
  // vrm_stat_account: the copy is charged to locked_vm before the source goes (or, for DONTUNMAP, only
  // loses its lock bits: nothing is taken back then).
  if (vma.flags & VM_LOCKED) mm.lockedVm += r.newLen;
  if (r.flags & MREMAP.DONTUNMAP) {
    // The source may have merged with the destination; look it up again.
    const src = mm.index.load(r.addr);
    if (src) {
      src.flags &= ~DONTUNMAP_CLEARS;
      if (src !== created && src.startPage === r.addr && src.endPage === r.addr + r.oldLen) {
        src.anon = 0;
        src.anonForked = false;
      }
    }
    return r.newAddr * mm.pageSize;
  }
  if (r.oldLen) unmapRange(mm, r.addr, r.addr + r.oldLen);
  if (vma.flags & VM_LOCKED) populateGrowth(mm, r.newAddr, r);
  return r.newAddr * mm.pageSize;
}

/**
 * A locked mapping that grew (moved or in place) has its new pages faulted in, as mlock would:
 * mremap ends with mm_populate over the part past the old length (a private writable mapping thus
 * gets its anon_vma, which decides later merges).
 */
function populateGrowth(mm: MmCore, start: number, r: Remap): void {
  if (r.newLen > r.oldLen) populateRange(mm, start + r.oldLen, start + r.newLen);
}

/** mremap_to: move to a fixed place (unmapping it first) or, for DONTUNMAP, a chosen one. */
function mremapTo(mm: MmCore, r: Remap): number {
  if (r.flags & MREMAP.FIXED) {
    const err = unmapRange(mm, r.newAddr, r.newAddr + r.newLen);
    r.vma = undefined;
    if (err) return err;
    r.vma = mm.index.load(r.addr);
    if (!r.vma) return -EFAULT;
  }
  if (remapType(r) === RemapType.Shrink) {
    const err = unmapRange(mm, r.addr + r.newLen, r.addr + r.oldLen);
    if (err) return err;
    r.oldLen = r.newLen;
    r.vma = mm.index.load(r.addr);
    if (!r.vma) return -EFAULT;
  }
  // MREMAP_DONTUNMAP keeps the source: the copy adds old_len pages (RLIMIT_AS / RLIMIT_DATA).
  if (r.flags & MREMAP.DONTUNMAP && r.vma && !mayExpandVm(mm, r.vma.flags, r.oldLen)) return -ENOMEM;
  const err = setNewAddr(mm, r);
  if (err) return err;
  return moveVma(mm, r);
}

/** vma_expandable: nothing mapped in [end, end + delta) and still below TASK_SIZE. */
function expandable(mm: MmCore, vma: Vma, delta: number): boolean {
  const end = vma.endPage + delta;
  if (mm.intersect(vma.endPage, end)) return false;
  return end <= mm.taskPages;
}

/** expand_vma: grow in place when the range ends the VMA and room follows, else move. */
function expandVma(mm: MmCore, r: Remap): number {
  const vma = r.vma!;
  const delta = r.newLen - r.oldLen;
  if (r.addr + r.oldLen === vma.endPage && expandable(mm, vma, delta)) {
    // vma_merge_extend: the extension merges into the VMA (and maybe the next).
    const start = vma.endPage;
    const end = start + delta;
    const next = mm.findVmaPage(end - 1);
    const c = {
      start,
      end,
      flags: vma.flags,
      pgoff: vma.pgoff + (start - vma.startPage),
      file: vma.file,
      anon: vma.anon,
      anonForked: vma.anonForked,
      name: vma.name,
    };
    if (!mergeNewRange(mm, c, vma, next && next.startPage === end ? next : undefined)) return -ENOMEM;
    if (vma.flags & VM_LOCKED) {
      mm.lockedVm += delta;
      populateGrowth(mm, r.addr, r);
    }
    return r.addr * mm.pageSize;
  }
  if (!(r.flags & MREMAP.MAYMOVE)) return -ENOMEM;
  const err = setNewAddr(mm, r);
  if (err) return err;
  return moveVma(mm, r);
}

/** mremap_at: resize where the mapping is. */
function mremapAt(mm: MmCore, r: Remap): number {
  switch (remapType(r)) {
    case RemapType.NoResize:
      return r.addr * mm.pageSize;
    case RemapType.Shrink: {
      const err = unmapRange(mm, r.addr + r.newLen, r.addr + r.oldLen);
      return err || r.addr * mm.pageSize;
    }
    default:
      return expandVma(mm, r);
  }
}

/**
 * vma_multi_allowed: whether a VMA may move as one of several. Not one whose file has a
 * get_unmapped_area of its own other than shmem's, hugetlbfs's and the THP one (which keep
 * MREMAP_FIXED's address): a System V segment (shm_get_unmapped_area) or private /dev/zero memory
 * (get_unmapped_area_zero; it is anonymous memory that keeps the file).
 */
function multiAllowed(vma: Vma): boolean {
  const f = vma.file;
  return !f || !(f.sysv || (f.mmapOp === 'zero' && !(vma.flags & VM_SHARED)));
}

/**
 * remap_move: MREMAP_FIXED without a size change over a range that may hold
 * several VMAs and holes. Every VMA piece moves to the same offset from the
 * destination as it had from the source; the result is the first piece's. A
 * VMA that may not move as one of several (multiAllowed) is EFAULT unless it
 * is the first and reaches the end of the range.
 */
function remapMove(mm: MmCore, r: Remap): number {
  const start = r.addr;
  const end = r.addr + r.oldLen;
  let target = r.newAddr;
  let res = -EFAULT;
  let seen = false;
  let lastEnd = 0;
  let pos = start;
  for (;;) {
    const vma = mm.intersect(pos, end);
    if (!vma) break;
    if (!seen && start < vma.startPage) return -EFAULT;
    const addr = Math.max(vma.startPage, start);
    const len = Math.min(end, vma.endPage) - addr;
    const offset = seen ? vma.startPage - lastEnd : 0;
    lastEnd = vma.endPage;
    pos = addr + len;
    const piece: Remap = { addr, oldLen: len, newLen: len, flags: r.flags, newAddr: target + offset, vma };
    if (!multiAllowed(vma) && (seen || vma.endPage < end)) return -EFAULT;
    let got = checkPrepVma(mm, piece);
    if (!got) got = mremapTo(mm, piece);
    if (got < 0) return got;
    if (!seen) res = got;
    seen = true;
    target = got / mm.pageSize + len;
  }
  return res;
}

/**
 * The mremap system call.
 * @param mm - the address space
 * @param addr - start of the old range (bytes, page aligned)
 * @param oldLen - old length in bytes (0 duplicates a shared mapping)
 * @param newLen - new length in bytes
 * @param flags - MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP
 * @param newAddr - destination for MREMAP_FIXED (a hint for DONTUNMAP)
 * @returns the (new) address in bytes, or -errno
 */
export function sysMremap(
  mm: MmCore,
  addr: unknown,
  oldLen: unknown,
  newLen: unknown,
  flags: unknown,
  newAddr: unknown,
): number {
  const a = argValue(addr);
  const ol = argValue(oldLen);
  const nl = argValue(newLen);
  const f = argValue(flags);
  const na = argValue(newAddr ?? 0);
  if (Number.isNaN(a + ol + nl + f + na)) return -EINVAL; // argValue's NaN carries through the sum
  const ps = mm.pageSize;
  const task = mm.arch.taskSize;
  // PAGE_ALIGN(old_len) wraps to 0 for a length in the last page below 2^BITS_PER_LONG: then it is 0 (a private
  // mapping is refused, a shared one duplicated), not a range reaching the top of the address space.
  const oldPages = mm.pagesUp(ol) * ps >= 2 ** mm.kernelBits ? 0 : mm.pagesUp(ol);
  const newPages = mm.pagesUp(nl);
  // flags is an unsigned long: bits above 31, which JS's & does not see, are unknown flags too.
  if (f & ~(MREMAP.MAYMOVE | MREMAP.FIXED | MREMAP.DONTUNMAP) || f >= 2 ** 32) return -EINVAL;
  if (pageOffset(a, ps)) return -EINVAL;
  if (!newPages || newPages * ps >= 2 ** mm.kernelBits) return -EINVAL;
  if (newPages * ps > task) return -EINVAL;
  const r: Remap = { addr: a / ps, oldLen: oldPages, newLen: newPages, flags: f, newAddr: 0, vma: undefined };
  if (impliesNewAddr(r)) {
    if (na > task - newPages * ps) return -EINVAL;
    if (pageOffset(na, ps)) return -EINVAL;
    if (!(f & MREMAP.MAYMOVE)) return -EINVAL;
    if (f & MREMAP.DONTUNMAP && oldPages !== newPages) return -EINVAL;
    r.newAddr = na / ps;
    if (r.addr + oldPages > r.newAddr && r.newAddr + newPages > r.addr) return -EINVAL;
    if (mm.mapCount + 2 >= mm.maxMapCount - 3) return -ENOMEM;
  }
  if (f & MREMAP.FIXED && oldPages === newPages) return remapMove(mm, r);
  r.vma = mm.index.load(r.addr);
  if (!r.vma) return -EFAULT;
  const err = checkPrepVma(mm, r);
  if (err) return err;
  return impliesNewAddr(r) ? mremapTo(mm, r) : mremapAt(mm, r);
}
