/**
 * Memory locking (mm/mlock.c) for a process without CAP_IPC_LOCK: mlock,
 * mlock2 and munlock, and the RLIMIT_MEMLOCK test that a MAP_LOCKED mmap and
 * the growth of a locked mapping pass too (mlock_future_ok).
 *
 *   do_mlock:  RLIMIT_MEMLOCK 0 -> EPERM; round the range out to pages;
 *              mm->locked_vm + the range (less what is locked already, when
 *              over) must stay within the limit, else ENOMEM
 *   apply_vma_lock_flags: each VMA piece gets VM_LOCKED (| VM_LOCKONFAULT)
 *              through vma_modify_flags, so it splits and merges as
 *              mprotect's pieces do; a hole stops the walk with ENOMEM
 *              (special and droppable mappings are passed over, unchanged)
 *   __mm_populate: fault the range in; a PROT_NONE piece, a hugetlb one
 *              (no huge page to fault in: mlock_fixup leaves it unlocked) or
 *              a file page past the end of its file stops it with EFAULT, which mlock
 *              answers as ENOMEM (the flags stay)
 *
 * mm->locked_vm is MmCore.lockedVm, kept up to date where the kernel keeps it.
 */
import { pageOffset } from './arch.js';
import { EFAULT, EINVAL, ENOMEM, EPERM } from './errno.js';
import { populateRange } from './fault.js';
import { modifyFlags } from './merge.js';
import { argValue, type MmCore } from './mm.js';
import {
  isAccessible,
  isAnonymous,
  VM_DROPPABLE,
  VM_HUGETLB,
  VM_IO,
  VM_LOCKED,
  VM_LOCKED_MASK,
  VM_LOCKONFAULT,
  VM_PFNMAP,
  VM_SPECIAL,
  type Vma,
} from './vma.js';

/** mlock2's flag: lock pages as they are faulted in, not at once. */
export const MLOCK_ONFAULT = 1;

/** mm->locked_vm in pages (MmCore.lockedVm). */
export function lockedPages(mm: MmCore): number {
  return mm.lockedVm;
}

/** RLIMIT_MEMLOCK in whole pages. */
function limitPages(mm: MmCore): number {
  return Math.floor(mm.memlockRlimit / mm.pageSize);
}

/**
 * mlock_future_ok: whether `pages` more locked pages stay within RLIMIT_MEMLOCK (always, unless
 * `vmFlags` has VM_LOCKED).
 */
export function mlockFutureOk(mm: MmCore, vmFlags: number, pages: number): boolean {
  if (!(vmFlags & VM_LOCKED) || mm.memlockRlimit === Number.POSITIVE_INFINITY) return true;
  return lockedPages(mm) + pages <= limitPages(mm);
}

/** can_do_mlock: locking is allowed at all (an RLIMIT_MEMLOCK of 0 forbids it). */
export function canDoMlock(mm: MmCore): boolean {
  return mm.memlockRlimit !== 0;
}

/** count_mm_mlocked_page_nr: the pages of [start, end) that VM_LOCKED VMAs cover. */
function lockedIn(mm: MmCore, start: number, end: number): number {
  let n = 0;
  for (const vma of mm.index.range(start, end))
    if (vma.flags & VM_LOCKED) n += Math.min(vma.endPage, end) - Math.max(vma.startPage, start);
  return n;
}

/** mlock_fixup: [start, end) of `vma` with `flags`. @returns the VMA covering it, or -errno */
function fixup(
  mm: MmCore,
  vma: Vma,
  prev: Vma | undefined,
  start: number,
  end: number,
  flags: number,
): Vma | number {
  // Special and droppable mappings neither change nor count.
  if (flags === vma.flags || vma.flags & (VM_SPECIAL | VM_DROPPABLE)) return vma;
  const old = vma.flags;
  const r = modifyFlags(mm, vma, prev, start, end, flags);
  if (typeof r !== 'number' && (old ^ flags) & VM_LOCKED)
    mm.lockedVm += flags & VM_LOCKED ? end - start : start - end;
  return r;
}

