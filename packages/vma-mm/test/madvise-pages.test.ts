// madvise's page advice (WILLNEED, DONTNEED, FREE, REMOVE, COLD, PAGEOUT, DONTNEED_LOCKED) leaves every
// VMA as it is; its answers are what Linux 6.18 gave a recorded test program for each kind of mapping
// (tools/recorder/programs/pageadvice.c, fixture rec-real-pageadvice).
import { describe, expect, it } from 'vitest';
import {
  type BackendName,
  EACCES,
  EINVAL,
  ENOMEM,
  MADV_PAGE,
  MAP,
  type MappedFile,
  PROT,
} from '../src/index.js';
import { PROG_LAYOUT, progSpace } from './fixtures.js';

const PAGE = 0x1000;
const X = 0x20000000;
const RW = PROT.READ | PROT.WRITE;
const ANON = MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED;
const FILE: MappedFile = { path: '/tmp/pageadvice.dat', dev: 'fe:00', inode: 9, size: 64 * PAGE };
const READ_ONLY_FD: MappedFile = { ...FILE, writable: false };
const { WILLNEED, DONTNEED, FREE, REMOVE, COLD, PAGEOUT, DONTNEED_LOCKED } = MADV_PAGE;
const ORDER = [WILLNEED, DONTNEED, FREE, REMOVE, COLD, PAGEOUT, DONTNEED_LOCKED];
const VDSO = 0x7ffff7fc8000;
const VVAR = 0x7ffff7fc2000;
const WITH_VVAR = PROG_LAYOUT.replace(
  '7ffff7fc8000-7ffff7fca000 r-xp',
  '7ffff7fc2000-7ffff7fc6000 r--p 00000000 00:00 0                          [vvar]\n7ffff7fc8000-7ffff7fca000 r-xp',
);

describe.each<BackendName>(['maple', 'legacy'])('page advice on the %s backend', (backend) => {
  it('answers per kind of mapping, as recorded, and changes no VMA', () => {
    const mm = progSpace(backend, {}, WITH_VVAR);
    mm.mmap(X, 4 * PAGE, RW, ANON);
    mm.mmap(X + 8 * PAGE, 4 * PAGE, RW, ANON | MAP.LOCKED);
    mm.mmap(X + 16 * PAGE, 4 * PAGE, RW, MAP.PRIVATE | MAP.FIXED, FILE, 0);
    mm.mmap(X + 24 * PAGE, 4 * PAGE, RW, MAP.SHARED | MAP.FIXED, FILE, 4 * PAGE);
    mm.mmap(X + 32 * PAGE, 4 * PAGE, PROT.READ, MAP.SHARED | MAP.FIXED, READ_ONLY_FD, 8 * PAGE);
    mm.mmap(X + 40 * PAGE, 4 * PAGE, RW, MAP.SHARED | MAP.ANONYMOUS | MAP.FIXED);
    mm.mmap(X + 48 * PAGE, 4 * PAGE, PROT.NONE, ANON);
    const before = mm.procMaps();
    const answers = (at: number, pages: number) => ORDER.map((a) => mm.madvise(at, pages * PAGE, a));
    //                                       WILLNEED DONTNEED FREE     REMOVE   COLD     PAGEOUT  DONTNEED_LOCKED
    expect(answers(X, 4)).toEqual(/*      */ [0, 0, 0, -EINVAL, 0, 0, 0]); // anonymous: no file to punch
    expect(answers(X + 48 * PAGE, 4)).toEqual([0, 0, 0, -EINVAL, 0, 0, 0]); // PROT_NONE anonymous alike
    expect(answers(X + 8 * PAGE, 4)).toEqual([0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, 0]); // locked
    expect(answers(X + 16 * PAGE, 4)).toEqual([0, 0, -EINVAL, -EACCES, 0, 0, 0]); // private file
    expect(answers(X + 24 * PAGE, 4)).toEqual([0, 0, -EINVAL, 0, 0, 0, 0]); // shared writable file
    expect(answers(X + 32 * PAGE, 4)).toEqual([0, 0, -EINVAL, -EACCES, 0, 0, 0]); // shared, read-only fd
    expect(answers(X + 40 * PAGE, 4)).toEqual([0, 0, -EINVAL, 0, 0, 0, 0]); // shared anonymous (shmem)
    expect(answers(VDSO, 1)).toEqual([0, 0, -EINVAL, -EINVAL, 0, 0, 0]); // special, not anonymous
    expect(answers(VVAR, 4)).toEqual([0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL]); // VM_PFNMAP
    // A hole makes the answer ENOMEM, unless a VMA refused first (the walk stops there).
    expect(answers(X, 12)).toEqual([-ENOMEM, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -ENOMEM]);
    expect(answers(X + 4 * PAGE, 4)).toEqual(ORDER.map(() => -ENOMEM));
    // Arguments first: an unaligned start, a length that wraps; a zero length is nothing to do.
    expect(answers(X + 1, 1)).toEqual(ORDER.map(() => -EINVAL));
    expect(answers(X, 2 ** 52 - 1)).toEqual(ORDER.map(() => -EINVAL));
    expect(answers(X + 4 * PAGE, 0)).toEqual(ORDER.map(() => 0));
    // HWPOISON and SOFT_OFFLINE need CONFIG_MEMORY_FAILURE, which the recorded kernel lacks.
    expect(mm.madvise(X, PAGE, 100)).toBe(-EINVAL);
    expect(mm.madvise(X, PAGE, 101)).toBe(-EINVAL);
    expect(mm.procMaps()).toBe(before);
    mm.validate();
  });
});
