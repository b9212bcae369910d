// Error paths of each system call: the kernel's errno, and nothing changed
// (maps text identical before and after, index invariants intact).
import { describe, expect, it } from 'vitest';
import {
  AddressSpace,
  type BackendName,
  EBADF,
  EEXIST,
  EFAULT,
  EINVAL,
  ENOMEM,
  MAP,
  type MappedFile,
  MREMAP,
  PROT,
} from '../src/index.js';
import { progSpace } from './fixtures.js';

const LAYOUT = [
  '555555554000-555555555000 r--p 00000000 fe:00 100                        /bin/prog',
  '555555555000-555555556000 rw-p 00001000 fe:00 100                        /bin/prog',
  '7ffff7dd2000-7ffff7dd5000 rw-p 00000000 00:00 0',
  '7ffff7fc8000-7ffff7fca000 r-xp 00000000 00:00 0                          [vdso]',
  '7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]',
  'ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]',
].join('\n');

const FILE: MappedFile = { path: '/tmp/data', dev: 'fe:00', inode: 7 };
const RO_FILE: MappedFile = { path: '/tmp/ro', dev: 'fe:00', inode: 8, writable: false };
const ANON = MAP.PRIVATE | MAP.ANONYMOUS;
const RW = PROT.READ | PROT.WRITE;
const TASK = 2 ** 47 - 4096;

const space = (backend: BackendName): AddressSpace => progSpace(backend, {}, LAYOUT);

/** Run `call` and check it fails with `errno` leaving the space unchanged. */
function failsUnchanged(mm: AddressSpace, call: () => number, errno: number): void {
  const before = mm.procMaps();
  const count = mm.mapCount;
  expect(call()).toBe(-errno);
  expect(mm.procMaps()).toBe(before);
  expect(mm.mapCount).toBe(count);
  mm.validate();
}

