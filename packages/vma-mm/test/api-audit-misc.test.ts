// Black-box audit, through the package entry point only, of brk, madvise and the mlock family (the
// kernel's order of checks, nothing changed on refusal, on both backends), and of what the
// constructor and fromMaps do with options and text they should not accept.
import {
  AddressSpace,
  type BackendName,
  EAGAIN,
  EINVAL,
  ENOMEM,
  EPERM,
  MADV,
  MAP,
  MCL,
  MLOCK_ONFAULT,
  PROT,
  topDownBase,
  VM_DONTCOPY,
  X86_64,
} from '@maple-tree/vma-mm';
import { describe, expect, it } from 'vitest';
import { layoutSpace, refused, type SpaceOptions, state } from './audit-helpers.js';

const LAYOUT = [
  '555555554000-555555555000 r--p 00000000 fe:00 100                        /bin/prog',
  '555555555000-555555556000 rw-p 00001000 fe:00 100                        /bin/prog',
  '555555556000-555555558000 rw-p 00000000 00:00 0                          [heap]',
  '7ffff7dd2000-7ffff7dd5000 rw-p 00000000 00:00 0',
  '7ffff7fc8000-7ffff7fca000 r-xp 00000000 00:00 0                          [vdso]',
  '7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]',
].join('\n');
const HEAP = 0x555555556000;
const BRK = 0x555555558000;
const A = 0x7ffff7dd2000;
const VDSO = 0x7ffff7fc8000;
const PAGE = 4096;
const ANON = MAP.PRIVATE | MAP.ANONYMOUS;
const RW = PROT.READ | PROT.WRITE;

const space = (backend: BackendName, options: SpaceOptions = {}): AddressSpace =>
  layoutSpace(LAYOUT, backend, options);

/** brk refuses by returning the old break, changing nothing. */
function brkRefused(mm: AddressSpace, value: unknown): void {
  const before = state(mm);
  expect(mm.brk(value as number)).toBe(mm.currentBrk);
  expect(state(mm)).toEqual(before);
  mm.validate();
}

