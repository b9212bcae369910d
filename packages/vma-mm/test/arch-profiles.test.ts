// Every built-in arch profile against the kernel's own formulas, worked by
// hand in the comments (rlimit 8 MiB, stack_guard_gap 256 pages), with
// randomisation off and with seed 0, and mappings at the very top of each
// space (the 56- and 52-bit ones included: page-number keys stay exact).
import { describe, expect, it } from 'vitest';
import {
  AddressSpace,
  ARCH_PROFILES,
  ARM64_4K_39,
  ARM64_4K_48,
  ARM64_16K_48,
  ARM64_16K_52,
  ARM64_64K_52,
  type ArchProfile,
  arm64Profile,
  I386,
  I386_NATIVE,
  legacyBase,
  MAP,
  PROT,
  RISCV64_SV39,
  RISCV64_SV48,
  RISCV64_SV57,
  randomizePage,
  riscv64Profile,
  SeededRandom,
  topDownBase,
  X86_64,
  X86_64_LA57,
} from '../src/index.js';

const ANON = MAP.PRIVATE | MAP.ANONYMOUS;
const FIXED = ANON | MAP.FIXED;
const MiB = 1024 * 1024;

describe('profile constants', () => {
  it('give TASK_SIZE, the map window, page size and PMD size of each configuration', () => {
    const rows: [ArchProfile, number, number, number, number][] = [
      // profile, TASK_SIZE, DEFAULT_MAP_WINDOW, PAGE_SIZE, PMD_SIZE (0: no THP placement)
      [X86_64, 2 ** 47 - 4096, 2 ** 47 - 4096, 4096, 2 * MiB],
      [X86_64_LA57, 2 ** 56 - 4096, 2 ** 47 - 4096, 4096, 2 * MiB],
      [I386, 0xffffe000, 0xffffe000, 4096, 0],
      [I386_NATIVE, 0xc0000000, 0xc0000000, 4096, 0],
      [ARM64_4K_39, 2 ** 39, 2 ** 39, 4096, 2 * MiB],
      [ARM64_4K_48, 2 ** 48, 2 ** 48, 4096, 2 * MiB],
      [ARM64_16K_48, 2 ** 48, 2 ** 48, 16384, 32 * MiB], // 2048 entries x 16 KiB
      [ARM64_64K_52, 2 ** 52, 2 ** 48, 65536, 512 * MiB], // 8192 entries x 64 KiB
      [ARM64_16K_52, 2 ** 52, 2 ** 47, 16384, 32 * MiB], // VA_BITS_MIN is 47 with 16K pages
      [RISCV64_SV39, 2 ** 38, 2 ** 38, 4096, 2 * MiB], // PGDIR_SIZE * PTRS_PER_PGD / 2
      [RISCV64_SV48, 2 ** 47, 2 ** 47, 4096, 2 * MiB],
      [RISCV64_SV57, 2 ** 56, 2 ** 47, 4096, 2 * MiB], // MMAP_VA_BITS caps the window at 48 bits
    ];
    for (const [p, task, window, page, pmd] of rows) {
      expect([p.name, p.taskSize, p.mapWindow, p.pageSize, p.thpSize]).toEqual([
        p.name,
        task,
        window,
        page,
        pmd,
      ]);
      expect(ARCH_PROFILES[p.name]).toBe(p);
    }
    expect(ARM64_4K_39.mmapRndBitsMax).toBe(24);
    expect(ARM64_64K_52.stackRndMask).toBe(0x3fff); // 0x3ffff >> (16 - 12)
    expect(ARM64_16K_48.mmapRndBits).toBe(16);
  });

  it('refuses configurations the kernels do not build', () => {
    expect(() => arm64Profile(16384, 39)).toThrow(TypeError);
    expect(() => arm64Profile(8192 as 4096, 48)).toThrow(TypeError);
    expect(() => riscv64Profile('sv32' as 'sv39')).toThrow(TypeError);
    expect(() => new AddressSpace({ arch: X86_64, aslrSeed: 1, mmapRndBits: 33 })).toThrow(TypeError);
    expect(() => new AddressSpace({ arch: X86_64, mmapRndBits: 30 })).toThrow(TypeError);
  });
});

