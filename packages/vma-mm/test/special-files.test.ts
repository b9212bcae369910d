// Files that are not regular files, as Linux 6.18 maps them (what tools/recorder/programs/devices.c
// recorded): /dev/zero (private: anonymous memory that still names the device; shared: shmem of its
// own), files without an mmap operation (ENODEV before anything changes), a socket (ENODEV after the
// range a MAP_FIXED replaces is cleared), noexec mounts, and `close` records (EBADF).
import { describe, expect, it } from 'vitest';
import {
  type BackendName,
  EACCES,
  EBADF,
  EINVAL,
  ENODEV,
  EOPNOTSUPP,
  EOVERFLOW,
  EPERM,
  fileMmapOp,
  MAP,
  MREMAP,
  openedFile,
  PROT,
  replayTrace,
  TraceFormatError,
} from '../src/index.js';
import { hex, mmapOp, progSpace, syntheticTrace } from './fixtures.js';

const PAGE = 0x1000;
const AREA = 0x7ffff7800000;
const ZERO = { path: '/dev/zero', dev: '00:06', inode: 4, size: '0x0', type: 'chr', rdev: '01:05' };
const open = (fd: number, f: object, mode = 'rw') => ({ kind: 'open', fd, mode, ...f });
const opened = (f: object) => openedFile({ kind: 'open', fd: 3, ...f } as never, 1);

describe('what an open record says about a file', () => {
  it('gives each kind of file its mmap operation', () => {
    expect(opened(ZERO)).toMatchObject({ type: 'chr', mmapOp: 'zero' });
    expect(opened({ ...ZERO, path: '/dev/null', inode: 3, rdev: '01:03' }).mmapOp).toBe('none');
    expect(opened({ path: '/tmp', dev: 'fe:00', inode: 2, type: 'dir' }).mmapOp).toBe('none');
    expect(opened({ path: 'pipe:[7]', dev: '00:0f', inode: 7, type: 'fifo' }).mmapOp).toBe('none');
    expect(opened({ path: 'socket:[8]', dev: '00:09', inode: 8, type: 'sock' }).mmapOp).toBe('fails');
    expect(opened({ path: '/tmp/f', dev: 'fe:00', inode: 9 })).not.toHaveProperty('mmapOp');
    expect(fileMmapOp('chr', '88:00')).toBe('none'); // a pty
    expect(fileMmapOp('chr', 'e2:00')).toBeUndefined(); // a device that maps, as far as we know
    expect(fileMmapOp('blk', '08:00')).toBeUndefined();
  });

  it('knows /dev/zero, /dev/null, pipes and sockets by name in traces without a type', () => {
    const { type: _, rdev: __, ...old } = ZERO;
    expect(opened({ ...old, fs: 'tmpfs' })).toMatchObject({ type: 'chr', mmapOp: 'zero' });
    expect(opened({ ...old, fs: 'tmpfs' })).not.toHaveProperty('shmem'); // devtmpfs is no shmem
    expect(opened({ path: '/dev/null', dev: '00:06', inode: 3 }).mmapOp).toBe('none');
    expect(opened({ path: 'pipe:[7]', dev: '00:0f', inode: 7 }).mmapOp).toBe('none');
    expect(opened({ path: 'socket:[8]', dev: '00:09', inode: 8 }).mmapOp).toBe('fails');
  });

  it('refuses an unknown type and a device without its number', () => {
    expect(() => opened({ ...ZERO, type: 'door' })).toThrow(/unknown file type "door"/);
    expect(() => opened({ ...ZERO, rdev: undefined })).toThrow(TraceFormatError);
    expect(opened({ ...ZERO, noexec: true }).noexec).toBe(true);
  });
});

