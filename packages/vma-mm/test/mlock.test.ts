// Memory locking as a recorded test program (tools/recorder/programs/locks.c) showed Linux 6.18 doing it for an
// unprivileged process with RLIMIT_MEMLOCK 8 MiB: MAP_LOCKED and the growth of a locked mapping refused with
// EAGAIN past the limit, mlock with ENOMEM (pages locked already counted once), pieces split off and merged
// back, holes and PROT_NONE memory answered ENOMEM, special mappings passed over.
import { describe, expect, it } from 'vitest';
import {
  type AddressSpace,
  type BackendName,
  EAGAIN,
  EINVAL,
  ENOMEM,
  EPERM,
  lockedPages,
  MAP,
  MCL,
  MLOCK_ONFAULT,
  MREMAP,
  PROT,
  replayTrace,
} from '../src/index.js';
import { hex, mmapOp, progSpace, syntheticTrace } from './fixtures.js';

const PAGE = 0x1000;
const MB = 0x100000;
const ANON = MAP.PRIVATE | MAP.ANONYMOUS;
const RW = PROT.READ | PROT.WRITE;
const X = 0x20000000;
const VM_LOCKED = 0x2000;
const VM_LOCKONFAULT = 0x80000;

/** [start, end) of each VMA in [lo, hi), in pages from `lo`, with its lock bits. */
function pieces(mm: AddressSpace, lo: number, hi: number): [number, number, number][] {
  return [...mm.vmas(lo, hi)].map((v) => [
    (v.start - lo) / PAGE,
    (v.end - lo) / PAGE,
    v.flags & (VM_LOCKED | VM_LOCKONFAULT),
  ]);
}

const limited = (backend: BackendName): AddressSpace => progSpace(backend, { memlockRlimit: 8 * MB });

