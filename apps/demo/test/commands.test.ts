// The console: typed system calls give the same answers as calling the
// AddressSpace directly, and a line that does not parse changes nothing.
import { AddressSpace, ENOMEM, MAP, PROT } from '@maple-tree/vma-mm';
import { describe, expect, it } from 'vitest';
import { Console, formatAnswer, parseNumber } from '../src/model/commands.js';
import { readLayout } from '../src/model/layout.js';

const fresh = () => new AddressSpace({ arch: 'x86_64', startBrk: 0x600000, startStack: 0x7ffffffde000 });

describe('Console', () => {
  it('runs mmap, mprotect, mremap, munmap, brk like the direct calls', () => {
    const a = fresh();
    const b = fresh();
    const con = new Console(a);
    const bFile = { path: '/usr/lib/libfoo.so', dev: '08:01', inode: 900001 };
    const steps: [string, () => number][] = [
      [
        'mmap 0 0x4000 rw- private,anon',
        () => b.mmap(0, 0x4000, PROT.READ | PROT.WRITE, MAP.PRIVATE | MAP.ANONYMOUS),
      ],
      ['mmap 0 16k r-- private /usr/lib/libfoo.so', () => b.mmap(0, 0x4000, PROT.READ, MAP.PRIVATE, bFile)],
      ['brk 0x700000', () => b.brk(0x700000)],
    ];
    for (const [line, direct] of steps) {
      const r = con.run(line);
      expect(r.ok, line).toBe(true);
      expect(r.answer, line).toBe(direct());
    }
    const anon = con.run('mmap 0 0x4000 rw- private,anon').answer!;
    b.mmap(0, 0x4000, PROT.READ | PROT.WRITE, MAP.PRIVATE | MAP.ANONYMOUS);
    expect(con.run(`mprotect 0x${anon.toString(16)} 4k r--`).answer).toBe(b.mprotect(anon, 4096, PROT.READ));
    const spanning = con.run(`mremap 0x${anon.toString(16)} 0x4000 1m maymove`);
    expect(spanning.answer).toBe(-14); // the range now spans two VMAs: -EFAULT, as the kernel says
    expect(spanning.answer).toBe(b.mremap(anon, 0x4000, 1 << 20, 1));
    const moved = con.run(`mremap 0x${anon.toString(16)} 4k 1m maymove`);
    expect(moved.answer).toBe(b.mremap(anon, 0x1000, 1 << 20, 1));
    expect(moved.answer).toBeGreaterThan(0);
    expect(moved.focus).toBe(moved.answer);
    expect(con.run(`munmap 0x${moved.answer!.toString(16)} 1m`).answer).toBe(
      b.munmap(moved.answer!, 1 << 20),
    );
    expect(a.procMaps()).toBe(b.procMaps());
  });

  it('reports errors with the errno name, and finds VMAs', () => {
    const con = new Console(fresh());
    const r = con.run('mmap 0 0 rw- private,anon');
    expect(r).toMatchObject({ ok: true, answer: -22, changed: false });
    expect(r.text).toBe('mmap 0 0 rw- private,anon = -EINVAL');
    expect(formatAnswer(-ENOMEM)).toBe('-ENOMEM');
    const at = con.run('mmap 0x10000 8k rw- private,anon,fixed').answer!;
    expect(at).toBe(0x10000);
    expect(con.run('find 0x1000').text).toMatch(/^find_vma\(0x1000\) = 00010000-00012000 rw-p/);
    expect(con.run('find 0x7fffffffffff').text).toBe('find_vma(0x7fffffffffff) = NULL');
  });

  it('rejects malformed lines without touching the address space', () => {
    const mm = fresh();
    const con = new Console(mm);
    con.run('mmap 0 0x4000 rw- private,anon');
    const before = mm.procMaps();
    for (const [line, message] of [
      ['', /empty line/],
      ['frobnicate 1 2', /unknown command "frobnicate"/],
      ['mmap 0 0x4000 rw-', /usage: mmap/],
      ['mmap zero 0x4000 rw- private,anon', /ADDR must be a number/],
      ['mmap 0 0x4000 rwz private,anon', /PROT must look like/],
      ['mmap 0 0x4000 rw- private,bogus', /unknown mmap flag "bogus"/],
      ['mmap 0 0x4000 rw- private,anon /etc/passwd', /anonymous mapping takes no FILE/],
      ['munmap 0x1000', /usage: munmap/],
      ['mremap 0x1000 4k 8k sideways', /unknown mremap flag/],
      ['brk 0x1p', /ADDR must be a number/],
      ['munmap 0x1000 99999999999999999999', /too large/],
    ] as const) {
      const r = con.run(line);
      expect(r.ok, line).toBe(false);
      expect(r.changed).toBe(false);
      expect(r.text).toMatch(message);
    }
    expect(mm.procMaps()).toBe(before);
  });

  it('parses numbers in hex, decimal and with k/m/g suffixes', () => {
    expect(parseNumber('0x1000', 'n')).toBe(4096);
    expect(parseNumber('4096', 'n')).toBe(4096);
    expect(parseNumber('4k', 'n')).toBe(4096);
    expect(parseNumber('2M', 'n')).toBe(2 << 20);
    expect(parseNumber('0x7fff_ffff_f000', 'n')).toBe(0x7ffffffff000);
    expect(() => parseNumber('-1', 'n')).toThrow(/must be a number/);
  });
});

describe('readLayout', () => {
  it('classifies VMAs and lists the gaps between them up to the task size', () => {
    const mm = AddressSpace.fromMaps(
      [
        '00400000-00401000 r--p 00000000 fe:00 11 /usr/bin/prog',
        '00601000-00622000 rw-p 00000000 00:00 0 [heap]',
        '7ffff7fc0000-7ffff7fc2000 rw-p 00000000 00:00 0',
        '7ffff7fc2000-7ffff7fc6000 r--p 00000000 00:00 0 [vvar]',
        '7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]',
      ].join('\n'),
      { arch: 'x86_64', startBrk: 0x601000, brk: 0x622000, startStack: 0x7fffffffe000 },
    );
    const l = readLayout(mm);
    expect(l.regions.map((r) => r.kind)).toEqual(['file', 'heap', 'anon', 'special', 'stack']);
    expect(l.taskSize).toBe(0x7ffffffff000);
    expect(l.gaps.map((g) => [g.start, g.end])).toEqual([
      [0, 0x400000],
      [0x401000, 0x601000],
      [0x622000, 0x7ffff7fc0000],
      [0x7ffff7fc6000, 0x7ffffffde000],
    ]);
    expect(l.regions[0]!.line).toBe(mm.procMaps().split('\n')[0]);
  });
});
