/**
 * The built-in architecture profiles, as plain frozen objects, and the
 * factories that make the arm64 and riscv64 families from their
 * configuration (page size and VA bits; paging mode).
 *
 *   profile            TASK_SIZE        map window (STACK_TOP)  page   mmap_rnd_bits  placement
 *   x86_64             2^47 - 4K        2^47 - 4K               4K     28 (max 32)    x86
 *   x86_64-la57        2^56 - 4K        2^47 - 4K               4K     28 (max 32)    x86
 *   i386 (ia32 compat) 0xffffe000       0xffffe000              4K      8 (max 16)    x86
 *   i386-native (3G/1G)0xc0000000       0xc0000000              4K      8 (max 16)    generic
 *   arm64-<P>k-<V>     2^V              2^min(V, 48 or 47)      P K    18/16/14       generic
 *   riscv64-sv39/48/57 2^38/2^47/2^56   2^38/2^47/2^47          4K     18 (max 24)    generic, ends at TASK_SIZE
 *
 * mmap_min_addr: the Kconfig default (CONFIG_DEFAULT_MMAP_MIN_ADDR) is 4096;
 * the x86 (65536) and arm64 (32768) profiles use the values distributions
 * ship, riscv64 the Kconfig default.
 *
 * Constants come from arch/x86/include/asm/page_64_types.h and
 * page_32_types.h, arch/x86/Kconfig, arch/arm64/include/asm/processor.h,
 * memory.h, elf.h and Kconfig, arch/riscv/include/asm/processor.h,
 * pgtable.h, elf.h and Kconfig, mm/Kconfig and mm/util.c.
 */
import { type ArchProfile, checkArch } from './arch.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

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
  vaBits: 47,
  mmapRndBits: 28,
  mmapRndBitsMax: 32,
  stackRndMask: 0x3fffff,
  brkRndRange: GiB,
});

/**
 * x86_64 with 5-level paging (LA57): TASK_SIZE_MAX is 2^56 - 4 KiB, but
 * mappings stay below the 47-bit DEFAULT_MAP_WINDOW (and mmap_base is
 * computed from it) unless a hint asks for more.
 */
export const X86_64_LA57: ArchProfile = Object.freeze({
  ...X86_64,
  name: 'x86_64-la57',
  taskSize: 2 ** 56 - 4096,
  vaBits: 56,
});

/**
 * A 32-bit (ia32 compat) process on an x86_64 kernel: TASK_SIZE is
 * IA32_PAGE_OFFSET (0xffffe000), searches use the compat mmap bases and
 * mmap_rnd_compat_bits, and huge-page alignment never applies.
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
  vaBits: 32,
  mmapRndBits: 8,
  mmapRndBitsMax: 16,
  stackRndMask: 0x7ff,
  brkRndRange: 32 * MiB,
});

/**
 * An ia32 process on an x86_64 kernel with the ADDR_LIMIT_3GB personality
 * (`setarch i386 -3`): TASK_SIZE is IA32_PAGE_OFFSET = 0xc0000000, and its
 * bases follow (the legacy one at a third of it); otherwise as `i386`.
 */
export const I386_3GB: ArchProfile = Object.freeze({
  ...I386,
  name: 'i386-3gb',
  taskSize: 0xc0000000,
  mapWindow: 0xc0000000,
});

/**
 * A native i386 kernel with the 3G/1G split: TASK_SIZE = PAGE_OFFSET =
 * 0xc0000000. x86's mmap_base formulas, but the generic mm/mmap.c searches
 * (sys_x86_64.c is 64-bit only), and no THP alignment for 32-bit.
 */
export const I386_NATIVE: ArchProfile = Object.freeze({
  ...I386,
  name: 'i386-native',
  taskSize: 0xc0000000,
  mapWindow: 0xc0000000,
  placement: 'generic',
  mapFlags: 'x86',
});

/** Page sizes an arm64 kernel can be built with. */
export type Arm64PageSize = 4096 | 16384 | 65536;

/**
 * An arm64 profile: CONFIG_ARM64_{4K,16K,64K}_PAGES with CONFIG_ARM64_VA_BITS
 * 39 (4K only), 48 or 52 (hardware with 52-bit VA assumed). With 52 bits,
 * DEFAULT_MAP_WINDOW stays at 2^48 (2^47 with 16K pages) and hints above it
 * reach the full space.
 * @param pageSize - 4096, 16384 or 65536
 * @param vaBits - 39, 48 or 52
 * @throws TypeError for a combination the kernel does not offer
 */
