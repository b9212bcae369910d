// Real programs (cc1, perl, python) under strace: every answer must be the
// kernel's. Their final maps may differ only where page faults the log does
// not show decided the layout: (a) anonymous VMAs the kernel kept apart
// because their anon_vma identities differ (we, never having seen the
// faults, merged them), and (b) the [stack] VMA grown downwards by faults.
// Each test asserts the exact number of such lines, and that every
// differing line is of one of those kinds.
import { describe, expect, it } from 'vitest';
import { type BackendName, diffMaps, parseMapsLine, replayTrace, type TraceRecord } from '../src/index.js';
import { loadTrace } from './fixtures.js';

interface Explained {
  /** Kernel lines that are pieces of one anonymous VMA of ours (fault-decided non-merges). */
  faultSplitLines: number;
  /** [stack] lines that differ only by a lower start (stack grown by faults). */
  stackGrowthLines: number;
  /** Differences of any other kind (must be none). */
  unexplained: string[];
}

function isPrivateAnon(line: string): boolean {
  const l = parseMapsLine(line);
  return l.inode === 0 && l.name === '' && l.perms.endsWith('p');
}

/** Classify every differing line of a final snapshot. */
function classify(expected: string[], actual: string[]): Explained {
  const { missing, extra } = diffMaps(expected, actual);
  const out: Explained = { faultSplitLines: 0, stackGrowthLines: 0, unexplained: [] };
  const usedMissing = new Set<string>();
  for (const ours of extra) {
    const o = parseMapsLine(ours);
    if (o.name === '[stack]') {
      const k = missing.find((m) => {
        const e = parseMapsLine(m);
        return e.name === '[stack]' && e.end === o.end && e.start < o.start && e.perms === o.perms;
      });
      if (k) {
        usedMissing.add(k);
        out.stackGrowthLines++;
        continue;
      }
    }
    if (isPrivateAnon(ours)) {
      // The kernel's lines inside ours must tile it exactly, all anonymous with our permissions.
      const pieces = missing
        .map((m) => ({ m, e: parseMapsLine(m) }))
        .filter(({ e }) => e.start >= o.start && e.end <= o.end)
        .sort((x, y) => (x.e.start < y.e.start ? -1 : 1));
      let at = o.start;
      const tiled = pieces.every(({ m, e }) => {
        const ok = e.start === at && isPrivateAnon(m) && e.perms === o.perms;
        at = e.end;
        return ok;
      });
      if (pieces.length >= 2 && tiled && at === o.end) {
        for (const { m } of pieces) usedMissing.add(m);
        out.faultSplitLines += pieces.length;
        continue;
      }
    }
    out.unexplained.push(`extra: ${ours}`);
  }
  for (const m of missing) if (!usedMissing.has(m)) out.unexplained.push(`missing: ${m}`);
  return out;
}

const CASES: { name: string; faultSplitLines: number; stackGrowthLines: number }[] = [
  // cc1: one heap arena the kernel kept as two VMAs (7ffff6a03000-7ffff7402000 and
  // 7ffff7402000-7ffff7800000, faulted apart); its stack grew to 7fffffebe000.
  { name: 'real-cc1', faultSplitLines: 2, stackGrowthLines: 1 },
  // perl: two adjacent anonymous regions (7ffff491d000-7ffff4db1000, 7ffff4db1000-7ffff5023000)
  // with different anon_vmas, which we merge.
  { name: 'real-perl', faultSplitLines: 2, stackGrowthLines: 0 },
  // python: the final maps are identical.
  { name: 'real-python', faultSplitLines: 0, stackGrowthLines: 0 },
];

function finalMaps(records: TraceRecord[]): { at: number; lines: string[] } {
  const maps = records.filter((r) => r.kind === 'maps') as { at: number; lines: string[] }[];
  return maps[maps.length - 1]!;
}

describe.each(['maple', 'legacy'] as BackendName[])('real traces on the %s backend', (backend) => {
  it.each(CASES)('$name: every answer exact, final maps differ only by fault-decided lines', (c) => {
    const records = loadTrace(c.name);
    const r = replayTrace(records, { backend });
    expect(r.answered).toBe(r.ops);
    expect(r.answersMatched, JSON.stringify(r.answerMismatches[0])).toBe(r.ops);
    const fin = finalMaps(records);
    const ours = r.mm.procMaps().trimEnd().split('\n');
    const got = classify(fin.lines, ours);
    expect(got.unexplained).toEqual([]);
    expect(got.faultSplitLines).toBe(c.faultSplitLines);
    expect(got.stackGrowthLines).toBe(c.stackGrowthLines);
    r.mm.validate();
  });
});
