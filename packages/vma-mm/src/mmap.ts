/**
 * mmap (mm/mmap.c do_mmap, mm/vma.c __mmap_region): validate, pick the
 * address, clear what MAP_FIXED replaces, then merge the new range into a
 * neighbour or insert a new VMA; MAP_POPULATE faults the pages in.
 *
 * The checks run in the kernel's order, so that a call with several faults
 * gets the kernel's errno: offset alignment (EINVAL), missing file (EBADF),
 * zero length (EINVAL), length overflow (ENOMEM), map count (ENOMEM), the
 * address search (ENOMEM / EINVAL / EPERM), MAP_FIXED_NOREPLACE (EEXIST),
 * file-type and sharing rules (EOPNOTSUPP / EACCES / EPERM on a noexec mount /
 * ENODEV for a file without mmap / EINVAL / EPERM for a write-sealed memfd),
 * RLIMIT_AS / RLIMIT_DATA (ENOMEM), and finally the edge splits of a
 * MAP_FIXED replacement (ENOMEM) and what the file's own mmap refuses
 * (hugetlbfs: hugetlb.ts).
 */
import { hasX86MapFlags, pageOffset } from './arch.js';
import {
  EACCES,
  EAGAIN,
  EBADF,
  EEXIST,
  EINVAL,
  ENODEV,
  ENOMEM,
  EOPNOTSUPP,
  EOVERFLOW,
  EPERM,
} from './errno.js';
import { populateRange } from './fault.js';
import {
  fileHugePageSize,
  hugeAlignedLength,
  hugetlbAnonFile,
  hugetlbFileMmap,
  kernelHugePageSize,
} from './hugetlb.js';
import { mergeNewRange } from './merge.js';
import { canDoMlock, mlockFutureOk } from './mlock.js';
import { argValue, type MmCore } from './mm.js';
import { unmapRange } from './munmap.js';
import { getUnmappedArea } from './unmapped-area.js';
import { mayExpandVm, vmLimited } from './vm-limits.js';
import {
  F_SEAL_WRITES,
  MAP,
  type MappedFile,
  PROT,
  protToVmFlags,
  VM_ACCOUNT,
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_DROPPABLE,
  VM_EXEC,
  VM_GROWSDOWN,
  VM_HUGETLB,
  VM_LOCKED,
  VM_LOCKED_MASK,
  VM_MAYEXEC,
  VM_MAYREAD,
  VM_MAYSHARE,
  VM_MAYWRITE,
  VM_NOHUGEPAGE,
  VM_NORESERVE,
  VM_SHARED,
  VM_SYNC,
  VM_WIPEONFORK,
  VM_WRITE,
  Vma,
} from './vma.js';

/** MAP_HUGE_2MB and MAP_HUGE_1GB: huge page size requests (log2 of the size at bit 26). */
const MAP_HUGE_2MB = 21 << 26;
const MAP_HUGE_1GB = 30 << 26;

/**
 * MAP_* bits that MAP_SHARED keeps and MAP_SHARED_VALIDATE accepts
 * (LEGACY_MAP_MASK): on x86 this includes MAP_32BIT and MAP_ABOVE4G, which
 * other arches do not define (GENERIC_LEGACY_MAP_MASK).
 */
const LEGACY_MAP_MASK =
  MAP.SHARED |
  MAP.PRIVATE |
  MAP.FIXED |
  MAP.ANONYMOUS |
  MAP.DENYWRITE |
  MAP.EXECUTABLE |
  MAP.UNINITIALIZED |
  MAP.GROWSDOWN |
  MAP.LOCKED |
  MAP.NORESERVE |
  MAP.POPULATE |
  MAP.NONBLOCK |
  MAP.STACK |
  MAP.HUGETLB |
  MAP['32BIT'] |
  MAP.ABOVE4G |
  MAP_HUGE_2MB |
  MAP_HUGE_1GB;
const GENERIC_LEGACY_MAP_MASK = LEGACY_MAP_MASK & ~(MAP['32BIT'] | MAP.ABOVE4G);