describe('mmap_base and TASK_UNMAPPED_BASE with randomisation off', () => {
  // gap = 8 MiB + 256 pages is below 128 MiB everywhere, so base = STACK_TOP - 128 MiB.
  const rows: [ArchProfile, number, number][] = [
    [X86_64, 0x7ffff7fff000, 0x2aaaaaaab000], // 0x7ffffffff000 - 0x8000000; PAGE_ALIGN(0x7ffffffff000 / 3)
    [X86_64_LA57, 0x7ffff7fff000, 0x2aaaaaaab000], // computed from DEFAULT_MAP_WINDOW, not TASK_SIZE_MAX
    [I386, 0xf7ffe000, 0x55555000], // 0xffffe000 - 0x8000000; PAGE_ALIGN(0xffffe000 / 3)
    [I386_NATIVE, 0xb8000000, 0x40000000], // 0xc0000000 - 0x8000000; 0xc0000000 / 3
    [ARM64_4K_39, 0x7ff8000000, 0x2000000000], // 2^39 - 128 MiB; 2^39 / 4
    [ARM64_4K_48, 0xfffff8000000, 0x400000000000],
    [ARM64_64K_52, 0xfffff8000000, 0x400000000000], // window 2^48; 16 MiB guard + 8 MiB < 128 MiB
    [ARM64_16K_52, 0x7ffff8000000, 0x200000000000], // window 2^47
    [RISCV64_SV39, 0x3ff8000000, 0x2aaaaab000], // 2^38 - 128 MiB; PAGE_ALIGN(2^39 / 3) in every mode
    [RISCV64_SV57, 0x7ffff8000000, 0x2aaaaab000], // STACK_TOP = 2^47
  ];
  for (const [p, base, legacy] of rows) {
    it(`${p.name}: base 0x${base.toString(16)}, legacy 0x${legacy.toString(16)}`, () => {
      expect(topDownBase(p, 8 * MiB, 256)).toBe(base);
      expect(legacyBase(p)).toBe(legacy);
      const mm = new AddressSpace({ arch: p });
      expect([mm.mmapBase, mm.mmapLegacyBase, mm.aslr, mm.stackTop]).toEqual([
        base,
        legacy,
        null,
        p.mapWindow,
      ]);
      expect(new AddressSpace({ arch: p, layout: 'legacy' }).mmapBase).toBe(legacy);
    });
  }

  it('clamps a huge stack rlimit to 5/6 of STACK_TOP', () => {
    // arm64 4K/48: gap_max = floor(2^48 / 6) * 5 = 0xd55555555550; base = PAGE_ALIGN(2^48 - gap_max)
    expect(topDownBase(ARM64_4K_48, 2 ** 50, 256)).toBe(0x2aaaaaaab000);
  });
});