export function arm64Profile(pageSize: Arm64PageSize, vaBits: 39 | 48 | 52): ArchProfile {
  if (pageSize !== 4096 && pageSize !== 16384 && pageSize !== 65536)
    throw new TypeError('arm64 pages are 4096, 16384 or 65536 bytes');
  if (vaBits !== 39 && vaBits !== 48 && vaBits !== 52) throw new TypeError('arm64 VA bits: 39, 48 or 52');
  if (vaBits === 39 && pageSize !== 4096) throw new TypeError('39-bit VA needs 4 KiB pages');
  const shift = Math.log2(pageSize);
  const vaBitsMin = vaBits > 48 ? (pageSize === 16384 ? 47 : 48) : vaBits;
  const k = pageSize / 1024;
  const rndMax = vaBits === 39 ? 24 : pageSize === 65536 ? 29 : pageSize === 16384 ? 31 : 33;
  const profile: ArchProfile = {
    name: `arm64-${k}k-${vaBits}`,
    pageSize,
    taskSize: 2 ** vaBits,
    mapWindow: 2 ** vaBitsMin,
    compat: false,
    // PMD_SIZE: one page-table page of 8-byte entries maps (pageSize / 8) pages.
    thpSize: (pageSize / 8) * pageSize,
    stackGuardGapPages: 256,
    mmapBaseGapMin: 128 * MiB,
    defaultMmapMinAddr: 32768,
    legacyBaseDivisor: 4,
    placement: 'generic',
    vaBits,
    mmapRndBits: pageSize === 65536 ? 14 : pageSize === 16384 ? 16 : 18,
    mmapRndBitsMax: rndMax,
    stackRndMask: 0x3ffff >>> (shift - 12),
    brkRndRange: GiB,
  };
  return Object.freeze(checkArch(profile));
}

/** arm64, 4 KiB pages, 48-bit VA (the common distribution kernel). */
export const ARM64: ArchProfile = Object.freeze({ ...arm64Profile(4096, 48), name: 'arm64' });
export const ARM64_4K_39 = arm64Profile(4096, 39);
export const ARM64_4K_48 = arm64Profile(4096, 48);
export const ARM64_16K_48 = arm64Profile(16384, 48);
export const ARM64_64K_48 = arm64Profile(65536, 48);
export const ARM64_4K_52 = arm64Profile(4096, 52);
export const ARM64_16K_52 = arm64Profile(16384, 52);
export const ARM64_64K_52 = arm64Profile(65536, 52);

/**
 * A riscv64 profile for paging mode sv39, sv48 or sv57. TASK_SIZE_64 is
 * half the top-level span (2^(VA_BITS - 1)); DEFAULT_MAP_WINDOW and
 * STACK_TOP are 2^(min(VA_BITS, 48) - 1); TASK_UNMAPPED_BASE is
 * PAGE_ALIGN(2^39 / 3) in every mode; arch_get_mmap_end is always
 * TASK_SIZE, so bottom-up searches may reach the top without a hint.
 * @param mode - `sv39`, `sv48` or `sv57`
 */
export function riscv64Profile(mode: 'sv39' | 'sv48' | 'sv57'): ArchProfile {
  const vaBits = { sv39: 39, sv48: 48, sv57: 57 }[mode];
  if (vaBits === undefined) throw new TypeError('riscv64 paging modes: sv39, sv48, sv57');
  const profile: ArchProfile = {
    name: `riscv64-${mode}`,
    pageSize: 4096,
    taskSize: 2 ** (vaBits - 1),
    mapWindow: 2 ** (Math.min(vaBits, 48) - 1),
    compat: false,
    thpSize: 2 * MiB,
    stackGuardGapPages: 256,
    mmapBaseGapMin: 128 * MiB,
    defaultMmapMinAddr: 4096,
    legacyBaseDivisor: 3,
    legacyBaseSpan: 2 ** 39,
    placement: 'generic',
    searchEnd: 'task',
    vaBits,
    mmapRndBits: 18,
    mmapRndBitsMax: 24,
    stackRndMask: 0x3ffff,
    brkRndRange: GiB,
  };
  return Object.freeze(checkArch(profile));
}

export const RISCV64_SV39 = riscv64Profile('sv39');
export const RISCV64_SV48 = riscv64Profile('sv48');
export const RISCV64_SV57 = riscv64Profile('sv57');

/** All built-in profiles by name. */
export const ARCH_PROFILES: Readonly<Record<string, ArchProfile>> = Object.freeze(
  Object.fromEntries(
    [
      X86_64,
      X86_64_LA57,
      I386,
      I386_3GB,
      I386_NATIVE,
      ARM64,
      ARM64_4K_39,
      ARM64_4K_48,
      ARM64_16K_48,
      ARM64_64K_48,
      ARM64_4K_52,
      ARM64_16K_52,
      ARM64_64K_52,
      RISCV64_SV39,
      RISCV64_SV48,
      RISCV64_SV57,
    ].map((p) => [p.name, p]),
  ),
);

/**
 * Resolve a profile given by name or as an object.
 * @param arch - a profile or the name of a built-in one
 * @returns the profile
 * @throws TypeError for an unknown name or a malformed profile
 */
export function resolveArch(arch: ArchProfile | string): ArchProfile {
  if (typeof arch === 'string') {
    const found = Object.hasOwn(ARCH_PROFILES, arch) ? ARCH_PROFILES[arch] : undefined;
    if (!found)
      throw new TypeError(`unknown arch profile "${arch}" (known: ${Object.keys(ARCH_PROFILES).join(', ')})`);
    return found;
  }
  return checkArch(arch);
}
