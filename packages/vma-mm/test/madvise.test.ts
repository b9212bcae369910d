// madvise with advice that changes VMA flags, as a recorded test program showed Linux 6.18 doing it: each piece
// of the range splits off and takes its flags (merging back when they match again), unmapped parts give ENOMEM,
// advice that does not apply to a VMA gives EINVAL, the vDSO data pages are I/O memory, and fork leaves out
// what MADV_DONTFORK marked. Guard regions (MADV_GUARD_INSTALL / REMOVE) answer the same way, and an install
// gives anonymous memory its anon_vma (tools/recorder/programs/guards.c).
import { describe, expect, it } from 'vitest';
import {
  type AddressSpace,
  type BackendName,
  EACCES,
  EAGAIN,
  EFAULT,
  EINVAL,
  ENOMEM,
  MADV,
  MADV_GUARD,
  MADV_POPULATE,
  MAP,
  MREMAP,
  PROT,
  replayTrace,
  VM_DONTCOPY,
  VM_HUGEPAGE,
  VM_MERGEABLE,
  VM_NOHUGEPAGE,
  VM_WIPEONFORK,
} from '../src/index.js';
import { hex, mmapOp, PROG_LAYOUT, progSpace, syntheticTrace } from './fixtures.js';

const PAGE = 0x1000;
const ANON = MAP.PRIVATE | MAP.ANONYMOUS;
const RW = PROT.READ | PROT.WRITE;
const X = 0x20000000;

/** [start, end) of each VMA in [lo, hi), in pages from `lo`. */
function pieces(mm: AddressSpace, lo: number, hi: number): [number, number][] {
  return [...mm.vmas(lo, hi)].map((v) => [(v.start - lo) / PAGE, (v.end - lo) / PAGE]);
}

/** PROG_LAYOUT with the vDSO data pages below [vdso], as Linux 6.18 lays them out. */
const WITH_VVAR = PROG_LAYOUT.replace(
  '7ffff7fc8000-7ffff7fca000 r-xp',
  [
    '7ffff7fc2000-7ffff7fc6000 r--p 00000000 00:00 0                          [vvar]',
    '7ffff7fc6000-7ffff7fc8000 r--p 00000000 00:00 0                          [vvar_vclock]',
    '7ffff7fc8000-7ffff7fca000 r-xp',
  ].join('\n'),
);
const VVAR = 0x7ffff7fc2000;