describe.each<BackendName>(['maple', 'legacy'])('memory locking on the %s backend', (backend) => {
  it('keeps MAP_LOCKED and the growth of a locked mapping within RLIMIT_MEMLOCK (EAGAIN)', () => {
    const mm = limited(backend);
    expect(mm.mmap(0, 16 * MB, PROT.READ, ANON | MAP.LOCKED)).toBe(-EAGAIN);
    const l = mm.mmap(X, 4 * MB, PROT.READ, ANON | MAP.LOCKED | MAP.FIXED);
    expect(l).toBe(X);
    expect(lockedPages(mm)).toBe((4 * MB) / PAGE);
    expect(mm.mmap(0, 5 * MB, PROT.READ, ANON | MAP.LOCKED)).toBe(-EAGAIN);
    expect(mm.mremap(l, 4 * MB, 9 * MB, MREMAP.MAYMOVE)).toBe(-EAGAIN);
    expect(mm.mremap(l, 4 * MB, 5 * MB, MREMAP.MAYMOVE)).toBe(l);
    // At the limit a locked mapping may still shrink while it moves.
    expect(mm.mmap(X + 32 * MB, 3 * MB, PROT.READ, ANON | MAP.LOCKED | MAP.FIXED)).toBe(X + 32 * MB);
    expect(mm.mremap(X + 32 * MB, 3 * MB, 2 * MB, MREMAP.MAYMOVE | MREMAP.FIXED, X + 48 * MB)).toBe(
      X + 48 * MB,
    );
    expect(lockedPages(mm)).toBe((7 * MB) / PAGE);
    // Without a limit (the default) anything goes; with a limit of 0, nothing may be locked.
    expect(progSpace(backend).mmap(0, 16 * MB, PROT.READ, ANON | MAP.LOCKED)).toBeGreaterThan(0);
    const none = progSpace(backend, { memlockRlimit: 0 });
    expect(none.mmap(0, PAGE, PROT.READ, ANON | MAP.LOCKED)).toBe(-EPERM);
    expect(none.mlock(0x555555554000, PAGE)).toBe(-EPERM);
  });

  it('splits off what mlock and mlock2 lock, and munlock merges it back', () => {
    const mm = limited(backend);
    mm.mmap(X, 64 * PAGE, RW, ANON | MAP.FIXED);
    expect(mm.mlock(X + 8 * PAGE, 8 * PAGE)).toBe(0);
    expect(mm.mlock(X + 12 * PAGE, 8 * PAGE)).toBe(0);
    // The start rounds down and the length up with it: three pages.
    expect(mm.mlock(X + 24 * PAGE + 100, 2 * PAGE)).toBe(0);
    expect(mm.mlock2(X + 32 * PAGE, 4 * PAGE, MLOCK_ONFAULT)).toBe(0);
    expect(mm.mlock2(X + 40 * PAGE, 4 * PAGE, 2)).toBe(-EINVAL);
    expect(pieces(mm, X, X + 64 * PAGE)).toEqual([
      [0, 8, 0],
      [8, 20, VM_LOCKED],
      [20, 24, 0],
      [24, 27, VM_LOCKED],
      [27, 32, 0],
      [32, 36, VM_LOCKED | VM_LOCKONFAULT],
      [36, 64, 0],
    ]);
    expect(mm.munlock(X + 8 * PAGE, 12 * PAGE)).toBe(0);
    expect(mm.munlock(X + 32 * PAGE, 4 * PAGE)).toBe(0);
    expect(mm.munlock(X + 24 * PAGE, 3 * PAGE)).toBe(0);
    expect(lockedPages(mm)).toBe(0);
    // mlock faulted the pieces it locked in: [8, 20) and [24, 27) got anon_vmas of their own, so each merges
    // with never-faulted neighbours but not with the other.
    expect(pieces(mm, X, X + 64 * PAGE)).toEqual([
      [0, 24, 0],
      [24, 64, 0],
    ]);
    mm.validate();
  });

  it('answers ENOMEM past the limit (counting locked pages once), at a hole and for PROT_NONE memory', () => {
    const mm = limited(backend);
    mm.mmap(X, 4 * MB, PROT.READ, ANON | MAP.LOCKED | MAP.FIXED);
    const big = X + 16 * MB;
    mm.mmap(big, 5 * MB, PROT.READ, ANON | MAP.FIXED);
    expect(mm.mlock(big, 5 * MB)).toBe(-ENOMEM);
    expect(mm.mlock(big, 3 * MB)).toBe(0);
    // 4 + 3 MiB locked; 4 MiB more is over, less the 3 MiB of it locked already: within.
    expect(mm.mlock(big, 4 * MB)).toBe(0);
    expect(mm.mlock(big, 5 * MB)).toBe(-ENOMEM);
    // A hole: the part before it is locked all the same.
    const h = X + 64 * MB;
    mm.mmap(h, 8 * PAGE, RW, ANON | MAP.FIXED);
    mm.mmap(h + 12 * PAGE, 8 * PAGE, RW, ANON | MAP.FIXED);
    expect(mm.munlock(X, 4 * MB)).toBe(0);
    expect(mm.mlock(h + 4 * PAGE, 12 * PAGE)).toBe(-ENOMEM);
    expect(pieces(mm, h, h + 20 * PAGE)).toEqual([
      [0, 4, 0],
      [4, 8, VM_LOCKED],
      [12, 20, 0],
    ]);
    // PROT_NONE memory takes the lock bits, then cannot be faulted in: ENOMEM.
    const n = X + 128 * MB;
    mm.mmap(n, 4 * PAGE, PROT.NONE, ANON | MAP.FIXED);
    expect(mm.mlock(n, 4 * PAGE)).toBe(-ENOMEM);
    expect(pieces(mm, n, n + 4 * PAGE)).toEqual([[0, 4, VM_LOCKED]]);
    mm.validate();
  });

  it('passes over special mappings and answers bad ranges', () => {
    const mm = limited(backend);
    const before = mm.procMaps();
    expect(mm.mlock(0x7ffff7fc8000, PAGE)).toBe(0);
    expect(mm.procMaps()).toBe(before);
    expect(lockedPages(mm)).toBe(0);
    expect(mm.mlock(0, 0)).toBe(0);
    expect(mm.mlock(2 ** 64 - PAGE, 2 * PAGE)).toBe(-EINVAL);
    expect(mm.munlock(2 ** 64 - PAGE, 2 * PAGE)).toBe(-EINVAL);
    expect(mm.mlock(X, PAGE)).toBe(-ENOMEM);
  });

  it('is replayed from mlock, mlock2 and munlock records', () => {
    const raw = (op: string, ...args: number[]) => ({ op, args: [...args, 0, 0, 0].slice(0, 6).map(hex) });
    const ops = [
      mmapOp(X, 8 * PAGE, 'rw-', ['PRIVATE', 'ANONYMOUS', 'FIXED'], -1),
      raw('mlock', X, PAGE),
      raw('mlock2', X + 4 * PAGE, PAGE, 1),
      raw('munlock', X, PAGE),
    ];
    const r = replayTrace(syntheticTrace(ops, { memlock_rlimit: 8 * MB }), { backend });
    expect(r.answered).toBe(4);
    expect(r.mm.memlockRlimit).toBe(8 * MB);
    // The unlocked first page (faulted in by the mlock) merges back with the never-faulted rest.
    expect(pieces(r.mm, X, X + 8 * PAGE)).toEqual([
      [0, 4, 0],
      [4, 5, VM_LOCKED | VM_LOCKONFAULT],
      [5, 8, 0],
    ]);
  });
});

