// System V shared memory as Linux 6.18 answered a recorded test program (tools/recorder/programs/sysvshm.c,
// fixture rec-real-sysvshm): shmat maps a segment shared through a file of each attach's own, shmdt
// finds the fragments of an attach; and MREMAP_FIXED moves of several VMAs refuse VMAs whose file places
// mappings itself (a segment, private /dev/zero memory).
import { describe, expect, it } from 'vitest';
import {
  type BackendName,
  EACCES,
  EFAULT,
  EINVAL,
  MAP,
  type MappedFile,
  MREMAP,
  PROT,
  replayTrace,
  SHM,
  type ShmSegment,
  TraceFormatError,
} from '../src/index.js';
import { progSpace, syntheticTrace } from './fixtures.js';

const PAGE = 0x1000;
const X = 0x20000000;
const RW = PROT.READ | PROT.WRITE;
const rw = { read: true, write: true, exec: false };
const SEG: ShmSegment = { id: 4, key: 0x1234abcd, size: 10 * PAGE + 100, access: rw };
const SMALL: ShmSegment = { id: 5, key: 0, size: 4 * PAGE, access: rw };
const ZERO: MappedFile = { path: '/dev/zero', dev: '00:05', inode: 4, type: 'chr', mmapOp: 'zero' };

describe.each<BackendName>(['maple', 'legacy'])('System V shared memory on the %s backend', (backend) => {
  it('shmat maps the segment shared, each attach a file of its own', () => {
    const mm = progSpace(backend);
    const a = mm.shmat(SEG, 0);
    expect(a).toBeGreaterThan(0);
    const line = mm
      .procMaps()
      .split('\n')
      .find((l) => l.startsWith(a.toString(16)));
    expect(line?.split(/ +/)).toEqual([
      `${a.toString(16)}-${(a + 11 * PAGE).toString(16)}`, // the size rounded up to pages
      'rw-s',
      '00000000',
      '00:01',
      '4',
      '/SYSV1234abcd',
      '(deleted)',
    ]);
    // Two attaches side by side never merge; an overlapping one is EINVAL unless SHM_REMAP.
    expect(mm.shmat(SMALL, X)).toBe(X);
    expect(mm.shmat(SMALL, X + 4 * PAGE)).toBe(X + 4 * PAGE);
    expect(mm.findVma(X)?.end).toBe(X + 4 * PAGE);
    expect(mm.shmat(SMALL, X + 2 * PAGE)).toBe(-EINVAL);
    expect(mm.shmat(SMALL, X + 2 * PAGE, SHM.REMAP)).toBe(X + 2 * PAGE);
    expect(mm.shmat(SMALL, X + 20 * PAGE + 5)).toBe(-EINVAL);
    expect(mm.shmat(SMALL, X + 20 * PAGE + 5, SHM.RND)).toBe(X + 20 * PAGE);
    expect(mm.shmat(SMALL, 0, SHM.REMAP)).toBe(-EINVAL);
    expect(mm.shmat(undefined, 0)).toBe(-EINVAL); // no such segment
    // Access: a read-only attach loses VM_MAYWRITE; what the permissions do not grant is EACCES.
    const ro = mm.shmat(SMALL, 0, SHM.RDONLY);
    expect(mm.mprotect(ro, PAGE, RW)).toBe(-EACCES);
    expect(mm.shmat(SMALL, 0, SHM.EXEC)).toBe(-EACCES);
    expect(mm.shmat({ ...SMALL, access: { read: true, write: false, exec: false } }, 0)).toBe(-EACCES);
    mm.validate();
  });

  it('shmdt unmaps every fragment of the attach at its address, and nothing else', () => {
    const mm = progSpace(backend);
    const p = mm.shmat(SEG, X);
    const other = mm.shmat(SEG, X + 11 * PAGE); // the same segment, another attach, right after
    mm.mprotect(p + 2 * PAGE, PAGE, PROT.READ);
    mm.munmap(p + 8 * PAGE, PAGE);
    expect(mm.shmdt(p + 1)).toBe(-EINVAL);
    expect(mm.shmdt(p + PAGE)).toBe(-EINVAL); // no fragment starts there at its own offset
    expect(mm.shmdt(p)).toBe(0);
    expect(mm.findVma(p)?.start).toBe(other);
    expect(mm.shmdt(p)).toBe(-EINVAL);
    expect(mm.findVma(other)?.end).toBe(other + 11 * PAGE);
    mm.validate();
  });

  it('several VMAs move at once only if none places its own mappings', () => {
    const mm = progSpace(backend);
    mm.mmap(X, 2 * PAGE, PROT.READ, MAP.PRIVATE | MAP.FIXED, ZERO, 0);
    mm.mmap(X + 2 * PAGE, 2 * PAGE, RW, MAP.PRIVATE | MAP.FIXED, ZERO, 2 * PAGE);
    const move = (from: number, len: number, to: number) =>
      mm.mremap(from, len, len, MREMAP.MAYMOVE | MREMAP.FIXED, to);
    expect(move(X, 4 * PAGE, X + 16 * PAGE)).toBe(-EFAULT);
    expect(move(X, 3 * PAGE, X + 16 * PAGE)).toBe(-EFAULT); // the first, and more follow
    expect(move(X + 2 * PAGE, 4 * PAGE, X + 16 * PAGE)).toBe(-EFAULT); // the first, a gap follows
    expect(move(X + 2 * PAGE, 2 * PAGE, X + 16 * PAGE)).toBe(X + 16 * PAGE); // alone it moves
    mm.mmap(X + 24 * PAGE, 2 * PAGE, PROT.READ, MAP.SHARED | MAP.FIXED, ZERO, 0); // shmem: may
    mm.mmap(X + 26 * PAGE, 2 * PAGE, RW, MAP.PRIVATE | MAP.ANONYMOUS | MAP.FIXED);
    expect(move(X + 24 * PAGE, 4 * PAGE, X + 40 * PAGE)).toBe(X + 40 * PAGE);
    mm.validate();
  });

  it('a trace describes segments in shm records, which shmat and ipc(SHMAT) records use', () => {
    const shm = { kind: 'shm', id: 4, key: '0x1234abcd', size: '0xa064', access: 'rw' };
    const ops = [
      shm,
      { op: 'shmat', args: ['0x4', '0x20000000', '0x0'], ret: '0x20000000' },
      { op: 'shmat', args: ['0x9', '0x0', '0x0'], err: 22 }, // never described
      { op: 'ipc', args: ['0x15', '0x4', '0x0', '0xffffd718', '0x20010000', '0x0'], ret: '0x0' },
      { op: 'ipc', args: ['0x16', '0x0', '0x0', '0x0', '0x20010000', '0x0'], ret: '0x0' },
      { op: 'shmdt', args: ['0x20000000'], ret: '0x0' },
      { op: 'ipc', args: ['0x17', '0x0', '0x4000', '0x380', '0x0', '0x0'], ret: '0x12' }, // shmget: skipped
    ];
    const r = replayTrace(syntheticTrace(ops), { backend });
    expect(r.answered).toBe(5);
    expect(r.answersMatched, JSON.stringify(r.answerMismatches[0])).toBe(5);
    const bad = syntheticTrace([{ ...shm, access: 'rwz' }]);
    expect(() => replayTrace(bad, { backend })).toThrow(TraceFormatError);
  });
});
