// TraceReplayer: stepping op by op gives exactly what replayTrace gives (answers,
// counts, the address space after every op), seeking goes forwards and back, and
// the maple backend's tree can be supplied by the caller.
import { MapleTree } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import {
  AddressSpace,
  type BackendName,
  MAP,
  PROT,
  parseTrace,
  type ReplayEvent,
  replayTrace,
  TraceFormatError,
  type TraceRecord,
  TraceReplayer,
  VM_READ,
  VM_WRITE,
  type Vma,
} from '../src/index.js';
import { loadTrace, mmapOp, PROG_LAYOUT, syntheticTrace } from './fixtures.js';

/** The records up to op `n` and the open/maps records after it (what a replay to op n sees). */
function cutAfterOp(records: readonly TraceRecord[], n: number): TraceRecord[] {
  let ops = 0;
  for (let k = 0; k < records.length; k++) {
    if (records[k]!.kind === 'op' && ops++ === n) return records.slice(0, k);
  }
  return records.slice();
}

/** replayTrace's emitted answers, one per op record: `0x..`, `err N` or `skip`. */
function libraryAnswers(records: TraceRecord[], backend: BackendName): string[] {
  return replayTrace(records, { backend, emit: true })
    .emitted!.map((l) => JSON.parse(l) as { i?: number; ret?: string; err?: number; skipped?: string })
    .filter((e) => e.i !== undefined)
    .map((e) => (e.skipped ? 'skip' : e.err !== undefined ? `err ${e.err}` : e.ret!));
}

function answerOf(a: number | undefined): string {
  if (a === undefined) return 'skip';
  return a < 0 ? `err ${-a}` : `0x${a.toString(16)}`;
}

describe('TraceReplayer.step', () => {
  for (const [name, backend] of [
    ['real-python', 'maple'],
    ['synth-mixed-2', 'legacy'],
  ] as const) {
    it(`gives replayTrace's answers, counts and address space after every op (${name}, ${backend})`, () => {
      const records = loadTrace(name);
      const r = new TraceReplayer(records, { backend });
      expect(r.position).toBe(0);
      expect(r.mm.procMaps()).toBe(replayTrace(cutAfterOp(records, 0), { backend }).mm.procMaps());
      const answers: string[] = [];
      const ops = records.filter((x) => x.kind === 'op');
      for (let n = 1; n <= r.totalOps; n++) {
        const s = r.step()!;
        expect(s.i).toBe(ops[n - 1]!.i);
        expect(s.record).toBe(ops[n - 1]);
        expect(r.position).toBe(n);
        answers.push(answerOf(s.answer));
        if (s.answer !== undefined) expect(s.matched).toBe(s.answer === s.expected);
        if (n % 97 === 0) {
          expect(r.mm.procMaps(), `after op ${n}`).toBe(
            replayTrace(cutAfterOp(records, n), { backend }).mm.procMaps(),
          );
        }
      }
      expect(r.done).toBe(true);
      expect(r.step()).toBeUndefined();
      expect(answers).toEqual(libraryAnswers(records, backend));
      const { mm, timeMs, emitted, ...counts } = replayTrace(records, { backend });
      expect(r.tally).toEqual(counts);
      expect(r.mm.procMaps()).toBe(mm.procMaps());
    });
  }

  it('hands each op the snapshots recorded right after it', () => {
    const records = loadTrace('synth-mixed-1');
    const r = new TraceReplayer(records);
    const snaps = records.filter((x) => x.kind === 'maps' && x.at > 0) as { at: number; lines: string[] }[];
    expect(snaps.length).toBeGreaterThan(0);
    const seen: number[] = [];
    for (let s = r.step(); s; s = r.step()) {
      for (const e of s.snapshots) {
        expect(e.at).toBe(s.i);
        expect(e.matched).toBe(true);
        seen.push(e.at);
      }
    }
    expect(seen).toEqual(snaps.map((x) => x.at));
  });

  it('nextRecord yields one event per record, in the order replayTrace emits them', () => {
    const records = loadTrace('real-python');
    const r = new TraceReplayer(records);
    const events: ReplayEvent[] = [];
    for (let e = r.nextRecord(); e; e = r.nextRecord()) events.push(e);
    expect(r.finished).toBe(true);
    expect(events.length).toBe(records.length - 1);
    expect(events.map((e) => e.record)).toEqual(records.slice(1));
    const emitted: string[] = [];
    replayTrace(records, { emit: true, onRecord: (e) => emitted.push(e.kind) });
    expect(emitted).toEqual(events.map((e) => e.kind));
  });
});