/** apply_vma_lock_flags in pages: give [start, end) the lock bits `lock` (0 unlocks). */
function applyLockFlags(mm: MmCore, start: number, end: number, lock: number): number {
  if (end === start) return 0;
  let vma = mm.findVmaPage(start);
  if (!vma || vma.startPage > start) return -ENOMEM;
  let prev = start > vma.startPage ? vma : mm.index.prev(vma);
  let nstart = start;
  let tmp = vma.startPage;
  while (vma && vma.startPage < end) {
    if (vma.startPage !== tmp) return -ENOMEM;
    tmp = Math.min(vma.endPage, end);
    const r = fixup(mm, vma, prev, nstart, tmp, (vma.flags & ~VM_LOCKED_MASK) | lock);
    if (typeof r === 'number') return r;
    prev = r;
    tmp = r.endPage;
    nstart = tmp;
    vma = mm.findVmaPage(tmp);
  }
  return tmp < end ? -ENOMEM : 0;
}

/** __mm_populate (errors not ignored): fault [start, end) in. @returns 0, or -EFAULT at a PROT_NONE or hugetlb piece or past a file's end */
function populate(mm: MmCore, start: number, end: number): number {
  let pos = start;
  for (;;) {
    const vma = mm.intersect(pos, end);
    if (!vma) return 0;
    const s = Math.max(pos, vma.startPage);
    const e = Math.min(end, vma.endPage);
    pos = vma.endPage;
    if (vma.flags & (VM_IO | VM_PFNMAP) || vma.flags & VM_LOCKONFAULT) continue;
    // A hugetlb mapping has no huge page to fault in (none are reserved here).
    if (!isAccessible(vma) || vma.flags & VM_HUGETLB) return -EFAULT;
    populateRange(mm, s, e);
    // A file page past the end of the file cannot be faulted in (SIGBUS): the populate stops there.
    const size = isAnonymous(vma) ? undefined : vma.file?.size; // a private /dev/zero mapping has no end
    if (size !== undefined && vma.pgoff + (e - vma.startPage) > Math.ceil(size / mm.pageSize)) return -EFAULT;
  }
}

/** The range of an mlock-family call in pages (PAGE_ALIGN(len + offset_in_page(start)) from the page of start). */
interface LockRange {
  start: number;
  pages: number;
  /** The end passes 2^BITS_PER_LONG (apply_vma_lock_flags: EINVAL). */
  wraps: boolean;
}

function lockRange(mm: MmCore, addr: unknown, len: unknown): LockRange | undefined {
  const a = argValue(addr);
  const l = argValue(len);
  if (Number.isNaN(a) || Number.isNaN(l)) return undefined;
  const ps = mm.pageSize;
  const off = pageOffset(a, ps);
  let bytes = mm.pagesUp(l + off) * ps;
  const word = 2 ** mm.kernelBits;
  if (bytes >= word) bytes -= word; // PAGE_ALIGN wrapped (to 0: an empty range)
  return { start: (a - off) / ps, pages: bytes / ps, wraps: a - off + bytes >= word };
}

/** do_mlock: lock [addr, addr + len) with the lock bits `lock`. */
function doMlock(mm: MmCore, addr: unknown, len: unknown, lock: number): number {
  if (!canDoMlock(mm)) return -EPERM;
  const r = lockRange(mm, addr, len);
  if (!r) return -EINVAL;
  const end = r.start + r.pages;
  if (mm.memlockRlimit !== Number.POSITIVE_INFINITY) {
    let locked = r.pages + lockedPages(mm);
    // What is locked already in the range does not count twice (nothing, for a range that wraps).
    if (locked > limitPages(mm) && !r.wraps) locked -= lockedIn(mm, r.start, end);
    if (locked > limitPages(mm)) return -ENOMEM;
  }
  if (r.wraps) return -EINVAL;
  const err = applyLockFlags(mm, r.start, end, lock);
  if (err) return err;
  // __mlock_posix_error_return: a populate EFAULT is reported as ENOMEM.
  return populate(mm, r.start, end) === -EFAULT ? -ENOMEM : 0;
}

/**
 * The mlock system call: lock the pages of a range (VM_LOCKED) and fault them in.
 * @returns 0 or -errno (EPERM with RLIMIT_MEMLOCK 0, ENOMEM past the limit, at a hole or for
 *   PROT_NONE memory, EINVAL for a range that wraps)
 */
