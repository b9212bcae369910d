/**
 * The files of a replay (FORMAT.md's `open` and `unlink` records): the fd
 * table, and what the mappings of a file print once its name is removed.
 *
 * An `open` record makes a new open file (a struct file: two VMAs merge only
 * when they map the same one), except with `same_as`, when the fd shares an
 * earlier fd's open file (dup, a descriptor passed on), so mappings through
 * either can merge. `mode` gives FMODE_READ / FMODE_WRITE (do_mmap's EACCES,
 * VM_MAYWRITE of a shared mapping), `fs: "tmpfs"` a shmem file, `fs:
 * "hugetlbfs"` a hugetlbfs file (a memfd made with MFD_HUGETLB), `noexec` a
 * noexec mount. `type` (and a device's `rdev`) says what a file that is not a
 * regular one is, and so what its driver's mmap does (fileMmapOp); `seals` a
 * memfd's seals. A `close` record forgets an fd: an mmap of it is then EBADF.
 * A `size` record gives a file (every open file of that inode) its new size, a
 * `seals` record its new seals. A `shm` record describes a System V shared
 * memory segment (by id) for the shmat calls that follow.
 *
 * An `unlink` record says a file's name went away: the kernel's d_path then
 * prints that name with " (deleted)" for every open file that was opened
 * under it, whether it is still in the fd table or only mapped. A `rename`
 * record says the name moved: those open files print the new one.
 */
import type { AddressSpace } from './address-space.js';
import { isPow2 } from './arch.js';
import type { ShmSegment } from './shm.js';
import { hexValue, TraceFormatError, type TraceRecord } from './trace.js';
import type { FileType, MappedFile } from './vma.js';

/** An `open` record of a trace. */
export type TraceOpenRecord = Extract<TraceRecord, { kind: 'open' }>;
/** A `size` record of a trace. */
export type TraceSizeRecord = Extract<TraceRecord, { kind: 'size' }>;
/** A `seals` record of a trace. */
export type TraceSealsRecord = Extract<TraceRecord, { kind: 'seals' }>;
/** A `shm` record of a trace. */
export type TraceShmRecord = Extract<TraceRecord, { kind: 'shm' }>;
/** An `unlink` record of a trace. */
export type TraceUnlinkRecord = Extract<TraceRecord, { kind: 'unlink' }>;
/** A `rename` record of a trace. */
export type TraceRenameRecord = Extract<TraceRecord, { kind: 'rename' }>;

/** What d_path appends to the name of an unlinked file. */
const DELETED = ' (deleted)';

const ACCESS: Readonly<Record<string, readonly [readable: boolean, writable: boolean]>> = {
  r: [true, false],
  w: [false, true],
  rw: [true, true],
};

function checkName(r: { path: unknown; dev: unknown; inode: unknown }, what: string, line: number): void {
  if (typeof r.path !== 'string' || typeof r.dev !== 'string' || !Number.isSafeInteger(r.inode))
    throw new TraceFormatError(`${what} record needs a path, a dev and an inode`, line);
}

const FILE_TYPES: readonly string[] = ['dir', 'chr', 'blk', 'fifo', 'sock'] satisfies FileType[];

/**
 * Names that say what a file is when a record does not (traces from before `type`): the kernel's
 * own names for pipes and sockets (pipefs and sockfs dentries print as `pipe:[N]`, `socket:[N]`),
 * and the two memory devices programs map or probe, as devtmpfs names them.
 */
function typeByName(path: string): { type?: FileType; rdev?: string } {
  if (path === '/dev/zero') return { type: 'chr', rdev: '01:05' };
  if (path === '/dev/null') return { type: 'chr', rdev: '01:03' };
  if (path.startsWith('pipe:[')) return { type: 'fifo' };
  if (path.startsWith('socket:[')) return { type: 'sock' };
  return {};
}

/**
 * What the mmap file operation of a file of this kind does (MappedFile.mmapOp), from the drivers:
 * directories and pipes have none; a socket's is sock_mmap, which nearly every protocol answers with
 * sock_no_mmap (ENODEV); of the memory devices (major 1) /dev/zero maps (mmap_zero) and /dev/null,
 * /dev/port, /dev/full, /dev/random, /dev/urandom and /dev/kmsg have none, and neither have
 * terminals (majors 4 and 5, ptys 136-143). Other devices are taken to map like files.
 * @param rdev - a device's number, `major:minor` in hex
 */
export function fileMmapOp(type: FileType | undefined, rdev: string | undefined): MappedFile['mmapOp'] {
  if (type === 'dir' || type === 'fifo') return 'none';
  if (type === 'sock') return 'fails';
  if (type !== 'chr' || rdev === undefined) return undefined;
  const [major, minor] = rdev.split(':').map((x) => Number.parseInt(x, 16)) as [number, number];
  if (major === 1) return minor === 5 ? 'zero' : [3, 4, 7, 8, 9, 11].includes(minor) ? 'none' : undefined;
  return major === 4 || major === 5 || (major >= 136 && major <= 143) ? 'none' : undefined;
}

