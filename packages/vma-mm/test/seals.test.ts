// memfd seals, as Linux 6.18 answered a recorded test program (tools/recorder/programs/seals.c, fixture
// rec-real-seals): a write seal (F_SEAL_WRITE, F_SEAL_FUTURE_WRITE) refuses a shared writable mapping
// with EPERM and takes VM_MAYWRITE from a shared read-only one, so mprotect cannot add PROT_WRITE;
// private mappings and the other seals are left alone. A trace gives the seals in the `open` record and
// in a `seals` record when fcntl changed them.
import { describe, expect, it } from 'vitest';
import {
  type BackendName,
  EACCES,
  EPERM,
  MAP,
  type MappedFile,
  PROT,
  replayTrace,
  TraceFormatError,
} from '../src/index.js';
import { mmapOp, progSpace, syntheticTrace } from './fixtures.js';

const PAGE = 0x1000;
const X = 0x20000000;
const RW = PROT.READ | PROT.WRITE;
const F_SEAL_SEAL = 0x1;
const F_SEAL_SHRINK = 0x2;
const F_SEAL_GROW = 0x4;
const F_SEAL_WRITE = 0x8;
const F_SEAL_FUTURE_WRITE = 0x10;
const memfd = (seals: number): MappedFile => ({
  path: '/memfd:m (deleted)',
  dev: '00:01',
  inode: 9,
  size: 64 * PAGE,
  shmem: true,
  seals,
});

describe.each<BackendName>(['maple', 'legacy'])('memfd seals on the %s backend', (backend) => {
  it.each([F_SEAL_WRITE, F_SEAL_FUTURE_WRITE])(
    'write seal %i: shared writable EPERM, shared read-only for good',
    (seal) => {
      const mm = progSpace(backend);
      const f = memfd(seal | F_SEAL_SHRINK);
      expect(mm.mmap(X, 4 * PAGE, RW, MAP.SHARED | MAP.FIXED, f, 0)).toBe(-EPERM);
      expect(mm.mmap(X, 4 * PAGE, RW, MAP.SHARED_VALIDATE | MAP.FIXED, f, 0)).toBe(-EPERM);
      expect(mm.findVma(X)?.start).not.toBe(X); // refused before anything was mapped
      expect(mm.mmap(X, 4 * PAGE, PROT.READ, MAP.SHARED | MAP.FIXED, f, 0)).toBe(X);
      expect(mm.mprotect(X, PAGE, PROT.READ | PROT.EXEC)).toBe(0);
      expect(mm.mprotect(X, PAGE, RW)).toBe(-EACCES);
      // Private mappings may write (their own copies), now or later.
      expect(mm.mmap(X + 8 * PAGE, 4 * PAGE, RW, MAP.PRIVATE | MAP.FIXED, f, 0)).toBe(X + 8 * PAGE);
      expect(mm.mmap(X + 16 * PAGE, 4 * PAGE, PROT.READ, MAP.PRIVATE | MAP.FIXED, f, 0)).toBe(X + 16 * PAGE);
      expect(mm.mprotect(X + 16 * PAGE, 4 * PAGE, RW)).toBe(0);
      mm.validate();
    },
  );

  it('the other seals (shrink, grow, seal) leave mappings alone', () => {
    const mm = progSpace(backend);
    const f = memfd(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW);
    expect(mm.mmap(X, 4 * PAGE, RW, MAP.SHARED | MAP.FIXED, f, 0)).toBe(X);
    expect(mm.mmap(X + 4 * PAGE, 4 * PAGE, PROT.READ, MAP.SHARED | MAP.FIXED, f, 4 * PAGE)).toBe(
      X + 4 * PAGE,
    );
    expect(mm.mprotect(X + 4 * PAGE, 4 * PAGE, RW)).toBe(0);
  });

  it('a trace gives the seals in open records and changes them with seals records, for every fd of the inode', () => {
    const open = {
      kind: 'open',
      fd: 3,
      path: '/memfd:m (deleted)',
      dev: '00:01',
      inode: 9,
      size: '0x40000',
      fs: 'tmpfs',
    };
    const trace = syntheticTrace([
      open,
      { ...mmapOp(X, 4 * PAGE, 'rw-', ['SHARED', 'FIXED'], 3), ret: '0x20000000' },
      { ...open, fd: 4, same_as: 3 },
      { kind: 'seals', dev: '00:01', inode: 9, seals: F_SEAL_FUTURE_WRITE },
      { ...mmapOp(X + 8 * PAGE, 4 * PAGE, 'rw-', ['SHARED', 'FIXED'], 4), ret: undefined, err: 1 },
      { ...mmapOp(X + 8 * PAGE, 4 * PAGE, 'r--', ['SHARED', 'FIXED'], 3), ret: '0x20008000' },
      { op: 'mprotect', addr: '0x20008000', len: '0x1000', prot: 'rw-', err: 13 },
      { ...open, fd: 5, inode: 10, seals: F_SEAL_WRITE | F_SEAL_SEAL },
      { ...mmapOp(X + 16 * PAGE, PAGE, 'rw-', ['SHARED', 'FIXED'], 5), ret: undefined, err: 1 },
    ]);
    const r = replayTrace(trace, { backend });
    expect(r.answered).toBe(5);
    expect(r.answersMatched).toBe(5);
    // The mapping made before the seal keeps writing: only new mappings see it.
    expect(r.mm.findVma(X)!.flags & PROT.WRITE).toBe(PROT.WRITE);
  });

  it('refuses seals that are not F_SEAL_* bits', () => {
    const bad = syntheticTrace([{ kind: 'seals', dev: '00:01', inode: 9, seals: -1 }]);
    expect(() => replayTrace(bad, { backend })).toThrow(TraceFormatError);
    const badOpen = syntheticTrace([{ kind: 'open', fd: 3, path: '/m', dev: '00:01', inode: 9, seals: 'x' }]);
    expect(() => replayTrace(badOpen, { backend })).toThrow(TraceFormatError);
  });
});
