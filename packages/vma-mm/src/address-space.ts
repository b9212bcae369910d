/**
 * AddressSpace: the public face of an mm_struct. Each system call method
 * returns what the raw system call returns: an address or 0 on success, a
 * negative errno on failure (`-12` for ENOMEM). Bad arguments get the
 * kernel's errno and change nothing.
 */

import { isPow2 } from './arch.js';
import { sysBrk } from './brk.js';
import { EINVAL } from './errno.js';
import { handleFault } from './fault.js';
import { sysMadvise } from './madvise.js';
import { sysMlock, sysMlock2, sysMlockall, sysMunlock, sysMunlockall } from './mlock.js';
import { type AddressSpaceOptions, argValue, MmCore } from './mm.js';
import { sysMmap } from './mmap.js';
import { sysMprotect, sysPkeyMprotect } from './mprotect.js';
import { sysMremap } from './mremap.js';
import { sysMseal } from './mseal.js';
import { sysMunmap } from './munmap.js';
import { type FromMapsOptions, formatMaps, loadMaps } from './procmaps.js';
import { sysRemapFilePages } from './remap-file-pages.js';
import { type ShmSegment, sysShmat, sysShmdt } from './shm.js';
import { getUnmappedArea, vmUnmappedArea } from './unmapped-area.js';
import { type MappedFile, VM_DONTCOPY, VM_LOCKED_MASK, VM_WIPEONFORK, type Vma } from './vma.js';

/** struct mm_struct with the memory system calls. */
export class AddressSpace extends MmCore {
  /**
   * Build an address space from /proc/PID/maps text (a starting layout).
   * @param text - maps text, one VMA a line
   * @param options - the address space's options, plus `files` to reuse file objects
   * @throws TypeError for bad options (as the constructor); SyntaxError / RangeError for text that is
   *   not a valid maps listing (a malformed line, one not page aligned, past TASK_SIZE, or overlapping)
   */
  static fromMaps(text: string, options: AddressSpaceOptions & FromMapsOptions): AddressSpace {
    if (typeof text !== 'string') throw new TypeError('maps text must be a string');
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const { files, ...spaceOptions } = options; // files is for loadMaps only
    if (files !== undefined && !(files instanceof Map)) throw new TypeError('files must be a Map');
    const mm = new AddressSpace(spaceOptions);
    loadMaps(mm, text, options);
    return mm;
  }

  /** mmap(2). @returns the address or -errno. */
  mmap(addr: number, len: number, prot: number, flags: number, file?: MappedFile | null, offset = 0): number {
    return this.synced(sysMmap(this, addr, len, prot, flags, file, offset));
  }

  /** munmap(2). @returns 0 or -errno. */
  munmap(addr: number, len: number): number {
    return this.synced(sysMunmap(this, addr, len));
  }

  /** mprotect(2). @returns 0 or -errno. */
  mprotect(addr: number, len: number, prot: number): number {
    return this.synced(sysMprotect(this, addr, len, prot));
  }

  /** mremap(2). @returns the address or -errno. */
  mremap(addr: number, oldLen: number, newLen: number, flags: number, newAddr = 0): number {
    return this.synced(sysMremap(this, addr, oldLen, newLen, flags, newAddr));
  }

  /**
   * madvise(2): advice that changes VMA flags (MADV), page advice (MADV_PAGE: DONTNEED, FREE, ...,
   * answered without touching the VMAs), guard regions (MADV_GUARD) and populating (MADV_POPULATE).
   * @returns 0 or -errno (EINVAL for advice the kernel does not know)
   * @throws RangeError for MADV_COLLAPSE (not modelled)
   */
  madvise(addr: number, len: number, advice: number): number {
    return this.synced(sysMadvise(this, addr, len, advice));
  }

  /** mlock(2): lock a range's pages (see mlock.ts). @returns 0 or -errno */
  mlock(addr: number, len: number): number {
    return this.synced(sysMlock(this, addr, len));
  }

  /** mlock2(2): mlock, or with MLOCK_ONFAULT lock pages as they are faulted in. @returns 0 or -errno */
  mlock2(addr: number, len: number, flags: number): number {
    return this.synced(sysMlock2(this, addr, len, flags));
  }

  /** munlock(2): unlock a range. @returns 0 or -errno */
  munlock(addr: number, len: number): number {
    return this.synced(sysMunlock(this, addr, len));
  }

  /** mlockall(2): lock every mapping (MCL_CURRENT) and/or every later one (MCL_FUTURE). @returns 0 or -errno */
  mlockall(flags: number): number {
    return this.synced(sysMlockall(this, flags));
  }