describe.each<BackendName>(['maple', 'legacy'])('madvise on the %s backend', (backend) => {
  it('splits off the pieces it marks, merges them back when the flags match again', () => {
    const mm = progSpace(backend);
    expect(mm.mmap(X, 16 * PAGE, RW, ANON | MAP.FIXED)).toBe(X);
    expect(mm.madvise(X + 4 * PAGE, 4 * PAGE, MADV.DONTFORK)).toBe(0);
    expect(pieces(mm, X, X + 16 * PAGE)).toEqual([
      [0, 4],
      [4, 8],
      [8, 16],
    ]);
    expect(mm.vmaLookup(X + 4 * PAGE)!.flags & VM_DONTCOPY).toBe(VM_DONTCOPY);
    expect(mm.madvise(X + 4 * PAGE, 2 * PAGE, MADV.DOFORK)).toBe(0);
    expect(mm.madvise(X + 6 * PAGE, 2 * PAGE, MADV.DOFORK)).toBe(0);
    expect(pieces(mm, X, X + 16 * PAGE)).toEqual([[0, 16]]);
    expect(mm.madvise(X + 2 * PAGE, 4 * PAGE, MADV.HUGEPAGE)).toBe(0);
    expect(mm.madvise(X + 4 * PAGE, 4 * PAGE, MADV.NOHUGEPAGE)).toBe(0);
    expect([...mm.vmas(X, X + 16 * PAGE)].map((v) => v.flags & (VM_HUGEPAGE | VM_NOHUGEPAGE))).toEqual([
      0,
      VM_HUGEPAGE,
      VM_NOHUGEPAGE,
      0,
    ]);
    mm.validate();
  });

  it('keeps a marked VMA apart from a new neighbour that would otherwise merge with it', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 4 * PAGE, RW, ANON | MAP.FIXED);
    mm.mmap(X + 4 * PAGE, 4 * PAGE, RW, ANON | MAP.FIXED);
    expect(pieces(mm, X, X + 8 * PAGE)).toEqual([[0, 8]]);
    expect(mm.madvise(X, 8 * PAGE, MADV.DONTFORK)).toBe(0);
    mm.mmap(X + 8 * PAGE, 4 * PAGE, RW, ANON | MAP.FIXED);
    expect(pieces(mm, X, X + 12 * PAGE)).toEqual([
      [0, 8],
      [8, 12],
    ]);
  });

  it('answers EINVAL for bad arguments, ENOMEM for unmapped parts (changing the mapped ones)', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 16 * PAGE, RW, ANON | MAP.FIXED);
    expect(mm.madvise(X + 1, PAGE, MADV.DONTFORK)).toBe(-EINVAL);
    expect(mm.madvise(X, 2 ** 64 - PAGE, MADV.DONTFORK)).toBe(-EINVAL);
    expect(mm.madvise(X, 0, MADV.DONTFORK)).toBe(0);
    expect(mm.madvise(X + 32 * PAGE, PAGE, MADV.DONTFORK)).toBe(-ENOMEM);
    mm.munmap(X + 6 * PAGE, 2 * PAGE);
    expect(mm.madvise(X + 4 * PAGE, 6 * PAGE, MADV.DONTDUMP)).toBe(-ENOMEM);
    expect(pieces(mm, X, X + 16 * PAGE)).toEqual([
      [0, 4],
      [4, 6],
      [8, 10],
      [10, 16],
    ]);
    // The same advice again changes nothing and splits nothing.
    expect(mm.madvise(X + 4 * PAGE, 2 * PAGE, MADV.DONTDUMP)).toBe(0);
    expect(pieces(mm, X, X + 16 * PAGE)).toHaveLength(4);
    expect(() => mm.madvise(X, PAGE, 25)).toThrow(RangeError);
    mm.validate();
  });

  it('refuses advice that does not fit the VMA, and ignores KSM advice on shared memory', () => {
    const mm = progSpace(backend);
    const file = { path: '/tmp/f', dev: 'fe:00', inode: 5 };
    const f = mm.mmap(0, 4 * PAGE, PROT.READ, MAP.PRIVATE, file);
    const s = mm.mmap(0, 4 * PAGE, RW, MAP.SHARED | MAP.ANONYMOUS);
    const a = mm.mmap(X, 4 * PAGE, RW, ANON | MAP.FIXED);
    expect(mm.madvise(f, PAGE, MADV.WIPEONFORK)).toBe(-EINVAL);
    expect(mm.madvise(s, PAGE, MADV.WIPEONFORK)).toBe(-EINVAL);
    expect(mm.madvise(a, PAGE, MADV.WIPEONFORK)).toBe(0);
    expect(mm.vmaLookup(a)!.flags & VM_WIPEONFORK).toBe(VM_WIPEONFORK);
    expect(mm.madvise(s, PAGE, MADV.MERGEABLE)).toBe(0);
    expect(pieces(mm, s, s + 4 * PAGE)).toEqual([[0, 4]]);
    expect(mm.madvise(a + 2 * PAGE, PAGE, MADV.MERGEABLE)).toBe(0);
    expect(mm.vmaLookup(a + 2 * PAGE)!.flags & VM_MERGEABLE).toBe(VM_MERGEABLE);
    expect(mm.madvise(f, PAGE, MADV.SEQUENTIAL)).toBe(0);
    expect(pieces(mm, f, f + 4 * PAGE)).toEqual([
      [0, 1],
      [1, 4],
    ]);
  });

  it('treats [vvar] as I/O memory and never splits the vDSO', () => {
    const mm = progSpace(backend, {}, WITH_VVAR);
    expect(mm.mprotect(VVAR, 4 * PAGE, RW)).toBe(-EACCES);
    expect(mm.mprotect(VVAR, 4 * PAGE, PROT.READ | PROT.EXEC)).toBe(-EACCES);
    expect(mm.madvise(VVAR, 4 * PAGE, MADV.DOFORK)).toBe(-EINVAL);
    expect(mm.madvise(VVAR, 4 * PAGE, MADV.DODUMP)).toBe(-EINVAL);
    // Already never dumped: nothing to change, so no split either.
    expect(mm.madvise(VVAR, PAGE, MADV.DONTDUMP)).toBe(0);
    expect(mm.madvise(0x7ffff7fc8000, PAGE, MADV.DONTFORK)).toBe(-EINVAL);
    expect(mm.madvise(0x7ffff7fc8000, 2 * PAGE, MADV.DONTFORK)).toBe(0);
    expect(mm.mprotect(0x7ffff7fc8000, 2 * PAGE, RW | PROT.EXEC)).toBe(0);
    expect(mm.mapCount).toBe(progSpace(backend, {}, WITH_VVAR).mapCount);
  });

  it('answers EAGAIN when a split would pass vm.max_map_count', () => {
    const mm = progSpace(backend, { maxMapCount: 8 });
    mm.mmap(X, 16 * PAGE, RW, ANON | MAP.FIXED);
    while (mm.mapCount < 8) mm.mmap(X + 64 * PAGE * mm.mapCount, PAGE, PROT.READ, ANON | MAP.FIXED);
    expect(mm.madvise(X + PAGE, PAGE, MADV.DONTFORK)).toBe(-EAGAIN);
    expect(mm.madvise(X, 16 * PAGE, MADV.DONTFORK)).toBe(0);
  });

  it('leaves VM_DONTCOPY VMAs out of a fork', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 8 * PAGE, RW, ANON | MAP.FIXED);
    mm.madvise(X, 4 * PAGE, MADV.DONTFORK);
    const child = mm.fork();
    expect(pieces(child, X, X + 8 * PAGE)).toEqual([[4, 8]]);
    expect(child.mapCount).toBe(mm.mapCount - 1);
    child.validate();
  });

  it('is replayed from a trace, page advice answered too', () => {
    const ops = [
      mmapOp(X, 8 * PAGE, 'rw-', ['PRIVATE', 'ANONYMOUS', 'FIXED'], -1),
      { op: 'madvise', args: [hex(X), hex(PAGE), '0xa', '0x0', '0x0', '0x0'] },
      { op: 'madvise', args: [hex(X), hex(PAGE), '0x4', '0x0', '0x0', '0x0'] },
      { op: 'madvise', args: [hex(X + 1), hex(PAGE), '0x10', '0x0', '0x0', '0x0'] },
    ];
    const answers: (number | undefined)[] = [];
    const r = replayTrace(syntheticTrace(ops, { mmap_min_addr: PAGE }), {
      backend,
      onRecord: (e) => {
        if (e.kind === 'op') answers.push(e.answer);
      },
    });
    expect(answers).toEqual([X, 0, 0, -EINVAL]);
    expect(r.answered).toBe(4);
    expect(pieces(r.mm, X, X + 8 * PAGE)).toEqual([
      [0, 1],
      [1, 8],
    ]);
  });
});

