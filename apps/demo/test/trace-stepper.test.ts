// The stepper must leave the address space exactly where vma-mm's own
// replayTrace leaves it on the same trace cut after op N, for every N it is
// asked about, stepping forwards and seeking backwards, on both backends.
import { replayTrace, type TraceRecord } from '@maple-tree/vma-mm';
import { describe, expect, it } from 'vitest';
import { TraceStepper } from '../src/model/trace-stepper.js';
import { cutAfterOp, loadTrace } from './helpers.js';

function libraryAnswers(records: TraceRecord[], backend: 'maple' | 'legacy'): string[] {
  return replayTrace(records, { backend, emit: true })
    .emitted!.filter((l) => l.startsWith('{"i"') && !l.includes('skipped'))
    .map((l) => {
      const e = JSON.parse(l) as { ret?: string; err?: number };
      return e.err !== undefined ? String(-e.err) : String(Number(BigInt(e.ret!)));
    });
}

describe('TraceStepper', () => {
  it('matches replayTrace after every op of real-python (maple)', () => {
    const records = loadTrace('real-python');
    const s = new TraceStepper(records, 'maple');
    expect(s.mm.procMaps()).toBe(replayTrace(cutAfterOp(records, 0)).mm.procMaps());
    const answers: string[] = [];
    for (let n = 1; n <= s.totalOps; n++) {
      const r = s.step()!;
      expect(r.i).toBe(n);
      if (r.answer !== undefined) answers.push(String(r.answer));
      if (n % 7 === 0 || n === s.totalOps) {
        expect(s.mm.procMaps(), `after op ${n}`).toBe(replayTrace(cutAfterOp(records, n)).mm.procMaps());
      }
    }
    expect(s.step()).toBeUndefined();
    expect(answers).toEqual(libraryAnswers(records, 'maple'));
    const lib = replayTrace(records);
    expect(s.tally).toMatchObject({
      ops: lib.ops,
      answered: lib.answered,
      answersMatched: lib.answersMatched,
      snapshots: lib.snapshots,
      snapshotsMatched: lib.snapshotsMatched,
    });
  });

  it('seeks forwards and backwards on a synthetic trace (legacy) to the same state as replayTrace', () => {
    const records = loadTrace('synth-mixed-1');
    const s = new TraceStepper(records, 'legacy');
    for (const n of [2500, 10, 1777, 1777, 0, 3000]) {
      s.seek(n);
      expect(s.position).toBe(n);
      expect(s.mm.procMaps(), `at op ${n}`).toBe(
        replayTrace(cutAfterOp(records, n), { backend: 'legacy' }).mm.procMaps(),
      );
    }
    expect(s.done).toBe(true);
    expect(s.tally.snapshotsMatched).toBe(s.tally.snapshots);
  });

  it('reports each op with its recorded answer and the snapshot taken after it', () => {
    const records = loadTrace('synth-mixed-1');
    const s = new TraceStepper(records);
    const firstSnap = records.find((r) => r.kind === 'maps' && r.at > 0) as { at: number; lines: string[] };
    const r = s.seek(firstSnap.at)!;
    expect(r.i).toBe(firstSnap.at);
    expect(r.snapshot).toEqual({ lines: firstSnap.lines, matched: true });
    expect(r.answer).toBe(r.expected);
  });

  it('counts a wrong answer: a trace whose recorded answer was altered', () => {
    const records = loadTrace('real-python').map((r) => ({ ...r })) as TraceRecord[];
    const op = records.find((r) => r.kind === 'op' && r.op === 'mmap' && r.ret !== undefined) as {
      i: number;
      ret: string;
    };
    op.ret = '0x1000';
    const s = new TraceStepper(records);
    s.run();
    expect(s.tally.answersMatched).toBe(s.tally.answered - 1);
    expect(s.tally.firstAnswerMismatch).toMatchObject({ i: op.i, op: 'mmap', expected: 0x1000 });
  });

  it('rejects a trace with no starting layout, and an op on a file never opened', () => {
    const records = loadTrace('real-python');
    expect(() => new TraceStepper(records.filter((r) => r.kind !== 'maps'))).toThrow(
      /an op before the at:0 maps record/,
    );
    const noOpen = records.filter((r) => r.kind !== 'open');
    expect(() => new TraceStepper(noOpen).run()).toThrow(/fd \d+ was never opened/);
  });
});