  /** munlockall(2): unlock everything, now and later. @returns 0 */
  munlockall(): number {
    return this.synced(sysMunlockall(this));
  }

  /**
   * remap_file_pages(2): map a range of a shared file mapping again at another file offset (the
   * kernel's emulation through mmap; see remap-file-pages.ts). @returns 0 or -errno
   */
  remapFilePages(start: number, size: number, prot: number, pgoff: number, flags = 0): number {
    return this.synced(sysRemapFilePages(this, start, size, prot, pgoff, flags));
  }

  /**
   * shmat(2): attach a System V shared memory segment (see shm.ts).
   * @param segment - the segment the id names (undefined: none, EINVAL)
   * @param flags - SHM_RDONLY | SHM_RND | SHM_REMAP | SHM_EXEC
   * @returns the address, or -errno
   */
  shmat(segment: ShmSegment | undefined, addr: number, flags = 0): number {
    return this.synced(sysShmat(this, segment, addr, flags));
  }

  /** shmdt(2): detach the attach at `addr` (every fragment of it). @returns 0 or -EINVAL */
  shmdt(addr: number): number {
    return this.synced(sysShmdt(this, addr));
  }

  /**
   * pkey_mprotect(2): mprotect with a protection key; none is ever allocated here, so key -1 (none)
   * is mprotect and any other is EINVAL. @returns 0 or -errno
   */
  pkeyMprotect(addr: number, len: number, prot: number, pkey: number): number {
    return this.synced(sysPkeyMprotect(this, addr, len, prot, pkey));
  }

  /**
   * mseal(2): seal every VMA of a fully mapped range against munmap, mprotect, mremap and discarding
   * advice (see mseal.ts). @returns 0 or -errno
   */
  mseal(addr: number, len: number, flags = 0): number {
    return this.synced(sysMseal(this, addr, len, flags));
  }

  /** brk(2). @returns the new break, or the old one when the change failed. */
  brk(addr: number): number {
    return this.synced(sysBrk(this, addr));
  }

  /**
   * Ends a system call: the index finishes the writes it deferred
   * (VmaIndex.syscallDone), so that between calls its structure (e.g. a
   * tree passed in through `mapleTree`) holds exactly the VMAs.
   */
  private synced(ret: number): number {
    this.index.syscallDone?.();
    return ret;
  }

  /** The current program break (mm->brk). */
  get currentBrk(): number {
    return this.brkValue;
  }

  private page(addr: number): number {
    const a = argValue(addr);
    return Number.isNaN(a) ? Number.NaN : Math.floor(a / this.pageSize);
  }

  /** find_vma: the first VMA ending above `addr`. */
  findVma(addr: number): Vma | undefined {
    const p = this.page(addr);
    return Number.isNaN(p) ? undefined : this.index.findAbove(p);
  }

  /** find_vma_prev: find_vma plus the VMA before it (or before `addr` when none follows). */
  findVmaPrev(addr: number): { vma: Vma | undefined; prev: Vma | undefined } {
    const p = this.page(addr);
    if (Number.isNaN(p)) return { vma: undefined, prev: undefined };
    const vma = this.index.findAbove(p);
    const prev = vma ? this.index.prev(vma) : this.index.findBelow(Number.MAX_SAFE_INTEGER);
    return { vma, prev };
  }

  /** find_vma_intersection: the first VMA overlapping [start, end). */
  findVmaIntersection(start: number, end: number): Vma | undefined {
    const s = this.page(start);
    const e = argValue(end);
    if (Number.isNaN(s) || Number.isNaN(e) || e <= start) return undefined;
    return this.intersect(s, Math.ceil(e / this.pageSize));
  }

  /** vma_lookup: the VMA containing `addr`. */
  vmaLookup(addr: number): Vma | undefined {
    const p = this.page(addr);
    return Number.isNaN(p) ? undefined : this.index.load(p);
  }

  /**
   * get_unmapped_area for an anonymous (or given-file) mapping.
   * @returns the address get_unmapped_area would pick, or -errno
   */
  getUnmappedArea(
    addr: number,
    len: number,
    pgoff: number,
    flags: number,
    file: MappedFile | null = null,
  ): number {
    const a = argValue(addr);
    const l = argValue(len);
    const o = argValue(pgoff);
    const f = argValue(flags);
    if (Number.isNaN(a + l + o + f) || l === 0) return -EINVAL; // a NaN (a bad argument) carries through the sum
    return getUnmappedArea(this, file, a, this.pagesUp(l) * this.pageSize, o, f);
  }

