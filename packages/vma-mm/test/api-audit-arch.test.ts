// Black-box audit of every built-in arch profile through the package entry point only, where
// arch-profiles.test.ts does not already look: the vm.mmap_min_addr each one defaults to (and what
// MAP_FIXED and hints do at that edge), and the stack guard gap of 256 pages at each page size (a
// hint must end a whole gap below a grows-down VMA, vm_start_gap; MAP_FIXED may go inside it).
import { AddressSpace, ARCH_PROFILES, ENOMEM, EPERM, legacyBase, MAP, PROT } from '@maple-tree/vma-mm';
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

describe('RLIMIT_STACK unlimited (stackRlimit: Infinity)', () => {
  it('x86 keeps the top-down layout with the gap at 5/6 of STACK_TOP (mmap_base clamps to gap_max)', () => {
    for (const arch of ['x86_64', 'i386', 'i386-native']) {
      const mm = new AddressSpace({ arch, stackRlimit: Number.POSITIVE_INFINITY });
      const top = ARCH_PROFILES[arch]!.mapWindow;
      expect(mm.layout).toBe('topdown');
      expect(mm.mmapBase).toBe(Math.ceil((top - Math.floor(top / 6) * 5) / 4096) * 4096);
    }
  });

  it('elsewhere mmap_is_legacy picks the bottom-up layout from TASK_UNMAPPED_BASE', () => {
    for (const arch of ['arm64', 'arm64-16k-48', 'riscv64-sv39']) {
      const mm = new AddressSpace({ arch, stackRlimit: Number.POSITIVE_INFINITY, layout: 'topdown' });
      expect(mm.layout).toBe('legacy');
      expect(mm.mmapBase).toBe(legacyBase(ARCH_PROFILES[arch]!));
      expect(mm.mmap(0, 4 * mm.pageSize, PROT.READ, ANON)).toBe(mm.mmapBase); // searched upwards
    }
  });

  it('lets the stack grow down without limit, and other values are still refused', () => {
    const stack = '7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]';
    const mm = AddressSpace.fromMaps(stack, { arch: 'x86_64', stackRlimit: Number.POSITIVE_INFINITY });
    expect(mm.fault(0x7ffffffde000 - 64 * 1024 * 1024, true)).toBe(0); // 64 MiB below, past 8 MiB
    const small = AddressSpace.fromMaps(stack, { arch: 'x86_64' });
    expect(small.fault(0x7ffffffde000 - 64 * 1024 * 1024, true)).toBe(-ENOMEM);
    for (const v of [Number.NEGATIVE_INFINITY, Number.NaN, -1, 1.5])
      expect(() => new AddressSpace({ arch: 'x86_64', stackRlimit: v })).toThrow(/stackRlimit/);
  });
});
