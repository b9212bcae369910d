// Black-box audit, through the package entry point only, of calls that fail part way or move
// several VMAs at once, where the kernel does leave changes behind, and of the /proc/PID/maps
// columns for values past 32 bits, and of a 32-bit kernel's unsigned long arithmetic. On both backends.
import {
  AddressSpace,
  type BackendName,
  EAGAIN,
  EFAULT,
  EINVAL,
  ENOMEM,
  EOVERFLOW,
  MADV,
  MAP,
  MREMAP,
  PROT,
} from '@maple-tree/vma-mm';
import { describe, expect, it } from 'vitest';

const PAGE = 4096;
const RW = PROT.READ | PROT.WRITE;
const FIXED_ANON = MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED;
const MOVE_FIXED = MREMAP.MAYMOVE | MREMAP.FIXED;

const lines = (mm: AddressSpace): string[] => mm.procMaps().trimEnd().split('\n');

/** Two three-page anonymous VMAs at 0x40000000 and 0x50000000, with vm.max_map_count `max`. */
function twoVmas(backend: BackendName, max: number): AddressSpace {
  const mm = new AddressSpace({ arch: 'x86_64', backend, maxMapCount: max });
  expect(mm.mmap(0x40000000, 3 * PAGE, RW, FIXED_ANON)).toBe(0x40000000);
  expect(mm.mmap(0x50000000, 3 * PAGE, RW, FIXED_ANON)).toBe(0x50000000);
  return mm;
}

describe.each<BackendName>(['maple', 'legacy'])('failing part way (%s)', (backend) => {
  const splitLeft = [
    '40000000-40001000 rw-p 00000000 00:00 0',
    '40001000-40003000 rw-p 00000000 00:00 0',
    '50000000-50003000 rw-p 00000000 00:00 0',
  ];

  it('vma_modify: with one free map slot the first split is made and stays, the second fails', () => {
    // split_vma refuses at map_count >= max_map_count: mprotect and mlock answer ENOMEM, madvise EAGAIN.
    const calls: [string, (mm: AddressSpace) => number, number][] = [
      ['mprotect', (mm) => mm.mprotect(0x40001000, PAGE, PROT.READ), ENOMEM],
      ['madvise', (mm) => mm.madvise(0x40001000, PAGE, MADV.DONTFORK), EAGAIN],
      ['mlock', (mm) => mm.mlock(0x40001000, PAGE), ENOMEM],
    ];
    for (const [, call, errno] of calls) {
      const mm = twoVmas(backend, 3);
      expect(call(mm)).toBe(-errno);
      expect(lines(mm)).toEqual(splitLeft);
      expect(mm.lockedVm).toBe(0);
      mm.validate();
      // With no free slot at all nothing is split.
      const full = twoVmas(backend, 2);
      expect(call(full)).toBe(-errno);
      expect(lines(full)).toEqual([splitLeft[0]!.replace('40001000 ', '40003000 '), splitLeft[2]]);
    }
  });

  it('munmap and MAP_FIXED refuse a middle split at the limit before changing anything', () => {
    const mm = twoVmas(backend, 2);
    const before = mm.procMaps();
    expect(mm.munmap(0x40001000, PAGE)).toBe(-ENOMEM);
    expect(mm.mmap(0x40001000, PAGE, PROT.READ, FIXED_ANON)).toBe(-ENOMEM);
    expect(mm.procMaps()).toBe(before);
    // Cutting from an edge needs no new VMA.
    expect(mm.munmap(0x40000000, PAGE)).toBe(0);
    expect(mm.mmap(0x40002000, PAGE, PROT.READ, FIXED_ANON)).toBe(0x40002000);
    mm.validate();
  });

  it('move_vma needs map_count below max_map_count - 3; a grow in place does not', () => {
    const mm = twoVmas(backend, 5); // 2 >= 5 - 3
    const before = mm.procMaps();
    expect(mm.mremap(0x40000000, 3 * PAGE, 4 * PAGE, MREMAP.MAYMOVE, 0)).toBe(0x40000000); // in place
    expect(mm.mremap(0x50000000, PAGE, PAGE, MOVE_FIXED, 0x60000000)).toBe(-ENOMEM);
    expect(mm.mremap(0x40000000, 4 * PAGE, 0x10001000, MREMAP.MAYMOVE)).toBe(-ENOMEM); // would reach 0x50000000
    expect(lines(mm)[1]).toBe(before.split('\n')[1]);
    mm.validate();
  });
});

