// Kernel rules that newly recorded histories (fixtures/traces/recorded) exposed, each pinned on a small
// hand-built address space, on both backends.
import { describe, expect, it } from 'vitest';
import {
  AddressSpace,
  type BackendName,
  EEXIST,
  EINVAL,
  ENOMEM,
  EOPNOTSUPP,
  EOVERFLOW,
  EPERM,
  MAP,
  MREMAP,
  PROT,
} from '../src/index.js';
import { progSpace } from './fixtures.js';

const ANON = MAP.PRIVATE | MAP.ANONYMOUS;
const RW = PROT.READ | PROT.WRITE;
const PAGE = 0x1000;

const space = (backend: BackendName): AddressSpace => progSpace(backend);

describe.each<BackendName>(['maple', 'legacy'])('kernel rules on the %s backend', (backend) => {
  it('MREMAP_DONTUNMAP leaves the source its page offset (dontunmap_complete only drops the anon_vma)', () => {
    const mm = space(backend);
    const x = 0x20000000;
    const y = 0x30000000;
    mm.mmap(x, PAGE, RW, ANON | MAP.FIXED);
    expect(mm.fault(x, true)).toBe(0);
    // A faulted VMA keeps its page offset when it moves (copy_vma).
    expect(mm.mremap(x, PAGE, PAGE, MREMAP.MAYMOVE | MREMAP.FIXED, y)).toBe(y);
    expect(mm.vmaLookup(y)!.pgoff).toBe(x / PAGE);
    // Moving the whole VMA away with DONTUNMAP unlinks its anon_vma; the offset stays.
    expect(mm.mremap(y, PAGE, PAGE, MREMAP.MAYMOVE | MREMAP.FIXED | MREMAP.DONTUNMAP, 0x40000000)).toBe(
      0x40000000,
    );
    const src = mm.vmaLookup(y)!;
    expect(src.anon).toBe(0);
    expect(src.pgoff).toBe(x / PAGE);
    // So a fresh anonymous mapping right below it (offset y - 1 page) cannot merge with it.
    expect(mm.mmap(y - PAGE, PAGE, RW, ANON | MAP.FIXED)).toBe(y - PAGE);
    expect(mm.vmaLookup(y - PAGE)!.end).toBe(y);
    expect(mm.vmaLookup(y)!.start).toBe(y);
    mm.validate();
  });

  it('MREMAP_DONTUNMAP keeps the source accounted, so it still merges with accounted neighbours', () => {
    const mm = space(backend);
    const a = 0x20000000;
    mm.mmap(a, 4 * PAGE, RW, ANON | MAP.FIXED);
    // Part of the VMA moves: the source is neither split nor unaccounted.
    expect(mm.mremap(a + 2 * PAGE, 2 * PAGE, 2 * PAGE, MREMAP.MAYMOVE | MREMAP.DONTUNMAP)).toBeGreaterThan(0);
    expect(mm.vmaLookup(a)!.end).toBe(a + 4 * PAGE);
    expect(mm.mmap(a + 4 * PAGE, PAGE, RW, ANON | MAP.FIXED)).toBe(a + 4 * PAGE);
    expect(mm.vmaLookup(a)!.end).toBe(a + 5 * PAGE);
    mm.validate();
  });
});

const FILE = { path: '/tmp/data', dev: 'fe:00', inode: 77, size: 0x100000 };
const MiB = 1024 * 1024;