describe.each<BackendName>(['maple', 'legacy'])('special files on the %s backend', (backend) => {
  /** Replays `records` after an at:0 layout and a PROT_NONE reservation at AREA; our answers and maps. */
  function run(records: object[]): { answers: number[]; maps: string[] } {
    const reserve = {
      ...mmapOp(AREA, 0x400000, '---', ['PRIVATE', 'ANONYMOUS', 'FIXED'], -1),
      ret: hex(AREA),
    };
    const answers: number[] = [];
    const r = replayTrace(syntheticTrace([reserve, ...records]), {
      backend,
      onRecord: (e) => {
        if (e.kind === 'op' && e.answer !== undefined) answers.push(e.answer);
      },
    });
    r.mm.validate();
    return { answers: answers.slice(1), maps: r.mm.procMaps().trimEnd().split('\n') };
  }
  const at = (page: number) => AREA + page * PAGE;
  const fixed = (page: number, pages: number, prot: string, flags: string[], fd: number, off = 0) =>
    mmapOp(at(page), pages * PAGE, prot, [...flags, 'FIXED'], fd, off);
  const inArea = (maps: string[]) => maps.filter((l) => l.startsWith('7ffff78') || l.startsWith('7ffff79'));

  it('maps /dev/zero privately as anonymous memory that names the device and merges only with its own file', () => {
    const { answers, maps } = run([
      open(3, ZERO),
      open(4, ZERO),
      fixed(0, 4, 'rw-', ['PRIVATE'], 3, 0),
      fixed(4, 4, 'rw-', ['PRIVATE'], 3, 4 * PAGE), // the same open file, offsets in a row: one VMA
      fixed(8, 4, 'rw-', ['PRIVATE'], 4, 8 * PAGE), // another open of /dev/zero: apart
      fixed(12, 4, 'rw-', ['PRIVATE', 'ANONYMOUS'], -1), // plain anonymous memory: apart
    ]);
    expect(answers).toEqual([at(0), at(4), at(8), at(12)]);
    expect(inArea(maps).slice(0, 3)).toEqual([
      '7ffff7800000-7ffff7808000 rw-p 00000000 00:06 4                          /dev/zero',
      '7ffff7808000-7ffff780c000 rw-p 00008000 00:06 4                          /dev/zero',
      '7ffff780c000-7ffff7810000 rw-p 00000000 00:00 0',
    ]);
  });

  it('moves a private /dev/zero mapping without pages as anonymous memory: its offset becomes its address', () => {
    const m = mmapOp(at(0), 8 * PAGE, 'rw-', ['PRIVATE', 'FIXED'], 3);
    const move = (to: number) => ({
      op: 'mremap',
      addr: hex(at(0)),
      old_len: hex(8 * PAGE),
      new_len: hex(8 * PAGE),
      flags: ['MAYMOVE', 'FIXED'],
      new_addr: hex(at(to)),
      ret: hex(at(to)),
    });
    const untouched = run([open(3, ZERO), m, move(40)]).maps;
    expect(untouched).toContain(
      '7ffff7828000-7ffff7830000 rw-p 7ffff7828000 00:06 4                      /dev/zero',
    );
    const written = run([open(3, ZERO), m, { kind: 'fault', addr: hex(at(0)), write: true }, move(40)]).maps;
    expect(written).toContain(
      '7ffff7828000-7ffff7830000 rw-p 00000000 00:06 4                          /dev/zero',
    );
  });

  it('maps /dev/zero shared as shared anonymous memory of its own, keeping the offset', () => {
    const { answers, maps } = run([
      open(3, ZERO),
      open(5, ZERO, 'r'),
      fixed(0, 4, 'rw-', ['SHARED'], 3, 4 * PAGE),
      fixed(4, 4, 'rw-', ['SHARED'], 3, 8 * PAGE),
      { ...fixed(8, 4, 'r--', ['SHARED_VALIDATE', 'SYNC'], 3), err: EOPNOTSUPP },
      { ...fixed(8, 4, 'rw-', ['SHARED'], 5), err: EACCES },
      fixed(12, 4, 'r--', ['SHARED'], 5), // a read-only fd: no VM_SHARED, so anonymous memory
      { op: 'mprotect', addr: hex(at(12)), len: hex(4 * PAGE), prot: 'rw-', err: EACCES },
    ]);
    expect(answers).toEqual([at(0), at(4), -EOPNOTSUPP, -EACCES, at(12), -EACCES]);
    const shared = inArea(maps).filter((l) => l.includes(' rw-s '));
    expect(shared.map((l) => l.replace(/ 00:01 \d+ +/, ' 00:01 * '))).toEqual([
      '7ffff7800000-7ffff7804000 rw-s 00004000 00:01 * /dev/zero (deleted)',
      '7ffff7804000-7ffff7808000 rw-s 00008000 00:01 * /dev/zero (deleted)',
    ]);
    expect(maps).toContain(
      '7ffff780c000-7ffff7810000 r--s 00000000 00:06 4                          /dev/zero',
    );
  });

  it('answers ENODEV for a file without mmap, after the access checks and before anything changes', () => {
    const nul = { path: '/dev/null', dev: '00:06', inode: 3, type: 'chr', rdev: '01:03' };
    const dir = { path: '/tmp', dev: 'fe:00', inode: 2, type: 'dir' };
    const { answers, maps } = run([
      open(3, nul, 'r'),
      open(4, dir, 'r'),
      { ...fixed(0, 4, 'rw-', ['SHARED'], 3), err: EACCES },
      { ...fixed(0, 4, 'r--', ['SHARED'], 3), err: ENODEV },
      { ...fixed(0, 4, 'r--', ['PRIVATE', 'GROWSDOWN'], 3), err: ENODEV },
      { ...fixed(4, 4, 'r--', ['PRIVATE'], 4), err: ENODEV },
    ]);
    expect(answers).toEqual([-EACCES, -ENODEV, -ENODEV, -ENODEV]);
    expect(inArea(maps)).toEqual(['7ffff7800000-7ffff7c00000 ---p 00000000 00:00 0']);
  });

  it('leaves a hole where a MAP_FIXED mapping of a socket replaced a mapping, then failed', () => {
    const sock = { path: 'socket:[8]', dev: '00:09', inode: 8, type: 'sock' };
    const { answers, maps } = run([open(6, sock), { ...fixed(8, 8, 'r--', ['SHARED'], 6), err: ENODEV }]);
    expect(answers).toEqual([-ENODEV]);
    expect(inArea(maps)).toEqual([
      '7ffff7800000-7ffff7808000 ---p 00000000 00:00 0',
      '7ffff7810000-7ffff7c00000 ---p 00000000 00:00 0',
    ]);
  });

  it('answers EBADF for an fd a close record forgot, and for one never opened when the trace says it failed', () => {
    const file = { path: '/tmp/f', dev: 'fe:00', inode: 9, size: '0x10000' };
    const { answers } = run([
      open(3, file),
      fixed(0, 1, 'r--', ['PRIVATE'], 3),
      { kind: 'close', fd: 3 },
      { ...fixed(1, 1, 'r--', ['PRIVATE'], 3), err: EBADF },
      { ...fixed(2, 1, 'r--', ['PRIVATE'], 99), err: EBADF },
    ]);
    expect(answers).toEqual([at(0), -EBADF, -EBADF]);
    expect(() => run([{ kind: 'close' }])).toThrow(/a close record needs an fd/);
  });
});

