// Architecture profiles: bases derived from the kernel's formulas, and the
// syscall code following the profile (no per-arch code outside arch.ts).
import { describe, expect, it } from 'vitest';
import { alignDown, alignUp, pageOffset } from '../src/arch.js';
import {
  AddressSpace,
  ARM64,
  type ArchProfile,
  I386,
  legacyBase,
  MAP,
  PROT,
  resolveArch,
  topDownBase,
  X86_64,
  X86_64_LA57,
} from '../src/index.js';

const ANON = MAP.PRIVATE | MAP.ANONYMOUS;
const MiB = 1024 * 1024;

describe('arch profiles', () => {
  it('derive mmap_base from the stack rlimit and the legacy base from TASK_SIZE', () => {
    expect(topDownBase(X86_64, 8 * MiB, 256)).toBe(0x7ffff7fff000);
    expect(topDownBase(I386, 8 * MiB, 256)).toBe(0xf7ffe000);
    // A huge rlimit is clamped to 5/6 of the window.
    expect(topDownBase(X86_64, 2 ** 47, 256)).toBe(
      Math.ceil((X86_64.mapWindow - Math.floor(X86_64.mapWindow / 6) * 5) / 4096) * 4096,
    );
    expect(legacyBase(X86_64)).toBe(0x2aaaaaaab000);
    expect(legacyBase(ARM64)).toBe(2 ** 46);
  });

  it('x86_64 with 5-level paging maps above 47 bits only when a hint asks for it', () => {
    const mm = new AddressSpace({ arch: X86_64_LA57 });
    expect(mm.mmap(0, 0x1000, PROT.READ, ANON)).toBeLessThan(2 ** 47);
    const high = mm.mmap(2 ** 50, 0x1000, PROT.READ, ANON);
    expect(high).toBe(2 ** 50);
    expect(new AddressSpace({ arch: X86_64 }).mmap(2 ** 50, 0x1000, PROT.READ, ANON)).toBeLessThan(2 ** 47);
  });

  it('ia32 compat never aligns for THP; x86_64 does', () => {
    const compat = new AddressSpace({ arch: 'i386' });
    const a = compat.mmap(0, 4 * MiB, PROT.READ, ANON);
    expect(a).toBe(0xf7ffe000 - 4 * MiB);
    const wide = new AddressSpace({ arch: 'x86_64' });
    expect(wide.mmap(0, 4 * MiB, PROT.READ, ANON) % (2 * MiB)).toBe(0);
  });

  it('generic placement (arm64) searches below mmap_base and honours hints above the previous VMA', () => {
    const mm = new AddressSpace({ arch: 'arm64', mmapMinAddr: 4096 });
    const base = topDownBase(ARM64, 8 * MiB, 256);
    expect(mm.mmap(0, 0x2000, PROT.READ, ANON)).toBe(base - 0x2000);
    expect(mm.mmap(0x40000000, 0x1000, PROT.READ, ANON)).toBe(0x40000000);
    const legacy = new AddressSpace({ arch: 'arm64', layout: 'legacy' });
    expect(legacy.mmap(0, 0x1000, PROT.READ, ANON)).toBe(2 ** 46);
  });

  it('rejects unknown names and malformed profiles', () => {
    expect(() => resolveArch('pdp11')).toThrow(TypeError);
    const bad: ArchProfile = { ...X86_64, name: 'odd', pageSize: 3000 };
    expect(() => resolveArch(bad)).toThrow(TypeError);
    const custom: ArchProfile = { ...X86_64, name: 'x86_64-small', taskSize: 2 ** 40, mapWindow: 2 ** 40 };
    expect(resolveArch(custom)).toBe(custom);
    expect(new AddressSpace({ arch: custom }).mmap(0, 0x1000, PROT.READ, ANON)).toBeLessThan(2 ** 40);
  });
});

describe('page arithmetic without fmod', () => {
  const xs = [
    0,
    1,
    4095,
    4096,
    4097,
    -1,
    -4096,
    -4097,
    0.5,
    4096.5,
    2 ** 31,
    2 ** 31 + 4096,
    2 ** 47 - 4096,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 53 + 4096,
    2 ** 57 - 4096,
    2 ** 64,
    Number.MAX_VALUE,
    Number.NaN,
    Infinity,
    -Infinity,
  ];
  it('pageOffset is zero exactly where x % ps is, for every page size', () => {
    for (const ps of [4096, 16384, 65536])
      for (const x of xs) {
        expect(pageOffset(x, ps) === 0, `${x} % ${ps}`).toBe(x % ps === 0);
        if (x >= 0 && Number.isFinite(x)) expect(pageOffset(x, ps)).toBe(x % ps);
      }
  });
  it('pagesUp and pagesDown round as alignUp and alignDown do', () => {
    for (const arch of [X86_64, ARM64]) {
      const mm = new AddressSpace({ arch });
      const ps = mm.pageSize;
      for (const x of xs) {
        expect(mm.pagesUp(x), `up ${x}`).toBe(alignUp(x, ps) / ps);
        expect(mm.pagesDown(x), `down ${x}`).toBe(alignDown(x, ps) / ps);
      }
    }
  });
});