describe.each<BackendName>(['maple', 'legacy'])(
  'moving several VMAs with one MREMAP_FIXED (%s)',
  (backend) => {
    it('remap_move keeps the gaps between the source VMAs, measured from each VMA end', () => {
      const mm = new AddressSpace({ arch: 'x86_64', backend });
      mm.mmap(0x40000000, 2 * PAGE, RW, FIXED_ANON);
      mm.mmap(0x40003000, PAGE, PROT.READ, FIXED_ANON);
      mm.mmap(0x40005000, PAGE, RW, FIXED_ANON);
      // The range starts inside the first VMA: its piece moves, then each later VMA one gap further on.
      expect(mm.mremap(0x40001000, 5 * PAGE, 5 * PAGE, MOVE_FIXED, 0x50000000)).toBe(0x50000000);
      expect(lines(mm)).toEqual([
        '40000000-40001000 rw-p 00000000 00:00 0',
        '50000000-50001000 rw-p 00000000 00:00 0',
        '50002000-50003000 r--p 00000000 00:00 0',
        '50004000-50005000 rw-p 00000000 00:00 0',
      ]);
      mm.validate();
    });

    it('a range that starts in a hole, or holds no VMA, is EFAULT and moves nothing', () => {
      const mm = new AddressSpace({ arch: 'x86_64', backend });
      mm.mmap(0x40000000, 2 * PAGE, RW, FIXED_ANON);
      mm.mmap(0x40003000, PAGE, PROT.READ, FIXED_ANON);
      mm.mmap(0x50000000, PAGE, PROT.READ, FIXED_ANON);
      const before = mm.procMaps();
      expect(mm.mremap(0x40002000, 2 * PAGE, 2 * PAGE, MOVE_FIXED, 0x60000000)).toBe(-EFAULT);
      expect(mm.mremap(0x48000000, 2 * PAGE, 2 * PAGE, MOVE_FIXED, 0x60000000)).toBe(-EFAULT);
      expect(mm.procMaps()).toBe(before);
      // check_prep_vma runs before mremap_to unmaps the target: a source range past its VMA leaves it.
      expect(mm.mremap(0x40000000, 3 * PAGE, 4 * PAGE, MOVE_FIXED, 0x50000000)).toBe(-EFAULT);
      expect(mm.procMaps()).toBe(before);
      mm.validate();
    });

    it('but a move that fails in move_vma has already unmapped the target (part of a special mapping: EINVAL)', () => {
      const mm = AddressSpace.fromMaps('7ffff7fc8000-7ffff7fca000 r-xp 00000000 00:00 0 [vdso]', {
        arch: 'x86_64',
        backend,
      });
      mm.mmap(0x50000000, PAGE, PROT.READ, FIXED_ANON);
      expect(mm.mremap(0x7ffff7fc8000, PAGE, PAGE, MOVE_FIXED, 0x50000000)).toBe(-EINVAL);
      expect(mm.vmaLookup(0x50000000)).toBeUndefined();
      expect(mm.vmaLookup(0x7ffff7fc8000)!.end).toBe(0x7ffff7fca000);
      mm.validate();
    });

    it('MREMAP_DONTUNMAP takes new_addr as a hint; MREMAP_MAYMOVE alone ignores it', () => {
      const mm = new AddressSpace({ arch: 'x86_64', backend });
      mm.mmap(0x40000000, 2 * PAGE, RW, FIXED_ANON);
      mm.mmap(0x40002000, PAGE, PROT.READ, FIXED_ANON);
      expect(mm.mremap(0x40000000, 2 * PAGE, 2 * PAGE, MREMAP.MAYMOVE | MREMAP.DONTUNMAP, 0x60000000)).toBe(
        0x60000000,
      );
      expect(mm.vmaLookup(0x40000000)!.end).toBe(0x40002000); // the source stays mapped
      const moved = mm.mremap(0x40000000, 2 * PAGE, 4 * PAGE, MREMAP.MAYMOVE, 0x70000000);
      expect(moved).toBeGreaterThan(0);
      expect(moved).not.toBe(0x70000000);
      mm.validate();
    });
  },
);

describe.each<BackendName>(['maple', 'legacy'])('a range ending inside a special mapping (%s)', (backend) => {
  const layout = [
    '7ffff7fc4000-7ffff7fc7000 rw-p 00000000 00:00 0',
    '7ffff7fc8000-7ffff7fca000 r-xp 00000000 00:00 0                          [vdso]',
  ].join('\n');
  const split = [
    '7ffff7fc4000-7ffff7fc5000 rw-p 00000000 00:00 0',
    '7ffff7fc5000-7ffff7fc7000 rw-p 00000000 00:00 0',
    '7ffff7fc8000-7ffff7fca000 r-xp 00000000 00:00 0                          [vdso]',
  ];

  it('munmap and MAP_FIXED: vms_gather_munmap_vmas split the first VMA before the vDSO refused (EINVAL)', () => {
    for (const call of [
      (mm: AddressSpace) => mm.munmap(0x7ffff7fc5000, 0x4000),
      (mm: AddressSpace) => mm.mmap(0x7ffff7fc5000, 0x4000, PROT.READ, FIXED_ANON),
    ]) {
      const mm = AddressSpace.fromMaps(layout, { arch: 'x86_64', backend });
      expect(call(mm)).toBe(-EINVAL);
      expect(lines(mm)).toEqual(split); // the start split stays, nothing is unmapped
      mm.validate();
    }
  });

  it('MREMAP_FIXED onto part of the vDSO fails unmapping the target, before anything moved', () => {
    const mm = AddressSpace.fromMaps(layout, { arch: 'x86_64', backend });
    const before = mm.procMaps();
    expect(mm.mremap(0x7ffff7fc4000, PAGE, PAGE, MOVE_FIXED, 0x7ffff7fc9000)).toBe(-EINVAL);
    expect(mm.procMaps()).toBe(before);
  });
});

