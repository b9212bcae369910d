// The files of a replay, as vmrun records them: an fd's access mode (EACCES and VM_MAYWRITE), tmpfs files
// (shmem placement, MAP_SYNC), descriptors that share an open file (same_as: their mappings merge), and
// names unlinked while mapped (maps print " (deleted)"). Each case is what a real program recorded on
// Linux 6.18 showed (tools/recorder, a test program mapping f.dat, a memfd and /dev/shm files).
import { describe, expect, it } from 'vitest';
import { type BackendName, replayTrace, TraceFormatError, type TraceRecord } from '../src/index.js';
import { hex, mmapOp, syntheticTrace } from './fixtures.js';

const PAGE = 0x1000;
const PMD = 0x200000;
const FILE = { path: '/tmp/f.dat', dev: 'fe:00', inode: 77, size: '0x400000' };
const MEMFD = { path: '/memfd:m (deleted)', dev: '00:01', inode: 9, size: '0x800000', fs: 'tmpfs' };

/** A trace: an x86_64 header, PROG_LAYOUT at op 0, then `records` (ops numbered in order). */
function trace(records: object[]): TraceRecord[] {
  return syntheticTrace(records, {
    mmap_min_addr: PAGE,
    stack_rlimit: 8 << 20,
    start_brk: '0x555555556000',
    start_stack: '0x7fffffffe000',
  });
}

/** Our answers to the trace's ops (address or -errno) and our maps lines at the end. */
function run(records: object[], backend: BackendName): { answers: number[]; maps: string[] } {
  const answers: number[] = [];
  const r = replayTrace(trace(records), {
    backend,
    onRecord: (e) => {
      if (e.kind === 'op' && e.answer !== undefined) answers.push(e.answer);
    },
  });
  r.mm.validate();
  return { answers, maps: r.mm.procMaps().trimEnd().split('\n') };
}

const linesOf = (maps: string[], path: string): string[] => maps.filter((l) => l.endsWith(path));