describe('seeded randomisation (SplitMix64, seed 0)', () => {
  // The reference SplitMix64 stream from seed 0 begins
  // r1 = 0xe220a8397b1dcdaf, r2 = 0x6e789e6aa1b965f4, r3 = 0x06c45d188009454f.
  it('reproduces the reference generator', () => {
    const r = new SeededRandom(0);
    expect([r.next(), r.next(), r.next()]).toEqual([
      0xe220a8397b1dcdafn,
      0x6e789e6aa1b965f4n,
      0x06c45d188009454fn,
    ]);
  });

  it('x86_64: arch_rnd(28), stack_maxrandom_size in the gap, STACK_RND_MASK, arch_randomize_brk (1 GiB)', () => {
    const mm = new AddressSpace({ arch: X86_64, aslrSeed: 0, startBrk: 0x555555556000 });
    // mmap_rnd = (r1 & 0xfffffff) << 12 = 0xb1dcdaf000
    expect(mm.aslr?.mmapRnd).toBe(0xb1dcdaf000);
    // gap = 8 MiB + 1 MiB + 0x3fffff000 = 0x4008ff000; base = 0x7ffffffff000 - gap - rnd
    expect(mm.mmapBase).toBe(0x7f4a22951000);
    expect(mm.mmapLegacyBase).toBe(0x2aaaaaaab000 + 0xb1dcdaf000);
    // stack top = 0x7ffffffff000 - ((r2 & 0x3fffff) << 12)
    expect(mm.stackTop).toBe(0x7ffc69a0b000);
    // brk = 0x555555556000 + (r3 mod 2^18) pages
    expect([mm.startBrk, mm.currentBrk]).toEqual([0x555569aa5000, 0x555569aa5000]);
    // The first anonymous mapping lands right below the randomised base.
    expect(mm.mmap(0, 0x1000, PROT.READ, ANON)).toBe(0x7f4a22950000);
  });

  it('32-bit and generic profiles: their own bit counts and masks', () => {
    const cases: [ArchProfile, number, number, number][] = [
      // profile, mmap_rnd, randomised base, stack top
      [I386, 0xaf000, 0xf7f4f000, 0xffa0a000], // 8 bits; gap 9 MiB + 0x7ff000 < 128 MiB
      [I386_NATIVE, 0xaf000, 0xb7f51000, 0xbfa0c000],
      [ARM64_4K_48, 0x1cdaf000, 0xffffa2952000, 0xffffe9a0c000], // 18 bits; pad 0x3ffff pages
      [ARM64_16K_48, 0x336bc000, 0xffff8bd48000, 0xffffe6830000], // 16 bits of 16 KiB pages; mask 0xffff
      [ARM64_64K_52, 0xdaf0000, 0xffffb0d20000, 0xffffda0c0000], // 14 bits of 64 KiB pages; mask 0x3fff
      [RISCV64_SV39, 0x1cdaf000, 0x3fa2952000, 0x3fe9a0c000],
      [RISCV64_SV57, 0x1cdaf000, 0x7fffa2952000, 0x7fffe9a0c000],
    ];
    for (const [p, rnd, base, stack] of cases) {
      const mm = new AddressSpace({ arch: p, aslrSeed: 0n });
      expect([p.name, mm.aslr?.mmapRnd, mm.mmapBase, mm.stackTop]).toEqual([p.name, rnd, base, stack]);
    }
    const legacy = new AddressSpace({ arch: I386, aslrSeed: 0, layout: 'legacy', startBrk: 0x8050000 });
    expect(legacy.mmapBase).toBe(0x55555000 + 0xaf000);
    // ia32 brk range is 32 MiB = 0x2000 pages: r3 mod 0x2000 = 0x54f
    expect(legacy.startBrk).toBe(0x8050000 + 0x54f * 4096);
  });

  it('is reproducible from the seed, varies with it, and stays in range', () => {
    const a = new AddressSpace({ arch: X86_64, aslrSeed: 42 });
    const b = new AddressSpace({ arch: X86_64, aslrSeed: 42 });
    expect(a.aslr).toEqual(b.aslr);
    const bases = new Set<number>();
    for (let seed = 1; seed <= 64; seed++) {
      const mm = new AddressSpace({ arch: ARM64_4K_48, aslrSeed: seed, mmapRndBits: 33 });
      const rnd = mm.aslr?.mmapRnd ?? -1;
      expect(rnd % 4096).toBe(0);
      expect(rnd).toBeLessThan(2 ** 33 * 4096);
      expect(mm.mmapBase).toBe(0xfffff8000000 + 0x8000000 - 0x408ff000 - rnd);
      bases.add(mm.mmapBase);
    }
    expect(bases.size).toBeGreaterThan(60);
    // A forked child keeps the parent's layout.
    const child = a.fork();
    expect([child.mmapBase, child.stackTop]).toEqual([a.mmapBase, a.stackTop]);
  });

  it('randomize_page aligns the start and caps the range', () => {
    expect(randomizePage(4096, 0x1234, 0x3000, 5n)).toBe(0x2000 + 4096); // range 0x1234 short: 1 page left
    expect(randomizePage(4096, 0x1000, 0x800, 7n)).toBe(0x1000); // less than a page: start
  });
});

