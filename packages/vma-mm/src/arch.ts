/**
 * Architecture profiles: the numbers that make one process's address space
 * differ from another's (page size, TASK_SIZE, the mmap window, the stack
 * guard gap, huge-page alignment). A profile is a plain object, so a new
 * architecture is a new object here and never a change to the syscall code.
 *
 *   0 ... mmap_min_addr ... [legacy base = TASK_SIZE/3] ... mmap_base | stack gap | stack ... TASK_SIZE
 *                            bottom-up searches start here   top-down searches end here
 *
 * Mirrors arch/x86/include/asm/page_64_types.h, arch/x86/mm/mmap.c
 * (mmap_base, mmap_legacy_base) and arch/x86/kernel/sys_x86_64.c.
 */

/** An architecture / ABI profile. All sizes are in bytes unless named in pages. */
export interface ArchProfile {
  /** Name used in trace headers and options, e.g. `x86_64`. */
  readonly name: string;
  /** PAGE_SIZE. */
  readonly pageSize: number;
  /** TASK_SIZE of the process: no mapping may end above it. */
  readonly taskSize: number;
  /** DEFAULT_MAP_WINDOW: searches stay below it unless a hint points above it. */
  readonly mapWindow: number;
  /** True for a 32-bit (compat) process: no THP alignment, 32-bit syscall rules. */
  readonly compat: boolean;
  /** PMD_SIZE when the kernel aligns large mappings for transparent huge pages, else 0. */
  readonly thpSize: number;
  /** Default stack_guard_gap in pages (kernel default 256). */
  readonly stackGuardGapPages: number;
  /** Smallest gap kept between the top-down mmap base and TASK_SIZE (SIZE_128M on x86). */
  readonly mmapBaseGapMin: number;
  /** Default vm.mmap_min_addr. */
  readonly defaultMmapMinAddr: number;
  /** TASK_UNMAPPED_BASE = PAGE_ALIGN(TASK_SIZE / legacyBaseDivisor): 3 on x86, 4 on arm64. */
  readonly legacyBaseDivisor: number;
  /**
   * Which arch_get_unmapped_area family places mappings: `x86`
   * (arch/x86/kernel/sys_x86_64.c: MAP_32BIT, MAP_ABOVE4G, its hint rules)
   * or `generic` (mm/mmap.c generic_get_unmapped_area[_topdown]).
   */
  readonly placement: 'x86' | 'generic';
}

const MiB = 1024 * 1024;

/** x86_64 with 4-level paging: 47-bit user space, 4 KiB pages, 2 MiB PMDs. */
export const X86_64: ArchProfile = Object.freeze({
  name: 'x86_64',
  pageSize: 4096,
  taskSize: 2 ** 47 - 4096,
  mapWindow: 2 ** 47 - 4096,
  compat: false,
  thpSize: 2 * MiB,
  stackGuardGapPages: 256,
  mmapBaseGapMin: 128 * MiB,
  defaultMmapMinAddr: 65536,
  legacyBaseDivisor: 3,
  placement: 'x86',
});

/**
 * x86_64 with 5-level paging (LA57): 56-bit user space, but mappings stay
 * below the 47-bit DEFAULT_MAP_WINDOW unless a hint asks for more.
 */
export const X86_64_LA57: ArchProfile = Object.freeze({
  ...X86_64,
  name: 'x86_64-la57',
  taskSize: 2 ** 56 - 4096,
});

/**
 * arm64 with 4 KiB pages and 48-bit virtual addresses, placed by the generic
 * mm/mmap.c searches. Built from the kernel's constants; no recorded trace
 * checks it yet.
 */
export const ARM64: ArchProfile = Object.freeze({
  name: 'arm64',
  pageSize: 4096,
  taskSize: 2 ** 48,
  mapWindow: 2 ** 48,
  compat: false,
  thpSize: 2 * MiB,
  stackGuardGapPages: 256,
  mmapBaseGapMin: 128 * MiB,
  defaultMmapMinAddr: 32768,
  legacyBaseDivisor: 4,
  placement: 'generic',
});