describe.each<BackendName>(['maple', 'legacy'])('brk (%s)', (backend) => {
  it('sys_brk: below start_brk, past TASK_SIZE, into the next mapping or its guard gap: the old break', () => {
    const mm = space(backend);
    expect(mm.brk(0)).toBe(BRK); // asks for the current break
    for (const v of [HEAP - 1, 2 ** 47, 2 ** 60, Number.NaN, -1, 1.5, '0x555555560000']) brkRefused(mm, v);
    brkRefused(mm, A); // over a mapping
    brkRefused(mm, A - PAGE + 1); // a page must stay free below the next mapping
    expect(mm.brk(A - PAGE)).toBe(A - PAGE);
    expect(mm.brk(BRK)).toBe(BRK);
  });

  it('keeps the unaligned value it is given and maps whole pages', () => {
    const mm = space(backend);
    expect(mm.brk(BRK + 1)).toBe(BRK + 1);
    expect(mm.vmaLookup(HEAP)!.end).toBe(BRK + PAGE);
    expect(mm.brk(BRK + PAGE)).toBe(BRK + PAGE); // same page: only mm->brk moves
    expect(mm.vmaLookup(HEAP)!.end).toBe(BRK + PAGE);
    expect(mm.brk(HEAP)).toBe(HEAP); // shrinking to start_brk empties the heap
    expect(mm.vmaLookup(HEAP)).toBeUndefined();
    mm.validate();
  });

  it('shrinking unmaps whatever lies below the old break, and is refused where nothing does', () => {
    const mm = space(backend);
    expect(mm.munmap(HEAP, 2 * PAGE)).toBe(0);
    expect(mm.mmap(HEAP, PAGE, RW, MAP.SHARED | MAP.ANONYMOUS | MAP.FIXED)).toBe(HEAP);
    // vma_find(newbrk, oldbrk) finds the shared mapping: the shrink still unmaps it, as the kernel does.
    expect(mm.brk(HEAP)).toBe(HEAP);
    expect(mm.vmaLookup(HEAP)).toBeUndefined();
    // Nothing at all between the new and old break: refused.
    expect(mm.brk(HEAP + PAGE)).toBe(HEAP + PAGE);
    expect(mm.munmap(HEAP, 2 * PAGE)).toBe(0);
    brkRefused(mm, HEAP);
  });

  it('check_brk_limits: heap pages below vm.mmap_min_addr are refused, as MAP_FIXED there would be (EPERM)', () => {
    const none = new AddressSpace({ arch: 'x86_64', backend }); // start_brk 0
    brkRefused(none, 0x10000);
    expect(none.mapCount).toBe(0);
    const low = new AddressSpace({ arch: 'x86_64', backend, mmapMinAddr: 65536, startBrk: 0x1000 });
    brkRefused(low, 0x3000);
    const ok = new AddressSpace({ arch: 'x86_64', backend, mmapMinAddr: 65536, startBrk: 0x10000 });
    expect(ok.brk(0x12000)).toBe(0x12000);
    expect(ok.procMaps()).toContain('00010000-00012000 rw-p 00000000 00:00 0');
  });

  it('below a grows-down VMA the heap keeps a page plus stack_guard_gap (vm_start_gap) free', () => {
    const stack = '7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]';
    const start = 0x7ffffffde000 - 0x200000;
    const mm = AddressSpace.fromMaps(stack, { arch: 'x86_64', backend, startBrk: start });
    const limit = 0x7ffffffde000 - 256 * PAGE - PAGE; // newbrk + PAGE_SIZE <= vm_start_gap(next)
    brkRefused(mm, limit + 1);
    expect(mm.brk(limit)).toBe(limit);
    expect(mm.vmaLookup(limit - PAGE)!.end).toBe(limit);
    mm.validate();
  });

  it('a locked heap (mlockall MCL_FUTURE) grows within RLIMIT_MEMLOCK only', () => {
    const mm = space(backend, { memlockRlimit: 2 * PAGE });
    expect(mm.mlockall(MCL.FUTURE)).toBe(0);
    expect(mm.brk(BRK + 2 * PAGE)).toBe(BRK + 2 * PAGE);
    expect(mm.lockedVm).toBe(2);
    brkRefused(mm, BRK + 3 * PAGE);
  });
});

describe.each<BackendName>(['maple', 'legacy'])('madvise (%s)', (backend) => {
  it('madvise_behavior_valid first: advice the kernel does not know is EINVAL, whatever else is wrong', () => {
    const mm = space(backend);
    for (const advice of [5, 6, 7, 26, 99, 104, 1000, -1, Number.NaN, 1.5, 2 ** 64])
      refused(mm, (m) => m.madvise(A + 1, 2 ** 64 - 2048, advice), EINVAL);
    refused(mm, (m) => m.madvise(A, PAGE, 12345), EINVAL);
    // MADV_COLLAPSE is not modelled: a clear error, not a guess. HWPOISON and SOFT_OFFLINE need
    // CONFIG_MEMORY_FAILURE, which the recorded Linux 6.18 lacks: no advice there (rec-real-pageadvice).
    expect(() => mm.madvise(A, PAGE, 25)).toThrow(RangeError);
    for (const advice of [100, 101]) refused(mm, (m) => m.madvise(A, PAGE, advice), EINVAL);
    // behavior is an int: a value past 32 bits is truncated, as a C caller's would be.
    expect(mm.madvise(A, PAGE, 2 ** 32 + MADV.DONTFORK)).toBe(0);
    expect(mm.vmaLookup(A)!.flags & VM_DONTCOPY).toBe(VM_DONTCOPY);
  });

  it('without transparent huge pages HUGEPAGE, NOHUGEPAGE and COLLAPSE are not advice at all', () => {
    const mm = new AddressSpace({ arch: 'i386-native', backend });
    for (const advice of [MADV.HUGEPAGE, MADV.NOHUGEPAGE, 25])
      refused(mm, (m) => m.madvise(1, PAGE, advice), EINVAL);
  });

  it('then alignment, a length that wraps, a zero length; holes are ENOMEM with the mapped parts changed', () => {
    const mm = space(backend);
    refused(mm, (m) => m.madvise(A + 1, 0, MADV.DONTFORK), EINVAL); // alignment before the zero length
    refused(mm, (m) => m.madvise(A, 2 ** 64 - 2048, MADV.DONTFORK), EINVAL); // PAGE_ALIGN(len) is 0
    refused(mm, (m) => m.madvise(A, 2 ** 64 - A, MADV.DONTFORK), EINVAL); // the end wraps
    expect(mm.madvise(0x10000, 0, MADV.DONTFORK)).toBe(0); // nothing to do, nothing mapped: fine
    refused(mm, (m) => m.madvise(0x10000, PAGE, MADV.DONTFORK), ENOMEM); // all hole
    // [A - 1 page, A + 4 pages): a hole, the three pages of A, then a hole: ENOMEM, A is marked.
    expect(mm.madvise(A - PAGE, 5 * PAGE, MADV.DONTFORK)).toBe(-ENOMEM);
    expect(mm.vmaLookup(A)!.flags & VM_DONTCOPY).toBe(VM_DONTCOPY);
    expect(mm.vmaLookup(A)!.end).toBe(A + 3 * PAGE);
    // A VMA that refuses the advice stops the walk with EINVAL (WIPEONFORK on a file mapping).
    expect(mm.madvise(HEAP - 2 * PAGE, 2 * PAGE, MADV.WIPEONFORK)).toBe(-EINVAL);
    mm.validate();
  });
});

