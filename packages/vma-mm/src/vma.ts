/**
 * VMA records (struct vm_area_struct) and the flag vocabulary of
 * include/linux/mm.h and include/uapi/asm-generic/mman*.h.
 *
 * A VMA covers the half-open page range [startPage, endPage). Pages, not
 * bytes, are the unit inside the library so that 57-bit address spaces stay
 * exact in JS numbers; `start`/`end` give the byte addresses.
 */

/** vm_flags bits (include/linux/mm.h). */
export const VM_READ = 0x1;
export const VM_WRITE = 0x2;
export const VM_EXEC = 0x4;
export const VM_SHARED = 0x8;
export const VM_MAYREAD = 0x10;
export const VM_MAYWRITE = 0x20;
export const VM_MAYEXEC = 0x40;
export const VM_MAYSHARE = 0x80;
export const VM_GROWSDOWN = 0x100;
/**
 * VM_MERGEABLE (KSM may merge its pages): bit 31 in the kernel; kept here in the slot of
 * VM_UFFD_MISSING (userfaultfd, which nothing here registers) so that flags stay 31-bit.
 */
export const VM_MERGEABLE = 0x200;
export const VM_PFNMAP = 0x400;
/**
 * VM_SEALED (mseal): bit 63 in the kernel; kept here in the slot of VM_UFFD_MINOR (userfaultfd, which
 * nothing here registers) so that flags stay 31-bit.
 */
export const VM_SEALED = 0x800;
export const VM_LOCKED = 0x2000;
export const VM_IO = 0x4000;
export const VM_SEQ_READ = 0x8000;
export const VM_RAND_READ = 0x10000;
export const VM_DONTCOPY = 0x20000;
export const VM_DONTEXPAND = 0x40000;
export const VM_LOCKONFAULT = 0x80000;
export const VM_ACCOUNT = 0x100000;
export const VM_NORESERVE = 0x200000;
/** VM_HUGETLB: a hugetlbfs mapping (huge pages only; splits and moves are huge-page aligned). */
export const VM_HUGETLB = 0x400000;
export const VM_SYNC = 0x800000;
/**
 * VM_DROPPABLE: bit 40 in the kernel; kept here in the slot of VM_ARCH_1
 * (x86's VM_PAT, never set on user mappings) so that flags stay 31-bit.
 */
export const VM_DROPPABLE = 0x1000000;
export const VM_WIPEONFORK = 0x2000000;
export const VM_DONTDUMP = 0x4000000;
export const VM_SOFTDIRTY = 0x8000000;
export const VM_MIXEDMAP = 0x10000000;
export const VM_HUGEPAGE = 0x20000000;
export const VM_NOHUGEPAGE = 0x40000000;

/** VM_READ | VM_WRITE | VM_EXEC. */
export const VM_ACCESS_FLAGS = VM_READ | VM_WRITE | VM_EXEC;
/** Mappings that never merge and cannot grow: VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP. */
export const VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP;
/** VM_LOCKED | VM_LOCKONFAULT. */
export const VM_LOCKED_MASK = VM_LOCKED | VM_LOCKONFAULT;
/** VM_DATA_DEFAULT_FLAGS on x86_64: what brk and the bss get. */
export const VM_DATA_DEFAULT_FLAGS = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

/** PROT_* for mmap/mprotect. */
export const PROT = Object.freeze({
  NONE: 0x0,
  READ: 0x1,
  WRITE: 0x2,
  EXEC: 0x4,
  SEM: 0x8,
  GROWSDOWN: 0x01000000,
  GROWSUP: 0x02000000,
});

