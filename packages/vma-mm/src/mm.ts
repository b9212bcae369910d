/**
 * The state of one address space (struct mm_struct) and the primitive VMA
 * operations every system call is built from: look-ups through the index,
 * insert / remove / resize, split (__split_vma), the stack guard gap
 * (vm_start_gap) and anonymous identities (anon_vma_prepare).
 *
 * The syscalls themselves live in mmap.ts, munmap.ts, mprotect.ts,
 * mremap.ts and brk.ts, and operate on an MmCore.
 */
import type { MapleTree } from '@maple-tree/core';
import {
  type ArchProfile,
  alignDown,
  alignUp,
  hasX86MapFlags,
  isPow2,
  legacyBase,
  topDownBase,
} from './arch.js';
import { resolveArch } from './arch-profiles.js';
import { type AslrLayout, drawLayout, randomizePage, SeededRandom } from './aslr.js';
import { LegacyIndex } from './backend/legacy.js';
import { MapleIndex } from './backend/maple.js';
import type { BackendName, VmaIndex } from './backend/types.js';
import { kernelHugePageSize } from './hugetlb.js';
import { RetryMemo } from './retry-memo.js';
import { VM_ACCESS_FLAGS, VM_GROWSDOWN, VM_SOFTDIRTY, type Vma } from './vma.js';

/** Layout of the mmap area: top-down (default) or legacy bottom-up (`setarch -L`). */
export type MmapLayout = 'topdown' | 'legacy';

/** How each backend makes an empty index. */
const indexFactories: Readonly<Record<BackendName, (options: AddressSpaceOptions) => VmaIndex>> = {
  maple: (options) => {
    const tree = options.mapleTree?.();
    if (tree !== undefined && !(typeof tree === 'object' && tree !== null && tree.isEmpty)) {
      throw new TypeError('mapleTree must return a new, empty tree');
    }
    return new MapleIndex(tree, { vmaCache: options.vmaCache });
  },
  legacy: (options) => {
    if (options.mapleTree !== undefined) throw new TypeError('mapleTree is an option of the maple backend');
    if (options.vmaCache !== undefined) {
      throw new TypeError(
        'vmaCache is an option of the maple backend (the legacy index always has the vmacache)',
      );
    }
    return new LegacyIndex();
  },
};

/** The backend used when none is asked for: the Maple Tree, as in Linux >= 6.1. */
export function defaultBackend(): BackendName {
  return 'maple';
}

/**
 * Options of an address space (the process's limits and starting layout). The constructor throws a
 * TypeError for an option name not listed here or a value of the wrong kind.
 */
