// hugetlbfs mappings with no huge pages reserved: MAP_NORESERVE reserves none, so anonymous MAP_HUGETLB
// memory and a hugetlbfs file map although no huge page exists, as Linux 6.18 answered a recorded test
// program (tools/recorder/programs/hugenr.c, fixture rec-real-hugenr); the VMAs then split, move and advise
// only in whole huge pages, and faulting them in fails.
import { describe, expect, it } from 'vitest';
import {
  type BackendName,
  EFAULT,
  EINVAL,
  ENOMEM,
  MADV,
  MADV_PAGE,
  MADV_POPULATE,
  MAP,
  type MappedFile,
  MREMAP,
  PROT,
  VM_HUGETLB,
} from '../src/index.js';
import { progSpace } from './fixtures.js';

const PAGE = 0x1000;
const HUGE = 0x200000;
const X = 0x7fff00000000; // huge-page aligned, far below the mmap base
const RW = PROT.READ | PROT.WRITE;
const HUGE_ANON = MAP.PRIVATE | MAP.ANONYMOUS | MAP.HUGETLB | MAP.NORESERVE;
const DEV = '00:11';
const HUGE_FILE: MappedFile = {
  path: '/memfd:huge (deleted)',
  dev: DEV,
  inode: 7,
  size: 8 * HUGE,
  hugetlb: true,
};

const space = (backend: BackendName) => progSpace(backend, { hugetlbfsDev: DEV });
const lines = (mm: ReturnType<typeof space>) => mm.procMaps().split('\n');

