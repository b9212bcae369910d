/**
 * Architecture profiles: the numbers that make one process's address space
 * differ from another's (page size, TASK_SIZE, the mmap window, the stack
 * guard gap, huge-page alignment, the randomisation ranges). A profile is a
 * plain object, so a new architecture is a new object (see arch-profiles.ts)
 * and never a change to the syscall code. This file holds the profile type,
 * its validation and the layout formulas every architecture shares.
 *
 *   0 ... mmap_min_addr ... [TASK_UNMAPPED_BASE] ... mmap_base | stack gap | stack ... STACK_TOP ... TASK_SIZE
 *                            bottom-up searches start here      top-down searches end here
 *
 * Mirrors arch/x86/mm/mmap.c (mmap_base, mmap_legacy_base) and mm/util.c
 * (the generic mmap_base and arch_pick_mmap_layout used by arm64 and riscv).
 */

/** An architecture / ABI profile. All sizes are in bytes unless named in pages. */
export interface ArchProfile {
  /** Name used in trace headers and options, e.g. `x86_64`. */
  readonly name: string;
  /** PAGE_SIZE. */
  readonly pageSize: number;
  /** TASK_SIZE of the process: no mapping may end above it. */
  readonly taskSize: number;
  /**
   * DEFAULT_MAP_WINDOW (also STACK_TOP): searches stay below it unless a hint
   * points above it, and mmap_base is computed from it.
   */
  readonly mapWindow: number;
  /** True for a 32-bit process: no THP alignment, 32-bit syscall rules. */
  readonly compat: boolean;
  /** PMD_SIZE when the kernel aligns large mappings for transparent huge pages, else 0. */
  readonly thpSize: number;
  /** Default stack_guard_gap in pages (kernel default 256). */
  readonly stackGuardGapPages: number;
  /** Smallest gap kept between the top-down mmap base and STACK_TOP (SZ_128M). */
  readonly mmapBaseGapMin: number;
  /** Default vm.mmap_min_addr (CONFIG_DEFAULT_MMAP_MIN_ADDR). */
  readonly defaultMmapMinAddr: number;
  /** TASK_UNMAPPED_BASE = PAGE_ALIGN(legacyBaseSpan / legacyBaseDivisor): 3 on x86 and riscv, 4 on arm64. */
  readonly legacyBaseDivisor: number;
  /** What TASK_UNMAPPED_BASE divides; default `mapWindow` (riscv64: 2^39 whatever the paging mode). */
  readonly legacyBaseSpan?: number;
  /**
   * Which arch_get_unmapped_area family places mappings: `x86`
   * (arch/x86/kernel/sys_x86_64.c: MAP_32BIT, MAP_ABOVE4G, its hint rules)
   * or `generic` (mm/mmap.c generic_get_unmapped_area[_topdown]).
   */
  readonly placement: 'x86' | 'generic';
  /**
   * The arch's uapi MAP_* flags: `x86` (asm/mman.h adds MAP_32BIT and MAP_ABOVE4G, which MAP_SHARED
   * keeps and MAP_SHARED_VALIDATE accepts) or `generic` (arm64, riscv64: those bits are unknown, so
   * MAP_SHARED_VALIDATE refuses them with EOPNOTSUPP). Default: `x86` with x86 placement, else
   * `generic`.
   */
  readonly mapFlags?: 'x86' | 'generic';
  /**
   * arch_get_mmap_end / arch_get_mmap_base: `window` (default; x86, arm64)
   * keeps searches below `mapWindow` unless the hint lies above it, and then
   * lifts the top-down base by `taskSize - mapWindow`; `task` (riscv64) ends
   * every search at TASK_SIZE and never moves the base.
   */
  readonly searchEnd?: 'window' | 'task';
  /** Virtual-address bits of user space (informational: 47, 56, 39, 48, 52, 32). */
  readonly vaBits?: number;
  /** vm.mmap_rnd_bits default (CONFIG_ARCH_MMAP_RND_BITS = ..._MIN); 0 = no mmap randomisation. */
  readonly mmapRndBits?: number;
  /** Largest vm.mmap_rnd_bits the kernel accepts (CONFIG_ARCH_MMAP_RND_BITS_MAX). */
  readonly mmapRndBitsMax?: number;
  /** STACK_RND_MASK in pages: the stack top moves down by up to this many pages. */
  readonly stackRndMask?: number;
  /** arch_randomize_brk range in bytes (SZ_1G for 64-bit, SZ_32M for 32-bit processes). */
  readonly brkRndRange?: number;
}