describe.each<BackendName>(['maple', 'legacy'])('size records on the %s backend', (backend) => {
  it('give every open file of the inode its new size, so a page up to it can be faulted in', () => {
    const file = { path: '/tmp/f', dev: 'fe:00', inode: 9, size: '0x0' };
    const mlock = (answer: object) => ({
      op: 'mlock',
      args: [hex(0x20000000), hex(4 * PAGE), '0x0'],
      ...answer,
    });
    const ops = [
      open(3, file),
      open(4, file),
      { ...mmapOp(0x20000000, 4 * PAGE, 'r--', ['SHARED', 'FIXED'], 3), ret: '0x20000000' },
    ];
    const size = { kind: 'size', dev: 'fe:00', inode: 9, size: hex(4 * PAGE) };
    const events: string[] = [];
    const r = replayTrace(syntheticTrace([...ops, mlock({ err: 12 }), size, mlock({ ret: '0x0' })]), {
      backend,
      onRecord: (e) => {
        if (e.kind === 'size') events.push(`size ${e.vmas}`);
      },
    });
    expect(r.answerMismatches).toEqual([]);
    expect(events).toEqual(['size 1']);
    // The fd that did not map it sees the size too: one object per open file, as before.
    expect(r.mm.vmaLookup(0x20000000)!.file!.size).toBe(4 * PAGE);
    // Shared anonymous memory is the model's own file: a size record of a real file that happens to have
    // its made-up inode number leaves it alone.
    const shared = {
      ...mmapOp(0x30000000, 4 * PAGE, 'rw-', ['SHARED', 'ANONYMOUS', 'FIXED'], -1),
      ret: '0x30000000',
    };
    const own = replayTrace(syntheticTrace([shared]), { backend }).mm.vmaLookup(0x30000000)!.file!;
    const resized = replayTrace(
      syntheticTrace([shared, { kind: 'size', dev: own.dev, inode: own.inode, size: hex(PAGE) }]),
      { backend },
    );
    expect(resized.mm.vmaLookup(0x30000000)!.file!.size).toBe(4 * PAGE);
    expect(() => replayTrace(syntheticTrace([{ kind: 'size', dev: 'fe:00', inode: 9 }]))).toThrow(
      /a size record needs a dev, an inode and a size/,
    );
  });
});