describe.each<BackendName>(['maple', 'legacy'])('hugetlb mappings on the %s backend', (backend) => {
  it('MAP_NORESERVE maps anonymous MAP_HUGETLB memory as a hugetlbfs file of its own, huge-page aligned', () => {
    const mm = space(backend);
    const a = mm.mmap(0, PAGE, RW, HUGE_ANON);
    expect(a % HUGE).toBe(0);
    expect(mm.findVma(a)?.end).toBe(a + HUGE); // the length is rounded up to a huge page
    expect(mm.findVma(a)!.flags & VM_HUGETLB).toBe(VM_HUGETLB);
    // A hint is rounded up to a huge page; two mappings side by side never merge.
    expect(mm.mmap(X + 5 * PAGE, HUGE, RW, HUGE_ANON)).toBe(X + HUGE);
    expect(mm.mmap(X, HUGE, RW, HUGE_ANON | MAP.FIXED)).toBe(X);
    expect(lines(mm).filter((l) => l.endsWith('/anon_hugepage (deleted)'))).toHaveLength(3);
    const line = lines(mm).find((l) =>
      l.startsWith(`${(X + HUGE).toString(16)}-${(X + 2 * HUGE).toString(16)} `),
    );
    expect(line?.split(/ +/)).toEqual([
      `${(X + HUGE).toString(16)}-${(X + 2 * HUGE).toString(16)}`,
      'rw-p',
      '00000000',
      DEV,
      '2',
      '/anon_hugepage',
      '(deleted)',
    ]);
    // Without MAP_NORESERVE the reservation finds no page: ENOMEM, after a MAP_FIXED cleared its range.
    mm.mmap(X + 4 * HUGE, PAGE, RW, MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED);
    expect(mm.mmap(X + 4 * HUGE, HUGE, RW, MAP.PRIVATE | MAP.ANONYMOUS | MAP.HUGETLB | MAP.FIXED)).toBe(
      -ENOMEM,
    );
    expect(mm.findVma(X + 4 * HUGE)?.start).toBeGreaterThan(X + 4 * HUGE); // find_vma: the next one
    // Refused: an unaligned MAP_FIXED, an unaligned offset, grows-down memory.
    expect(mm.mmap(X + 6 * HUGE + PAGE, HUGE, RW, HUGE_ANON | MAP.FIXED)).toBe(-EINVAL);
    expect(mm.mmap(0, HUGE, RW, HUGE_ANON, null, 3 * PAGE)).toBe(-EINVAL);
    expect(mm.mmap(0, HUGE, RW, HUGE_ANON | MAP.GROWSDOWN)).toBe(-EINVAL);
    // MAP_LOCKED is accepted but a hugetlb VMA is never locked.
    const locked = mm.mmap(0, HUGE, RW, HUGE_ANON | MAP.LOCKED);
    expect(locked).toBeGreaterThan(0);
    expect(mm.lockedVm).toBe(0);
    mm.validate();
  });

  it('splits only at huge page boundaries; munmap keeps a start split the end split refused', () => {
    const mm = space(backend);
    expect(mm.mmap(X, 4 * HUGE, PROT.READ, HUGE_ANON | MAP.FIXED)).toBe(X);
    expect(mm.munmap(X + PAGE, PAGE)).toBe(-EINVAL);
    expect(mm.mprotect(X + HUGE + PAGE, PAGE, RW)).toBe(-EINVAL);
    expect(mm.madvise(X + 2 * HUGE + PAGE, PAGE, MADV.DONTFORK)).toBe(-EINVAL);
    expect(lines(mm).filter((l) => l.includes('anon_hugepage'))).toHaveLength(1);
    // The cut at an aligned start is made before the one at an unaligned end is refused, and stays.
    expect(mm.munmap(X + 3 * HUGE, PAGE)).toBe(-EINVAL);
    expect(mm.findVma(X)?.end).toBe(X + 3 * HUGE);
    expect(mm.mprotect(X + HUGE, PAGE, RW)).toBe(-EINVAL);
    expect(mm.findVma(X)?.end).toBe(X + HUGE);
    expect(mm.mprotect(X + HUGE, HUGE, RW)).toBe(0);
    expect(mm.munmap(X + 3 * HUGE, HUGE)).toBe(0);
    expect(lines(mm).filter((l) => l.includes('anon_hugepage'))).toHaveLength(3);
    expect(mm.findVma(X + HUGE)?.end).toBe(X + 2 * HUGE); // RW now, between two read-only pieces
    mm.validate();
  });

  it('advice and locking: no huge page can be faulted in', () => {
    const mm = space(backend);
    mm.mmap(X, 2 * HUGE, RW, HUGE_ANON | MAP.FIXED);
    const before = mm.procMaps();
    expect(mm.madvise(X + PAGE, PAGE, MADV_PAGE.DONTNEED)).toBe(-EINVAL); // from a huge page boundary only
    expect(mm.madvise(X, PAGE, MADV_PAGE.DONTNEED)).toBe(0);
    expect(mm.madvise(X, HUGE, MADV_PAGE.FREE)).toBe(-EINVAL);
    expect(mm.madvise(X, HUGE, MADV_PAGE.COLD)).toBe(-EINVAL);
    expect(mm.madvise(X, HUGE, MADV_POPULATE.WRITE)).toBe(-EFAULT);
    expect(mm.mlock(X, HUGE)).toBe(-ENOMEM);
    expect(mm.lockedVm).toBe(0);
    expect(mm.procMaps()).toBe(before);
    // DONTDUMP splits; DODUMP is allowed on hugetlb memory (special otherwise), and nothing merges back.
    expect(mm.madvise(X, HUGE, MADV.DONTDUMP)).toBe(0);
    expect(mm.madvise(X, 2 * HUGE, MADV.DODUMP)).toBe(0);
    expect(mm.findVma(X)?.end).toBe(X + HUGE);
  });

  it('mremap: whole huge pages, aligned addresses, never larger', () => {
    const mm = space(backend);
    mm.mmap(X, 4 * HUGE, RW, HUGE_ANON | MAP.FIXED);
    expect(mm.mremap(X, 4 * HUGE, 5 * HUGE, MREMAP.MAYMOVE)).toBe(-EINVAL);
    expect(mm.mremap(X + PAGE, PAGE, PAGE, MREMAP.MAYMOVE)).toBe(-EINVAL);
    expect(mm.mremap(X, 4 * HUGE - PAGE, 3 * HUGE + PAGE, 0)).toBe(X); // both round up to 4 huge pages
    expect(mm.findVma(X)?.end).toBe(X + 4 * HUGE);
    expect(mm.mremap(X, 4 * HUGE, 3 * HUGE, 0)).toBe(X);
    expect(mm.mremap(X, HUGE, HUGE, MREMAP.MAYMOVE | MREMAP.FIXED, X + 20 * HUGE + PAGE)).toBe(-EINVAL);
    expect(mm.mremap(X + HUGE, PAGE, PAGE, MREMAP.MAYMOVE | MREMAP.FIXED, X + 24 * HUGE)).toBe(X + 24 * HUGE);
    expect(mm.findVma(X + 24 * HUGE)?.end).toBe(X + 25 * HUGE); // a whole huge page moved
    expect(mm.mremap(X + 2 * HUGE, HUGE, HUGE, MREMAP.MAYMOVE | MREMAP.DONTUNMAP)).toBe(-EINVAL);
    // A shrinking move is no growth: VM_DONTEXPAND does not stop it (rec-legacy-922, op 645).
    mm.mmap(X + 40 * HUGE, 2 * HUGE, RW, HUGE_ANON | MAP.FIXED);
    expect(
      mm.mremap(X + 40 * HUGE, 2 * HUGE - PAGE, HUGE / 2, MREMAP.MAYMOVE | MREMAP.FIXED, X + 60 * HUGE),
    ).toBe(X + 60 * HUGE);
    expect(mm.findVma(X + 60 * HUGE)?.end).toBe(X + 61 * HUGE);
    expect(mm.findVma(X + 40 * HUGE)?.start).toBe(X + 60 * HUGE); // the rest was unmapped
    mm.validate();
  });

  it('MAP_HUGE_<size> asks for a pool the kernel has (hugePageSizes); its page size rules the mapping', () => {
    const GIANT = 2 ** 30;
    const huge1g = HUGE_ANON | (30 << 26);
    expect(space(backend).mmap(0, PAGE, RW, huge1g)).toBe(-EINVAL); // default: 2 MiB pages only
    const mm = progSpace(backend, { hugetlbfsDev: DEV, hugePageSizes: [HUGE, GIANT] });
    const g = mm.mmap(0, PAGE, RW, huge1g);
    expect(g % GIANT).toBe(0);
    expect(mm.findVma(g)?.end).toBe(g + GIANT);
    expect(mm.mmap(0, HUGE, RW, HUGE_ANON | (25 << 26))).toBe(-EINVAL); // no 32 MiB pool
    expect(mm.mmap(0, GIANT, RW, (huge1g & ~MAP.NORESERVE) >>> 0)).toBe(-ENOMEM);
    expect(mm.munmap(g + HUGE, HUGE)).toBe(-EINVAL); // 2 MiB boundaries are not 1 GiB ones
    expect(mm.madvise(g + HUGE, PAGE, MADV_PAGE.DONTNEED)).toBe(-EINVAL);
    expect(mm.mremap(g, GIANT, HUGE, 0)).toBe(g); // rounds up to one 1 GiB page: no change
    expect(mm.findVma(g)?.end).toBe(g + GIANT);
    // A memfd of 1 GiB pages (its open record's huge_page_size): offsets in whole 1 GiB pages.
    const giantFile: MappedFile = { ...HUGE_FILE, inode: 8, hugePageSize: GIANT };
    expect(mm.mmap(0, HUGE, PROT.READ, MAP.SHARED | MAP.NORESERVE, giantFile, HUGE)).toBe(-EINVAL);
    const f = mm.mmap(0, HUGE, PROT.READ, MAP.SHARED | MAP.NORESERVE, giantFile, 0);
    expect(f % GIANT).toBe(0);
    expect(mm.findVma(f)?.end).toBe(f + GIANT);
    expect(() => progSpace(backend, { hugePageSizes: [3 << 20] })).toThrow(TypeError);
    mm.validate();
  });

  it('a hugetlbfs file maps whole huge pages at aligned offsets, only with MAP_NORESERVE', () => {
    const mm = space(backend);
    expect(mm.mmap(0, HUGE, RW, MAP.SHARED, HUGE_FILE, 0)).toBe(-ENOMEM);
    expect(mm.mmap(0, HUGE, RW, MAP.PRIVATE | MAP.NORESERVE, HUGE_FILE, PAGE)).toBe(-EINVAL);
    expect(mm.mmap(X, HUGE, RW, MAP.SHARED | MAP.NORESERVE | MAP.FIXED, HUGE_FILE, 0)).toBe(X);
    // The next huge page of the same file right after it: still no merge (VM_DONTEXPAND).
    expect(mm.mmap(X + HUGE, PAGE, RW, MAP.SHARED | MAP.NORESERVE | MAP.FIXED, HUGE_FILE, HUGE)).toBe(
      X + HUGE,
    );
    expect(mm.findVma(X)?.end).toBe(X + HUGE);
    expect(mm.findVma(X + HUGE)?.end).toBe(X + 2 * HUGE);
    expect(lines(mm).filter((l) => l.endsWith('/memfd:huge (deleted)'))).toHaveLength(2);
    mm.validate();
  });
});