describe.each<BackendName>(['maple', 'legacy'])('guard regions on the %s backend', (backend) => {
  const { INSTALL, REMOVE } = MADV_GUARD;

  it('an install gives anonymous memory its anon_vma, so a later move keeps its page offset', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 4 * PAGE, RW, ANON | MAP.FIXED);
    expect(mm.madvise(X + PAGE, PAGE, INSTALL)).toBe(0);
    expect(mm.vmaLookup(X)!.anon).not.toBe(0);
    expect(pieces(mm, X, X + 4 * PAGE)).toEqual([[0, 4]]); // the markers leave the VMA whole
    // Moved right after a fresh mapping, it stays apart (without the anon_vma it would merge).
    mm.mmap(X + 16 * PAGE, 4 * PAGE, RW, ANON | MAP.FIXED);
    expect(mm.mremap(X, 4 * PAGE, 4 * PAGE, MREMAP.MAYMOVE | MREMAP.FIXED, X + 20 * PAGE)).toBe(
      X + 20 * PAGE,
    );
    expect(pieces(mm, X + 16 * PAGE, X + 24 * PAGE)).toEqual([
      [0, 4],
      [4, 8],
    ]);
  });

  it('a remove, or an install on a file or shared mapping, gives no anon_vma', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 4 * PAGE, RW, ANON | MAP.FIXED);
    expect(mm.madvise(X, PAGE, REMOVE)).toBe(0);
    const file = { path: '/tmp/f', dev: 'fe:00', inode: 9, size: 64 * PAGE };
    mm.mmap(X + 8 * PAGE, 4 * PAGE, RW, MAP.PRIVATE | MAP.FIXED, file, 0);
    expect(mm.madvise(X + 8 * PAGE, PAGE, INSTALL)).toBe(0);
    mm.mmap(X + 16 * PAGE, 4 * PAGE, RW, MAP.SHARED | MAP.ANONYMOUS | MAP.FIXED);
    expect(mm.madvise(X + 16 * PAGE, PAGE, INSTALL)).toBe(0);
    expect([X, X + 8 * PAGE, X + 16 * PAGE].map((a) => mm.vmaLookup(a)!.anon)).toEqual([0, 0, 0]);
  });

  it('answers as madvise does: EINVAL on locked memory (install) and special mappings, ENOMEM over holes', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 4 * PAGE, PROT.NONE, ANON | MAP.FIXED);
    expect(mm.madvise(X, 4 * PAGE, INSTALL)).toBe(0); // PROT_NONE takes one
    expect(mm.madvise(X + 2 * PAGE, 4 * PAGE, INSTALL)).toBe(-ENOMEM);
    expect(mm.madvise(X - 2 * PAGE, 8 * PAGE, REMOVE)).toBe(-ENOMEM);
    mm.mmap(X + 8 * PAGE, 4 * PAGE, RW, ANON | MAP.FIXED | MAP.LOCKED);
    expect(mm.madvise(X + 8 * PAGE, 4 * PAGE, INSTALL)).toBe(-EINVAL);
    expect(mm.vmaLookup(X + 8 * PAGE)!.anon).not.toBe(0); // faulted in by MAP_LOCKED, not by the install
    expect(mm.madvise(X + 8 * PAGE, 4 * PAGE, REMOVE)).toBe(0);
    const vdso = 0x7ffff7fc8000;
    expect(mm.madvise(vdso, PAGE, INSTALL)).toBe(-EINVAL);
    expect(mm.madvise(vdso, PAGE, REMOVE)).toBe(-EINVAL);
  });
});