describe.each<BackendName>(['maple', 'legacy'])('mmap argument rules on the %s backend', (backend) => {
  it('MAP_SHARED_VALIDATE accepts MAP_32BIT and MAP_ABOVE4G (they are in LEGACY_MAP_MASK)', () => {
    const mm = space(backend);
    const low = mm.mmap(0, 0x2000, PROT.READ, MAP.SHARED_VALIDATE | MAP['32BIT'], FILE, 0);
    expect(low).toBeGreaterThanOrEqual(0x40000000);
    expect(low).toBeLessThan(0x80000000);
    expect(mm.mmap(0, 0x2000, PROT.READ, MAP.SHARED_VALIDATE | MAP.ABOVE4G, FILE, 0)).toBeGreaterThan(
      2 ** 32,
    );
    mm.validate();
  });

  it('EOVERFLOW exactly when offset + length passes MAX_LFS_FILESIZE (2^63 - 1)', () => {
    const mm = space(backend);
    const top = 2 ** 63;
    expect(mm.mmap(0, 0x2000, PROT.READ, MAP.PRIVATE, FILE, top - 0x2000)).toBe(-EOVERFLOW);
    expect(mm.mmap(0, 0x1000, PROT.READ, MAP.PRIVATE, FILE, top - 0x2000)).toBeGreaterThan(0);
    mm.validate();
  });

  it('THP file placement near 2^63 follows the kernel 64-bit offset arithmetic (round_up wraps negative)', () => {
    const mm = space(backend);
    // off_align wraps to LLONG_MIN; off_end - off_align, compared unsigned, is not below 2 MiB: the search
    // is padded and the address agrees with the offset modulo 2 MiB.
    const off = 2 ** 63 - 0x3000;
    const a = mm.mmap(0, 0x1000, PROT.READ, MAP.PRIVATE, FILE, off);
    expect(a).toBeGreaterThan(0);
    expect(a % (2 * MiB)).toBe(off % (2 * MiB));
    mm.validate();
  });

  it('MAP_SYNC needs a DAX file: refused for a regular file even through plain MAP_SHARED, kept on anonymous memory', () => {
    const mm = space(backend);
    const before = mm.procMaps();
    expect(mm.mmap(0, 0x2000, PROT.READ, MAP.SHARED | MAP.SYNC, FILE, 0)).toBe(-EOPNOTSUPP);
    expect(mm.mmap(0, 0x2000, PROT.READ, MAP.SHARED_VALIDATE | MAP.SYNC, FILE, 0)).toBe(-EOPNOTSUPP);
    expect(mm.mmap(0x30000000, 0x2000, PROT.READ, MAP.PRIVATE | MAP.FIXED | MAP.SYNC, FILE, 0)).toBe(
      -EOPNOTSUPP,
    );
    expect(mm.procMaps()).toBe(before);
    // Anonymous memory takes VM_SYNC, which keeps it apart from a plain neighbour.
    const a = mm.mmap(0x30000000, PAGE, RW, ANON | MAP.FIXED | MAP.SYNC);
    expect(a).toBe(0x30000000);
    mm.mmap(a + PAGE, PAGE, RW, ANON | MAP.FIXED);
    expect(mm.vmaLookup(a)!.end).toBe(a + PAGE);
    mm.validate();
  });
});

describe.each<BackendName>(['maple', 'legacy'])('mmap_min_addr on the %s backend', (backend) => {
  const withLsm = (): AddressSpace => progSpace(backend, { lsmMmapMinAddr: 65536 });

  it('rounds hints up to CONFIG_LSM_MMAP_MIN_ADDR but lets MAP_FIXED go down to vm.mmap_min_addr', () => {
    const mm = withLsm();
    expect(mm.mmapMinAddr).toBe(65536);
    expect(mm.mmap(0x2000, PAGE, PROT.READ, ANON)).toBe(0x10000); // round_hint_to_min
    expect(mm.mmap(0x1000, PAGE, PROT.READ, ANON | MAP.FIXED)).toBe(0x1000); // cap_mmap_addr: dac minimum
    expect(mm.mmap(0, PAGE, PROT.READ, ANON | MAP.FIXED)).toBe(-EPERM);
    expect(mm.mremap(0x1000, PAGE, PAGE, MREMAP.MAYMOVE | MREMAP.FIXED, 0)).toBe(-EPERM);
    mm.validate();
  });

  it('without an LSM minimum the sysctl is the only floor', () => {
    const mm = space(backend);
    expect(mm.mmapMinAddr).toBe(4096);
    expect(mm.mmap(0x2000, PAGE, PROT.READ, ANON)).toBe(0x2000);
  });
});

describe.each<BackendName>(['maple', 'legacy'])(
  'MAP_HUGETLB without reserved huge pages on the %s backend',
  (backend) => {
    const H = ANON | MAP.HUGETLB;

    it('fails with the error the kernel gives, in its order', () => {
      const mm = space(backend);
      const before = mm.procMaps();
      expect(mm.mmap(0, PAGE, RW, H)).toBe(-ENOMEM); // the reservation finds no pages
      expect(mm.mmap(0x40001000, PAGE, RW, H | MAP.FIXED)).toBe(-EINVAL); // not 2 MiB aligned
      expect(mm.mmap(0, PAGE, RW, MAP.PRIVATE | MAP.HUGETLB, FILE, 0)).toBe(-EINVAL); // not a hugetlbfs file
      expect(mm.mmap(0, PAGE, RW, MAP.DROPPABLE | MAP.ANONYMOUS | MAP.HUGETLB)).toBe(-EINVAL);
      expect(mm.mmap(0, PAGE, RW, H | (30 << 26))).toBe(-EINVAL); // MAP_HUGE_1GB: no such hstate here
      expect(mm.procMaps()).toBe(before);
    });

    it('a MAP_FIXED one that reaches the reservation leaves the range it replaces unmapped', () => {
      const mm = space(backend);
      mm.mmap(0x40000000, 0x400000, RW, ANON | MAP.FIXED);
      expect(mm.mmap(0x40000000, PAGE, RW, H | MAP.FIXED_NOREPLACE)).toBe(-EEXIST);
      expect(mm.mmap(0x40200000, PAGE, RW, H | MAP.FIXED)).toBe(-ENOMEM); // the length becomes 2 MiB
      expect(mm.vmaLookup(0x40200000)).toBeUndefined();
      expect(mm.vmaLookup(0x403ff000)).toBeUndefined();
      expect(mm.vmaLookup(0x40000000)!.end).toBe(0x40200000);
      mm.validate();
    });

    it('an ia32 process has the kernel 2 MiB huge pages too', () => {
      const mm = new AddressSpace({ arch: 'i386', backend, mmapMinAddr: 4096 });
      expect(mm.mmap(0, PAGE, RW, H)).toBe(-ENOMEM);
      expect(mm.mmap(0x10001000, PAGE, RW, H | MAP.FIXED)).toBe(-EINVAL);
    });
  },
);

