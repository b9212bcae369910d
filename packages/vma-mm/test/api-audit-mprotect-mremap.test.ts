// Black-box audit of mprotect and mremap through the package entry point only: the kernel's order
// of checks when several arguments are wrong (do_mprotect_pkey; check_mremap_params and
// check_prep_vma as of 6.17), what a refused call leaves behind, and what a call that fails part way
// keeps, on both backends.
import {
  type AddressSpace,
  type BackendName,
  EACCES,
  EAGAIN,
  EFAULT,
  EINVAL,
  ENOMEM,
  MAP,
  type MappedFile,
  MREMAP,
  PROT,
} from '@maple-tree/vma-mm';
import { describe, expect, it } from 'vitest';
import { layoutSpace, refused, type SpaceOptions } from './audit-helpers.js';

const LAYOUT = [
  '555555554000-555555555000 r--p 00000000 fe:00 100                        /bin/prog',
  '555555555000-555555556000 rw-p 00001000 fe:00 100                        /bin/prog',
  '7ffff7dd2000-7ffff7dd5000 rw-p 00000000 00:00 0',
  '7ffff7fc4000-7ffff7fc8000 r--p 00000000 00:00 0                          [vvar]',
  '7ffff7fc8000-7ffff7fca000 r-xp 00000000 00:00 0                          [vdso]',
  '7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]',
].join('\n');
const A = 0x7ffff7dd2000; // three anonymous pages
const VVAR = 0x7ffff7fc4000;
const VDSO = 0x7ffff7fc8000;
const STACK = 0x7ffffffde000;
const TASK = 2 ** 47 - 4096;
const PAGE = 4096;
const ANON = MAP.PRIVATE | MAP.ANONYMOUS;
const RW = PROT.READ | PROT.WRITE;
const MOVE = MREMAP.MAYMOVE;
const FIXED = MREMAP.MAYMOVE | MREMAP.FIXED;
const RO_FILE: MappedFile = { path: '/tmp/ro', dev: 'fe:00', inode: 8, writable: false, size: 1 << 20 };

const space = (backend: BackendName, options: SpaceOptions = {}): AddressSpace =>
  layoutSpace(LAYOUT, backend, options);

const line = (mm: AddressSpace, addr: number): string | undefined =>
  mm
    .procMaps()
    .split('\n')
    .find((l) => l.startsWith(addr.toString(16).padStart(8, '0')));