describe('TraceReplayer.seek', () => {
  it('moves forwards and backwards to the same state as replayTrace on the cut trace', () => {
    const records = loadTrace('synth-mixed-1');
    const r = new TraceReplayer(records, { backend: 'legacy' });
    for (const n of [2500, 10, 1777, 1777, 0, r.totalOps + 5, -3]) {
      const s = r.seek(n);
      const want = Math.max(0, Math.min(n, r.totalOps));
      expect(r.position).toBe(want);
      if (want > 0 && n !== 1777) expect(s?.i).toBe(want);
      expect(r.mm.procMaps(), `at op ${want}`).toBe(
        replayTrace(cutAfterOp(records, want), { backend: 'legacy' }).mm.procMaps(),
      );
    }
    expect(() => r.seek(Number.NaN)).toThrow(RangeError);
  });

  it('counts again from the start after seeking back', () => {
    const records = loadTrace('real-python');
    const r = new TraceReplayer(records);
    r.seek(300);
    r.seek(50);
    const cut = replayTrace(cutAfterOp(records, 50));
    expect(r.tally.ops).toBe(50);
    expect(r.tally.answered).toBe(cut.answered);
    expect(r.tally.snapshots).toBe(cut.snapshots);
  });
});

describe('TraceReplayer errors', () => {
  const HEADER = '{"kind":"header","format":"vmtrace/1","arch":"x86_64","page_size":4096}';
  const START =
    '{"kind":"maps","at":0,"lines":["7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]"]}';

  it('names what is missing or inconsistent, as replayTrace does', () => {
    const opFirst = parseTrace(`${HEADER}\n{"kind":"op","i":1,"op":"brk","addr":"0x0","ret":"0x0"}`);
    expect(() => new TraceReplayer(opFirst).mm).toThrow(/line 2: an op before the at:0 maps record/);
    expect(() => new TraceReplayer(opFirst).step()).toThrow(/an op before the at:0 maps record/);
    expect(() => new TraceReplayer(parseTrace(HEADER)).mm).toThrow(/no maps record/);
    const fd = parseTrace(
      `${HEADER}\n${START}\n{"kind":"op","i":1,"op":"mmap","addr":"0x0","len":"0x1000","prot":"r--","flags":["PRIVATE"],"fd":7,"off":"0x0","ret":"0x0"}`,
    );
    const r = new TraceReplayer(fd);
    expect(() => r.step()).toThrow(/line 3: fd 7 was never opened/);
    expect(r.tally.ops).toBe(0);
    expect(() => new TraceReplayer([])).toThrow(/first record must be the header/);
  });
});

/** A tree that counts the writes made through it, and clones into its own kind. */
class CountingTree extends MapleTree<Vma> {
  writes = 0;
  override write(first: number, last: number, value: Vma | undefined): void {
    this.writes++;
    super.write(first, last, value);
  }
  override clone(): CountingTree {
    return new CountingTree({}, undefined, super.clone().core);
  }
}

describe('AddressSpaceOptions.mapleTree', () => {
  it("puts the caller's tree behind mm->mm_mt, for replays and fork", () => {
    const trees: CountingTree[] = [];
    const mapleTree = () => {
      const t = new CountingTree({ allocRange: true });
      trees.push(t);
      return t;
    };
    const records = loadTrace('real-python');
    const r = new TraceReplayer(records, { mapleTree });
    r.seek(r.totalOps);
    expect(trees.length).toBe(1);
    const tree = trees[0]!;
    expect(tree.writes).toBeGreaterThan(r.totalOps);
    expect(tree.size).toBe(r.mm.mapCount);
    expect(r.mm.procMaps()).toBe(replayTrace(records).mm.procMaps());
    expect(replayTrace(records, { mapleTree }).answersMatched).toBe(r.tally.answersMatched);

    const child = r.mm.fork();
    const before = tree.writes;
    expect(child.mmap(0, 0x1000, PROT.READ, MAP.PRIVATE | MAP.ANONYMOUS)).toBeGreaterThan(0);
    expect(tree.writes).toBe(before); // the child writes to its own copy
    expect(child.procMaps()).not.toBe(r.mm.procMaps());
  });

  it('refuses a tree that is not empty, has no gap tracking, or is meant for the legacy backend', () => {
    const arch = 'x86_64';
    expect(() => new AddressSpace({ arch, mapleTree: () => new MapleTree<Vma>() })).toThrow(/allocRange/);
    const full = new MapleTree<Vma>({ allocRange: true });
    full.storeRange(1, 2, {} as Vma);
    expect(() => new AddressSpace({ arch, mapleTree: () => full })).toThrow(/new, empty tree/);
    expect(
      () =>
        new AddressSpace({
          arch,
          backend: 'legacy',
          mapleTree: () => new MapleTree<Vma>({ allocRange: true }),
        }),
    ).toThrow(/maple backend/);
  });
});