describe.each(['maple', 'legacy'] as BackendName[])('error paths (%s)', (backend) => {
  it('mmap rejects bad arguments with the kernel errno', () => {
    const mm = space(backend);
    failsUnchanged(mm, () => mm.mmap(0, 0, RW, ANON), EINVAL); // zero length
    failsUnchanged(mm, () => mm.mmap(0, 4096, RW, MAP.PRIVATE, FILE, 100), EINVAL); // unaligned offset
    failsUnchanged(mm, () => mm.mmap(0, 4096, RW, MAP.PRIVATE, null), EBADF); // no file, not anonymous
    const notAFile = { path: 3 } as unknown as MappedFile;
    failsUnchanged(mm, () => mm.mmap(0, 4096, RW, MAP.PRIVATE, notAFile), EBADF);
    failsUnchanged(mm, () => mm.mmap(0, 2 ** 48, RW, ANON), ENOMEM); // longer than the task size
    failsUnchanged(mm, () => mm.mmap(0x10001, 4096, RW, ANON | MAP.FIXED), EINVAL); // unaligned fixed
    failsUnchanged(mm, () => mm.mmap(TASK, 4096, RW, ANON | MAP.FIXED), ENOMEM); // past TASK_SIZE
    failsUnchanged(mm, () => mm.mmap(0, 4096, RW, MAP.ANONYMOUS), EINVAL); // neither shared nor private
    failsUnchanged(mm, () => mm.mmap(0, 4096, RW, MAP.SHARED | MAP.ANONYMOUS | MAP.GROWSDOWN), EINVAL);
    failsUnchanged(mm, () => mm.mmap(0, 4096, RW, MAP.SHARED, RO_FILE), 13); // EACCES: write to read-only fd
    failsUnchanged(mm, () => mm.mmap(0x7ffff7dd3000, 4096, RW, ANON | MAP.FIXED_NOREPLACE), EEXIST);
    failsUnchanged(mm, () => mm.mmap(-1, 4096, RW, ANON), EINVAL); // not an unsigned long
    failsUnchanged(mm, () => mm.mmap(0, 1.5, RW, ANON), EINVAL);
    failsUnchanged(mm, () => mm.mmap(0, Number.NaN, RW, ANON), EINVAL);
  });

  it('mmap at the map count limit fails with ENOMEM', () => {
    const mm = AddressSpace.fromMaps(LAYOUT, { arch: 'x86_64', backend, maxMapCount: 5 });
    expect(mm.mmap(0, 4096, PROT.READ, ANON)).toBeGreaterThan(0); // 6 VMAs: map_count may pass the limit by one
    failsUnchanged(mm, () => mm.mmap(0, 4096, PROT.EXEC, ANON), ENOMEM);
  });

  it('munmap rejects bad ranges and refuses a middle split at the limit', () => {
    const mm = space(backend);
    failsUnchanged(mm, () => mm.munmap(0x7ffff7dd2001, 4096), EINVAL);
    failsUnchanged(mm, () => mm.munmap(0x7ffff7dd2000, 0), EINVAL);
    failsUnchanged(mm, () => mm.munmap(0xffffffffff600000, 4096), EINVAL); // the gate area is beyond TASK_SIZE
    failsUnchanged(mm, () => mm.munmap(TASK - 4096, 8192), EINVAL);
    const limited = AddressSpace.fromMaps(LAYOUT, { arch: 'x86_64', backend, maxMapCount: 5 });
    failsUnchanged(limited, () => limited.munmap(0x7ffff7dd3000, 4096), ENOMEM);
    expect(mm.munmap(0x10000, 4096)).toBe(0); // nothing there: success, no change
  });

  it('mprotect: EINVAL for bad input, ENOMEM at a hole after changing what came before', () => {
    const mm = space(backend);
    failsUnchanged(mm, () => mm.mprotect(0x7ffff7dd2800, 4096, PROT.READ), EINVAL);
    failsUnchanged(mm, () => mm.mprotect(0x7ffff7dd2000, 4096, 0x40), EINVAL); // unknown PROT bit
    failsUnchanged(mm, () => mm.mprotect(0x7ffff7dd2000, 4096, PROT.READ | PROT.GROWSDOWN), EINVAL);
    failsUnchanged(mm, () => mm.mprotect(0x10000, 4096, PROT.READ), ENOMEM);
    expect(mm.mprotect(0x7ffff7dd2000, 0, PROT.READ)).toBe(0);
    // [7ffff7dd2000, 7ffff7dd5000) then a hole: the first VMA is changed, then ENOMEM.
    expect(mm.mprotect(0x7ffff7dd2000, 0x4000, PROT.READ)).toBe(-ENOMEM);
    expect(mm.procMaps()).toContain('7ffff7dd2000-7ffff7dd5000 r--p 00000000 00:00 0');
    mm.validate();
  });

  it('mremap: flag, alignment, overlap and EFAULT checks in the kernel order', () => {
    const mm = space(backend);
    const a = 0x7ffff7dd2000;
    failsUnchanged(mm, () => mm.mremap(a, 4096, 4096, 8), EINVAL); // unknown flag
    failsUnchanged(mm, () => mm.mremap(a + 1, 4096, 8192, MREMAP.MAYMOVE), EINVAL);
    failsUnchanged(mm, () => mm.mremap(a, 4096, 0, MREMAP.MAYMOVE), EINVAL);
    failsUnchanged(mm, () => mm.mremap(a, 4096, 4096, MREMAP.FIXED, 0x10000), EINVAL); // FIXED needs MAYMOVE
    failsUnchanged(mm, () => mm.mremap(a, 4096, 8192, MREMAP.MAYMOVE | MREMAP.DONTUNMAP, 0x10000), EINVAL);
    failsUnchanged(mm, () => mm.mremap(a, 8192, 8192, MREMAP.MAYMOVE | MREMAP.FIXED, a + 4096), EINVAL); // overlap
    failsUnchanged(mm, () => mm.mremap(0x10000, 4096, 8192, MREMAP.MAYMOVE), EFAULT); // no VMA
    failsUnchanged(mm, () => mm.mremap(a, 0x4000, 0x5000, MREMAP.MAYMOVE), EFAULT); // runs past the VMA
    failsUnchanged(mm, () => mm.mremap(a, 4096, 8192, 0), ENOMEM); // cannot grow in place, may not move
  });

  it('brk never returns an errno: a refused change returns the old break', () => {
    const mm = space(backend);
    const brk0 = mm.brk(0);
    expect(brk0).toBe(0x555555556000);
    const before = mm.procMaps();
    expect(mm.brk(0x1000)).toBe(brk0); // below start_brk
    expect(mm.brk(0x7ffff7dd1800)).toBe(brk0); // would leave no page below a mapping
    expect(mm.procMaps()).toBe(before);
    expect(mm.brk(brk0 + 0x2000)).toBe(brk0 + 0x2000);
    expect(mm.procMaps()).toContain(
      '555555556000-555555558000 rw-p 00000000 00:00 0                          [heap]',
    );
    expect(mm.brk(brk0)).toBe(brk0);
    expect(mm.procMaps()).toBe(before);
    mm.validate();
  });
});