describe.each<BackendName>(['maple', 'legacy'])('mprotect: do_mprotect_pkey order (%s)', (backend) => {
  it('both grows bits, then alignment, then a zero length, then the end wrapping, then arch_validate_prot', () => {
    const mm = space(backend);
    refused(mm, (m) => m.mprotect(A, 0, PROT.READ | PROT.GROWSDOWN | PROT.GROWSUP), EINVAL); // not 0
    refused(mm, (m) => m.mprotect(A + 1, 0, PROT.READ), EINVAL); // alignment before the zero length
    expect(mm.mprotect(0x10000, 0, 0x40)).toBe(0); // a zero length succeeds before prot is looked at
    refused(mm, (m) => m.mprotect(A, 2 ** 64 - 2048, 0x40), ENOMEM); // end <= start before the prot bits
    refused(mm, (m) => m.mprotect(A, 2 ** 64 - A, PROT.READ), ENOMEM); // end wraps to 0
    refused(mm, (m) => m.mprotect(0x10000, PAGE, 0x40), EINVAL); // bad prot before the hole
    refused(mm, (m) => m.mprotect(A, PAGE, 2 ** 32 + PROT.READ), EINVAL); // a bit above 31 is unknown too
    expect(mm.mprotect(A, PAGE, PROT.READ | PROT.SEM)).toBe(0); // PROT_SEM is allowed and ignored
    expect(line(mm, A)).toMatch(/ r--p /);
  });

  it('a range starting in a hole is ENOMEM and changes nothing, even when it reaches a VMA', () => {
    const mm = space(backend);
    refused(mm, (m) => m.mprotect(0x10000, PAGE, PROT.READ), ENOMEM);
    refused(mm, (m) => m.mprotect(A - PAGE, 2 * PAGE, PROT.READ), ENOMEM);
    refused(mm, (m) => m.mprotect(A - PAGE, 2 * PAGE, PROT.READ | PROT.GROWSUP), ENOMEM); // vm_start > start first
  });

  it('PROT_GROWSDOWN needs a grows-down VMA and reaches down to its start; PROT_GROWSUP is always EINVAL here', () => {
    const mm = space(backend);
    refused(mm, (m) => m.mprotect(A + PAGE, PAGE, PROT.READ | PROT.GROWSDOWN), EINVAL);
    refused(mm, (m) => m.mprotect(A, PAGE, PROT.READ | PROT.GROWSUP), EINVAL);
    refused(mm, (m) => m.mprotect(0x10000, PAGE, PROT.READ | PROT.GROWSDOWN), ENOMEM); // no VMA in range
    expect(mm.mprotect(STACK + 2 * PAGE, PAGE, PROT.READ | PROT.GROWSDOWN)).toBe(0);
    expect(line(mm, STACK)).toMatch(/^7ffffffde000-7ffffffe1000 r--p /);
    expect(line(mm, STACK + 3 * PAGE)).toMatch(/^7ffffffe1000-7ffffffff000 rw-p /);
    mm.validate();
  });

  it('EACCES where VM_MAY* forbids a bit, after the pieces before it were changed', () => {
    const mm = space(backend);
    refused(mm, (m) => m.mprotect(VVAR, PAGE, RW), EACCES); // [vvar] has no VM_MAYWRITE
    refused(mm, (m) => m.mprotect(VVAR, PAGE, PROT.READ | PROT.EXEC), EACCES); // nor VM_MAYEXEC
    const x = 0x40000000;
    expect(mm.mmap(x, PAGE, PROT.READ, ANON | MAP.FIXED)).toBe(x);
    expect(mm.mmap(x + PAGE, PAGE, PROT.READ, MAP.SHARED | MAP.FIXED, RO_FILE)).toBe(x + PAGE);
    expect(mm.mprotect(x, 2 * PAGE, RW)).toBe(-EACCES);
    expect(line(mm, x)).toMatch(/ rw-p /);
    expect(line(mm, x + PAGE)).toMatch(/ r--s /);
    mm.validate();
  });

  it('a hole in the middle: ENOMEM after the part before it, nothing after it', () => {
    const mm = space(backend);
    const x = 0x40000000;
    mm.mmap(x, PAGE, RW, ANON | MAP.FIXED);
    mm.mmap(x + 2 * PAGE, PAGE, RW, ANON | MAP.FIXED);
    expect(mm.mprotect(x, 3 * PAGE, PROT.READ)).toBe(-ENOMEM);
    expect(line(mm, x)).toMatch(/ r--p /);
    expect(line(mm, x + 2 * PAGE)).toMatch(/ rw-p /);
    // Arguments a C caller could not pass.
    for (const v of [Number.NaN, -4096, 0.5, 2 ** 64, '1', undefined]) {
      refused(mm, (m) => m.mprotect(v as number, PAGE, PROT.READ), EINVAL);
      refused(mm, (m) => m.mprotect(A, v as number, PROT.READ), EINVAL);
      refused(mm, (m) => m.mprotect(A, PAGE, v as number), EINVAL);
    }
  });
});