describe.each<BackendName>(['maple', 'legacy'])('locked_vm and populating on the %s backend', (backend) => {
  it('keeps locked_vm as the kernel does, an MREMAP_DONTUNMAP move of a locked VMA included', () => {
    const mm = limited(backend);
    mm.mmap(X, 2 * MB, PROT.READ, ANON | MAP.LOCKED | MAP.FIXED);
    expect(lockedPages(mm)).toBe((2 * MB) / PAGE);
    // Growing in place and unmapping count; so does the move, whose copy is charged before the source
    // goes.
    expect(mm.mremap(X, 2 * MB, 3 * MB, 0)).toBe(X);
    expect(lockedPages(mm)).toBe((3 * MB) / PAGE);
    expect(mm.munmap(X + 2 * MB, MB)).toBe(0);
    expect(mm.mremap(X, 2 * MB, 2 * MB, MREMAP.MAYMOVE | MREMAP.FIXED, X + 64 * MB)).toBe(X + 64 * MB);
    expect(lockedPages(mm)).toBe((2 * MB) / PAGE);
    // DONTUNMAP: the copy is charged, the source loses its lock bits and is not taken back, so 2 MiB stay
    // counted for a VMA that is not locked any more (and 5 MiB more no longer fit).
    const y = X + 64 * MB;
    expect(mm.mremap(y, 2 * MB, 2 * MB, MREMAP.MAYMOVE | MREMAP.DONTUNMAP, 0)).toBeGreaterThan(0);
    expect(mm.vmaLookup(y)!.flags & VM_LOCKED).toBe(0);
    expect(lockedPages(mm)).toBe((4 * MB) / PAGE);
    expect(mm.mmap(0, 5 * MB, PROT.READ, ANON | MAP.LOCKED)).toBe(-EAGAIN);
    expect(mm.mmap(0, 4 * MB, PROT.READ, ANON | MAP.LOCKED)).toBeGreaterThan(0);
    // A fork inherits no locks.
    const child = mm.fork();
    expect(lockedPages(child)).toBe(0);
    expect([...child.vmas()].some((v) => v.flags & VM_LOCKED)).toBe(false);
  });

  it('cannot fault in a file page past the end of the file, nor shared memory past its size', () => {
    const mm = progSpace(backend);
    const file = { path: '/tmp/f', dev: 'fe:00', inode: 9, size: 3 * PAGE + 100 };
    const f = mm.mmap(X, 8 * PAGE, PROT.READ, MAP.PRIVATE | MAP.FIXED, file);
    expect(mm.mlock(f, 4 * PAGE)).toBe(0);
    expect(mm.mlock(f, 5 * PAGE)).toBe(-ENOMEM);
    expect(mm.vmaLookup(f + 4 * PAGE)!.flags & VM_LOCKED).toBe(VM_LOCKED); // the flags stay
    // Shared anonymous memory is a file the size of its first mapping; mremap can grow past it.
    const s = mm.mmap(0, 4 * PAGE, RW, MAP.SHARED | MAP.ANONYMOUS);
    expect(mm.mlock(s, 4 * PAGE)).toBe(0);
    const t = mm.mremap(s, 4 * PAGE, 6 * PAGE, MREMAP.MAYMOVE);
    expect(mm.mlock(t, 6 * PAGE)).toBe(-ENOMEM);
    // Locked on fault: nothing is faulted in, so nothing fails.
    expect(mm.mlock2(f, 8 * PAGE, MLOCK_ONFAULT)).toBe(0);
  });

  it('does not fault in memory locked on fault when it becomes writable', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 8 * PAGE, PROT.READ, ANON | MAP.FIXED);
    expect(mm.mlock2(X, 8 * PAGE, MLOCK_ONFAULT)).toBe(0);
    expect(mm.mprotect(X + 2 * PAGE, 2 * PAGE, RW)).toBe(0);
    expect(mm.vmaLookup(X + 2 * PAGE)!.anon).toBe(0);
    // So it merges back once read-only again (no anon_vma, no charge kept).
    expect(mm.mprotect(X, 8 * PAGE, PROT.READ)).toBe(0);
    expect(pieces(mm, X, X + 8 * PAGE)).toEqual([[0, 8, VM_LOCKED | VM_LOCKONFAULT]]);
    // Plain mlock does fault it in.
    const mm2 = progSpace(backend);
    mm2.mmap(X, 8 * PAGE, PROT.READ, ANON | MAP.FIXED);
    mm2.mlock(X, 8 * PAGE);
    mm2.mprotect(X + 2 * PAGE, 2 * PAGE, RW);
    expect(mm2.vmaLookup(X + 2 * PAGE)!.anon).not.toBe(0);
  });
});