/** Whether `x` is a positive integer power of two. */
export const isPow2 = (x: number): boolean =>
  Number.isInteger(x) && x > 0 && 2 ** Math.round(Math.log2(x)) === x;

/**
 * Check a profile given as an object (built-in profiles are resolved by
 * name in arch-profiles.ts).
 * @param arch - the profile
 * @returns the same object
 * @throws TypeError naming the bad field
 */
export function checkArch(arch: ArchProfile): ArchProfile {
  if (typeof arch !== 'object' || arch === null)
    throw new TypeError('arch must be a profile object or a name');
  const ps = arch.pageSize;
  if (!isPow2(ps) || ps < 1024) throw new TypeError(`arch ${arch.name}: pageSize must be a power of two`);
  const aligned = (x: unknown) => typeof x === 'number' && Number.isInteger(x / ps) && x > 0;
  if (!aligned(arch.taskSize) || !aligned(arch.mapWindow) || arch.mapWindow > arch.taskSize) {
    throw new TypeError(`arch ${arch.name}: taskSize and mapWindow must be page aligned, window <= taskSize`);
  }
  if (arch.taskSize > 2 ** 64 || arch.taskSize / ps > Number.MAX_SAFE_INTEGER) {
    throw new TypeError(`arch ${arch.name}: taskSize must fit 64 bits`);
  }
  if (!(arch.legacyBaseDivisor >= 1) || (arch.placement !== 'x86' && arch.placement !== 'generic')) {
    throw new TypeError(
      `arch ${arch.name}: legacyBaseDivisor >= 1 and placement 'x86' or 'generic' required`,
    );
  }
  if (arch.mapFlags !== undefined && arch.mapFlags !== 'x86' && arch.mapFlags !== 'generic') {
    throw new TypeError(`arch ${arch.name}: mapFlags must be 'x86' or 'generic'`);
  }
  if (arch.searchEnd !== undefined && arch.searchEnd !== 'window' && arch.searchEnd !== 'task') {
    throw new TypeError(`arch ${arch.name}: searchEnd must be 'window' or 'task'`);
  }
  const bits = arch.mmapRndBits ?? 0;
  const max = arch.mmapRndBitsMax ?? bits;
  if (!Number.isInteger(bits) || !Number.isInteger(max) || bits < 0 || bits > max || max > 48) {
    throw new TypeError(`arch ${arch.name}: mmapRndBits must be an integer in [0, mmapRndBitsMax <= 48]`);
  }
  const mask = arch.stackRndMask ?? 0;
  if (!Number.isInteger(mask) || mask < 0 || (mask !== 0 && !isPow2(mask + 1))) {
    throw new TypeError(`arch ${arch.name}: stackRndMask must be 2^k - 1`);
  }
  const brk = arch.brkRndRange ?? 0;
  if (!Number.isInteger(brk) || brk < 0) throw new TypeError(`arch ${arch.name}: brkRndRange must be >= 0`);
  return arch;
}

/**
 * Whether the profile's uapi has x86's MAP_32BIT and MAP_ABOVE4G (ArchProfile.mapFlags): the x86
 * profiles, whose layout choice (arch/x86/mm/mmap.c) also differs from the generic one.
 */
export function hasX86MapFlags(arch: ArchProfile): boolean {
  return (arch.mapFlags ?? (arch.placement === 'x86' ? 'x86' : 'generic')) === 'x86';
}

/** Round `x` up to a multiple of `align` (a power of two or any positive integer). */
export function alignUp(x: number, align: number): number {
  const r = x % align;
  return r === 0 ? x : x - r + align;
}