export function sysMlock(mm: MmCore, addr: unknown, len: unknown): number {
  return doMlock(mm, addr, len, VM_LOCKED);
}

/**
 * The mlock2 system call: mlock, or with MLOCK_ONFAULT lock pages only as they are faulted in
 * (VM_LOCKED | VM_LOCKONFAULT).
 * @returns 0 or -errno (EINVAL for an unknown flag, else as sysMlock)
 */
export function sysMlock2(mm: MmCore, addr: unknown, len: unknown, flags: unknown): number {
  const f = argValue(flags);
  if (Number.isNaN(f) || f & ~MLOCK_ONFAULT) return -EINVAL;
  return doMlock(mm, addr, len, f & MLOCK_ONFAULT ? VM_LOCKED | VM_LOCKONFAULT : VM_LOCKED);
}

/**
 * The munlock system call: clear the lock bits of a range.
 * @returns 0 or -errno (ENOMEM at a hole, EINVAL for a range that wraps)
 */
export function sysMunlock(mm: MmCore, addr: unknown, len: unknown): number {
  const r = lockRange(mm, addr, len);
  if (!r || r.wraps) return -EINVAL;
  return applyLockFlags(mm, r.start, r.start + r.pages, 0);
}

/** mlockall's flags (include/uapi/asm-generic/mman-common.h). */
export const MCL = Object.freeze({ CURRENT: 1, FUTURE: 2, ONFAULT: 4 });

/** mm->total_vm in pages: every VMA (the gate VMA is not in the tree). */
function totalPages(mm: MmCore): number {
  let n = 0;
  for (const vma of mm.index.range(0, Number.MAX_SAFE_INTEGER)) n += vma.endPage - vma.startPage;
  return n;
}

/**
 * apply_mlockall_flags: set mm->def_flags' lock bits for MCL_FUTURE, and with MCL_CURRENT (or with no
 * flag at all: munlockall) give every VMA the new lock bits, whole, one after another (errors are passed
 * over).
 */
function applyMlockallFlags(mm: MmCore, flags: number): void {
  mm.defFlags = 0;
  if (flags & MCL.FUTURE) {
    mm.defFlags = VM_LOCKED | (flags & MCL.ONFAULT ? VM_LOCKONFAULT : 0);
    if (!(flags & MCL.CURRENT)) return;
  }
  const lock = flags & MCL.CURRENT ? VM_LOCKED | (flags & MCL.ONFAULT ? VM_LOCKONFAULT : 0) : 0;
  let prev: Vma | undefined;
  let vma = mm.findVmaPage(0);
  while (vma) {
    const r = fixup(mm, vma, prev, vma.startPage, vma.endPage, (vma.flags & ~VM_LOCKED_MASK) | lock);
    prev = typeof r === 'number' ? vma : r;
    vma = mm.findVmaPage(prev.endPage);
  }
}

/**
 * The mlockall system call: MCL_CURRENT locks (and faults in, errors passed over) every mapping,
 * MCL_FUTURE every later one (mm->def_flags), MCL_ONFAULT makes either lock on fault.
 * @returns 0 or -errno (EINVAL for no flag, an unknown one or MCL_ONFAULT alone, EPERM with
 *   RLIMIT_MEMLOCK 0, ENOMEM for MCL_CURRENT when the whole address space is past the limit)
 */
export function sysMlockall(mm: MmCore, flags: unknown): number {
  const v = argValue(flags);
  if (Number.isNaN(v)) return -EINVAL;
  const f = v | 0; // flags is an int: the low 32 bits (2^32 is 0, no flag at all)
  if (!f || f & ~(MCL.CURRENT | MCL.FUTURE | MCL.ONFAULT) || f === MCL.ONFAULT) return -EINVAL;
  if (!canDoMlock(mm)) return -EPERM;
  if (f & MCL.CURRENT && mm.memlockRlimit !== Number.POSITIVE_INFINITY && totalPages(mm) > limitPages(mm))
    return -ENOMEM;
  applyMlockallFlags(mm, f);
  if (f & MCL.CURRENT) populateRange(mm, 0, mm.taskPages);
  return 0;
}

/** The munlockall system call: no VMA stays locked, nor will a new one be. @returns 0 */
export function sysMunlockall(mm: MmCore): number {
  applyMlockallFlags(mm, 0);
  return 0;
}