export interface AddressSpaceOptions {
  /** Architecture profile or its name (`x86_64`, ...). */
  arch: ArchProfile | string;
  /** VMA index implementation; default maple. */
  backend?: BackendName;
  /**
   * Makes the maple backend's tree (mm->mm_mt), e.g. a VersionedMapleTree
   * from @maple-tree/rcu so that versions of the real index can be held. It
   * must return a new, empty tree made with `allocRange: true` (the kernel's
   * MT_FLAGS_ALLOC_RANGE). Default: a plain MapleTree. Fork copies the
   * parent's tree with its own `clone()`, so the child's is of the same kind.
   */
  mapleTree?: () => MapleTree<Vma>;
  /**
   * The maple backend's look-up caches: its four-slot VMA cache in front of
   * the tree and its hole record kept through writes; default true. `false`
   * is Linux >= 6.1's own path (no vmacache: find_vma walks the tree, and
   * nothing a look-up learnt outlives a write). Answers are the same either
   * way. Not an option of the legacy backend, whose vmacache is part of what
   * it rebuilds.
   */
  vmaCache?: boolean;
  /** mmap layout; default top-down. */
  layout?: MmapLayout;
  /** vm.max_map_count; default 65530. */
  maxMapCount?: number;
  /**
   * vm.mmap_min_addr in bytes (dac_mmap_min_addr: MAP_FIXED below it is
   * refused with EPERM for a process without CAP_SYS_RAWIO); default the
   * profile's.
   */
  mmapMinAddr?: number;
  /**
   * CONFIG_LSM_MMAP_MIN_ADDR in bytes: the kernel's own mmap_min_addr (hint
   * rounding, the floor of every search, stack growth) is the larger of this
   * and `mmapMinAddr`; default 0.
   */
  lsmMmapMinAddr?: number;
  /**
   * RLIMIT_STACK soft limit in bytes; default 8 MiB. Infinity is RLIM_INFINITY: the stack may grow
   * without limit, the top-down base sits at its lowest (STACK_TOP less 5/6 of it), and outside x86
   * the layout is legacy whatever `layout` says (mm/util.c mmap_is_legacy; x86's ignores the rlimit).
   */
  stackRlimit?: number;
  /**
   * RLIMIT_MEMLOCK soft limit in bytes (the process has no CAP_IPC_LOCK):
   * MAP_LOCKED, mlock and growing a locked mapping stay within it, and 0
   * forbids locking; default unlimited (Infinity).
   */
  memlockRlimit?: number;
  /** stack_guard_gap in pages; default the profile's (256). */
  stackGuardGapPages?: number;
  /** mm->start_brk in bytes; default 0 (no heap). */
  startBrk?: number;
  /** mm->brk in bytes; default startBrk. */
  brk?: number;
  /** mm->start_stack in bytes; default 0. */
  startStack?: number;
  /**
   * The device of the kernel's internal hugetlbfs mount, `major:minor` in hex as /proc/PID/maps
   * prints it: anonymous MAP_HUGETLB memory is a file there (`/anon_hugepage (deleted)`). Default
   * `00:00` (unknown); a trace header's `hugetlbfs_dev` gives the recorded kernel's.
   */
  hugetlbfsDev?: string;
  /**
   * The huge page sizes (bytes) the kernel has pools (hstates) of, whatever they hold: MAP_HUGE_<size>
   * asks for one of them (another is EINVAL). Default: the profile's default huge page size only (an
   * x86_64 CPU with 1 GiB pages has those too); a trace header's `huge_page_sizes` gives the recorded
   * kernel's.
   */
  hugePageSizes?: readonly number[];
  /**
   * The READ_IMPLIES_EXEC personality (`setarch -X`, or an ia32 program without PT_GNU_STACK): mmap
   * and mprotect add PROT_EXEC to PROT_READ (mprotect where VM_MAYEXEC allows it), and the heap is
   * executable (VM_DATA_DEFAULT_FLAGS). Default false; a trace header's `personality` gives it.
   */
  readImpliesExec?: boolean;
  /** RLIMIT_AS in bytes: the pages of every VMA together stay within it; default unlimited (Infinity). */
  asRlimit?: number;
  /**
   * RLIMIT_DATA in bytes: private writable memory that is not a stack stays within it, and so do the
   * heap and the data segment together (brk); default unlimited (Infinity).
   */
  dataRlimit?: number;
  /** end_data - start_data in bytes: the program's data segment, which brk counts against RLIMIT_DATA; default 0. */
  dataSegment?: number;
  /**
   * Randomise the layout (PF_RANDOMIZE) from this seed: mmap_base, the
   * stack top and, when `startBrk` is given without `brk`, the heap start
   * (see aslr.ts). Default: no randomisation, the kernel's fixed layout.
   */
  aslrSeed?: number | bigint;
  /** vm.mmap_rnd_bits; default the profile's. Only used with `aslrSeed`. */
  mmapRndBits?: number;
}

/**
 * Every option an address space takes (a key of AddressSpaceOptions): anything else is refused, so
 * that a misspelt option is an error rather than a default quietly used instead.
 */