  /**
   * vm_unmapped_area with a vm_unmapped_area_info: a free range of `length`
   * bytes inside [low, high) whose address is `alignOffset` modulo
   * `alignMask + 1` (alignMask + 1 a power-of-two multiple of the page size),
   * lowest first or, with `topdown`, highest first.
   * @returns the address, or -errno (EINVAL for a length that is not whole pages, a mask that is not
   *   a power-of-two multiple of the page size less one, or low above high)
   * @throws TypeError when `info` is not an object
   */
  vmUnmappedArea(info: {
    length: number;
    low: number;
    high: number;
    alignMask?: number;
    alignOffset?: number;
    topdown?: boolean;
  }): number {
    if (typeof info !== 'object' || info === null) throw new TypeError('vmUnmappedArea takes an info object');
    const ps = this.pageSize;
    const vals = [info.length, info.low, info.high, info.alignMask ?? 0, info.alignOffset ?? 0].map(argValue);
    if (vals.some(Number.isNaN)) return -EINVAL;
    const [length, low, high, mask, offset] = vals as [number, number, number, number, number];
    // The alignment (mask + 1) must be a power-of-two number of pages.
    const badMask = mask !== 0 && !isPow2((mask + 1) / ps);
    if (!length || length % ps || badMask || low > high) return -EINVAL;
    const r = vmUnmappedArea(this, {
      topdown: info.topdown === true,
      length: length / ps,
      low: Math.ceil(low / ps),
      high: Math.floor(high / ps),
      alignMask: mask ? (mask + 1) / ps - 1 : 0,
      alignOffset: Math.floor(offset / ps),
    });
    return r < 0 ? r : r * ps;
  }

  /**
   * The VMA iterator over [start, end) (bytes), in address order.
   * @throws TypeError when start or end is not a number (NaN included)
   */
  vmas(start = 0, end = Number.MAX_SAFE_INTEGER): IterableIterator<Vma> {
    if (typeof start !== 'number' || typeof end !== 'number' || Number.isNaN(start) || Number.isNaN(end))
      throw new TypeError('vmas(start, end) takes byte addresses (numbers)');
    const s = Math.floor(Math.max(0, start) / this.pageSize);
    const e = end >= Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : Math.ceil(end / this.pageSize);
    return this.index.range(s, e);
  }

  /** A user page fault (see fault.ts). @returns 0, or -errno when it would be SIGSEGV. */
  fault(addr: number, write = false): number {
    // A fault only grows a stack or tags a VMA: it never removes or shrinks one, so it leaves
    // no deferred write behind (see synced).
    return handleFault(this, addr, write);
  }

  /**
   * dup_mmap: a child address space with a copy of every VMA but those marked
   * VM_DONTCOPY (MADV_DONTFORK). Each child VMA that had an anonymous
   * identity gets its own new one (anon_vma_fork); no lock is inherited
   * (the copies lose VM_LOCKED, the child's locked_vm starts at 0).
   */
  fork(): AddressSpace {
    let anon = this.nextAnon;
    // dup_mmap leaves VM_DONTCOPY VMAs (MADV_DONTFORK) out: copied with the rest, then taken out.
    const dontCopy: Vma[] = [];
    const index = this.index.clone((vma) => {
      const copy = vma.dup();
      if (vma.flags & VM_DONTCOPY) dontCopy.push(copy);
      copy.flags &= ~VM_LOCKED_MASK;
      if (copy.flags & VM_WIPEONFORK) {
        copy.anon = 0; // the child starts with fresh, empty memory
        copy.anonForked = false;
      } else if (copy.anon) {
        copy.anon = anon++;
        copy.anonForked = true;
      }
      return copy;
    });
    this.nextAnon = anon;
    const child = new AddressSpace(this.options, index); // mm_init: no def_flags lock bits, locked_vm 0
    if (dontCopy.length !== 0) {
      for (const vma of dontCopy) child.unlink(vma);
      child.synced(0);
    }
    child.nextAnon = anon;
    child.startBrk = this.startBrk;
    child.brkValue = this.brkValue;
    child.startStack = this.startStack;
    child.nextShmemInode = this.nextShmemInode;
    child.gate = this.gate ? this.gate.dup() : null;
    return child;
  }

  /**
   * /proc/PID/maps text (show_map_vma), one line per VMA and a newline after each. A line with no
   * name ends at the inode column: the kernel's trailing space there is left out, as recorded traces
   * trim it.
   */
  procMaps(): string {
    return formatMaps(this);
  }
}
