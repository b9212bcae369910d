// Snapshots of the address space's own maple tree: a version pinned at op N keeps
// showing op N's VMAs while the replay goes on, holds back the nodes later writes
// retire, and the comparison lists exactly the maps lines that differ.
import { VersionedMapleTree } from '@maple-tree/rcu';
import { MAP, PROT, replayTrace } from '@maple-tree/vma-mm';
import { describe, expect, it } from 'vitest';
import { mapleTreeOf } from '../src/model/layout.js';
import { eventsNow, nodePlaces, OpRecorder } from '../src/model/op-trace.js';
import { TraceStepper } from '../src/model/trace-stepper.js';
import { TreeSnapshots, versionedMmTree } from '../src/model/tree-snapshots.js';
import { readTree } from '../src/model/tree-view.js';
import { cutAfterOp, loadTrace } from './helpers.js';

const mapsOf = (lines: string) => lines.trimEnd().split('\n').slice(0, -1); // [vsyscall] is not in the tree

describe('TreeSnapshots', () => {
  it('pins op 100 of the python trace in the real tree, replays on, and compares', () => {
    const records = loadTrace('real-python');
    const s = new TraceStepper(records, 'maple', { mapleTree: versionedMmTree });
    const tree = mapleTreeOf(s.mm);
    expect(tree).toBeInstanceOf(VersionedMapleTree);
    const snaps = new TreeSnapshots();
    snaps.follow(s.mm);
    expect(snaps.tree).toBe(tree);
    s.seek(100);
    const before = mapsOf(replayTrace(cutAfterOp(records, 100)).mm.procMaps());
    expect(mapsOf(s.mm.procMaps())).toEqual(before);
    const snap = snaps.pin();
    const pinnedVersion = snaps.tree!.version;
    expect(snap.version).toBe(pinnedVersion);
    const pinnedRanges = [...snap.entries()].map((e) => [e.first, e.last]);
    s.run();
    expect(snaps.tree).toBe(tree); // stepping on writes the same tree
    expect(snaps.tree!.version).toBeGreaterThan(pinnedVersion);
    expect(snap.version).toBe(pinnedVersion);
    expect([...snap.entries()].map((e) => [e.first, e.last])).toEqual(pinnedRanges);
    const held = snaps.tree!.retiredNodes;
    expect(held).toBeGreaterThan(0);

    const after = mapsOf(replayTrace(records).mm.procMaps());
    const diff = snaps.compare()!;
    expect(new Set(diff.added)).toEqual(new Set(after.filter((l) => !before.includes(l))));
    expect(new Set(diff.removed)).toEqual(new Set(before.filter((l) => !after.includes(l))));
    expect(diff.same).toBe(after.filter((l) => before.includes(l)).length);

    expect(snaps.release()).toBe(held);
    expect(snaps.tree!.retiredNodes).toBe(0);
    expect(snaps.compare()).toBeNull();
    expect(snaps.release()).toBe(0);
  });

  it("keeps a pinned VMA's line when the mm changes the VMA in place", () => {
    const s = new TraceStepper(loadTrace('real-python'), 'maple', { mapleTree: versionedMmTree });
    const snaps = new TreeSnapshots();
    snaps.follow(s.mm);
    const mm = s.mm;
    const at = mm.mmap(0, 0x3000, PROT.READ | PROT.WRITE, MAP.PRIVATE | MAP.ANONYMOUS);
    const line = mm
      .procMaps()
      .split('\n')
      .find((l) => l.startsWith(at.toString(16)))!;
    snaps.pin();
    const version = snaps.tree!.version;
    expect(mm.mprotect(at, 0x3000, PROT.READ)).toBe(0);
    expect(snaps.tree!.version).toBe(version); // flags changed in place: no write to the tree
    const diff = snaps.compare()!;
    expect(diff.removed).toEqual([line]);
    expect(diff.added).toEqual([line.replace(' rw-p ', ' r--p ')]);
  });

  it('keeps the pinned tree when the replay starts again in a new one, and refuses a plain tree', () => {
    const records = loadTrace('real-python');
    const s = new TraceStepper(records, 'maple', { mapleTree: versionedMmTree });
    const snaps = new TreeSnapshots();
    s.seek(50);
    snaps.follow(s.mm);
    const first = snaps.tree!;
    snaps.pin();
    s.seek(10);
    snaps.follow(s.mm);
    expect(snaps.tree).not.toBe(first);
    expect(snaps.pinnedTree).toBe(first);
    const before = mapsOf(replayTrace(cutAfterOp(records, 50)).mm.procMaps());
    const now = mapsOf(s.mm.procMaps());
    const diff = snaps.compare()!;
    expect(new Set(diff.removed)).toEqual(new Set(before.filter((l) => !now.includes(l))));
    expect(new Set(diff.added)).toEqual(new Set(now.filter((l) => !before.includes(l))));

    const plain = new TreeSnapshots();
    plain.follow(new TraceStepper(records).mm);
    expect(plain.tree).toBeNull();
    expect(() => plain.pin()).toThrow(/no versioned maple tree/);
  });
});

describe('eventsNow', () => {
  it('names the nodes a call walked as they are after it, in RCU mode where every write copies its path', () => {
    const records = loadTrace('real-python');
    const s = new TraceStepper(records, 'maple', { mapleTree: versionedMmTree });
    const rec = new OpRecorder();
    rec.attach(s.mm);
    let raw = 0;
    let placed = 0;
    let walks = 0;
    while (!s.done) {
      const r = rec.record(() => s.step())!;
      if (r.answer === undefined) continue;
      const tree = mapleTreeOf(s.mm)!;
      const live = new Set(readTree(tree).levels.flatMap((l) => l.map((n) => n.handle)));
      const now = rec.eventsNow();
      expect(now.map((e) => e.fn)).toEqual(rec.events.map((e) => e.fn));
      for (const [k, e] of now.entries()) {
        raw += rec.events[k]!.path.filter((h) => live.has(h)).length;
        placed += e.path.filter((h) => live.has(h)).length;
        if (e.kind === 'write') {
          // a write's walk, named now, is the path from the root towards its index (the tree
          // can have grown a level since)
          walks++;
          expect(e.path.length).toBeLessThanOrEqual(tree.height);
          const places = nodePlaces(tree);
          for (const [d, h] of e.path.entries()) {
            const p = places.get(h)!;
            expect(p.depth).toBe(d);
            expect(p.min <= e.index && e.index <= p.max).toBe(true);
          }
        }
      }
    }
    expect(walks).toBeGreaterThan(100);
    expect(placed).toBeGreaterThan(raw);
  });

  it('leaves events alone when their nodes are where they were', () => {
    const s = new TraceStepper(loadTrace('real-python'));
    const rec = new OpRecorder();
    rec.attach(s.mm);
    s.seek(20);
    const tree = mapleTreeOf(s.mm)!;
    rec.record(() => tree.load(0));
    const places = nodePlaces(tree);
    expect(eventsNow(rec.events, places, places)).toEqual(rec.events);
    expect(rec.eventsNow()[0]).toBe(rec.events[0]);
  });
});