const OPTION_KEYS: Readonly<Record<keyof AddressSpaceOptions, true>> = {
  arch: true,
  backend: true,
  mapleTree: true,
  vmaCache: true,
  layout: true,
  maxMapCount: true,
  mmapMinAddr: true,
  lsmMmapMinAddr: true,
  stackRlimit: true,
  memlockRlimit: true,
  stackGuardGapPages: true,
  startBrk: true,
  brk: true,
  startStack: true,
  hugetlbfsDev: true,
  hugePageSizes: true,
  readImpliesExec: true,
  asRlimit: true,
  dataRlimit: true,
  dataSegment: true,
  aslrSeed: true,
  mmapRndBits: true,
};

/** Throw for an option name AddressSpaceOptions does not have (undefined values are let through). */
function checkOptionNames(options: object): void {
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && !Object.hasOwn(OPTION_KEYS, key))
      throw new TypeError(`unknown option "${key}" (known: ${Object.keys(OPTION_KEYS).join(', ')})`);
  }
}

/** Normalise a syscall argument: a non-negative integer below 2^64, else NaN. */
export function argValue(x: unknown): number {
  if (typeof x === 'bigint') {
    if (x < 0n || x >= 1n << 64n) return Number.NaN;
    return Number(x);
  }
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= 2 ** 64) return Number.NaN;
  return x;
}

/** struct mm_struct: the address space's state and its VMA primitives. */
export class MmCore {
  readonly arch: ArchProfile;
  /** The options this address space was made with (fork reuses them). */
  readonly options: AddressSpaceOptions;
  readonly pageSize: number;
  /**
   * BITS_PER_LONG of the kernel: 32 for a 32-bit kernel (a 32-bit profile without the x86_64
   * kernel's placement, i386-native), else 64. Lengths and range ends wrap at 2^kernelBits.
   */
  readonly kernelBits: 32 | 64;
  readonly layout: MmapLayout;
  readonly maxMapCount: number;
  /** mmap_min_addr: max(vm.mmap_min_addr, CONFIG_LSM_MMAP_MIN_ADDR), in bytes. */
  readonly mmapMinAddr: number;
  /** dac_mmap_min_addr: vm.mmap_min_addr, in bytes. */
  readonly dacMmapMinAddr: number;
  readonly stackRlimit: number;
  /** RLIMIT_MEMLOCK in bytes (Infinity: unlimited). */
  readonly memlockRlimit: number;
  readonly stackGuardGapPages: number;
  /** TASK_SIZE in pages. */
  readonly taskPages: number;
  /** mm->mmap_base in bytes (top of the top-down area, or the bottom-up base). */
  readonly mmapBase: number;
  /** mm->mmap_legacy_base in bytes. */
  readonly mmapLegacyBase: number;
  /** The random choices made for this mm, or null when randomisation is off. */
  readonly aslr: AslrLayout | null;
  /** STACK_TOP, randomised when `aslr` is set (where exec would put the stack). */
  readonly stackTop: number;
  /** The VMA index. */
  index: VmaIndex;
  startBrk: number;
  brkValue: number;
  startStack: number;
  /** The gate VMA ([vsyscall]): printed in maps, not part of the mm's tree. */
  gate: Vma | null = null;
  /** Next anon_vma identity to hand out. */
  protected nextAnon = 1;
  /**
   * mm->locked_vm in pages: what MAP_LOCKED, mlock, locked growth (mremap, stack) added and unmapping
   * or munlock took back. Kept as the kernel keeps it, so it is not always the size of the VM_LOCKED
   * VMAs: an MREMAP_DONTUNMAP move of a locked VMA clears the source's lock bits without taking them back.
   */
  lockedVm = 0;
  /** mm->def_flags' lock bits: VM_LOCKED (| VM_LOCKONFAULT) after mlockall(MCL_FUTURE), for every new mapping. */
  defFlags = 0;
  /** Next inode number for shared anonymous memory (shmem objects). */
  nextShmemInode = 1;
  /** Next inode number for anonymous MAP_HUGETLB memory (hugetlbfs files of its own). */
  nextHugetlbInode = 1;
  /** The internal hugetlbfs mount's device (AddressSpaceOptions.hugetlbfsDev). */
  readonly hugetlbfsDev: string;
  /** The huge page sizes the kernel has pools of (AddressSpaceOptions.hugePageSizes). */
  readonly hugePageSizes: readonly number[];
  /** The READ_IMPLIES_EXEC personality (AddressSpaceOptions.readImpliesExec). */
  readonly readImpliesExec: boolean;
  /** RLIMIT_AS in bytes (AddressSpaceOptions.asRlimit). */
  readonly asRlimit: number;
  /** RLIMIT_DATA in bytes (AddressSpaceOptions.dataRlimit). */
  readonly dataRlimit: number;
  /** The data segment's size in bytes (AddressSpaceOptions.dataSegment). */
  readonly dataSegment: number;
  /** Memo of top-down guard-gap retry chains (see retry-memo.ts). */
  readonly retryMemo = new RetryMemo();