/** MAP_* flags for mmap (x86 values). */
export const MAP = Object.freeze({
  SHARED: 0x01,
  PRIVATE: 0x02,
  SHARED_VALIDATE: 0x03,
  DROPPABLE: 0x08,
  TYPE: 0x0f,
  FIXED: 0x10,
  ANONYMOUS: 0x20,
  '32BIT': 0x40,
  ABOVE4G: 0x80,
  GROWSDOWN: 0x0100,
  DENYWRITE: 0x0800,
  EXECUTABLE: 0x1000,
  LOCKED: 0x2000,
  NORESERVE: 0x4000,
  POPULATE: 0x8000,
  NONBLOCK: 0x10000,
  STACK: 0x20000,
  HUGETLB: 0x40000,
  SYNC: 0x80000,
  FIXED_NOREPLACE: 0x100000,
  UNINITIALIZED: 0x4000000,
});

/** MREMAP_* flags. */
export const MREMAP = Object.freeze({
  MAYMOVE: 1,
  FIXED: 2,
  DONTUNMAP: 4,
});

/**
 * An open file as a mapping sees it (struct file). Identity matters: two
 * VMAs merge only when they map the same open file object, as in the kernel.
 */
export interface MappedFile {
  /** Path printed in /proc/PID/maps. */
  readonly path: string;
  /** Device as printed in maps, `major:minor` in hex, e.g. `fe:00`. */
  readonly dev: string;
  readonly inode: number;
  /** File size in bytes, if known: a page past it cannot be faulted in (mlock answers ENOMEM). */
  readonly size?: number;
  /** Opened for reading (FMODE_READ); default true. */
  readonly readable?: boolean;
  /** Opened for writing (FMODE_WRITE); default true. */
  readonly writable?: boolean;
  /**
   * A shmem object: shared anonymous memory, or a tmpfs file (memfd_create, /dev/shm). Placed by
   * shmem_get_unmapped_area, which aligns nothing while shmem huge pages are off (no THP file
   * alignment), and mapped by shmem_mmap, which has no mmap_supported_flags and accepts VM_SYNC.
   */
  readonly shmem?: boolean;
  /** What the file is when it is not a regular file (absent for a regular file). */
  readonly type?: FileType;
  /**
   * What the file's mmap operation does when it is not an ordinary file's:
   * - `none`: it has none (a directory, a pipe, /dev/null): do_mmap answers ENODEV;
   * - `fails`: it fails with ENODEV once __mmap_region has cleared the range (a socket: sock_no_mmap);
   * - `zero`: /dev/zero's mmap_zero. A private mapping (or a shared one through a read-only
   *   descriptor, which loses VM_SHARED) becomes anonymous memory that still names the file: it
   *   prints as the file, keeps the offset, and merges only with mappings of the same open file. A
   *   shared one becomes shared anonymous memory of its own (`/dev/zero (deleted)`), offset kept.
   */
  readonly mmapOp?: 'none' | 'fails' | 'zero';
  /** On a noexec mount: do_mmap refuses PROT_EXEC (EPERM) and drops VM_MAYEXEC, so mprotect cannot add it later. */
  readonly noexec?: boolean;
  /**
   * A hugetlbfs file (a memfd made with MFD_HUGETLB, a file on a hugetlbfs mount, or the file
   * anonymous MAP_HUGETLB memory becomes) of the default huge page size: hugetlb_get_unmapped_area
   * places it huge-page aligned, and its mappings are VM_HUGETLB (hugetlb.ts).
   */
  readonly hugetlb?: boolean;
  /** A hugetlbfs file's huge page size in bytes, when not the kernel's default (hugetlb.ts). */
  readonly hugePageSize?: number;
  /**
   * A memfd's seals (F_SEAL_* bits; absent: none). A write seal (F_SEAL_WRITE, F_SEAL_FUTURE_WRITE)
   * refuses a shared writable mapping (EPERM) and takes VM_MAYWRITE from a shared read-only one
   * (memfd_check_seals_mmap).
   */
  readonly seals?: number;
  /** A System V shared memory segment, attached by shmat (shm.ts): shmdt finds its fragments. */
  readonly sysv?: boolean;
}