describe('maps columns past 32 bits (show_vma_header_prefix)', () => {
  it('prints offsets, majors and inodes at full width, the name column padded to 73', () => {
    const mm = new AddressSpace({ arch: 'x86_64' });
    const file = { path: '/data/a b', dev: '103:02', inode: 123456789012 };
    const a = mm.mmap(0x40000000, PAGE, PROT.READ, MAP.PRIVATE | MAP.FIXED, file, 2 ** 40);
    expect(a).toBe(0x40000000);
    const [l] = lines(mm);
    expect(l).toBe(`${'40000000-40001000 r--p 10000000000 103:02 123456789012 '.padEnd(73)}/data/a b`);
    // A nameless VMA: the line ends at the inode (recorded traces trim the kernel's trailing space).
    mm.mmap(0x50000000, PAGE, RW, FIXED_ANON);
    expect(lines(mm)[1]).toBe('50000000-50001000 rw-p 00000000 00:00 0');
  });
});

describe.each<BackendName>(['maple', 'legacy'])('a 32-bit kernel wraps lengths at 2^32 (%s)', (backend) => {
  /** One three-page VMA at 0x10000000 in an i386 process. */
  const space = (arch: string): AddressSpace => {
    const mm = new AddressSpace({ arch, backend });
    expect(mm.mmap(0x10000000, 3 * PAGE, RW, FIXED_ANON)).toBe(0x10000000);
    return mm;
  };
  const LEN = 0xf0000000; // 0x10000000 + LEN is 2^32: 0 in a 32-bit unsigned long

  it('i386-native: ranges that end at 2^32 wrap, so nothing is changed', () => {
    const mm = space('i386-native');
    const before = mm.procMaps();
    expect(mm.mprotect(0x10000000, LEN, PROT.READ)).toBe(-ENOMEM); // end <= start
    expect(mm.mprotect(0x10000000, LEN, 0x40)).toBe(-ENOMEM); // before arch_validate_prot
    expect(mm.madvise(0x10000000, LEN, MADV.DONTFORK)).toBe(-EINVAL);
    expect(mm.mlock(0x10000000, LEN)).toBe(-EINVAL);
    expect(mm.munlock(0x10000000, LEN)).toBe(-EINVAL);
    expect(mm.mremap(0x10000000, 0xfffff001, PAGE, MREMAP.MAYMOVE)).toBe(-EINVAL); // old_len is 0
    expect(mm.mremap(0x10000000, PAGE, 0xfffff001, MREMAP.MAYMOVE)).toBe(-EINVAL); // new_len is 0
    expect(mm.mmap(0, 0xfffff001, RW, MAP.PRIVATE | MAP.ANONYMOUS)).toBe(-ENOMEM);
    // MAX_LFS_FILESIZE is ULONG_MAX pages (2^44 - 4 KiB): file_mmap_ok refuses a range ending past it.
    const file = { path: '/tmp/big', dev: 'fe:00', inode: 9 };
    expect(mm.mmap(0, 2 * PAGE, PROT.READ, MAP.PRIVATE, file, 2 ** 44 - 2 * PAGE)).toBe(-EOVERFLOW);
    const at = mm.mmap(0, PAGE, PROT.READ, MAP.PRIVATE, file, 2 ** 44 - 2 * PAGE);
    expect(at).toBeGreaterThan(0);
    expect(mm.munmap(at, PAGE)).toBe(0);
    expect(mm.procMaps()).toBe(before);
    expect(mm.lockedVm).toBe(0);
    mm.validate();
  });

  it('an ia32 process on x86_64 computes in 64 bits: the same calls walk the range', () => {
    const mm = space('i386');
    expect(mm.mprotect(0x10000000, LEN, PROT.READ)).toBe(-ENOMEM); // the hole after the VMA
    expect(lines(mm)[0]).toBe('10000000-10003000 r--p 00000000 00:00 0');
    expect(mm.madvise(0x10000000, LEN, MADV.DONTFORK)).toBe(-ENOMEM);
    expect(mm.mlock(0x10000000, LEN)).toBe(-ENOMEM);
    expect(mm.lockedVm).toBe(3);
    mm.validate();
  });
});
