// Black-box audit of mmap and munmap through the package entry point only: the errno the kernel
// gives when several arguments are wrong at once (its order of checks), and that every refused call
// leaves the address space as it was (maps text, map count, locked pages, program break), on both
// backends. Each expectation names the kernel function whose check decides it.
import {
  AddressSpace,
  type BackendName,
  EACCES,
  EAGAIN,
  EBADF,
  EEXIST,
  EINVAL,
  ENOMEM,
  EOPNOTSUPP,
  EOVERFLOW,
  EPERM,
  MAP,
  type MappedFile,
  PROT,
  X86_64,
} from '@maple-tree/vma-mm';
import { describe, expect, it } from 'vitest';
import { layoutSpace, refused, type SpaceOptions } from './audit-helpers.js';

/** A small x86_64 process: a program, anonymous memory, [vdso] and [stack]; one page mapped at 0x1000. */
const LAYOUT = [
  '00001000-00002000 rw-p 00000000 00:00 0',
  '555555554000-555555555000 r--p 00000000 fe:00 100                        /bin/prog',
  '555555555000-555555556000 rw-p 00001000 fe:00 100                        /bin/prog',
  '7ffff7dd2000-7ffff7dd5000 rw-p 00000000 00:00 0',
  '7ffff7fc8000-7ffff7fca000 r-xp 00000000 00:00 0                          [vdso]',
  '7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]',
].join('\n');
const ANON_AT = 0x7ffff7dd2000;
const VDSO = 0x7ffff7fc8000;
const TASK = 2 ** 47 - 4096;
const PAGE = 4096;
const ANON = MAP.PRIVATE | MAP.ANONYMOUS;
const RW = PROT.READ | PROT.WRITE;
const FILE: MappedFile = { path: '/tmp/data', dev: 'fe:00', inode: 7, size: 1 << 20 };
const RO_FILE: MappedFile = { path: '/tmp/ro', dev: 'fe:00', inode: 8, writable: false };

const space = (backend: BackendName, options: SpaceOptions = {}): AddressSpace =>
  layoutSpace(LAYOUT, backend, options);