describe.each<BackendName>(['maple', 'legacy'])(
  'mremap growing a locked mapping on the %s backend',
  (backend) => {
    /** One writable page at X, locked but not faulted in: the mlock runs into the hole after it and fails. */
    function lockedUntouched(): AddressSpace {
      const mm = progSpace(backend);
      mm.mmap(X, PAGE, RW, ANON | MAP.FIXED);
      expect(mm.mlock(X, 2 * PAGE)).toBe(-ENOMEM);
      expect(mm.vmaLookup(X)).toMatchObject({ anon: 0 });
      expect(mm.vmaLookup(X)!.flags & VM_LOCKED).toBe(VM_LOCKED);
      return mm;
    }

    it('faults the new pages in when it moves, so the copy gets an anon_vma and keeps its page offset after', () => {
      const mm = lockedUntouched();
      const to = X + 64 * PAGE;
      expect(mm.mremap(X, PAGE, 4 * PAGE, MREMAP.MAYMOVE | MREMAP.FIXED, to)).toBe(to);
      expect(mm.vmaLookup(to)!.anon).not.toBe(0);
      // So a later move keeps the page offset the first one gave it (its address then).
      const again = X + 128 * PAGE;
      expect(mm.mremap(to, 4 * PAGE, 4 * PAGE, MREMAP.MAYMOVE | MREMAP.FIXED, again)).toBe(again);
      expect(mm.vmaLookup(again)!.pgoff).toBe(to / PAGE);
    });

    it('faults the new pages in when it grows in place', () => {
      const mm = lockedUntouched();
      expect(mm.mremap(X, PAGE, 4 * PAGE, 0)).toBe(X);
      expect(mm.vmaLookup(X)!.anon).not.toBe(0);
      // Not locked: nothing is faulted in.
      const plain = progSpace(backend);
      plain.mmap(X, PAGE, RW, ANON | MAP.FIXED);
      expect(plain.mremap(X, PAGE, 4 * PAGE, 0)).toBe(X);
      expect(plain.vmaLookup(X)!.anon).toBe(0);
    });
  },
);

describe.each<BackendName>(['maple', 'legacy'])('mlockall and munlockall on the %s backend', (backend) => {
  it('refuses bad flags, and with a limit of 0 any', () => {
    const mm = limited(backend);
    for (const f of [0, MCL.ONFAULT, 8]) expect(mm.mlockall(f)).toBe(-EINVAL);
    expect(progSpace(backend, { memlockRlimit: 0 }).mlockall(MCL.FUTURE)).toBe(-EPERM);
  });

  it('locks every later mapping and heap growth after MCL_FUTURE, until the limit refuses them', () => {
    const mm = limited(backend);
    expect(mm.mlockall(MCL.FUTURE)).toBe(0);
    const a = mm.mmap(X, 2 * MB, RW, ANON | MAP.FIXED);
    expect(mm.vmaLookup(a)!.flags & VM_LOCKED).toBe(VM_LOCKED);
    expect(mm.vmaLookup(a)!.anon).not.toBe(0); // faulted in at once
    expect(mm.mmap(0, 16 * MB, PROT.READ, ANON)).toBe(-EAGAIN);
    const brk = mm.currentBrk;
    expect(mm.brk(brk + 64 * PAGE)).toBe(brk + 64 * PAGE);
    expect(mm.brk(brk + 64 * PAGE + 16 * MB)).toBe(brk + 64 * PAGE); // refused: the old break
    expect(lockedPages(mm)).toBe((2 * MB) / PAGE + 64);
    // munlockall: nothing locked, now or later.
    expect(mm.munlockall()).toBe(0);
    expect(lockedPages(mm)).toBe(0);
    expect(mm.mmap(0, 16 * MB, PROT.READ, ANON)).toBeGreaterThan(0);
    // A child does not inherit MCL_FUTURE.
    mm.mlockall(MCL.FUTURE);
    const child = mm.fork();
    expect(child.vmaLookup(child.mmap(0, PAGE, PROT.READ, ANON))!.flags & VM_LOCKED).toBe(0);
  });

  it('locks every mapping with MCL_CURRENT when the whole address space fits in the limit', () => {
    const mm = limited(backend);
    mm.mmap(X, 8 * PAGE, RW, ANON | MAP.FIXED);
    expect(mm.mlockall(MCL.CURRENT | MCL.ONFAULT)).toBe(0);
    // Special mappings are passed over; the rest is locked on fault.
    for (const v of mm.vmas())
      expect(v.flags & (VM_LOCKED | VM_LOCKONFAULT)).toBe(v.special ? 0 : VM_LOCKED | VM_LOCKONFAULT);
    expect(mm.mlockall(MCL.CURRENT)).toBe(0);
    expect(mm.vmaLookup(X)!.flags & (VM_LOCKED | VM_LOCKONFAULT)).toBe(VM_LOCKED);
    mm.mmap(X + 16 * PAGE, 8 * MB, PROT.NONE, ANON | MAP.FIXED);
    expect(mm.mlockall(MCL.CURRENT)).toBe(-ENOMEM); // the process is bigger than 8 MiB now
    mm.validate();
  });
});
