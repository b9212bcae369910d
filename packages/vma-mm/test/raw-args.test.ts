// Raw arguments of the calls a trace logs without named fields (FORMAT.md: madvise, the mlock
// family): hex registers as our recorder writes them, or strace's decimal and symbolic form, which a
// strace-based recording of a real program carries. Undecodable ones are skipped, never fatal.
import { describe, expect, it } from 'vitest';
import type { BackendName } from '../src/index.js';
import { AddressSpace, EINVAL, MAP, PROT, replayTrace } from '../src/index.js';
import { rawArg, rawArgs } from '../src/raw-args.js';
import { hex, mmapOp, syntheticTrace } from './fixtures.js';

const PAGE = 0x1000;
const X = 0x20000000;
const MADV = { prefix: 'MADV_', values: { DONTFORK: 10, DOFORK: 11 } };
const MCL = { prefix: 'MCL_', values: { CURRENT: 1, FUTURE: 2, ONFAULT: 4 } };

describe('rawArg', () => {
  it('decodes hex registers, decimal strings, numbers and symbolic names', () => {
    expect(rawArg('0x7f0000000000')).toBe(0x7f0000000000);
    expect(rawArg('0XFFFFFFFFFFFFF000')).toBe(2 ** 64 - PAGE);
    expect(rawArg('4096')).toBe(4096);
    expect(rawArg(4096)).toBe(4096);
    expect(rawArg('MADV_DONTFORK', MADV)).toBe(10);
    expect(rawArg('MCL_CURRENT|MCL_FUTURE', MCL)).toBe(3);
    expect(rawArg('MCL_FUTURE|0x4', MCL)).toBe(6);
    expect(rawArg(' MCL_CURRENT ', MCL)).toBe(1);
  });

  it('gives NaN for anything else: unknown names, names without their table, junk, non-integers', () => {
    for (const [v, names] of [
      ['MADV_DONTNEED', MADV],
      ['MADV_DONTFORK', undefined],
      ['DONTFORK', MADV],
      ['MCL_CURRENT|MCL_BOGUS', MCL],
      ['-1', undefined],
      ['0x', undefined],
      ['12abc', undefined],
      ['', undefined],
      [1.5, undefined],
      [-4096, undefined],
      [null, undefined],
    ] as const) {
      expect(rawArg(v, names), String(v)).toBeNaN();
    }
  });

  it('rawArgs takes the first n, or nothing when one is missing or does not decode', () => {
    expect(rawArgs(['0x1000', '8192', 'MADV_DOFORK', '0x0'], 3, [undefined, undefined, MADV])).toEqual([
      0x1000, 8192, 11,
    ]);
    expect(rawArgs(['0x1000'], 2)).toBeUndefined();
    expect(rawArgs('0x1000', 1)).toBeUndefined();
    expect(rawArgs(['0x1000', 'MADV_WILLNEED'], 2, [undefined, MADV])).toBeUndefined();
  });
});