describe.each<BackendName>(['maple', 'legacy'])('mmap: order of the checks (%s)', (backend) => {
  it('sys_mmap tests the offset alignment before anything else, ksys_mmap_pgoff then the fd', () => {
    const mm = space(backend);
    // An unaligned offset beats a missing file and a zero length (x86 sys_mmap: off & ~PAGE_MASK).
    refused(mm, (m) => m.mmap(0, 0, RW, MAP.PRIVATE, null, 5), EINVAL);
    // No file for a file mapping beats a zero length (ksys_mmap_pgoff: fget fails, EBADF).
    refused(mm, (m) => m.mmap(0, 0, RW, MAP.PRIVATE, null), EBADF);
    refused(mm, (m) => m.mmap(0x10001, 0, RW, MAP.SHARED | MAP.FIXED), EBADF);
    // A regular file with MAP_HUGETLB (ksys_mmap_pgoff) beats the rest: EINVAL even for a good length.
    refused(mm, (m) => m.mmap(0, PAGE, RW, MAP.SHARED | MAP.HUGETLB, RO_FILE), EINVAL);
  });

  it('do_mmap: a zero length, then a length that rounds past 2^64, then vm.max_map_count', () => {
    const mm = space(backend);
    refused(mm, (m) => m.mmap(0x10001, 0, RW, MAP.ANONYMOUS | MAP.FIXED), EINVAL); // no type either
    refused(mm, (m) => m.mmap(ANON_AT, 0, RW, ANON | MAP.FIXED_NOREPLACE), EINVAL); // not EEXIST
    // PAGE_ALIGN(len) wraps to 0: ENOMEM, before the (missing) mapping type is looked at.
    refused(mm, (m) => m.mmap(0, 2 ** 64 - 2048, RW, MAP.ANONYMOUS), ENOMEM);
    refused(mm, (m) => m.mmap(0x10001, 2 ** 64 - 2048, RW, ANON | MAP.FIXED), ENOMEM);
    // MAP_HUGETLB: ksys_mmap_pgoff rounds to the huge page size first, and that wraps to 0: EINVAL.
    refused(mm, (m) => m.mmap(0, 2 ** 64 - 2 ** 20, RW, ANON | MAP.HUGETLB), EINVAL);
    refused(mm, (m) => m.mmap(0, 2 ** 63, RW, ANON | MAP.HUGETLB), ENOMEM); // no huge pages reserved
    // map_count above the limit beats an unaligned MAP_FIXED address and a missing type (6 VMAs, limit 5).
    const full = space(backend, { maxMapCount: 5 });
    refused(full, (m) => m.mmap(0x10001, PAGE, RW, ANON | MAP.FIXED), ENOMEM);
    refused(full, (m) => m.mmap(0, PAGE, RW, MAP.ANONYMOUS), ENOMEM);
    // At the limit (not above it) a new VMA is still allowed.
    const atLimit = space(backend, { maxMapCount: 6 });
    expect(atLimit.mmap(0, PAGE, PROT.READ, ANON)).toBeGreaterThan(0);
    expect(atLimit.mapCount).toBe(7);
  });

  it('__get_unmapped_area: length past TASK_SIZE, then the end past TASK_SIZE, then page alignment, then mmap_min_addr', () => {
    const mm = space(backend);
    refused(mm, (m) => m.mmap(0x10001, 2 ** 48, RW, ANON | MAP.FIXED), ENOMEM); // len > TASK_SIZE
    refused(mm, (m) => m.mmap(TASK + 1, PAGE, RW, ANON | MAP.FIXED), ENOMEM); // addr > TASK_SIZE - len
    refused(mm, (m) => m.mmap(TASK - PAGE + 1, PAGE, RW, ANON | MAP.FIXED), ENOMEM);
    refused(mm, (m) => m.mmap(0x1001, PAGE, RW, ANON | MAP.FIXED), EINVAL); // offset_in_page before cap_mmap_addr
    refused(mm, (m) => m.mmap(0, PAGE, RW, ANON | MAP.FIXED), EPERM); // cap_mmap_addr: below vm.mmap_min_addr
    refused(mm, (m) => m.mmap(0xf000, PAGE, RW, MAP.ANONYMOUS | MAP.FIXED), EPERM); // before the type
    // The last page below TASK_SIZE is fine.
    expect(mm.mmap(TASK - PAGE, PAGE, RW, ANON | MAP.FIXED)).toBe(TASK - PAGE);
  });

  it('MAP_FIXED_NOREPLACE: EPERM below mmap_min_addr comes before EEXIST, EEXIST before MAP_LOCKED and the type', () => {
    const mm = space(backend, { memlockRlimit: 0 });
    // 0x1000 is mapped, but below vm.mmap_min_addr: security_mmap_addr answers first.
    refused(mm, (m) => m.mmap(0x1000, PAGE, RW, ANON | MAP.FIXED_NOREPLACE), EPERM);
    refused(mm, (m) => m.mmap(ANON_AT + 1, PAGE, RW, ANON | MAP.FIXED_NOREPLACE), EINVAL);
    refused(mm, (m) => m.mmap(ANON_AT, PAGE, RW, MAP.ANONYMOUS | MAP.FIXED_NOREPLACE | MAP.LOCKED), EEXIST);
    refused(mm, (m) => m.mmap(ANON_AT - PAGE, 2 * PAGE, RW, ANON | MAP.FIXED_NOREPLACE), EEXIST); // overlaps
    // can_do_mlock (RLIMIT_MEMLOCK 0) before the mapping type.
    refused(mm, (m) => m.mmap(0, PAGE, RW, MAP.ANONYMOUS | MAP.LOCKED), EPERM);
  });

  it('mlock_future_ok (EAGAIN) and file_mmap_ok (EOVERFLOW) come before the file and sharing checks', () => {
    const mm = space(backend, { memlockRlimit: PAGE });
    refused(mm, (m) => m.mmap(0, 2 * PAGE, RW, MAP.SHARED | MAP.LOCKED, RO_FILE), EAGAIN); // not EACCES
    refused(mm, (m) => m.mmap(0, PAGE, RW, MAP.SHARED, RO_FILE, 2 ** 63 - PAGE), EOVERFLOW);
    refused(mm, (m) => m.mmap(0, PAGE, RW, MAP.SHARED_VALIDATE | 0x200, RO_FILE), EOPNOTSUPP); // not EACCES
    refused(mm, (m) => m.mmap(0, PAGE, RW, MAP.SHARED, RO_FILE), EACCES);
    refused(mm, (m) => m.mmap(0, PAGE, RW, MAP.TYPE, FILE), EINVAL); // type 0xf
    refused(mm, (m) => m.mmap(0, PAGE, RW, 0, FILE), EINVAL); // no type
    refused(mm, (m) => m.mmap(0, PAGE, PROT.READ, MAP.PRIVATE, { ...FILE, readable: false }), EACCES);
    refused(mm, (m) => m.mmap(0, PAGE, RW, MAP.PRIVATE | MAP.GROWSDOWN, FILE), EINVAL);
  });

  it('LEGACY_MAP_MASK: MAP_SHARED drops unknown flags, MAP_SHARED_VALIDATE refuses them (MAP_FIXED_NOREPLACE too)', () => {
    const mm = space(backend);
    expect(mm.mmap(0, PAGE, PROT.READ, MAP.SHARED | 0x200, FILE)).toBeGreaterThan(0);
    refused(
      mm,
      (m) => m.mmap(0x20000000, PAGE, PROT.READ, MAP.SHARED_VALIDATE | MAP.FIXED_NOREPLACE, FILE),
      EOPNOTSUPP,
    );
    // With MAP_SHARED the flag is dropped after do_mmap turned it into MAP_FIXED: it maps.
    expect(mm.mmap(0x20000000, PAGE, PROT.READ, MAP.SHARED | MAP.FIXED_NOREPLACE, FILE)).toBe(0x20000000);
    // Bits above 31 are flags too (flags is an unsigned long): MAP_SHARED_VALIDATE refuses them.
    refused(mm, (m) => m.mmap(0, PAGE, PROT.READ, 2 ** 40 + MAP.SHARED_VALIDATE, FILE), EOPNOTSUPP);
    expect(mm.mmap(0, PAGE, PROT.READ, 2 ** 40 + MAP.SHARED, FILE)).toBeGreaterThan(0);
    mm.validate();
  });

  it('anonymous mappings: only MAP_SHARED, MAP_PRIVATE and MAP_DROPPABLE are types; unknown PROT and MAP bits are ignored', () => {
    const mm = space(backend);
    refused(mm, (m) => m.mmap(0, PAGE, RW, MAP.SHARED_VALIDATE | MAP.ANONYMOUS), EINVAL);
    refused(mm, (m) => m.mmap(0, PAGE, RW, MAP.SHARED | MAP.ANONYMOUS | MAP.GROWSDOWN), EINVAL);
    refused(mm, (m) => m.mmap(0, PAGE, RW, MAP.DROPPABLE | MAP.ANONYMOUS | MAP.GROWSDOWN), EINVAL);
    refused(mm, (m) => m.mmap(0, PAGE, RW, MAP.DROPPABLE | MAP.ANONYMOUS | MAP.LOCKED), EINVAL);
    // VM_DROPPABLE is VM_NONE in a 32-bit kernel: EOPNOTSUPP before its own checks; an ia32 process
    // on a 64-bit kernel has it.
    const native = new AddressSpace({ arch: 'i386-native', backend });
    refused(native, (m) => m.mmap(0, PAGE, RW, MAP.DROPPABLE | MAP.ANONYMOUS | MAP.LOCKED), EOPNOTSUPP);
    expect(
      new AddressSpace({ arch: 'i386', backend }).mmap(0, PAGE, RW, MAP.DROPPABLE | MAP.ANONYMOUS),
    ).toBeGreaterThan(0);
    // calc_vm_prot_bits looks at READ, WRITE and EXEC only; mmap has no arch_validate_prot.
    const a = mm.mmap(0, PAGE, RW | 0x40 | PROT.SEM | PROT.GROWSDOWN, ANON | 0x200 | (2 ** 40));
    expect(a).toBeGreaterThan(0);
    expect(mm.vmaLookup(a)!.flags & 0xf).toBe(RW);
    // A file passed with MAP_ANONYMOUS is not used.
    const b = mm.mmap(0, PAGE, RW, ANON, FILE);
    expect(mm.vmaLookup(b)!.file).toBeNull();
    mm.validate();
  });

  it('hints: rounded down to a page, raised to mmap_min_addr, never an error', () => {
    const mm = space(backend);
    expect(mm.mmap(0x20000123, PAGE, RW, ANON)).toBe(0x20000000); // round_hint_to_min
    expect(mm.mmap(0x3000, PAGE, RW, ANON)).toBe(0x10000); // below the minimum: PAGE_ALIGN(mmap_min_addr)
    expect(mm.mmap(ANON_AT, PAGE, RW, ANON)).not.toBe(ANON_AT); // taken: searched elsewhere
    expect(mm.mmap(2 ** 47, PAGE, RW, ANON)).toBeLessThan(TASK); // past TASK_SIZE: searched elsewhere
    mm.validate();
  });

  it('arguments a C caller could not pass are EINVAL and change nothing', () => {
    const mm = space(backend);
    const bad: unknown[] = [
      Number.NaN,
      -1,
      1.5,
      2 ** 64,
      Number.POSITIVE_INFINITY,
      '4096',
      {},
      -1n,
      2n ** 64n,
    ];
    for (const v of bad) {
      const x = v as number;
      refused(mm, (m) => m.mmap(x, PAGE, RW, ANON), EINVAL);
      refused(mm, (m) => m.mmap(0, x, RW, ANON), EINVAL);
      refused(mm, (m) => m.mmap(0, PAGE, x, ANON), EINVAL);
      refused(mm, (m) => m.mmap(0, PAGE, RW, x), EINVAL);
      refused(mm, (m) => m.mmap(0, PAGE, RW, MAP.PRIVATE, FILE, x), EINVAL);
      refused(mm, (m) => m.munmap(x, PAGE), EINVAL);
      refused(mm, (m) => m.munmap(ANON_AT, x), EINVAL);
    }
    // A bigint below 2^64 is an ordinary unsigned long.
    expect(mm.mmap(0x30000000n as unknown as number, 4096n as unknown as number, RW, ANON)).toBe(0x30000000);
  });
});