  constructor(options: AddressSpaceOptions, index?: VmaIndex) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    checkOptionNames(options);
    const arch = resolveArch(options.arch);
    this.options = options;
    this.arch = arch;
    this.pageSize = arch.pageSize;
    this.kernelBits = arch.compat && arch.placement !== 'x86' ? 32 : 64;
    this.layout = options.layout ?? 'topdown';
    if (this.layout !== 'topdown' && this.layout !== 'legacy')
      throw new TypeError(`unknown layout ${this.layout}`);
    this.maxMapCount = MmCore.checkedOption(options.maxMapCount, 65530, 'maxMapCount');
    this.dacMmapMinAddr = MmCore.checkedOption(options.mmapMinAddr, arch.defaultMmapMinAddr, 'mmapMinAddr');
    this.mmapMinAddr = Math.max(
      this.dacMmapMinAddr,
      MmCore.checkedOption(options.lsmMmapMinAddr, 0, 'lsmMmapMinAddr'),
    );
    this.stackRlimit = MmCore.limitOption(options.stackRlimit, 8 * 1024 * 1024, 'stackRlimit');
    if (this.stackRlimit === Number.POSITIVE_INFINITY && !hasX86MapFlags(arch)) this.layout = 'legacy';
    this.memlockRlimit = MmCore.limitOption(options.memlockRlimit, Number.POSITIVE_INFINITY, 'memlockRlimit');
    this.stackGuardGapPages = MmCore.checkedOption(
      options.stackGuardGapPages,
      arch.stackGuardGapPages,
      'stackGuardGapPages',
    );
    this.taskPages = arch.taskSize / arch.pageSize;
    this.startBrk = MmCore.checkedOption(options.startBrk, 0, 'startBrk');
    this.brkValue = MmCore.checkedOption(options.brk, this.startBrk, 'brk');
    if (this.brkValue < this.startBrk) throw new TypeError('brk must not be below startBrk');
    let rnd = 0;
    if (options.aslrSeed === undefined) {
      if (options.mmapRndBits !== undefined) throw new TypeError('mmapRndBits needs aslrSeed');
      this.aslr = null;
      this.stackTop = arch.mapWindow;
    } else {
      const bits = MmCore.checkedOption(options.mmapRndBits, arch.mmapRndBits ?? 0, 'mmapRndBits');
      if (bits > (arch.mmapRndBitsMax ?? arch.mmapRndBits ?? 0))
        throw new TypeError(`mmapRndBits ${bits} exceeds ${arch.name}'s maximum`);
      const given: unknown = options.aslrSeed;
      if (typeof given !== 'bigint' && !Number.isSafeInteger(given))
        throw new TypeError('aslrSeed must be an integer (a safe-integer number or a bigint)');
      const seed = BigInt(options.aslrSeed);
      const rng = new SeededRandom(seed);
      this.aslr = drawLayout(arch, rng, seed, bits);
      this.stackTop = this.aslr.stackTop;
      rnd = this.aslr.mmapRnd;
      if (options.startBrk !== undefined && options.brk === undefined) {
        this.startBrk = randomizePage(arch.pageSize, this.startBrk, arch.brkRndRange ?? 0, rng.next());
        this.brkValue = this.startBrk;
      }
    }
    this.mmapLegacyBase = legacyBase(arch) + rnd;
    this.mmapBase =
      this.layout === 'topdown'
        ? topDownBase(arch, this.stackRlimit, this.stackGuardGapPages, {
            rnd,
            randomized: this.aslr !== null,
          })
        : this.mmapLegacyBase;
    this.startStack = MmCore.checkedOption(options.startStack, 0, 'startStack');
    const dev = options.hugetlbfsDev ?? '00:00';
    if (typeof dev !== 'string' || !/^[0-9a-f]+:[0-9a-f]+$/.test(dev))
      throw new TypeError(`hugetlbfsDev must be "major:minor" in hex, not ${String(dev)}`);
    this.hugetlbfsDev = dev;
    const sizes = options.hugePageSizes ?? (kernelHugePageSize(arch) ? [kernelHugePageSize(arch)] : []);
    if (
      !Array.isArray(sizes) ||
      !sizes.every((s) => Number.isSafeInteger(s) && s > this.pageSize && isPow2(s))
    )
      throw new TypeError('hugePageSizes must be powers of two larger than a page, in bytes');
    this.hugePageSizes = Object.freeze([...sizes]);
    if (options.readImpliesExec !== undefined && typeof options.readImpliesExec !== 'boolean')
      throw new TypeError('readImpliesExec must be a boolean');
    this.readImpliesExec = options.readImpliesExec ?? false;
    this.asRlimit = MmCore.limitOption(options.asRlimit, Number.POSITIVE_INFINITY, 'asRlimit');
    this.dataRlimit = MmCore.limitOption(options.dataRlimit, Number.POSITIVE_INFINITY, 'dataRlimit');
    this.dataSegment = MmCore.checkedOption(options.dataSegment, 0, 'dataSegment');
    if (index) this.index = index;
    else {
      const name = options.backend ?? defaultBackend();
      const factory = Object.hasOwn(indexFactories, name) ? indexFactories[name] : undefined;
      if (!factory) throw new TypeError(`unknown backend "${String(name)}" (maple or legacy)`);
      this.index = factory(options);
    }
  }

  private static checkedOption(v: number | undefined, fallback: number, what: string): number {
    if (v === undefined) return fallback;
    if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`${what} must be a non-negative integer`);
    return v;
  }

  /** An rlimit option: as {@link checkedOption}, or Infinity (RLIM_INFINITY). */
  private static limitOption(v: number | undefined, fallback: number, what: string): number {
    return v === Number.POSITIVE_INFINITY ? v : MmCore.checkedOption(v, fallback, what);
  }

  /** mm->map_count. */
  get mapCount(): number {
    return this.index.count;
  }

  /** True when mmap searches top-down (MMF_TOPDOWN). */
  get topDown(): boolean {
    return this.layout === 'topdown';
  }

  /** Bytes to pages, rounding up (PAGE_ALIGN(len) >> PAGE_SHIFT). */
  pagesUp(bytes: number): number {
    const ps = this.pageSize;
    // A division by the power-of-two page size is exact, and needs no fmod (see pageOffset).
    return bytes >= 0 && bytes !== Infinity ? Math.ceil(bytes / ps) : alignUp(bytes, ps) / ps;
  }

  /** Bytes to pages, rounding down. */
  pagesDown(bytes: number): number {
    const ps = this.pageSize;
    return bytes >= 0 && bytes !== Infinity ? Math.floor(bytes / ps) : alignDown(bytes, ps) / ps;
  }

  /** find_vma: the first VMA ending above page `page`. */
  findVmaPage(page: number): Vma | undefined {
    return this.index.findAbove(page);
  }

  /** find_vma_intersection in pages: the first VMA overlapping [start, end). */
  intersect(start: number, end: number): Vma | undefined {
    if (start >= end) return undefined;
    const vma = this.index.findAbove(start);
    return vma && vma.startPage < end ? vma : undefined;
  }

  /** vm_start_gap in pages: a grows-down VMA claims stack_guard_gap below it. */
  startGap(vma: Vma): number {
    if (!(vma.flags & VM_GROWSDOWN)) return vma.startPage;
    return Math.max(vma.startPage - this.stackGuardGapPages, 0);
  }

  /** vm_end_gap in pages (no grows-up VMAs on the supported architectures). */
  endGap(vma: Vma): number {
    return vma.endPage;
  }

  /** Store a new VMA. */
  link(vma: Vma): void {
    this.index.insert(vma);
    this.retryMemo.touched(vma.startPage, vma.endPage);
  }

  /** Remove a VMA. */
  unlink(vma: Vma): void {
    this.index.remove(vma);
    this.retryMemo.touched(vma.startPage, vma.endPage);
  }

  /** Change a stored VMA's bounds (the caller keeps ranges disjoint). */
  setRange(vma: Vma, start: number, end: number, pgoff = vma.pgoff): void {
    vma.pgoff = pgoff;
    this.retryMemo.touched(Math.min(start, vma.startPage), Math.max(end, vma.endPage));
    this.index.setRange(vma, start, end);
  }

  /**
   * __split_vma: cut `vma` at page `at`. The part below `at` (newBelow) or
   * above it becomes a new VMA; `vma` keeps the other part.
   * @returns the new VMA
   */
  split(vma: Vma, at: number, newBelow: boolean): Vma {
    const fresh = vma.dup();
    if (newBelow) {
      fresh.endPage = at;
      this.setRange(vma, at, vma.endPage, vma.pgoff + (at - vma.startPage));
    } else {
      fresh.startPage = at;
      fresh.pgoff = vma.pgoff + (at - vma.startPage);
      this.setRange(vma, vma.startPage, at);
    }
    this.link(fresh);
    return fresh;
  }

  /** Hand out a fresh anon_vma identity. */
  newAnonId(): number {
    return this.nextAnon++;
  }

  /**
   * anon_vma_prepare: give `vma` an anonymous identity, reusing a compatible
   * neighbour's (next first, then prev: find_mergeable_anon_vma) or a new one.
   */
  anonVmaPrepare(vma: Vma): void {
    if (vma.anon) return;
    const next = this.index.next(vma);
    if (next?.anon && !next.anonForked && anonCompatible(vma, next)) {
      vma.anon = next.anon;
      return;
    }
    const prev = this.index.prev(vma);
    if (prev?.anon && !prev.anonForked && anonCompatible(prev, vma)) {
      vma.anon = prev.anon;
      return;
    }
    vma.anon = this.newAnonId();
  }

  /** Check the index and the mm's own invariants; throws naming the broken one. */
  validate(): void {
    this.index.validate();
    let prevEnd = -1;
    let n = 0;
    for (const vma of this.index.range(0, Number.MAX_SAFE_INTEGER)) {
      if (vma.startPage < prevEnd) throw new Error(`mm: VMAs overlap at page ${vma.startPage}`);
      if (vma.endPage > this.taskPages && vma !== this.gate) throw new Error('mm: VMA beyond TASK_SIZE');
      prevEnd = vma.endPage;
      n++;
    }
    if (n !== this.mapCount) throw new Error(`mm: map_count ${this.mapCount} but ${n} VMAs`);
  }
}

/**
 * anon_vma_compatible(a, b): `a` ends where `b` starts, same file, flags equal
 * apart from access bits, offsets contiguous.
 */
export function anonCompatible(a: Vma, b: Vma): boolean {
  return (
    a.endPage === b.startPage &&
    a.file === b.file &&
    ((a.flags ^ b.flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) === 0 &&
    b.pgoff === a.pgoff + (b.startPage - a.startPage)
  );
}