describe('fault records', () => {
  const header = { kind: 'header', format: 'vmtrace/1', arch: 'x86_64', page_size: 0x1000 };
  const start = { kind: 'maps', at: 0, lines: PROG_LAYOUT.split('\n') };
  const trace = (...records: object[]): TraceRecord[] =>
    parseTrace([header, ...records].map((r) => JSON.stringify(r)).join('\n'));

  it('grow the stack where the kernel did, before the calls that follow', () => {
    const events: ReplayEvent[] = [];
    const r = replayTrace(
      trace(
        start,
        { kind: 'fault', addr: '0x7fffffe02000', write: true },
        { kind: 'op', i: 1, op: 'munmap', addr: '0x7fffffe02000', len: '0x1000', ret: '0x0' },
      ),
      { onRecord: (e) => events.push(e) },
    );
    expect(events.find((e) => e.kind === 'fault')).toMatchObject({ kind: 'fault', answer: 0 });
    // The stack reached down to the fault; the munmap then cut its lowest page off.
    expect(r.mm.vmaLookup(0x7fffffe03000)).toMatchObject({ start: 0x7fffffe03000, end: 0x7ffffffff000 });
    expect(r.answersMatched).toBe(1);
  });

  it('give a written VMA its anon_vma, which keeps it from merging with another written one', () => {
    const mmap = (i: number, addr: string) => ({
      kind: 'op',
      i,
      op: 'mmap',
      addr,
      len: '0x4000',
      prot: 'rw-',
      flags: ['PRIVATE', 'ANONYMOUS', 'FIXED'],
      fd: -1,
      ret: addr,
    });
    const ops = [mmap(1, '0x20000000'), mmap(2, '0x20008000')];
    const fill = mmap(3, '0x20004000');
    const faulted = replayTrace(
      trace(
        start,
        ...ops,
        { kind: 'fault', addr: '0x20000000', write: true },
        { kind: 'fault', addr: '0x20008000', write: true },
        fill,
      ),
    );
    // The hole is filled: it joins the VMA below, but the two written ones stay apart.
    expect([...faulted.mm.vmas(0x20000000, 0x2000c000)].map((v) => [v.start, v.end])).toEqual([
      [0x20000000, 0x20008000],
      [0x20008000, 0x2000c000],
    ]);
    const untouched = replayTrace(trace(start, ...ops, fill));
    expect([...untouched.mm.vmas(0x20000000, 0x2000c000)]).toHaveLength(1);
  });

  it('are refused before the starting layout or without an address', () => {
    expect(() => replayTrace(trace({ kind: 'fault', addr: '0x1000' }, start))).toThrow(TraceFormatError);
    expect(() => replayTrace(trace(start, { kind: 'fault', addr: 'zz' }))).toThrow(TraceFormatError);
    expect(() => replayTrace(trace(start, { kind: 'fault' }))).toThrow(TraceFormatError);
  });
});

describe('prot_raw', () => {
  // A grows-down VMA of 16 pages at 0x20000000 (as protbits.c maps one).
  const growsDown = {
    ...mmapOp(0x20000000, 0x10000, 'rw-', ['PRIVATE', 'ANONYMOUS', 'FIXED', 'GROWSDOWN'], -1),
    ret: '0x20000000',
  };
  const mprotect = (prot: string, raw: string, answer: object = {}) => ({
    op: 'mprotect',
    addr: '0x20008000',
    len: '0x4000',
    prot,
    prot_raw: raw,
    ...answer,
  });

  it('carries PROT_GROWSDOWN: the change reaches down to the start of the grows-down VMA', () => {
    const r = replayTrace(syntheticTrace([growsDown, mprotect('r--', '0x1000001')]));
    expect(r.answersMatched).toBe(2);
    const access = VM_READ | VM_WRITE;
    expect([...r.mm.vmas(0x20000000, 0x20010000)].map((v) => [v.start, v.end, v.flags & access])).toEqual([
      [0x20000000, 0x2000c000, VM_READ],
      [0x2000c000, 0x20010000, access],
    ]);
  });

  it('carries bits mprotect refuses (PROT_GROWSUP, unknown ones) and PROT_SEM, which it takes', () => {
    const r = replayTrace(
      syntheticTrace([
        growsDown,
        mprotect('r--', '0x2000001', { err: 22 }),
        mprotect('r--', '0x11', { err: 22 }),
        mprotect('r--', '0x9'),
      ]),
    );
    expect(r.answerMismatches).toEqual([]);
  });

  it('must agree with the prot text', () => {
    expect(() => replayTrace(syntheticTrace([growsDown, mprotect('rw-', '0x1000001')]))).toThrow(
      /prot_raw 0x1000001 does not match prot "rw-"/,
    );
    expect(() => replayTrace(syntheticTrace([growsDown, mprotect('r--', 'zz')]))).toThrow(TraceFormatError);
  });
});