describe('the very top of each space', () => {
  const tops: ArchProfile[] = [
    X86_64,
    X86_64_LA57,
    I386,
    I386_NATIVE,
    ARM64_4K_39,
    ARM64_64K_52,
    ARM64_16K_52,
  ];
  tops.push(RISCV64_SV39, RISCV64_SV48, RISCV64_SV57);
  for (const p of tops) {
    it(`${p.name}: MAP_FIXED at TASK_SIZE - PAGE_SIZE, and nothing past it`, () => {
      const mm = new AddressSpace({ arch: p });
      const ps = p.pageSize;
      const top = p.taskSize - ps;
      expect(mm.mmap(top, ps, PROT.READ, FIXED)).toBe(top);
      expect(mm.findVma(top)?.start).toBe(top);
      // Above 2^53 a double holds only multiples of 8, so the last byte is approximated by
      // the last representable one; page numbers (the tree's keys) stay exact.
      const lastByte = p.taskSize - (p.taskSize > 2 ** 53 ? 8 : 1);
      expect(mm.vmaLookup(lastByte)?.end).toBe(p.taskSize);
      expect(mm.mmap(top, 2 * ps, PROT.READ, FIXED)).toBe(-12); // past TASK_SIZE: ENOMEM
      expect(mm.procMaps()).toContain(`${top.toString(16)}-${p.taskSize.toString(16)} r--p`);
      // A top-down search bounded by TASK_SIZE returns the page just below it.
      expect(mm.vmUnmappedArea({ length: ps, low: 0, high: p.taskSize, topdown: true })).toBe(top - ps);
      expect(mm.munmap(top, ps)).toBe(0);
      expect(mm.mapCount).toBe(0);
      mm.validate();
    });
  }

  it('x86_64-la57: hints above 47 bits are honoured, and a taken one searches below the lifted base', () => {
    const mm = new AddressSpace({ arch: X86_64_LA57 });
    // No hint: below the 47-bit window.
    expect(mm.mmap(0, 0x1000, PROT.READ, ANON)).toBe(0x7ffff7fff000 - 0x1000);
    const hint = 2 ** 56 - 0x10000;
    expect(mm.mmap(hint, 0x2000, PROT.READ, ANON)).toBe(hint);
    // Taken: the top-down search runs below mmap_base + (TASK_SIZE_MAX - DEFAULT_MAP_WINDOW).
    expect(mm.getUnmappedArea(hint, 0x1000, 0, ANON)).toBe(0x7ffff7fff000 + 2 ** 56 - 2 ** 47 - 0x1000);
    // A hint that would straddle the window edge is ignored: the mapping stays below 47 bits.
    expect(mm.mmap(2 ** 47 - 0x1000, 0x2000, PROT.READ, ANON)).toBe(0x7ffff7fff000 - 0x3000);
  });

  it('arm64 52-bit (64K pages): a hint above 2^48 reaches the top; without one the search stays below', () => {
    const mm = new AddressSpace({ arch: ARM64_64K_52 });
    const top = 2 ** 52 - 0x10000;
    expect(mm.getUnmappedArea(top, 0x10000, 0, ANON)).toBe(top);
    expect(mm.mmap(top, 0x10000, PROT.READ, ANON)).toBe(top);
    // Taken: mmap_base lifted by 2^52 - 2^48.
    expect(mm.getUnmappedArea(top, 0x10000, 0, ANON)).toBe(0xfffff8000000 + 2 ** 52 - 2 ** 48 - 0x10000);
    expect(mm.mmap(0, 0x10000, PROT.READ, ANON)).toBe(0xfffff8000000 - 0x10000);
  });

  it('riscv64 sv57: searches end at TASK_SIZE, top-down base never moves, legacy fallback may use it all', () => {
    const mm = new AddressSpace({ arch: RISCV64_SV57 });
    const top = 2 ** 56 - 0x2000;
    expect(mm.mmap(top, 0x2000, PROT.READ, ANON)).toBe(top);
    // Taken hint: arch_get_mmap_base keeps mmap_base, so the answer is below 2^47.
    expect(mm.getUnmappedArea(top, 0x1000, 0, ANON)).toBe(0x7ffff8000000 - 0x1000);
    // Bottom-up layout: the search window is [TASK_UNMAPPED_BASE, TASK_SIZE).
    const up = new AddressSpace({ arch: RISCV64_SV57, layout: 'legacy' });
    expect(up.mmap(2 ** 55, 0x1000, PROT.READ, ANON)).toBe(2 ** 55);
    const wide = new AddressSpace({ arch: RISCV64_SV57, layout: 'legacy' });
    // 2^55 bytes (+ a page, so no THP alignment) from TASK_UNMAPPED_BASE: far past the 2^47 window.
    expect(wide.mmap(0, 2 ** 55 + 0x1000, PROT.NONE, ANON | MAP.NORESERVE)).toBe(0x2aaaaab000);
    expect(wide.findVma(0)?.end).toBe(0x2aaaaab000 + 2 ** 55 + 0x1000);
    // A multiple of PMD_SIZE is placed 2 MiB aligned (THP), as on x86_64.
    expect(wide.mmap(0, 2 * MiB, PROT.NONE, ANON) % (2 * MiB)).toBe(0);
  });
});

describe('generic top-down fallback', () => {
  it('falls back to a bottom-up search from TASK_UNMAPPED_BASE itself, not the randomised base', () => {
    // riscv64 sv39 randomised with seed 0: mmap_base 0x3fa2952000, mmap_legacy_base
    // 0x2aaaaab000 + 0x1cdaf000; generic_get_unmapped_area_topdown falls back to
    // [TASK_UNMAPPED_BASE = 0x2aaaaab000, TASK_SIZE).
    const mm = new AddressSpace({ arch: RISCV64_SV39, aslrSeed: 0 });
    const tub = 0x2aaaaab000;
    expect([mm.mmapBase, mm.mmapLegacyBase]).toEqual([0x3fa2952000, tub + 0x1cdaf000]);
    expect(mm.mmap(0x1000, tub - 0x1000, PROT.NONE, FIXED | MAP.NORESERVE)).toBe(0x1000);
    // One page more than is free below mmap_base: the top-down search fails.
    const len = mm.mmapBase - tub + 0x1000;
    expect(mm.mmap(0, len, PROT.READ, ANON | MAP.NORESERVE)).toBe(tub);
  });
});