/**
 * MAX_LFS_FILESIZE (2^63 - 1) in bytes, the end a regular file's mapping may
 * not pass (file_mmap_ok). Kept as 2^63 and compared in whole pages, where it
 * is exact: offset + length <= 2^63 - 1 holds exactly when
 * pgoff + pages < 2^63 / PAGE_SIZE.
 */
const MAX_LFS_END = 2 ** 63;

/** Whether `file` looks like an open file (path, device and inode). */
function isMappedFile(file: unknown): file is MappedFile {
  if (!file || typeof file !== 'object') return false;
  const f = file as MappedFile;
  return (
    typeof f.path === 'string' && typeof f.dev === 'string' && Number.isSafeInteger(f.inode) && f.inode >= 0
  );
}

/** The pages of [start, end) that VMAs cover now (what a MAP_FIXED mapping there replaces). */
function mappedPages(mm: MmCore, start: number, end: number): number {
  let n = 0;
  for (const vma of mm.index.range(start, end))
    n += Math.min(end, vma.endPage) - Math.max(start, vma.startPage);
  return n;
}

/** accountable_mapping: private writable memory is charged (VM_ACCOUNT). */
function accountable(vmFlags: number): boolean {
  return (vmFlags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) === VM_WRITE;
}

/**
 * mmap_region: map [addr, addr + len) (bytes) with `vmFlags`.
 * @returns the address in bytes or -errno
 */
export function mmapRegion(
  mm: MmCore,
  file: MappedFile | null,
  addr: number,
  len: number,
  vmFlags: number,
  pgoff: number,
): number {
  const start = addr / mm.pageSize;
  const end = start + len / mm.pageSize;
  const err = unmapRange(mm, start, end);
  if (err) return err;
  if (accountable(vmFlags) && !file?.hugetlb) vmFlags |= VM_ACCOUNT;
  // shmem_zero_setup: shared anonymous memory is a file of its own, so it never merges. So is a
  // shared mapping of /dev/zero (mmap_zero), which keeps its offset; a private one (or one that
  // lost VM_SHARED to a read-only descriptor) stays anonymous memory naming /dev/zero.
  const sharedAnon = (!file || file.mmapOp === 'zero') && (vmFlags & VM_SHARED) !== 0;
  if (sharedAnon)
    file = { path: '/dev/zero (deleted)', dev: '00:01', inode: mm.nextShmemInode++, size: len, shmem: true };
  const prev = mm.index.findBelow(start);
  const next = mm.findVmaPage(start);
  const merged = sharedAnon
    ? undefined
    : mergeNewRange(
        mm,
        { start, end, flags: vmFlags, pgoff, file, anon: 0, anonForked: false, name: null },
        prev,
        next,
      );
  if (!merged) mm.link(new Vma(mm.pageSize, start, end, vmFlags, pgoff, file));
  if (vmFlags & VM_LOCKED) mm.lockedVm += end - start;
  return addr;
}

/**
 * do_mmap + the x86 mmap entry: the whole mmap system call.
 * @param mm - the address space
 * @param addr - hint or fixed address (bytes)
 * @param len - length in bytes
 * @param prot - PROT_* bits
 * @param flags - MAP_* bits
 * @param file - the open file to map, or null/undefined for anonymous memory
 * @param offset - file offset in bytes
 * @returns the mapping's address, or -errno
 */
