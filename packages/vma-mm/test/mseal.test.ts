// Memory sealing as Linux 6.18 answered a recorded test program (tools/recorder/programs/mseal.c, fixture
// rec-real-mseal): mseal splits a mapping and seals each piece; a sealed VMA refuses munmap, mprotect,
// mremap, MAP_FIXED over it and discarding advice on read-only private anonymous memory with EPERM.
import { describe, expect, it } from 'vitest';
import {
  AddressSpace,
  type BackendName,
  EINVAL,
  ENOMEM,
  ENOSYS,
  EPERM,
  MADV,
  MADV_GUARD,
  MADV_PAGE,
  MAP,
  MREMAP,
  PROT,
  VM_SEALED,
} from '../src/index.js';
import { progSpace } from './fixtures.js';

const PAGE = 0x1000;
const X = 0x20000000;
const RW = PROT.READ | PROT.WRITE;
const ANON = MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED;

describe.each<BackendName>(['maple', 'legacy'])('mseal on the %s backend', (backend) => {
  it('seals whole pieces of a fully mapped range, and checks its arguments first', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 16 * PAGE, RW, ANON);
    expect(mm.mseal(X + 4 * PAGE, 4 * PAGE, 1)).toBe(-EINVAL);
    expect(mm.mseal(X + 1, PAGE)).toBe(-EINVAL);
    expect(mm.mseal(X, 2 ** 64 - PAGE / 2)).toBe(-EINVAL); // rounds up to 0
    expect(mm.mseal(X + 14 * PAGE, 4 * PAGE)).toBe(-ENOMEM); // runs into a hole: nothing sealed
    expect(mm.findVma(X)?.end).toBe(X + 16 * PAGE);
    expect(mm.mseal(X, 0)).toBe(0);
    expect(mm.mseal(X + 4 * PAGE, 4 * PAGE)).toBe(0);
    expect(mm.findVma(X + 4 * PAGE)?.start).toBe(X + 4 * PAGE);
    expect(mm.findVma(X + 4 * PAGE)?.end).toBe(X + 8 * PAGE);
    expect(mm.findVma(X + 4 * PAGE)!.flags & VM_SEALED).toBe(VM_SEALED);
    // Sealing a sealed piece and its unsealed neighbour: the neighbour merges into it.
    expect(mm.mseal(X + 6 * PAGE, 4 * PAGE)).toBe(0);
    expect(mm.findVma(X + 4 * PAGE)?.end).toBe(X + 10 * PAGE);
    // Sealing inside a sealed VMA again changes nothing (a recorded seal-profile run did so).
    const before = mm.procMaps();
    expect(mm.mseal(X + 5 * PAGE, PAGE)).toBe(0);
    expect(mm.mseal(X + 4 * PAGE, 6 * PAGE)).toBe(0);
    expect(mm.procMaps()).toBe(before);
    mm.validate();
  });

  it('refuses with EPERM what would change or remove a sealed VMA', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 16 * PAGE, RW, ANON);
    mm.mseal(X + 4 * PAGE, 4 * PAGE);
    expect(mm.munmap(X + 5 * PAGE, PAGE)).toBe(-EPERM);
    // A range from an unsealed VMA into the sealed one: the start split is made, then undone no further.
    expect(mm.munmap(X + 2 * PAGE, 4 * PAGE)).toBe(-EPERM);
    expect(mm.findVma(X)?.end).toBe(X + 2 * PAGE);
    expect(mm.mprotect(X + 4 * PAGE, PAGE, RW)).toBe(-EPERM); // even to the protection it has
    expect(mm.mremap(X + 4 * PAGE, 4 * PAGE, 8 * PAGE, MREMAP.MAYMOVE)).toBe(-EPERM);
    expect(mm.mremap(X + 4 * PAGE, 4 * PAGE, 2 * PAGE, 0)).toBe(-EPERM);
    expect(mm.mremap(X + 10 * PAGE, 2 * PAGE, 2 * PAGE, MREMAP.MAYMOVE | MREMAP.FIXED, X + 4 * PAGE)).toBe(
      -EPERM,
    );
    expect(mm.mmap(X + 4 * PAGE, PAGE, RW, ANON)).toBe(-EPERM);
    // Still allowed: discarding writable memory, other advice, locking.
    expect(mm.madvise(X + 4 * PAGE, PAGE, MADV_PAGE.DONTNEED)).toBe(0);
    expect(mm.madvise(X + 4 * PAGE, PAGE, MADV.DONTFORK)).toBe(0);
    expect(mm.mlock(X + 4 * PAGE, PAGE)).toBe(0);
    expect(mm.munlock(X + 4 * PAGE, PAGE)).toBe(0);
    mm.validate();
  });

  it('refuses discarding advice on sealed read-only private anonymous memory only', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 4 * PAGE, PROT.READ, ANON);
    mm.mmap(X + 8 * PAGE, 4 * PAGE, PROT.READ, MAP.SHARED | MAP.ANONYMOUS | MAP.FIXED);
    mm.mseal(X, 4 * PAGE);
    mm.mseal(X + 8 * PAGE, 4 * PAGE);
    for (const advice of [MADV_PAGE.DONTNEED, MADV_PAGE.FREE, MADV.DONTFORK, MADV_GUARD.INSTALL])
      expect(mm.madvise(X, PAGE, advice)).toBe(-EPERM);
    expect(mm.madvise(X, PAGE, MADV_PAGE.WILLNEED)).toBe(0);
    expect(mm.madvise(X + 8 * PAGE, PAGE, MADV_PAGE.DONTNEED)).toBe(0); // shared
  });

  it('a 32-bit kernel has no mseal; an ia32 process on a 64-bit kernel has', () => {
    const native = new AddressSpace({ arch: 'i386-native', backend });
    expect(native.mmap(X, PAGE, RW, ANON)).toBe(X);
    expect(native.mseal(X, PAGE)).toBe(-ENOSYS);
    const compat = new AddressSpace({ arch: 'i386', backend });
    expect(compat.mmap(X, PAGE, RW, ANON)).toBe(X);
    expect(compat.mseal(X, PAGE)).toBe(0);
  });
});