describe.each<BackendName>(['maple', 'legacy'])('munmap (%s)', (backend) => {
  it('do_vmi_munmap: alignment, then the range inside TASK_SIZE, then a zero length', () => {
    const mm = space(backend);
    refused(mm, (m) => m.munmap(ANON_AT + 1, 0), EINVAL);
    refused(mm, (m) => m.munmap(TASK + PAGE, PAGE), EINVAL);
    refused(mm, (m) => m.munmap(TASK - PAGE, 2 * PAGE), EINVAL);
    refused(mm, (m) => m.munmap(0, 2 ** 64 - 2048), EINVAL); // len > TASK_SIZE - start
    refused(mm, (m) => m.munmap(ANON_AT, 0), EINVAL);
    expect(mm.munmap(0x40000000, PAGE)).toBe(0); // nothing there
    expect(mm.munmap(TASK - PAGE, PAGE)).toBe(0);
  });

  it('a special mapping is never split (EINVAL), but goes whole; an unaligned length rounds up', () => {
    const mm = space(backend);
    refused(mm, (m) => m.munmap(VDSO, PAGE), EINVAL);
    refused(mm, (m) => m.munmap(VDSO + PAGE, PAGE), EINVAL);
    expect(mm.munmap(ANON_AT, 1)).toBe(0);
    expect(mm.vmaLookup(ANON_AT)).toBeUndefined();
    expect(mm.vmaLookup(ANON_AT + PAGE)!.start).toBe(ANON_AT + PAGE);
    expect(mm.munmap(VDSO, 0x2000)).toBe(0);
    expect(mm.vmaLookup(VDSO)).toBeUndefined();
    mm.validate();
  });

  it('the whole task size at once empties the address space', () => {
    const mm = space(backend);
    expect(mm.munmap(0, TASK)).toBe(0);
    expect(mm.mapCount).toBe(0);
    expect(mm.procMaps()).toBe('');
    mm.validate();
  });
});