describe.each<BackendName>(['maple', 'legacy'])('mlock family (%s)', (backend) => {
  it('mlock2 tests its flags before can_do_mlock; do_mlock tests can_do_mlock before the range', () => {
    const none = space(backend, { memlockRlimit: 0 });
    refused(none, (m) => m.mlock2(A, PAGE, 2), EINVAL);
    refused(none, (m) => m.mlock2(A, PAGE, MLOCK_ONFAULT), EPERM);
    refused(none, (m) => m.mlock(A, 2 ** 64 - 2048 - A), EPERM); // before the range that wraps
    refused(none, (m) => m.mlock(0x10000, PAGE), EPERM); // before the hole
    refused(none, (m) => m.mlockall(8), EINVAL); // mlockall: its flags first
    refused(none, (m) => m.mlockall(MCL.ONFAULT), EINVAL);
    refused(none, (m) => m.mlockall(2 ** 32), EINVAL); // an int: 2^32 is 0, no flag
    refused(none, (m) => m.mlockall(2 ** 31 + MCL.CURRENT), EINVAL); // a negative int: unknown bits
    refused(none, (m) => m.mlock2(A, PAGE, 2 ** 32 + 2), EINVAL);
    refused(none, (m) => m.mlock2(A, PAGE, 2 ** 32), EPERM); // flags 0 as an int: then can_do_mlock
    refused(none, (m) => m.mlockall(MCL.FUTURE), EPERM);
    expect(none.munlock(A, PAGE)).toBe(0); // munlock needs no limit
  });

  it('arguments a C caller could not pass are EINVAL and change nothing (madvise, mlock family)', () => {
    const mm = space(backend);
    for (const v of [Number.NaN, -4096, 0.5, 2 ** 64, '4096', {}]) {
      const x = v as number;
      refused(mm, (m) => m.madvise(x, PAGE, MADV.DONTFORK), EINVAL);
      refused(mm, (m) => m.madvise(A, x, MADV.DONTFORK), EINVAL);
      refused(mm, (m) => m.mlock(x, PAGE), EINVAL);
      refused(mm, (m) => m.mlock(A, x), EINVAL);
      refused(mm, (m) => m.mlock2(A, PAGE, x), EINVAL);
      refused(mm, (m) => m.munlock(x, PAGE), EINVAL);
      refused(mm, (m) => m.mlockall(x), EINVAL);
    }
  });

  it('RLIMIT_MEMLOCK (ENOMEM) comes before a wrapping range (EINVAL); unlimited, the wrap is EINVAL', () => {
    const limited = space(backend, { memlockRlimit: 4 * PAGE });
    refused(limited, (m) => m.mlock(A, 2 ** 64 - A + 2 * PAGE), ENOMEM);
    refused(limited, (m) => m.mlock(A, 5 * PAGE), ENOMEM); // past the limit (and past the VMA)
    const free = space(backend);
    refused(free, (m) => m.mlock(A, 2 ** 64 - A + 2 * PAGE), EINVAL);
    refused(free, (m) => m.munlock(A, 2 ** 64 - A + 2 * PAGE), EINVAL);
    refused(free, (m) => m.mlock(A - PAGE, 2 * PAGE), ENOMEM); // starts in a hole
    expect(free.mlock(0x10000, 0)).toBe(0); // an empty range
  });

  it('an unaligned start locks from its page; a hole after locked pages keeps them locked (ENOMEM)', () => {
    const mm = space(backend);
    expect(mm.mlock(A + 10, PAGE)).toBe(0); // [A, A + 2 pages): PAGE_ALIGN(len + offset)
    expect(mm.lockedVm).toBe(2);
    expect(mm.mlock(A, 4 * PAGE)).toBe(-ENOMEM);
    expect(mm.lockedVm).toBe(3);
    expect(mm.munlock(A, 4 * PAGE)).toBe(-ENOMEM);
    expect(mm.lockedVm).toBe(0);
    // MCL_CURRENT when the whole address space is past the limit: ENOMEM; MCL_FUTURE alone is fine.
    const small = space(backend, { memlockRlimit: 4 * PAGE });
    refused(small, (m) => m.mlockall(MCL.CURRENT), ENOMEM);
    expect(small.mlockall(2 ** 32 + MCL.FUTURE)).toBe(0); // the low 32 bits: MCL_FUTURE
    expect(small.mmap(0, 5 * PAGE, RW, ANON)).toBe(-EAGAIN);
    expect(small.munlockall()).toBe(0);
    expect(small.mmap(0, 5 * PAGE, RW, ANON)).toBeGreaterThan(0);
  });
});