describe.each<BackendName>(['maple', 'legacy'])('mremap: check_mremap_params order (%s)', (backend) => {
  it('flags, then the old address alignment, then the new length', () => {
    const mm = space(backend);
    refused(mm, (m) => m.mremap(A + 1, PAGE, 0, 8), EINVAL);
    refused(mm, (m) => m.mremap(A, PAGE, PAGE, 2 ** 40 + MOVE), EINVAL); // flags above bit 31
    refused(mm, (m) => m.mremap(A + 1, PAGE, 0, MOVE), EINVAL);
    refused(mm, (m) => m.mremap(0x10000, PAGE, 0, MOVE), EINVAL); // no VMA, but new_len 0 first
    refused(mm, (m) => m.mremap(0x10000, PAGE, 2 ** 64 - 2048, MOVE), EINVAL); // PAGE_ALIGN(new_len) is 0
    refused(mm, (m) => m.mremap(0x10000, PAGE, TASK + PAGE, MOVE), EINVAL); // new_len > TASK_SIZE
    refused(mm, (m) => m.mremap(0x10000, PAGE, 2 * PAGE, MOVE), EFAULT); // all good: then no VMA
  });

  it('with a new address: its range, its alignment, MAYMOVE, DONTUNMAP sizes, overlap, then the map count', () => {
    const mm = space(backend);
    refused(mm, (m) => m.mremap(A, PAGE, PAGE, FIXED, TASK), EINVAL); // new_addr > TASK_SIZE - new_len
    refused(mm, (m) => m.mremap(A, PAGE, PAGE, FIXED, 0x40000001), EINVAL);
    refused(mm, (m) => m.mremap(A, PAGE, PAGE, MREMAP.FIXED, 0x40000000), EINVAL); // no MAYMOVE
    refused(mm, (m) => m.mremap(A, PAGE, PAGE, MREMAP.DONTUNMAP, 0x40000000), EINVAL); // no MAYMOVE
    refused(mm, (m) => m.mremap(A, PAGE, 2 * PAGE, MOVE | MREMAP.DONTUNMAP), EINVAL); // resizes
    refused(mm, (m) => m.mremap(A, 2 * PAGE, 2 * PAGE, FIXED, A + PAGE), EINVAL); // overlaps
    refused(mm, (m) => m.mremap(A + PAGE, PAGE, 2 * PAGE, FIXED, A), EINVAL); // overlaps from below
    // map_count + 2 >= max_map_count - 3 (6 + 2 >= 11 - 3): ENOMEM before the source is looked up.
    const full = space(backend, { maxMapCount: 11 });
    refused(full, (m) => m.mremap(0x10000, PAGE, PAGE, FIXED, 0x40000000), ENOMEM);
    const roomy = space(backend, { maxMapCount: 12 });
    refused(roomy, (m) => m.mremap(0x10000, PAGE, 2 * PAGE, FIXED, 0x40000000), EFAULT);
    // Without a new address the map count is not checked up front.
    refused(full, (m) => m.mremap(0x10000, PAGE, 2 * PAGE, MOVE), EFAULT);
  });

  it('check_prep_vma: old_len 0 duplicates only shared mappings; a length that rounds to 0 counts as 0', () => {
    const mm = space(backend);
    refused(mm, (m) => m.mremap(A, 0, PAGE, MOVE), EINVAL);
    refused(mm, (m) => m.mremap(A, 0, PAGE, 0), EINVAL);
    refused(mm, (m) => m.mremap(A, 0, PAGE, FIXED, 0x40000000), EINVAL);
    // PAGE_ALIGN(2^64 - 2048) wraps to 0: the same answer as old_len 0, not a shrink of everything above A.
    refused(mm, (m) => m.mremap(A, 2 ** 64 - 2048, PAGE, 0), EINVAL);
    refused(mm, (m) => m.mremap(A, (2n ** 64n - 1n) as unknown as number, PAGE, MOVE), EINVAL);
    const s = mm.mmap(0, 2 * PAGE, RW, MAP.SHARED | MAP.ANONYMOUS);
    const count = mm.mapCount;
    const dup = mm.mremap(s, 2 ** 64 - 2048, PAGE, MOVE);
    expect(dup).toBeGreaterThan(0);
    expect(dup).not.toBe(s);
    expect(mm.vmaLookup(s)!.end).toBe(s + 2 * PAGE); // the original stays whole
    expect(mm.mapCount).toBe(count + 1);
    mm.validate();
  });

  it('check_prep_vma: DONTUNMAP on a special mapping, ranges past the VMA, growing a special or locked one', () => {
    const mm = space(backend, { memlockRlimit: 4 * PAGE });
    refused(mm, (m) => m.mremap(VDSO, 2 * PAGE, 2 * PAGE, MOVE | MREMAP.DONTUNMAP), EINVAL);
    refused(mm, (m) => m.mremap(A, 4 * PAGE, 4 * PAGE, MOVE | MREMAP.DONTUNMAP), EFAULT);
    refused(mm, (m) => m.mremap(A, 4 * PAGE, 5 * PAGE, MOVE), EFAULT); // runs past the VMA
    refused(mm, (m) => m.mremap(VDSO, 2 * PAGE, 3 * PAGE, MOVE), EFAULT); // VM_DONTEXPAND
    refused(mm, (m) => m.mremap(A, PAGE, 2 * PAGE, 0), ENOMEM); // in the middle: cannot grow in place
    const l = mm.mmap(0x40000000, 3 * PAGE, RW, ANON | MAP.FIXED | MAP.LOCKED);
    expect(l).toBe(0x40000000);
    refused(mm, (m) => m.mremap(l, 3 * PAGE, 5 * PAGE, MOVE), EAGAIN); // mlock_future_ok on the growth
    expect(mm.mremap(l, 3 * PAGE, 4 * PAGE, MOVE)).toBe(l);
    expect(mm.lockedVm).toBe(4);
    // A shrink may cross VMA boundaries: only [addr + new_len, addr + old_len) is unmapped.
    expect(mm.mremap(A, 0x200000, PAGE, 0)).toBe(A);
    expect(line(mm, A)).toMatch(/^7ffff7dd2000-7ffff7dd3000 /);
    expect(line(mm, VDSO)).toBeUndefined(); // inside the shrunk range: unmapped whole
    mm.validate();
  });

  it('arguments a C caller could not pass are EINVAL and change nothing', () => {
    const mm = space(backend);
    for (const v of [Number.NaN, -4096, 0.5, 2 ** 64, '4096', {}, -1n, 2n ** 64n]) {
      const x = v as number;
      refused(mm, (m) => m.mremap(x, PAGE, 2 * PAGE, MOVE), EINVAL);
      refused(mm, (m) => m.mremap(A, x, 2 * PAGE, MOVE), EINVAL);
      refused(mm, (m) => m.mremap(A, PAGE, x, MOVE), EINVAL);
      refused(mm, (m) => m.mremap(A, PAGE, 2 * PAGE, x), EINVAL);
      refused(mm, (m) => m.mremap(A, PAGE, PAGE, FIXED, x), EINVAL);
    }
    expect(mm.mremap(A, 4096n as unknown as number, 4096n as unknown as number, 0)).toBe(A); // bigints are fine
  });

  it('a special mapping moves only whole; shrinking it would split it (EINVAL)', () => {
    const mm = space(backend);
    refused(mm, (m) => m.mremap(VDSO, 2 * PAGE, PAGE, 0), EINVAL);
    refused(mm, (m) => m.mremap(VDSO, PAGE, PAGE, FIXED, 0x40000000), EINVAL);
    refused(mm, (m) => m.mremap(A, PAGE, PAGE, FIXED, VDSO + PAGE), EINVAL); // the target split fails
    expect(mm.mremap(VDSO, 2 * PAGE, 2 * PAGE, FIXED, 0x40000000)).toBe(0x40000000);
    expect(line(mm, 0x40000000)).toMatch(/\[vdso\]$/);
    mm.validate();
  });
});