describe.each<BackendName>(['maple', 'legacy'])('MADV_POPULATE on the %s backend', (backend) => {
  const { READ, WRITE } = MADV_POPULATE;

  it('a write populate gives private memory its anon_vma, a read populate does not', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 4 * PAGE, RW, ANON | MAP.FIXED);
    mm.mmap(X + 8 * PAGE, 4 * PAGE, RW, ANON | MAP.FIXED);
    expect(mm.madvise(X, 4 * PAGE, READ)).toBe(0);
    expect(mm.vmaLookup(X)!.anon).toBe(0);
    expect(mm.madvise(X + 8 * PAGE, 4 * PAGE, WRITE)).toBe(0);
    expect(mm.vmaLookup(X + 8 * PAGE)!.anon).not.toBe(0);
    mm.mmap(X + 16 * PAGE, 4 * PAGE, RW, MAP.SHARED | MAP.ANONYMOUS | MAP.FIXED);
    expect(mm.madvise(X + 16 * PAGE, 4 * PAGE, WRITE)).toBe(0);
    expect(mm.vmaLookup(X + 16 * PAGE)!.anon).toBe(0); // shared memory has no anonymous pages
  });

  it('answers EINVAL where the access is not allowed and ENOMEM at a hole, after faulting what came before', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 4 * PAGE, PROT.READ, ANON | MAP.FIXED);
    mm.mmap(X + 4 * PAGE, 4 * PAGE, PROT.NONE, ANON | MAP.FIXED);
    expect(mm.madvise(X, 4 * PAGE, WRITE)).toBe(-EINVAL);
    expect(mm.madvise(X, 4 * PAGE, READ)).toBe(0);
    expect(mm.madvise(X, 8 * PAGE, READ)).toBe(-EINVAL);
    expect(mm.madvise(X - 2 * PAGE, 4 * PAGE, READ)).toBe(-ENOMEM);
    mm.mmap(X + 16 * PAGE, 4 * PAGE, RW, ANON | MAP.FIXED);
    expect(mm.madvise(X + 16 * PAGE, 8 * PAGE, WRITE)).toBe(-ENOMEM);
    expect(mm.vmaLookup(X + 16 * PAGE)!.anon).not.toBe(0);
    const vvar = progSpace(backend, {}, WITH_VVAR);
    expect(vvar.madvise(0x7ffff7fc2000, PAGE, READ)).toBe(-EINVAL); // I/O memory
  });

  it('cannot fault a file page past the end of the file (EFAULT), though a write populate still gives the anon_vma', () => {
    const mm = progSpace(backend);
    const file = { path: '/tmp/f', dev: 'fe:00', inode: 9, size: 6 * PAGE };
    mm.mmap(X, 8 * PAGE, RW, MAP.PRIVATE | MAP.FIXED, file, 0);
    expect(mm.madvise(X, 8 * PAGE, READ)).toBe(-EFAULT);
    expect(mm.madvise(X, 6 * PAGE, READ)).toBe(0);
    expect(mm.vmaLookup(X)!.anon).toBe(0);
    expect(mm.madvise(X + 6 * PAGE, 2 * PAGE, WRITE)).toBe(-EFAULT);
    expect(mm.vmaLookup(X)!.anon).not.toBe(0);
  });
});