describe.each<BackendName>(['maple', 'legacy'])('strace-style records on the %s backend', (backend) => {
  it('replays madvise, mlock, mlock2 and mlockall as strace prints them', () => {
    const ops = [
      { ...mmapOp(X, 8 * PAGE, 'rw-', ['PRIVATE', 'ANONYMOUS', 'FIXED'], -1), ret: hex(X) },
      // madvise(X, 4096, MADV_DONTFORK): splits the first page off.
      { op: 'madvise', args: [hex(X), '4096', 'MADV_DONTFORK'] },
      // Page advice leaves the layout alone; its answer is compared.
      { op: 'madvise', args: [hex(X), '4096', 'MADV_DONTNEED'] },
      // mlock(X + 2 pages, 8192): two arguments, as strace prints them.
      { op: 'mlock', args: [hex(X + 2 * PAGE), '8192'] },
      // mlock2 with an unknown flag name: the call cannot be decoded, so it is skipped.
      { op: 'mlock2', args: [hex(X + 6 * PAGE), '4096', 'MLOCK_SOMETHING'] },
      { op: 'mlock2', args: [hex(X + 6 * PAGE), '4096', 'MLOCK_ONFAULT'] },
      { op: 'mlockall', args: ['MCL_ONFAULT'], err: EINVAL },
    ];
    const answers: (number | undefined)[] = [];
    const r = replayTrace(syntheticTrace(ops, { mmap_min_addr: PAGE, memlock_rlimit: 1 << 20 }), {
      backend,
      onRecord: (e) => {
        if (e.kind === 'op') answers.push(e.answer);
      },
    });
    expect(answers).toEqual([X, 0, 0, 0, undefined, 0, -EINVAL]);
    expect(r.answersMatched).toBe(r.answered);
    const cuts = [...r.mm.vmas(X, X + 8 * PAGE)].map((v) => [(v.start - X) / PAGE, (v.end - X) / PAGE]);
    expect(cuts).toEqual([
      [0, 1],
      [1, 2],
      [2, 4],
      [4, 6],
      [6, 7],
      [7, 8],
    ]);
  });

  it('takes mmap flag names with their MAP_ prefix, MAP_FILE and MAP_HUGE_<size> as the kernel encodes them', () => {
    const huge = 21 << 26; // MAP_HUGE_2MB: log2(2 MiB) at MAP_HUGE_SHIFT
    const direct = new AddressSpace({ arch: 'x86_64', backend, mmapMinAddr: PAGE });
    const want = direct.mmap(0, 2 << 20, PROT.READ, MAP.PRIVATE | MAP.ANONYMOUS | MAP.HUGETLB | huge);
    const ops = [
      {
        ...mmapOp(X, PAGE, 'rw-', ['MAP_PRIVATE', 'MAP_ANONYMOUS', 'MAP_FIXED', 'MAP_STACK', 'FILE'], -1),
        ret: hex(X),
      },
      {
        ...mmapOp(0, 2 << 20, 'r--', ['PRIVATE', 'ANONYMOUS', 'HUGETLB', 'MAP_HUGE_2MB'], -1),
        ...(want < 0 ? { err: -want } : { ret: hex(want) }),
      },
      // 1 GiB pages for a 2 MiB length: EINVAL, where a dropped size would give 2 MiB's ENOMEM.
      { ...mmapOp(0, 2 << 20, 'r--', ['PRIVATE', 'ANONYMOUS', 'HUGETLB', 'HUGE_1GB'], -1), err: EINVAL },
      {
        op: 'mremap',
        addr: hex(X),
        old_len: hex(PAGE),
        new_len: hex(2 * PAGE),
        flags: ['MREMAP_MAYMOVE'],
        ret: hex(X),
      },
    ];
    const r = replayTrace(syntheticTrace(ops, { mmap_min_addr: PAGE }), { backend });
    expect(r.answersMatched, JSON.stringify(r.answerMismatches[0])).toBe(4);
    expect(() => replayTrace(syntheticTrace([mmapOp(X, PAGE, 'rw-', ['PRIVATE', 'HUGE_3MB'], -1)]))).toThrow(
      /unknown mmap flag "HUGE_3MB"/,
    );
  });

  it('replays mmap_raw and mremap_raw (flags with a bit that has no name), as the kernel answered them', () => {
    // Linux 6.18, recorded (a growsdown probe): an unknown bit (0x200) in a private mapping's flags is
    // ignored; MAP_SHARED_VALIDATE refuses it (EOPNOTSUPP), mremap refuses any unknown flag (EINVAL).
    const file = { kind: 'open', fd: 3, path: '/tmp/f', dev: 'fe:00', inode: 5, size: '0x10000' };
    const ops = [
      { op: 'mmap_raw', args: ['0x20000000', '0x4000', '0x3', '0x232', '0xffffffff', '0x0'], ret: hex(X) },
      // the next mapping merges with it: the unknown bit left no trace in the VMA
      { op: 'mmap_raw', args: [hex(X + 4 * PAGE), '16384', '3', '0x222', '-1', '0'], ret: hex(X + 4 * PAGE) },
      { op: 'mmap_raw', args: ['0x0', '0x4000', '0x1', '0x203', '0x3', '0x0'], err: 9 }, // not open yet
      file,
      { op: 'mmap_raw', args: ['0x0', '0x4000', '0x1', '0x203', '0x3', '0x0'], err: 95 },
      {
        op: 'mmap_raw',
        args: [hex(X + 16 * PAGE), '0x4000', '0x1', '0x211', '0x3', '0x0'],
        ret: hex(X + 16 * PAGE),
      },
      { op: 'mremap_raw', args: [hex(X), '0x4000', '0x8000', '0x9', '0x0'], err: EINVAL },
      { op: 'mmap_raw', args: ['0x0', 'junk', '0x1', '0x211', '0x3', '0x0'], ret: '0x0' }, // skipped
    ];
    const r = replayTrace(syntheticTrace(ops, { mmap_min_addr: PAGE }), { backend });
    expect(r.answered).toBe(6);
    expect(r.answersMatched, JSON.stringify(r.answerMismatches[0])).toBe(6);
    expect(r.mm.findVma(X)?.end).toBe(X + 8 * PAGE);
    expect(r.mm.findVma(X + 16 * PAGE)?.file?.path).toBe('/tmp/f');
    // A file mapping through an fd no record names, said to have succeeded: a record is missing.
    const missing = [{ op: 'mmap_raw', args: ['0x0', '0x4000', '0x1', '0x201', '0x7', '0x0'], ret: hex(X) }];
    expect(() => replayTrace(syntheticTrace(missing), { backend })).toThrow(/fd 7 was never opened/);
  });
});