/**
 * A 32-bit (ia32 compat) process on an x86_64 kernel: TASK_SIZE is
 * IA32_PAGE_OFFSET (0xffffe000), searches use the compat mmap bases, and
 * huge-page alignment never applies (in_compat_syscall).
 */
export const I386: ArchProfile = Object.freeze({
  name: 'i386',
  pageSize: 4096,
  taskSize: 0xffffe000,
  mapWindow: 0xffffe000,
  compat: true,
  thpSize: 0,
  stackGuardGapPages: 256,
  mmapBaseGapMin: 128 * MiB,
  defaultMmapMinAddr: 65536,
  legacyBaseDivisor: 3,
  placement: 'x86',
});

/** All built-in profiles by name. */
export const ARCH_PROFILES: Readonly<Record<string, ArchProfile>> = Object.freeze({
  [X86_64.name]: X86_64,
  [X86_64_LA57.name]: X86_64_LA57,
  [I386.name]: I386,
  [ARM64.name]: ARM64,
});

/**
 * Resolve a profile given by name or as an object.
 * @param arch - a profile or the name of a built-in one
 * @returns the profile
 * @throws TypeError for an unknown name or a malformed profile
 */
export function resolveArch(arch: ArchProfile | string): ArchProfile {
  if (typeof arch === 'string') {
    const found = ARCH_PROFILES[arch];
    if (!found)
      throw new TypeError(`unknown arch profile "${arch}" (known: ${Object.keys(ARCH_PROFILES).join(', ')})`);
    return found;
  }
  if (typeof arch !== 'object' || arch === null)
    throw new TypeError('arch must be a profile object or a name');
  const ps = arch.pageSize;
  if (!Number.isInteger(ps) || ps < 1024 || (ps & (ps - 1)) !== 0) {
    throw new TypeError(`arch ${arch.name}: pageSize must be a power of two`);
  }
  if (arch.taskSize % ps !== 0 || arch.mapWindow % ps !== 0 || arch.mapWindow > arch.taskSize) {
    throw new TypeError(`arch ${arch.name}: taskSize and mapWindow must be page aligned, window <= taskSize`);
  }
  if (!(arch.legacyBaseDivisor >= 1) || (arch.placement !== 'x86' && arch.placement !== 'generic')) {
    throw new TypeError(
      `arch ${arch.name}: legacyBaseDivisor >= 1 and placement 'x86' or 'generic' required`,
    );
  }
  return arch;
}

/** Round `x` up to a multiple of `align` (a power of two or any positive integer). */
export function alignUp(x: number, align: number): number {
  const r = x % align;
  return r === 0 ? x : x - r + align;
}

/** Round `x` down to a multiple of `align`. */
export function alignDown(x: number, align: number): number {
  return x - (x % align);
}

/**
 * The top of the top-down mmap area with randomisation off: TASK_SIZE minus
 * the stack rlimit and guard gap, clamped to [128 MiB, 5/6 of TASK_SIZE].
 * Mirrors arch/x86/mm/mmap.c mmap_base().
 * @param arch - the profile
 * @param stackRlimit - RLIMIT_STACK soft limit in bytes
 * @param guardGapPages - stack_guard_gap in pages
 * @returns mmap_base in bytes
 */
export function topDownBase(arch: ArchProfile, stackRlimit: number, guardGapPages: number): number {
  const size = arch.mapWindow;
  let gap = stackRlimit + guardGapPages * arch.pageSize;
  const gapMax = Math.floor(size / 6) * 5;
  if (gap < arch.mmapBaseGapMin) gap = arch.mmapBaseGapMin;
  else if (gap > gapMax) gap = gapMax;
  return alignUp(size - gap, arch.pageSize);
}

/**
 * The legacy (bottom-up) mmap base: PAGE_ALIGN(TASK_SIZE / 3) on x86.
 * Mirrors __TASK_UNMAPPED_BASE / mmap_legacy_base() / TASK_UNMAPPED_BASE.
 */
export function legacyBase(arch: ArchProfile): number {
  return alignUp(Math.floor(arch.mapWindow / arch.legacyBaseDivisor), arch.pageSize);
}
