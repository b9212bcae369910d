// The versioned mirror: a snapshot pinned at op N keeps showing op N's VMAs
// while the replay goes on, holds back the nodes later writes retire, and
// the comparison lists exactly the maps lines that differ.
import { replayTrace } from '@maple-tree/vma-mm';
import { describe, expect, it } from 'vitest';
import { readLayout } from '../src/model/layout.js';
import { type MirrorEntry, RcuMirror } from '../src/model/rcu-mirror.js';
import { TraceStepper } from '../src/model/trace-stepper.js';
import { cutAfterOp, loadTrace } from './helpers.js';

function entriesOf(stepper: TraceStepper): MirrorEntry[] {
  const ps = stepper.mm.pageSize;
  return readLayout(stepper.mm).regions.map((r) => ({
    first: r.start / ps,
    last: r.end / ps - 1,
    line: r.line,
  }));
}

describe('RcuMirror', () => {
  it('pins op 100 of the python trace, replays on, and compares', () => {
    const records = loadTrace('real-python');
    const s = new TraceStepper(records);
    const mirror = new RcuMirror();
    s.seek(100);
    mirror.sync(entriesOf(s));
    const at100 = entriesOf(s).map((e) => e.line);
    expect([...mirror.tree.entries()].map((e) => e.value)).toEqual(at100);
    const snap = mirror.pin();
    const pinnedVersion = mirror.tree.version;
    expect(snap.version).toBe(pinnedVersion);
    let writes = 0;
    while (!s.done) {
      s.step();
      writes += mirror.sync(entriesOf(s));
    }
    expect(mirror.tree.version).toBe(pinnedVersion + writes);
    expect([...snap.entries()].map((e) => e.value)).toEqual(at100);
    expect([...mirror.tree.entries()].map((e) => e.value)).toEqual(entriesOf(s).map((e) => e.line));
    const held = mirror.tree.retiredNodes;
    expect(held).toBeGreaterThan(0);

    const before = replayTrace(cutAfterOp(records, 100)).mm.procMaps().trimEnd().split('\n').slice(0, -1);
    const after = replayTrace(records).mm.procMaps().trimEnd().split('\n').slice(0, -1); // [vsyscall] is not in the tree
    const diff = mirror.compare()!;
    expect(new Set(diff.added)).toEqual(new Set(after.filter((l) => !before.includes(l))));
    expect(new Set(diff.removed)).toEqual(new Set(before.filter((l) => !after.includes(l))));
    expect(diff.same).toBe(after.filter((l) => before.includes(l)).length);

    expect(mirror.release()).toBe(held);
    expect(mirror.tree.retiredNodes).toBe(0);
    expect(mirror.compare()).toBeNull();
  });

  it('writes nothing when nothing changed', () => {
    const s = new TraceStepper(loadTrace('real-python'));
    const mirror = new RcuMirror();
    const first = mirror.sync(entriesOf(s));
    expect(first).toBe(s.mm.mapCount);
    expect(mirror.sync(entriesOf(s))).toBe(0);
  });
});