/** The memfd seals that stop writes through shared mappings: F_SEAL_WRITE | F_SEAL_FUTURE_WRITE. */
export const F_SEAL_WRITES = 0x08 | 0x10;

/** The kinds of file that are not regular files: directory, character and block device, pipe, socket. */
export type FileType = 'dir' | 'chr' | 'blk' | 'fifo' | 'sock';

/** What kind of object a VMA maps. */
export type VmaKind = 'anon' | 'file' | 'special';

/**
 * One VMA. `anon` is the anonymous identity (anon_vma): 0 while no page was
 * faulted in, otherwise an id shared by VMAs that share an anon_vma.
 */
export class Vma {
  startPage: number;
  endPage: number;
  flags: number;
  /** vm_pgoff: offset in pages into the file, or the anonymous page index. */
  pgoff: number;
  file: MappedFile | null;
  anon: number;
  /** Name of a special mapping ([vdso], [vvar], ...) or an anon name ([anon:x]). */
  name: string | null;
  /** True for special mappings (install_special_mapping): never merge. */
  special: boolean;
  /**
   * The anon_vma was inherited through fork (its anon_vma_chain has more than
   * one link: vma_had_uncowed_parents). Such a VMA neither lends its identity
   * to a neighbour nor merges with one that has none.
   */
  anonForked = false;
  readonly pageSize: number;

  constructor(
    pageSize: number,
    startPage: number,
    endPage: number,
    flags: number,
    pgoff: number,
    file: MappedFile | null,
    anon = 0,
    name: string | null = null,
    special = false,
  ) {
    this.pageSize = pageSize;
    this.startPage = startPage;
    this.endPage = endPage;
    this.flags = flags;
    this.pgoff = pgoff;
    this.file = file;
    this.anon = anon;
    this.name = name;
    this.special = special;
  }

  /** vm_start in bytes. */
  get start(): number {
    return this.startPage * this.pageSize;
  }

  /** vm_end in bytes (exclusive). */
  get end(): number {
    return this.endPage * this.pageSize;
  }

  /** vma_pages(). */
  get pages(): number {
    return this.endPage - this.startPage;
  }

  /** The kind of object mapped. */
  get kind(): VmaKind {
    if (this.special) return 'special';
    return this.file ? 'file' : 'anon';
  }

  /** A copy with the same identity fields (vm_area_dup). */
  dup(): Vma {
    const copy = new Vma(
      this.pageSize,
      this.startPage,
      this.endPage,
      this.flags,
      this.pgoff,
      this.file,
      this.anon,
      this.name,
      this.special,
    );
    copy.anonForked = this.anonForked;
    return copy;
  }
}

/** vma_is_anonymous() for our purposes: not a special mapping, and no file or a private /dev/zero one. */
export function isAnonymous(vma: Vma): boolean {
  // vma_is_anonymous: no vm_ops. A private /dev/zero mapping is one too, though it keeps its file.
  return !vma.special && (vma.file === null || vma.file.mmapOp === 'zero');
}

/** vma_is_accessible(): any of read/write/exec. */
export function isAccessible(vma: Vma): boolean {
  return (vma.flags & VM_ACCESS_FLAGS) !== 0;
}

/**
 * calc_vm_prot_bits(): PROT_* to VM_* access bits.
 * @param prot - PROT_READ | PROT_WRITE | PROT_EXEC
 */
export function protToVmFlags(prot: number): number {
  return (
    (prot & PROT.READ ? VM_READ : 0) | (prot & PROT.WRITE ? VM_WRITE : 0) | (prot & PROT.EXEC ? VM_EXEC : 0)
  );
}

/** Parse `rwx` style permission text (`r-x`, `rw-`, `---`) into PROT_* bits. */
export function parseProt(text: string): number {
  let prot = 0;
  if (text.includes('r')) prot |= PROT.READ;
  if (text.includes('w')) prot |= PROT.WRITE;
  if (text.includes('x')) prot |= PROT.EXEC;
  return prot;
}