/**
 * `x`'s offset into its page, for a power-of-two page size `ps`: zero exactly
 * when `x % ps` is (for every x, NaN and the infinities included), so it
 * serves the system calls' alignment checks. V8 computes `%` on doubles (an
 * address or length past 2^31 is one) by calling fmod, about ten times the
 * cost of this division, floor and multiply, which are exact for a power of two.
 */
export function pageOffset(x: number, ps: number): number {
  return x - Math.floor(x / ps) * ps;
}

/** Round `x` down to a multiple of `align`. */
export function alignDown(x: number, align: number): number {
  return x - (x % align);
}

/** Randomisation inputs of {@link topDownBase}: the mmap random factor and whether PF_RANDOMIZE is set. */
export interface BaseRandomness {
  /** arch_mmap_rnd(): bytes, a multiple of the page size. */
  rnd: number;
  /** PF_RANDOMIZE: the gap also leaves room for the randomised stack (STACK_RND_MASK pages). */
  randomized: boolean;
}

/**
 * The top of the top-down mmap area: STACK_TOP minus the stack rlimit, the
 * guard gap and (when randomising) the stack's random range, clamped to
 * [128 MiB, 5/6 of STACK_TOP], minus the random factor, page aligned.
 * Mirrors mmap_base() of arch/x86/mm/mmap.c and of mm/util.c (the generic
 * one applies the 128 MiB floor only while it is below the 5/6 ceiling).
 * @param arch - the profile
 * @param stackRlimit - RLIMIT_STACK soft limit in bytes (Infinity: RLIM_INFINITY, the gap at its maximum)
 * @param guardGapPages - stack_guard_gap in pages
 * @param random - random factor and PF_RANDOMIZE; default none
 * @returns mmap_base in bytes
 * @throws TypeError when the rlimit, the gap or the random factor is not a non-negative integer
 */
export function topDownBase(
  arch: ArchProfile,
  stackRlimit: number,
  guardGapPages: number,
  random: BaseRandomness = { rnd: 0, randomized: false },
): number {
  const count = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  const rlimit = count(stackRlimit) || stackRlimit === Number.POSITIVE_INFINITY; // RLIM_INFINITY
  if (!rlimit || !count(guardGapPages) || !count(random.rnd))
    throw new TypeError(
      'topDownBase: stackRlimit (or Infinity), guardGapPages and random.rnd must be non-negative integers',
    );
  const top = arch.mapWindow;
  let pad = guardGapPages * arch.pageSize;
  if (random.randomized) pad += (arch.stackRndMask ?? 0) * arch.pageSize;
  // The kernel skips the padding when the sum would wrap an unsigned long.
  let gap = stackRlimit + pad < 2 ** 64 ? stackRlimit + pad : stackRlimit;
  const gapMax = Math.floor(top / 6) * 5;
  const floorApplies = arch.placement === 'x86' || arch.mmapBaseGapMin < gapMax;
  if (gap < arch.mmapBaseGapMin && floorApplies) gap = arch.mmapBaseGapMin;
  else if (gap > gapMax) gap = gapMax;
  return alignUp(top - gap - random.rnd, arch.pageSize);
}

/**
 * TASK_UNMAPPED_BASE without randomisation: PAGE_ALIGN(span / divisor).
 * Mirrors __TASK_UNMAPPED_BASE (x86), TASK_UNMAPPED_BASE (arm64, riscv).
 */
export function legacyBase(arch: ArchProfile): number {
  const span = arch.legacyBaseSpan ?? arch.mapWindow;
  return alignUp(Math.floor(span / arch.legacyBaseDivisor), arch.pageSize);
}

/** arch_get_mmap_end: where a search for a mapping with hint `addr` must end. */
export function mmapEnd(arch: ArchProfile, addr: number): number {
  if (arch.searchEnd === 'task') return arch.taskSize;
  return addr > arch.mapWindow ? arch.taskSize : arch.mapWindow;
}

/** arch_get_mmap_base: the top-down base used for a hint `addr`. */
export function mmapBaseFor(arch: ArchProfile, addr: number, base: number): number {
  if (arch.searchEnd === 'task' || addr <= arch.mapWindow) return base;
  return base + arch.taskSize - arch.mapWindow;
}
