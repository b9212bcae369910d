/**
 * System V shared memory as the address space sees it (ipc/shm.c do_shmat,
 * ksys_shmdt, Linux 6.18). A segment is a shmem file `/SYSV<key> (deleted)`
 * (inode: its id); each attach maps it shared through a struct file of its
 * own, so two attaches never merge.
 *
 *   shmat(id, addr, flags)   id < 0, an unaligned addr without SHM_RND, or
 *                            SHM_REMAP without an addr: EINVAL; an unknown
 *                            segment EINVAL; access (read, write unless
 *                            SHM_RDONLY, exec for SHM_EXEC) not granted:
 *                            EACCES; an addr whose range holds a mapping,
 *                            without SHM_REMAP: EINVAL; then do_mmap
 *                            (MAP_SHARED, MAP_FIXED with an addr)
 *   shmdt(addr)              unaligned: EINVAL; the first segment VMA at or
 *                            above addr whose offset matches its distance
 *                            from addr is unmapped, then every other VMA of
 *                            the same attach within the segment's size from
 *                            addr whose offset matches; none: EINVAL
 */
import { pageOffset } from './arch.js';
import { EACCES, EINVAL } from './errno.js';
import { argValue, type MmCore } from './mm.js';
import { sysMmap } from './mmap.js';
import { unmapRange } from './munmap.js';
import { MAP, type MappedFile, PROT } from './vma.js';

/** shmat's flags (include/uapi/linux/shm.h). */
export const SHM = Object.freeze({
  RDONLY: 0o10000,
  RND: 0o20000,
  REMAP: 0o40000,
  EXEC: 0o100000,
});

/** A System V shared memory segment as shmget made it. */
export interface ShmSegment {
  /** Its id (shmid): the inode number its mappings print. */
  readonly id: number;
  /** Its key at creation (IPC_PRIVATE is 0): the mappings print `/SYSV<key as 8 hex digits> (deleted)`. */
  readonly key: number;
  /** Its size in bytes (not rounded). */
  readonly size: number;
  /** What its permissions grant this process (ipcperms): read, write, execute. */
  readonly access: { readonly read: boolean; readonly write: boolean; readonly exec: boolean };
}

/** The int value of a syscall argument (its low 32 bits, signed), NaN when it is no integer. */
function intArg(v: unknown): number {
  if (typeof v === 'bigint') return Number(BigInt.asIntN(32, v));
  return Number.isInteger(v) ? (v as number) | 0 : Number.NaN;
}

/**
 * The shmat system call.
 * @param mm - the address space
 * @param segment - the segment the id passed names, or undefined when there is none (a negative id,
 *   one never made or one removed: EINVAL)
 * @param addr - where to attach (0: the kernel chooses)
 * @param flags - SHM_RDONLY, SHM_RND, SHM_REMAP, SHM_EXEC
 * @returns the address, or -errno
 */
export function sysShmat(mm: MmCore, segment: ShmSegment | undefined, addr: unknown, flags: unknown): number {
  let a = argValue(addr);
  const f = intArg(flags);
  if (Number.isNaN(a + f)) return -EINVAL; // argValue's NaN carries through the sum
  const ps = mm.pageSize; // SHMLBA on x86 and the generic ABI
  let mapFlags = MAP.SHARED;
  if (a) {
    if (pageOffset(a, ps)) {
      if (!(f & SHM.RND)) return -EINVAL;
      a -= pageOffset(a, ps);
      if (!a && f & SHM.REMAP) return -EINVAL;
    }
    mapFlags |= MAP.FIXED;
  } else if (f & SHM.REMAP) return -EINVAL;
  const readOnly = (f & SHM.RDONLY) !== 0;
  const prot = (readOnly ? PROT.READ : PROT.READ | PROT.WRITE) | (f & SHM.EXEC ? PROT.EXEC : 0);
  if (!segment) return -EINVAL;
  const { read, write, exec } = segment.access;
  if (!read || (!readOnly && !write) || (f & SHM.EXEC && !exec)) return -EACCES;
  const size = segment.size;
  if (a && !(f & SHM.REMAP)) {
    if (a + size >= 2 ** mm.kernelBits) return -EINVAL;
    if (mm.intersect(a / ps, Math.ceil((a + size) / ps))) return -EINVAL;
  }
  // alloc_file_clone: a struct file of this attach's own, opened read-only or read-write.
  const file: MappedFile = {
    path: `/SYSV${segment.key.toString(16).padStart(8, '0')} (deleted)`,
    dev: '00:01',
    inode: segment.id,
    size,
    readable: true,
    writable: !readOnly,
    shmem: true,
    sysv: true,
  };
  return sysMmap(mm, a, size, prot, mapFlags, file, 0);
}

/**
 * The shmdt system call.
 * @param mm - the address space
 * @param addr - the address an attach returned
 * @returns 0, or -EINVAL (unaligned, or no attach of a segment starts there)
 */
export function sysShmdt(mm: MmCore, addr: unknown): number {
  const a = argValue(addr);
  if (Number.isNaN(a) || pageOffset(a, mm.pageSize)) return -EINVAL;
  const start = a / mm.pageSize;
  // A fragment of an attach (cut by munmap or mprotect) sits at its offset from the attach address.
  const fragment = (v: { startPage: number; pgoff: number; file: MappedFile | null }) =>
    v.file?.sysv === true && v.startPage - start === v.pgoff;
  let first: { startPage: number; endPage: number; file: MappedFile | null } | undefined;
  for (const v of mm.index.range(start, mm.taskPages))
    if (fragment(v)) {
      first = v;
      break;
    }
  if (!first) return -EINVAL;
  const file = first.file as MappedFile;
  const span = Math.ceil((file.size ?? 0) / mm.pageSize);
  // The other fragments of that attach: no further than the segment's size from addr could reach.
  const doomed: { startPage: number; endPage: number }[] = [];
  for (const v of mm.index.range(first.endPage, mm.taskPages)) {
    if (v.endPage - start > span) break;
    if (fragment(v) && v.file === file) doomed.push(v);
  }
  // do_vmi_align_munmap's errors are ignored: valid arguments, a munmap would have succeeded.
  unmapRange(mm, first.startPage, first.endPage);
  for (const v of doomed) unmapRange(mm, v.startPage, v.endPage);
  return 0;
}