/**
 * The open file an `open` record describes (without `same_as`: a new one).
 * @throws TraceFormatError for a missing name, an unknown mode or type, or a device without its rdev
 */
export function openedFile(r: TraceOpenRecord, line: number): MappedFile {
  checkName(r, 'an open', line);
  const mode = r.mode ?? 'rw';
  const access = Object.hasOwn(ACCESS, mode) ? ACCESS[mode] : undefined;
  if (!access) throw new TraceFormatError(`unknown open mode "${String(mode)}" (r, w or rw)`, line);
  if (r.type !== undefined && !FILE_TYPES.includes(r.type))
    throw new TraceFormatError(`unknown file type "${String(r.type)}" (${FILE_TYPES.join(', ')})`, line);
  const { type, rdev } =
    r.type === undefined ? typeByName(r.path) : { type: r.type as FileType, rdev: r.rdev };
  if ((type === 'chr' || type === 'blk') && !/^[0-9a-f]+:[0-9a-f]+$/.test(String(rdev)))
    throw new TraceFormatError('a device needs its rdev (major:minor in hex)', line);
  const mmapOp = fileMmapOp(type, rdev);
  if (r.seals !== undefined && !isSeals(r.seals))
    throw new TraceFormatError(`seals must be a non-negative integer, not ${String(r.seals)}`, line);
  return {
    path: r.path,
    dev: r.dev,
    inode: r.inode,
    size: r.size ? hexValue(r.size) : undefined,
    readable: access[0],
    writable: access[1],
    // devtmpfs calls itself tmpfs too: only a regular file there is a shmem file.
    ...(r.fs === 'tmpfs' && type === undefined && { shmem: true }),
    ...(r.fs === 'hugetlbfs' && type === undefined && { hugetlb: true }),
    ...(r.fs === 'hugetlbfs' && r.huge_page_size !== undefined && { hugePageSize: hugePageSizeOf(r, line) }),
    ...(type && { type }),
    ...(mmapOp && { mmapOp }),
    ...(r.noexec === true && { noexec: true }),
    ...(r.seals && { seals: r.seals }),
  };
}

/** A hugetlbfs file's huge page size: a power of two of bytes. */
function hugePageSizeOf(r: TraceOpenRecord, line: number): number {
  const size = r.huge_page_size;
  if (typeof size !== 'number' || !isPow2(size))
    throw new TraceFormatError(`huge_page_size must be a power of two, not ${String(size)}`, line);
  return size;
}

/** F_SEAL_* bits: a non-negative 32-bit integer. */
function isSeals(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 32;
}

/** The fd table of a replay, and the renaming an unlink does. */
export class TraceFiles {
  private readonly table = new Map<number, MappedFile>();
  /** The open files the records made (and their renamed or resized copies), not the model's own shmem ones. */
  private readonly described = new WeakSet<MappedFile>();

  private readonly shmById = new Map<number, ShmSegment>();

  /** The open file each fd names. */
  get byFd(): ReadonlyMap<number, MappedFile> {
    return this.table;
  }

  /** The System V shared memory segments described so far, by id. */
  get segments(): ReadonlyMap<number, ShmSegment> {
    return this.shmById;
  }

  /**
   * A `shm` record: the segment with that id is as described from here on.
   * @throws TraceFormatError for a record without an id, a hex key and size, or an access of r, w, x
   */
  shm(r: TraceShmRecord, line: number): ShmSegment {
    const { id, key, size, access } = r;
    const hex = /^0x[0-9a-f]+$/i;
    if (
      !Number.isSafeInteger(id) ||
      id < 0 ||
      typeof key !== 'string' ||
      !hex.test(key) ||
      typeof size !== 'string' ||
      !hex.test(size) ||
      typeof access !== 'string' ||
      !/^r?w?x?$/.test(access)
    )
      throw new TraceFormatError(
        'a shm record needs an id, a hex key and size, and an access (r, w, x)',
        line,
      );
    const segment: ShmSegment = {
      id,
      key: hexValue(key),
      size: hexValue(size),
      access: { read: access.includes('r'), write: access.includes('w'), exec: access.includes('x') },
    };
    this.shmById.set(id, segment);
    return segment;
  }

  /**
   * An `open` record: its fd names a new open file, or with `same_as` the one that fd names.
   * @throws TraceFormatError for a bad record, a `same_as` fd never opened, or one naming another file
   */
  open(r: TraceOpenRecord, line: number): MappedFile {
    let file: MappedFile;
    if (r.same_as === undefined) file = openedFile(r, line);
    else {
      checkName(r, 'an open', line);
      const shared = this.table.get(r.same_as);
      if (!shared) throw new TraceFormatError(`fd ${r.same_as} (same_as) was never opened`, line);
      if (shared.dev !== r.dev || shared.inode !== r.inode)
        throw new TraceFormatError(`fd ${r.fd} is not the file fd ${r.same_as} names`, line);
      file = shared;
    }
    this.table.set(r.fd, file);
    this.described.add(file);
    return file;
  }

