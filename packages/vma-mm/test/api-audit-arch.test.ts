// Black-box audit of every built-in arch profile through the package entry point only, where
// arch-profiles.test.ts does not already look: the vm.mmap_min_addr each one defaults to (and what
// MAP_FIXED and hints do at that edge), and the stack guard gap of 256 pages at each page size (a
// hint must end a whole gap below a grows-down VMA, vm_start_gap; MAP_FIXED may go inside it).
import { AddressSpace, ARCH_PROFILES, EPERM, MAP, PROT } from '@maple-tree/vma-mm';
import { describe, expect, it } from 'vitest';

const ANON = MAP.PRIVATE | MAP.ANONYMOUS;

/**
 * CONFIG_DEFAULT_MMAP_MIN_ADDR as distributions build it: 65536 on x86 (32 and 64-bit), 32768 on
 * arm64 (the Kconfig help's limit for ARM), the Kconfig default 4096 on riscv64.
 */
function expectedMinAddr(name: string): number {
  if (name.startsWith('arm64')) return 32768;
  if (name.startsWith('riscv64')) return 4096;
  return 65536;
}

describe.each(Object.values(ARCH_PROFILES))('$name', (arch) => {
  const ps = arch.pageSize;

  it('vm.mmap_min_addr: MAP_FIXED below it is EPERM, at it maps; a lower hint is raised to it', () => {
    const mm = new AddressSpace({ arch });
    const min = expectedMinAddr(arch.name);
    expect(mm.mmapMinAddr).toBe(min);
    // The first page at or above the minimum (with 64 KiB pages that is 65536, not 32768).
    const first = Math.ceil(min / ps) * ps;
    expect(mm.mmap(first - ps, ps, PROT.READ, ANON | MAP.FIXED)).toBe(-EPERM);
    expect(mm.procMaps()).toBe('');
    expect(mm.mmap(ps, ps, PROT.READ, ANON)).toBe(first); // round_hint_to_min
    expect(mm.mmap(first + ps, ps, PROT.READ, ANON | MAP.FIXED)).toBe(first + ps);
    mm.validate();
  });

  it('stack_guard_gap is 256 pages below a grows-down VMA', () => {
    const mm = new AddressSpace({ arch });
    expect(mm.stackGuardGapPages).toBe(256);
    const gap = 256 * ps;
    const stack = arch.mapWindow / 2 - ((arch.mapWindow / 2) % ps);
    expect(mm.mmap(stack, 4 * ps, PROT.READ | PROT.WRITE, ANON | MAP.FIXED | MAP.GROWSDOWN)).toBe(stack);
    // A hint ending exactly at the gap is taken; one page higher reaches into it and is not.
    expect(mm.mmap(stack - gap - ps, ps, PROT.READ, ANON)).toBe(stack - gap - ps);
    const moved = mm.mmap(stack - gap, ps, PROT.READ, ANON);
    expect(moved).toBeGreaterThan(0);
    expect(moved).not.toBe(stack - gap);
    // MAP_FIXED does not look at the gap.
    expect(mm.mmap(stack - ps, ps, PROT.READ, ANON | MAP.FIXED)).toBe(stack - ps);
    mm.validate();
  });
});