describe.each<BackendName>(['maple', 'legacy'])('trace files on the %s backend', (backend) => {
  it("follows the fd's access mode: no shared writing through a read-only fd, no mapping of a write-only one", () => {
    const { answers } = run(
      [
        { kind: 'open', fd: 3, ...FILE, mode: 'r' },
        { kind: 'open', fd: 4, ...FILE, mode: 'w' },
        mmapOp(0x7ffff0000000, 4 * PAGE, 'r--', ['SHARED', 'FIXED'], 3),
        { op: 'mprotect', addr: '0x7ffff0000000', len: hex(PAGE), prot: 'rw-' },
        { op: 'mprotect', addr: '0x7ffff0000000', len: hex(PAGE), prot: 'r-x' },
        mmapOp(0, 4 * PAGE, 'rw-', ['SHARED'], 3),
        mmapOp(0x7ffff0010000, 4 * PAGE, 'rw-', ['PRIVATE', 'FIXED'], 3),
        mmapOp(0, 4 * PAGE, 'r--', ['PRIVATE'], 4),
      ],
      backend,
    );
    expect(answers).toEqual([0x7ffff0000000, -13, 0, -13, 0x7ffff0010000, -13]);
  });

  it('places a tmpfs file as shared anonymous memory (no THP alignment), unlike a regular file', () => {
    const { answers } = run(
      [
        { kind: 'open', fd: 3, ...MEMFD },
        { kind: 'open', fd: 4, ...FILE },
        mmapOp(0, 4 << 20, 'rw-', ['SHARED'], 3),
        { op: 'munmap', addr: '0x7ffff7bc8000', len: hex(4 << 20) },
        mmapOp(0, 4 << 20, 'rw-', ['SHARED', 'ANONYMOUS'], -1),
        mmapOp(0, 4 << 20, 'r--', ['SHARED'], 4),
      ],
      backend,
    );
    const [tmpfs, , anon, regular] = answers;
    expect(tmpfs).toBe(0x7ffff7bc8000);
    expect(anon).toBe(tmpfs);
    expect(regular! % PMD).toBe(0);
    expect(regular).not.toBe(tmpfs);
  });

  it('merges contiguous mappings of one tmpfs file, and takes MAP_SYNC only through plain MAP_SHARED', () => {
    const base = 0x7ffff0000000;
    const { answers, maps } = run(
      [
        { kind: 'open', fd: 3, ...MEMFD },
        { kind: 'open', fd: 4, ...FILE },
        mmapOp(base, 4 * PAGE, 'r--', ['SHARED', 'FIXED'], 3),
        mmapOp(base + 4 * PAGE, 4 * PAGE, 'r--', ['SHARED', 'FIXED'], 3, 4 * PAGE),
        mmapOp(0, 4 * PAGE, 'r--', ['SHARED', 'PRIVATE', 'SYNC'], 3),
        mmapOp(0, 4 * PAGE, 'r--', ['SHARED', 'SYNC'], 3),
        mmapOp(0, 4 * PAGE, 'r--', ['SHARED', 'PRIVATE', 'SYNC'], 4),
        mmapOp(0, 4 * PAGE, 'r--', ['SHARED', 'SYNC'], 4),
      ],
      backend,
    );
    expect(answers.slice(0, 3)).toEqual([base, base + 4 * PAGE, -95]);
    expect(answers[3]).toBeGreaterThan(0);
    expect(answers.slice(4)).toEqual([-95, -95]);
    expect(linesOf(maps, MEMFD.path).map((l) => l.split(' ')[0])).toEqual([
      '7ffff0000000-7ffff0008000',
      `${answers[3]!.toString(16)}-${(answers[3]! + 4 * PAGE).toString(16)}`,
    ]);
  });

  it('merges mappings through two fds of one open file (same_as), not through a second open of it', () => {
    const base = 0x7ffff0000000;
    const { maps } = run(
      [
        { kind: 'open', fd: 3, ...FILE },
        { kind: 'open', fd: 4, ...FILE, same_as: 3 },
        { kind: 'open', fd: 5, ...FILE },
        mmapOp(base, 4 * PAGE, 'r--', ['SHARED', 'FIXED'], 3),
        mmapOp(base + 4 * PAGE, 4 * PAGE, 'r--', ['SHARED', 'FIXED'], 4, 4 * PAGE),
        mmapOp(base + 8 * PAGE, 4 * PAGE, 'r--', ['SHARED', 'FIXED'], 5, 8 * PAGE),
      ],
      backend,
    );
    expect(linesOf(maps, FILE.path).map((l) => l.split(' ')[0])).toEqual([
      '7ffff0000000-7ffff0008000',
      '7ffff0008000-7ffff000c000',
    ]);
  });

  it('prints an unlinked name with " (deleted)" and keeps the open file one object', () => {
    const base = 0x7ffff0000000;
    const other = { ...FILE, inode: 78 };
    const records = [
      { kind: 'open', fd: 3, ...FILE },
      { kind: 'open', fd: 4, ...other },
      mmapOp(base, 2 * PAGE, 'r--', ['SHARED', 'FIXED'], 3),
      mmapOp(base + 8 * PAGE, 2 * PAGE, 'r--', ['SHARED', 'FIXED'], 4),
      { kind: 'unlink', path: FILE.path, dev: FILE.dev, inode: FILE.inode },
      mmapOp(base + 2 * PAGE, 2 * PAGE, 'r--', ['SHARED', 'FIXED'], 3, 2 * PAGE),
    ];
    const { maps } = run(records, backend);
    expect(linesOf(maps, `${FILE.path} (deleted)`).map((l) => l.split(' ')[0])).toEqual([
      '7ffff0000000-7ffff0004000',
    ]);
    expect(linesOf(maps, FILE.path).map((l) => l.split(' ')[0])).toEqual(['7ffff0008000-7ffff000a000']);
  });

  it('prints a renamed file under its new name, and one renamed over as deleted', () => {
    const base = 0x7ffff0000000;
    const b = { ...FILE, path: '/tmp/b.dat', inode: 78 };
    const { maps } = run(
      [
        { kind: 'open', fd: 3, ...FILE },
        { kind: 'open', fd: 4, ...b },
        mmapOp(base, 2 * PAGE, 'r--', ['SHARED', 'FIXED'], 3),
        mmapOp(base + 8 * PAGE, 2 * PAGE, 'r--', ['SHARED', 'FIXED'], 4),
        // rename("/tmp/b.dat", "/tmp/f.dat"): f.dat's file loses its name, b.dat's takes it.
        { kind: 'unlink', path: FILE.path, dev: FILE.dev, inode: FILE.inode },
        { kind: 'rename', path: b.path, dev: b.dev, inode: b.inode, to: FILE.path },
        mmapOp(base + 10 * PAGE, 2 * PAGE, 'r--', ['SHARED', 'FIXED'], 4, 2 * PAGE),
      ],
      backend,
    );
    expect(linesOf(maps, `${FILE.path} (deleted)`).map((l) => l.split(' ')[0])).toEqual([
      '7ffff0000000-7ffff0002000',
    ]);
    // Still one open file: the mapping made after the rename merges with the one before.
    expect(linesOf(maps, FILE.path).map((l) => l.split(' ')[0])).toEqual(['7ffff0008000-7ffff000c000']);
  });

  it('refuses inconsistent file records with a TraceFormatError', () => {
    const bad: object[][] = [
      [{ kind: 'open', fd: 4, ...FILE, same_as: 3 }],
      [
        { kind: 'open', fd: 3, ...FILE },
        { kind: 'open', fd: 4, ...MEMFD, same_as: 3 },
      ],
      [{ kind: 'open', fd: 3, ...FILE, mode: 'x' }],
      [{ kind: 'unlink', path: FILE.path, dev: FILE.dev }],
      [{ kind: 'rename', path: FILE.path, dev: FILE.dev, inode: FILE.inode }],
    ];
    for (const records of bad) expect(() => run(records, backend)).toThrow(TraceFormatError);
  });
});