describe('MAP_32BIT and MAP_ABOVE4G are x86 flags (LEGACY_MAP_MASK per arch)', () => {
  const file: MappedFile = { path: '/tmp/data', dev: 'fe:00', inode: 7, size: 1 << 20 };
  it('MAP_SHARED_VALIDATE refuses them on arm64 and riscv64 (unknown bits), accepts them on x86', () => {
    for (const arch of ['arm64', 'arm64-64k-52', 'riscv64-sv48']) {
      const mm = new AddressSpace({ arch });
      refused(mm, (m) => m.mmap(0, PAGE, PROT.READ, MAP.SHARED_VALIDATE | MAP['32BIT'], file), EOPNOTSUPP);
      refused(mm, (m) => m.mmap(0, PAGE, PROT.READ, MAP.SHARED_VALIDATE | MAP.ABOVE4G, file), EOPNOTSUPP);
      expect(mm.mmap(0, PAGE, PROT.READ, MAP.SHARED | MAP['32BIT'], file)).toBeGreaterThan(0); // dropped
    }
    for (const arch of ['x86_64', 'i386', 'i386-native']) {
      const mm = new AddressSpace({ arch });
      expect(mm.mmap(0, PAGE, PROT.READ, MAP.SHARED_VALIDATE | MAP['32BIT'], file)).toBeGreaterThan(0);
      expect(mm.mmap(0, PAGE, PROT.READ, MAP.SHARED_VALIDATE | MAP.ABOVE4G, file)).toBeGreaterThan(0);
    }
    expect(() => new AddressSpace({ arch: { ...X86_64, mapFlags: 'arm' as never } })).toThrow(/mapFlags/);
  });
});