describe.each<BackendName>(['maple', 'legacy'])('MAP_STACK on the %s backend', (backend) => {
  it('sets VM_NOHUGEPAGE for an ia32 process as well, which keeps it apart from plain neighbours', () => {
    const mm = new AddressSpace({ arch: 'i386', backend, mmapMinAddr: 4096 });
    expect(mm.mmap(0x10000000, 2 * PAGE, RW, ANON | MAP.FIXED | MAP.STACK)).toBe(0x10000000);
    expect(mm.mmap(0x10002000, PAGE, RW, ANON | MAP.FIXED)).toBe(0x10002000);
    expect(mm.vmaLookup(0x10000000)!.end).toBe(0x10002000);
    mm.validate();
  });
});

describe.each<BackendName>(['maple', 'legacy'])(
  'a file mmap that the filesystem refuses on the %s backend',
  (backend) => {
    it('leaves the range a MAP_FIXED replaces unmapped (MAP_SYNC on a regular file)', () => {
      const mm = space(backend);
      mm.mmap(0x30000000, 8 * PAGE, RW, ANON | MAP.FIXED);
      expect(mm.mmap(0x30002000, 2 * PAGE, PROT.READ, MAP.SHARED | MAP.FIXED | MAP.SYNC, FILE, 0)).toBe(
        -EOPNOTSUPP,
      );
      expect(mm.vmaLookup(0x30002000)).toBeUndefined();
      expect(mm.vmaLookup(0x30003000)).toBeUndefined();
      expect(mm.vmaLookup(0x30000000)!.end).toBe(0x30002000);
      expect(mm.vmaLookup(0x30004000)!.start).toBe(0x30004000);
      mm.validate();
    });
  },
);

describe.each<BackendName>(['maple', 'legacy'])('mprotect of mlocked memory on the %s backend', (backend) => {
  it('populates an mlocked private mapping made writable, so it keeps its charge afterwards', () => {
    for (const locked of [false, true]) {
      const mm = space(backend);
      const a = 0x30000000;
      mm.mmap(a, 4 * PAGE, PROT.READ, ANON | MAP.FIXED | (locked ? MAP.LOCKED : 0));
      expect(mm.mprotect(a + PAGE, PAGE, RW)).toBe(0);
      expect(mm.vmaLookup(a + PAGE)!.anon !== 0).toBe(locked);
      expect(mm.mprotect(a + PAGE, PAGE, PROT.READ)).toBe(0);
      // Never faulted: the charge goes and the piece merges back; faulted: it stays apart.
      expect(mm.vmaLookup(a + PAGE)!.start).toBe(locked ? a + PAGE : a);
      mm.validate();
    }
  });
  it('never splits a special mapping (special_mapping_split): part of [vdso] is EINVAL, the whole of it is fine', () => {
    const mm = space(backend);
    const vdso = 0x7ffff7fc8000; // two pages in PROG_LAYOUT
    const before = mm.procMaps();
    expect(mm.mprotect(vdso, PAGE, PROT.READ)).toBe(-EINVAL);
    expect(mm.munmap(vdso + PAGE, PAGE)).toBe(-EINVAL);
    expect(mm.munmap(vdso, PAGE)).toBe(-EINVAL);
    expect(mm.mremap(vdso, PAGE, PAGE, MREMAP.MAYMOVE | MREMAP.FIXED, 0x20000000)).toBe(-EINVAL);
    expect(mm.mremap(vdso, 2 * PAGE, PAGE, 0)).toBe(-EINVAL);
    expect(mm.mmap(vdso, PAGE, RW, ANON | MAP.FIXED)).toBe(-EINVAL);
    expect(mm.procMaps()).toBe(before);
    // A range from an anonymous VMA into [vdso]: the anonymous VMA is split at the start, then the
    // split of [vdso] fails and the detached VMAs go back, so that first split stays.
    const below = vdso - 4 * PAGE;
    expect(mm.mmap(below, 4 * PAGE, RW, ANON | MAP.FIXED)).toBe(below);
    expect(mm.munmap(below + 2 * PAGE, 3 * PAGE)).toBe(-EINVAL);
    expect([...mm.vmas(below, vdso)].map((v) => [v.start, v.end])).toEqual([
      [below, below + 2 * PAGE],
      [below + 2 * PAGE, vdso],
    ]);
    expect(mm.mprotect(vdso, 2 * PAGE, PROT.READ)).toBe(0);
    expect(mm.mremap(vdso, 2 * PAGE, 2 * PAGE, MREMAP.MAYMOVE | MREMAP.FIXED, 0x20000000)).toBe(0x20000000);
    mm.validate();
  });
});