describe.each<BackendName>(['maple', 'legacy'])('the address space API on the %s backend', (backend) => {
  const zero = opened(ZERO);
  const RW = PROT.READ | PROT.WRITE;

  it('locks a private /dev/zero mapping like anonymous memory (the device has no end to fault past)', () => {
    const mm = progSpace(backend);
    const a = mm.mmap(0, 8 * PAGE, RW, MAP.PRIVATE, zero, 0);
    expect(mm.mlock(a, 8 * PAGE)).toBe(0);
    const file = mm.mmap(0, 8 * PAGE, RW, MAP.PRIVATE, { path: '/f', dev: 'fe:00', inode: 5, size: PAGE }, 0);
    expect(mm.mlock(file, 8 * PAGE)).toBe(-12); // past a regular file's end: ENOMEM
    expect(mm.madvise(a, PAGE, 18)).toBe(-EINVAL); // MADV_WIPEONFORK: it has a file
    mm.validate();
  });

  it('lets a device mapping reach 2^64 bytes where a regular file stops at MAX_LFS_FILESIZE', () => {
    const mm = progSpace(backend);
    const off = 2 ** 63;
    expect(mm.mmap(0, PAGE, PROT.READ, MAP.PRIVATE, zero, off)).toBeGreaterThan(0);
    const file = { path: '/f', dev: 'fe:00', inode: 5 };
    expect(mm.mmap(0, PAGE, PROT.READ, MAP.PRIVATE, file, off)).toBe(-EOVERFLOW);
    expect(mm.mmap(0, PAGE, PROT.READ, MAP.PRIVATE, zero, 2 ** 64 - PAGE)).toBe(-EOVERFLOW);
  });

  it('keeps a noexec file from being mapped executable, now or later', () => {
    const mm = progSpace(backend);
    const file = { path: '/mnt/f', dev: 'fe:01', inode: 5, size: 0x10000, noexec: true };
    expect(mm.mmap(0, PAGE, PROT.READ | PROT.EXEC, MAP.PRIVATE, file, 0)).toBe(-EPERM);
    const a = mm.mmap(0, PAGE, PROT.READ, MAP.PRIVATE, file, 0);
    expect(mm.mprotect(a, PAGE, PROT.READ | PROT.EXEC)).toBe(-EACCES);
    expect(mm.mremap(a, PAGE, 2 * PAGE, MREMAP.MAYMOVE)).toBeGreaterThan(0);
  });
});

describe.each<BackendName>(['maple', 'legacy'])('placing device mappings on the %s backend', (backend) => {
  it('aligns /dev/zero to huge pages as a regular file, but not a device without get_unmapped_area', () => {
    const mm = progSpace(backend);
    const rw = PROT.READ | PROT.WRITE;
    const len = 0x400000;
    const zero = mm.mmap(0, len, rw, MAP.PRIVATE, opened(ZERO), 0x3000);
    expect(zero % 0x200000).toBe(0x3000); // address and offset agree modulo 2 MiB, as Linux 6.18 placed it
    const fb = opened({ path: '/dev/fb0', dev: '00:06', inode: 20, type: 'chr', rdev: '1d:00' });
    const dev = mm.mmap(0, len, rw, MAP.SHARED, fb, 0);
    expect(dev).toBe(zero - len); // right below, unaligned
    expect(dev % 0x200000).not.toBe(0);
  });
});