export function sysMmap(
  mm: MmCore,
  addr: unknown,
  len: unknown,
  prot: unknown,
  flags: unknown,
  file: MappedFile | null | undefined,
  offset: unknown,
): number {
  let a = argValue(addr);
  let l = argValue(len);
  const p = argValue(prot);
  let f = argValue(flags);
  const off = argValue(offset ?? 0);
  if (Number.isNaN(a + l + p + f + off)) return -EINVAL; // argValue's NaN carries through the sum
  const ps = mm.pageSize;
  if (pageOffset(off, ps)) return -EINVAL;
  const anonymous = (f & MAP.ANONYMOUS) !== 0;
  if (!anonymous) {
    if (!isMappedFile(file)) return -EBADF;
    // ksys_mmap_pgoff: a hugetlbfs file maps whole huge pages; MAP_HUGETLB needs such a file.
    if (file.hugetlb) l = hugeAlignedLength(mm, l, fileHugePageSize(mm, file));
    else if (f & MAP.HUGETLB) return -EINVAL;
  } else {
    file = null;
    if (f & MAP.HUGETLB) {
      // The memory becomes a hugetlbfs file, mapped as one from here on.
      const huge = hugetlbAnonFile(mm, l, f);
      if (typeof huge === 'number') return huge;
      file = huge.file;
      l = huge.len;
    }
  }
  let pgoff = off / ps;

  if (!l) return -EINVAL;
  if (f & MAP.FIXED_NOREPLACE) f |= MAP.FIXED;
  if (!(f & MAP.FIXED)) {
    // round_hint_to_min
    a -= pageOffset(a, ps);
    if (a && a < mm.mmapMinAddr) a = Math.ceil(mm.mmapMinAddr / ps) * ps;
  }
  const pages = mm.pagesUp(l);
  if (pages * ps >= 2 ** mm.kernelBits) return -ENOMEM; // PAGE_ALIGN(len) wrapped to 0
  const bytes = pages * ps;
  if (mm.mapCount > mm.maxMapCount) return -ENOMEM;

  // READ_IMPLIES_EXEC: what may be read may be run, but never from a noexec mount.
  const vmProt = p & PROT.READ && mm.readImpliesExec && !file?.noexec ? p | PROT.EXEC : p;
  let vmFlags = protToVmFlags(vmProt) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | mm.defFlags;
  if (f & MAP.GROWSDOWN) vmFlags |= VM_GROWSDOWN;
  if (f & MAP.LOCKED) vmFlags |= VM_LOCKED;
  if (f & MAP.SYNC) vmFlags |= VM_SYNC;
  if (f & MAP.STACK && kernelHugePageSize(mm.arch)) vmFlags |= VM_NOHUGEPAGE;

  const got = getUnmappedArea(mm, file ?? null, a, bytes, pgoff, f);
  if (got < 0) return got;
  a = got;
  if (f & MAP.FIXED_NOREPLACE && mm.intersect(a / ps, a / ps + pages)) return -EEXIST;
  // RLIMIT_MEMLOCK: 0 forbids MAP_LOCKED (can_do_mlock), and the locked total must stay within it.
  if (f & MAP.LOCKED && !canDoMlock(mm)) return -EPERM;
  if (!mlockFutureOk(mm, vmFlags, pages)) return -EAGAIN;

  const type = f & MAP.TYPE;
  if (file) {
    // file_mmap_size_max: a regular file, a block device or a socket ends at MAX_LFS_FILESIZE (on a
    // 32-bit kernel ULONG_MAX pages: the range must end below page 2^32 - 1); any other file (a
    // character device such as /dev/zero, a pipe, a directory) at ULONG_MAX bytes.
    const lfs = file.type === undefined || file.type === 'blk' || file.type === 'sock';
    const lastPage = lfs ? (mm.kernelBits === 32 ? 2 ** 32 : MAX_LFS_END / ps) : 2 ** mm.kernelBits / ps;
    if (pgoff + pages >= lastPage) return -EOVERFLOW;
    const writable = file.writable !== false;
    if (type === MAP.SHARED || type === MAP.SHARED_VALIDATE) {
      const legacy = hasX86MapFlags(mm.arch) ? LEGACY_MAP_MASK : GENERIC_LEGACY_MAP_MASK;
      if (type === MAP.SHARED) f &= legacy;
      // A regular file's mmap_supported_flags add MAP_SYNC (ext4, xfs); mmap_file refuses it below.
      // A shmem file, a device or a socket has none, so MAP_SHARED_VALIDATE refuses MAP_SYNC here.
      // Bits above 31 (flags is an unsigned long) are unknown flags too; JS's & sees only the low 32.
      const syncFlag = file.shmem || file.hugetlb || file.type !== undefined ? 0 : MAP.SYNC;
      if (f & ~(legacy | syncFlag) || f >= 2 ** 32) return -EOPNOTSUPP;
      if (p & PROT.WRITE && !writable) return -EACCES;
      vmFlags |= VM_SHARED | VM_MAYSHARE;
      if (!writable) vmFlags &= ~(VM_MAYWRITE | VM_SHARED);
    } else if (type !== MAP.PRIVATE) return -EINVAL;
    if (file.readable === false) return -EACCES;
    if (file.noexec) {
      // path_noexec: no executable mapping, now or later.
      if (vmFlags & VM_EXEC) return -EPERM;
      vmFlags &= ~VM_MAYEXEC;
    }
    if (file.mmapOp === 'none') return -ENODEV; // the file has no mmap operation
    if (vmFlags & VM_GROWSDOWN) return -EINVAL;
    // memfd_check_seals_mmap: a write-sealed memfd maps shared only read-only, and for good.
    if (file.seals && file.seals & F_SEAL_WRITES && vmFlags & VM_SHARED) {
      if (vmFlags & VM_WRITE) return -EPERM;
      vmFlags &= ~VM_MAYWRITE;
    }
  } else if (type === MAP.SHARED) {
    if (vmFlags & VM_GROWSDOWN) return -EINVAL;
    pgoff = 0;
    vmFlags |= VM_SHARED | VM_MAYSHARE;
  } else if (type === MAP.PRIVATE || type === MAP.DROPPABLE) {
    if (type === MAP.DROPPABLE) {
      // VM_DROPPABLE exists only in 64-bit kernels (an ia32 process on x86_64 has it): a 32-bit kernel
      // refuses the type outright.
      if (mm.kernelBits === 32) return -EOPNOTSUPP;
      // Droppable memory: never locked, huge or grows-down; not reserved, wiped on fork, not dumped.
      if (f & (MAP.LOCKED | MAP.HUGETLB) || vmFlags & VM_GROWSDOWN) return -EINVAL;
      vmFlags |= VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP;
    }
    pgoff = a / ps;
  } else return -EINVAL;

  if (f & MAP.NORESERVE) vmFlags |= VM_NORESERVE;
  // __mmap_region: RLIMIT_AS / RLIMIT_DATA for the pages the mapping adds (less those it replaces).
  // (What a MAP_FIXED replaces is counted only when a limit is set: an iteration over the range.)
  if (vmLimited(mm) && !mayExpandVm(mm, vmFlags, pages - mappedPages(mm, a / ps, a / ps + pages)))
    return -ENOMEM;
  // A socket's mmap (sock_no_mmap) refuses only once __mmap_region has cleared the range a MAP_FIXED
  // replaces: that range is left unmapped, as below.
  if (file?.mmapOp === 'fails') return unmapRange(mm, a / ps, a / ps + pages) || -ENODEV;
  if (file && !file.shmem && !file.hugetlb && file.type === undefined && vmFlags & VM_SYNC) {
    // VM_SYNC (from MAP_SYNC, even when plain MAP_SHARED dropped the flag) needs a DAX file
    // (shmem_mmap does not look at it, so a tmpfs mapping keeps VM_SYNC). The
    // filesystem's mmap refuses it only after __mmap_region cleared the range a MAP_FIXED replaces,
    // so that range is left unmapped (vms_abort_munmap_vmas leaves the gap).
    return unmapRange(mm, a / ps, a / ps + pages) || -EOPNOTSUPP;
  }
  if (file?.hugetlb) {
    // hugetlbfs_file_mmap refuses only once __mmap_region has cleared the range a MAP_FIXED replaces.
    const err = hugetlbFileMmap(mm, file, pgoff, vmFlags);
    if (err) return unmapRange(mm, a / ps, a / ps + pages) || err;
    // A hugetlb VMA is never locked (nor counted in locked_vm) and never grows.
    vmFlags = (vmFlags & ~VM_LOCKED_MASK) | VM_HUGETLB | VM_DONTEXPAND;
  }
  const r = mmapRegion(mm, file ?? null, a, bytes, vmFlags, pgoff);
  if (r >= 0 && (vmFlags & VM_LOCKED || (f & (MAP.POPULATE | MAP.NONBLOCK)) === MAP.POPULATE)) {
    populateRange(mm, r / ps, r / ps + pages);
  }
  return r;
}
