// vmtrace/1 parsing, replay bookkeeping and the field-by-field maps comparison.
import { describe, expect, it } from 'vitest';
import { mapsLinesEqual, parseTrace, replayTrace, TraceFormatError } from '../src/index.js';

const HEADER =
  '{"kind":"header","format":"vmtrace/1","arch":"x86_64","page_size":4096,"max_map_count":65530,"mmap_min_addr":4096,"stack_rlimit":8388608}';
const START =
  '{"kind":"maps","at":0,"lines":["7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]"]}';

function trace(...lines: string[]): string {
  return [HEADER, START, ...lines].join('\n');
}

describe('parseTrace', () => {
  it('rejects what is not a vmtrace/1 history, naming the line', () => {
    expect(() => parseTrace('nope')).toThrow(/line 1: not a JSON object/);
    expect(() => parseTrace('{"kind":"op"}')).toThrow(/first record must be the header/);
    expect(() => parseTrace(`${HEADER}\n{"kind":"weird"}`)).toThrow(/line 2: unknown kind weird/);
    expect(() => parseTrace(HEADER.replace('vmtrace/1', 'vmtrace/9'))).toThrow(TraceFormatError);
    expect(() => parseTrace('')).toThrow(/empty trace/);
  });
});

describe('replayTrace', () => {
  it('answers each op, compares answers and snapshots, and emits in input order', () => {
    const text = trace(
      '{"kind":"op","i":1,"op":"mmap","addr":"0x0","len":"0x1000","prot":"rw-","flags":["PRIVATE","ANONYMOUS"],"fd":-1,"off":"0x0","ret":"0x7ffff7ffe000"}',
      '{"kind":"op","i":2,"op":"munmap","addr":"0x1001","len":"0x1000","err":22}',
      '{"kind":"op","i":3,"op":"msync","args":["0x7ffff7ffe000","0x1000","0x4"],"ret":"0x0"}',
      '{"kind":"op","i":4,"op":"mprotect","addr":"0x7ffff7ffe000","len":"0x1000","prot":"r--","ret":"0x0"}',
      '{"kind":"maps","at":4,"lines":["7ffff7ffe000-7ffff7fff000 r--p 00000000 00:00 0","7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]"]}',
    );
    const r = replayTrace(parseTrace(text), { backend: 'legacy', emit: true });
    expect(r).toMatchObject({ ops: 4, answered: 3, answersMatched: 3, snapshots: 2, snapshotsMatched: 2 });
    expect(r.emitted!.map((l) => JSON.parse(l))).toEqual([
      { at: 0, lines: [expect.stringContaining('[stack]')] },
      { i: 1, ret: '0x7ffff7ffe000' },
      { i: 2, err: 22 },
      { i: 3, skipped: 'msync' },
      { i: 4, ret: '0x0' },
      { at: 4, lines: expect.any(Array) },
    ]);
  });

  it('reports mismatches instead of hiding them', () => {
    const text = trace(
      '{"kind":"op","i":1,"op":"munmap","addr":"0x1000","len":"0x1000","err":22}',
      '{"kind":"maps","at":1,"lines":[]}',
    );
    const r = replayTrace(parseTrace(text), { backend: 'maple' });
    expect(r.answerMismatches).toEqual([{ i: 1, op: 'munmap', expected: 'err 22', actual: '0x0' }]);
    expect(r.snapshotsMatched).toBe(1);
    expect(r.snapshotMismatches[0]!.at).toBe(1);
  });

  it('turns inconsistent records into format errors', () => {
    const unknownFd = trace(
      '{"kind":"op","i":1,"op":"mmap","addr":"0x0","len":"0x1000","prot":"r--","flags":["PRIVATE"],"fd":9,"off":"0x0","ret":"0x0"}',
    );
    expect(() => replayTrace(parseTrace(unknownFd))).toThrow(/fd 9 was never opened/);
    const badFlag = trace(
      '{"kind":"op","i":1,"op":"mremap","addr":"0x0","old_len":"0x1000","new_len":"0x1000","flags":["toString"],"new_addr":"0x0","err":22}',
    );
    expect(() => replayTrace(parseTrace(badFlag))).toThrow(/unknown mremap flag "toString"/);
    const badNumber = trace('{"kind":"op","i":1,"op":"munmap","addr":"0xZZ","len":"0x1000","ret":"0x0"}');
    expect(() => replayTrace(parseTrace(badNumber))).toThrow(TraceFormatError);
    expect(() =>
      replayTrace(parseTrace(`${HEADER}\n{"kind":"op","i":1,"op":"brk","addr":"0x0","ret":"0x0"}`)),
    ).toThrow(/before the at:0 maps record/);
  });
});

describe('mapsLinesEqual', () => {
  it('compares fields, not spacing, and ignores the inode of shared anonymous memory', () => {
    const a = '7ffff7ffe000-7ffff7fff000 rw-s 00000000 00:01 1234                       /dev/zero (deleted)';
    expect(mapsLinesEqual(a, '7ffff7ffe000-7ffff7fff000 rw-s 00000000 00:01 99 /dev/zero (deleted)')).toBe(
      true,
    );
    expect(mapsLinesEqual(a, '7ffff7ffe000-7ffff7fff000 rw-s 00001000 00:01 99 /dev/zero (deleted)')).toBe(
      false,
    );
    const f = '00400000-00401000 r-xp 00000000 fe:00 5 /bin/x';
    expect(mapsLinesEqual(f, '00400000-00401000 r-xp 00000000 fe:00 6 /bin/x')).toBe(false);
  });
});