  /**
   * A `close` record: the fd names nothing from here on (until an `open` record names it again).
   * @throws TraceFormatError for a record without an fd
   */
  close(r: { fd?: unknown }, line: number): void {
    if (!Number.isSafeInteger(r.fd)) throw new TraceFormatError('a close record needs an fd', line);
    this.table.delete(r.fd as number);
  }

  /**
   * A `size` record (i_size is the inode's): every open file of that dev and inode, in the fd table or
   * mapped in `mm`, now has the new size; each stays one object, as in unlink.
   * @returns the VMAs changed
   * @throws TraceFormatError for a record without a dev, an inode and a size
   */
  resize(r: TraceSizeRecord, mm: AddressSpace | undefined, line: number): number {
    if (typeof r.dev !== 'string' || !Number.isSafeInteger(r.inode) || typeof r.size !== 'string')
      throw new TraceFormatError('a size record needs a dev, an inode and a size', line);
    const size = hexValue(r.size);
    return this.replaceAll(
      // Only files the records describe: shared anonymous memory is the model's own shmem file, whose
      // made-up inode number may be one a real file on 00:01 (a memfd) has too.
      (f) => this.described.has(f) && f.dev === r.dev && f.inode === r.inode,
      (f) => ({ ...f, size }),
      mm,
    );
  }

  /**
   * A `seals` record (seals are the inode's): every open file of that dev and inode, in the fd table or
   * mapped in `mm`, now has the new seals; each stays one object, as in unlink.
   * @returns the VMAs changed
   * @throws TraceFormatError for a record without a dev, an inode and seals
   */
  reseal(r: TraceSealsRecord, mm: AddressSpace | undefined, line: number): number {
    if (typeof r.dev !== 'string' || !Number.isSafeInteger(r.inode) || !isSeals(r.seals))
      throw new TraceFormatError('a seals record needs a dev, an inode and the seals', line);
    return this.replaceAll(
      (f) => this.described.has(f) && f.dev === r.dev && f.inode === r.inode,
      (f) => ({ ...f, seals: r.seals }),
      mm,
    );
  }

  /**
   * An `unlink` record (the kernel's d_path of an unlinked dentry): every open file opened as
   * `path` (same dev and inode), in the fd table or mapped in `mm`, now prints `path (deleted)`.
   * Each such file stays one object: all its VMAs and fds get the same renamed copy, so what
   * merged before still merges.
   * @param mm - the address space, once built (an unlink before the at:0 snapshot renames fds only)
   * @returns the VMAs renamed
   * @throws TraceFormatError for a record without a path, dev and inode
   */
  unlink(r: TraceUnlinkRecord, mm: AddressSpace | undefined, line: number): number {
    checkName(r, 'an unlink', line);
    return this.renameAll(r, `${r.path}${DELETED}`, mm);
  }

  /**
   * A `rename` record (d_path of a moved dentry): every open file opened as `path` (same dev and
   * inode), in the fd table or mapped in `mm`, now prints `to`; each stays one object, as in unlink.
   * @returns the VMAs renamed
   * @throws TraceFormatError for a record without a path, dev, inode and new name
   */
  rename(r: TraceRenameRecord, mm: AddressSpace | undefined, line: number): number {
    checkName(r, 'a rename', line);
    if (typeof r.to !== 'string') throw new TraceFormatError('a rename record needs the new name (to)', line);
    return this.renameAll(r, r.to, mm);
  }

  /** Every open file named `r.path` (same dev and inode), in the fd table and in the VMAs, takes the name `to`. */
  private renameAll(
    r: { path: string; dev: string; inode: number },
    to: string,
    mm: AddressSpace | undefined,
  ): number {
    return this.replaceAll(
      (f) => f.path === r.path && f.dev === r.dev && f.inode === r.inode,
      (f) => ({ ...f, path: to }),
      mm,
    );
  }

  /**
   * Every open file that `matches`, in the fd table and in the VMAs, becomes `change(file)`: one copy
   * per open file, shared by all its fds and VMAs, so what merged before still merges.
   * @returns the VMAs changed
   */
  private replaceAll(
    matches: (f: MappedFile) => boolean,
    change: (f: MappedFile) => MappedFile,
    mm: AddressSpace | undefined,
  ): number {
    const copies = new Map<MappedFile, MappedFile>();
    const replace = (f: MappedFile): MappedFile => {
      if (!matches(f)) return f;
      let copy = copies.get(f);
      if (!copy) {
        copy = change(f);
        copies.set(f, copy);
        this.described.add(copy);
      }
      return copy;
    };
    for (const [fd, f] of this.table) this.table.set(fd, replace(f));
    let vmas = 0;
    if (mm)
      for (const v of mm.vmas()) {
        if (!v.file) continue;
        const f = replace(v.file);
        if (f !== v.file) {
          v.file = f;
          vmas++;
        }
      }
    return vmas;
  }
}