describe('options and maps text that should not be accepted', () => {
  it('refuses unknown option names, naming them (a misspelt limit is not quietly ignored)', () => {
    const make = (o: object) => () => new AddressSpace({ arch: 'x86_64', ...o });
    expect(make({ memLockRlimit: 0 })).toThrow(/unknown option "memLockRlimit"/);
    expect(make({ files: new Map() })).toThrow(TypeError);
    expect(make({ maxMapCount: undefined, aslrSeed: undefined })).not.toThrow();
    expect(() => AddressSpace.fromMaps('', { arch: 'x86_64', stackRLimit: 1 } as never)).toThrow(
      /stackRLimit/,
    );
    // fromMaps takes `files` besides, and a fork keeps the options.
    const mm = AddressSpace.fromMaps(LAYOUT, { arch: 'x86_64', files: new Map(), maxMapCount: 7 });
    expect(mm.fork().maxMapCount).toBe(7);
  });

  it('refuses bad values with a TypeError that names the option', () => {
    const make = (o: object) => () => new AddressSpace({ arch: 'x86_64', ...o });
    for (const seed of [Number.NaN, 1.5, 'abc', 2 ** 60, {}])
      expect(make({ aslrSeed: seed })).toThrow(/aslrSeed/);
    expect(make({ aslrSeed: 7n }).call(null).aslr).not.toBeNull();
    for (const n of [-1, 0.5, Number.NaN, '5', 2 ** 53])
      expect(make({ maxMapCount: n })).toThrow(/maxMapCount/);
    expect(make({ startBrk: 0x20000, brk: 0x10000 })).toThrow(/brk/);
    expect(make({ arch: 'x86-64' })).toThrow(/unknown arch profile "x86-64"/);
    expect(make({ arch: 64 })).toThrow(TypeError);
    expect(make({ backend: 'btree' })).toThrow(/unknown backend "btree"/);
    expect(make({ layout: 'bottom-up' })).toThrow(/unknown layout/);
    expect(() => new AddressSpace(undefined as never)).toThrow(/options must be an object/);
  });

  it('the exported base helpers refuse values that are not counts', () => {
    expect(topDownBase(X86_64, 8 * 1024 * 1024, 256)).toBe(0x7ffff7fff000);
    for (const v of [-1, Number.NaN, 1.5]) {
      expect(() => topDownBase(X86_64, v, 256)).toThrow(TypeError);
      expect(() => topDownBase(X86_64, 8 * 1024 * 1024, v)).toThrow(TypeError);
      expect(() => topDownBase(X86_64, 0, 256, { rnd: v, randomized: true })).toThrow(TypeError);
    }
  });

  it('fromMaps refuses lines past TASK_SIZE (the [vsyscall] gate excepted), unaligned or overlapping', () => {
    const opts = { arch: 'x86_64' };
    expect(() => AddressSpace.fromMaps('800000000000-800000001000 rw-p 00000000 00:00 0', opts)).toThrow(
      /past TASK_SIZE/,
    );
    expect(() => AddressSpace.fromMaps('7ffffffff000-800000000000 rw-p 00000000 00:00 0', opts)).toThrow(
      RangeError,
    );
    const gate = 'ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]';
    expect(AddressSpace.fromMaps(gate, opts).procMaps()).toContain('[vsyscall]');
    expect(() =>
      AddressSpace.fromMaps('c0000000-c0001000 rw-p 00000000 00:00 0', { arch: 'i386-native' }),
    ).toThrow(RangeError);
    expect(() => AddressSpace.fromMaps('1000-3000 rw-p 00000000 00:00 0', { arch: 'arm64-16k-48' })).toThrow(
      /not page aligned/,
    );
    expect(() =>
      AddressSpace.fromMaps('10000-12000 rw-p 0 00:00 0\n11000-13000 rw-p 0 00:00 0', opts),
    ).toThrow(RangeError);
    expect(() => AddressSpace.fromMaps(42 as never, opts)).toThrow(TypeError);
    expect(() => AddressSpace.fromMaps('', null as never)).toThrow(/options must be an object/);
    expect(() => AddressSpace.fromMaps('', { arch: 'x86_64', files: {} as never })).toThrow(
      /files must be a Map/,
    );
  });

  it('look-ups with arguments that are not addresses find nothing', () => {
    const mm = space('maple');
    for (const v of [Number.NaN, -1, 'x', 2 ** 64]) {
      expect(mm.findVma(v as number)).toBeUndefined();
      expect(mm.vmaLookup(v as number)).toBeUndefined();
      expect(mm.findVmaIntersection(v as number, A + PAGE)).toBeUndefined();
    }
    expect(mm.findVmaIntersection(A, A)).toBeUndefined(); // an empty range
    // The iterator is not a system call: arguments that are not numbers are a TypeError.
    for (const v of [Number.NaN, 'x', 1n]) {
      expect(() => mm.vmas(v as number)).toThrow(TypeError);
      expect(() => mm.vmas(0, v as number)).toThrow(TypeError);
    }
    expect([...mm.vmas(-PAGE, Number.POSITIVE_INFINITY)].length).toBe(mm.mapCount);
    expect([...mm.vmas(A + PAGE, VDSO + 1)].map((v) => v.start)).toEqual([A, VDSO]);
    expect(mm.findVma(VDSO - 1)!.start).toBe(VDSO);
    expect(mm.findVmaPrev(VDSO).prev!.start).toBe(A);
    // vm_unmapped_area's info: whole pages, a power-of-two alignment, low <= high.
    const info = { length: PAGE, low: 0x10000000, high: 0x20000000 };
    expect(mm.vmUnmappedArea(info)).toBe(0x10000000);
    expect(mm.vmUnmappedArea({ ...info, alignMask: 4 * PAGE - 1, alignOffset: PAGE })).toBe(0x10001000);
    for (const bad of [
      { length: PAGE + 1 },
      { alignMask: 3 * PAGE - 1 },
      { alignMask: 100 },
      { low: 0x30000000 },
    ])
      expect(mm.vmUnmappedArea({ ...info, ...bad })).toBe(-EINVAL);
    expect(() => mm.vmUnmappedArea(null as never)).toThrow(TypeError);
  });
});
