// VMA replays in the manner of the kernel's check_erase2_sets
// (tools/testing/radix-tree/maple.c): the stores, NULL stores and erases a
// VMA tree sees, then replayed on fresh trees and checked step by step.
//
// The writes come from the recorded Linux traces in
// packages/vma-mm/fixtures/traces: each trace is replayed by @maple-tree/vma-mm
// on its maple backend while every storeRange on that address space's tree
// is recorded (a spy on MapleTree.prototype.storeRange, filtered by the
// tree). The log is then replayed onto a gap-tracking tree, the same in RCU
// mode, and a plain tree, each beside the reference model: validate() after
// writes, the contents compared, and the gap searches an mmap would make.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { MAPLE_MAX, MapleTree } from '@maple-tree/core';
import { MapleIndex, parseTrace, replayTrace } from '@maple-tree/vma-mm';
import { describe, expect, it, vi } from 'vitest';
import { MapleModel } from '../src/model.js';
import { Random } from '../src/random.js';

/** One write the VMA tree saw: `storeRange(first, last, vma)`, the VMA as a number (0 for NULL). */
type Write = readonly [first: number, last: number, vma: number];

interface Recording {
  writes: Write[];
  /** The address space's tree at the end, with VMAs as the same numbers. */
  final: Array<[number, number, number]>;
}

function record(trace: string): Recording {
  const file = new URL(`../../vma-mm/fixtures/traces/${trace}`, import.meta.url);
  const records = parseTrace(gunzipSync(readFileSync(file)).toString('utf8'));
  const spy = vi.spyOn(MapleTree.prototype, 'storeRange');
  try {
    const { mm } = replayTrace(records, { backend: 'maple' });
    const index = mm.index;
    if (!(index instanceof MapleIndex)) throw new Error('the replay did not use the maple backend');
    const tree = index.mapleTree;
    const ids = new Map<unknown, number>();
    const id = (vma: unknown) => {
      if (vma === undefined) return 0;
      let n = ids.get(vma);
      if (n === undefined) ids.set(vma, (n = ids.size + 1));
      return n;
    };
    const writes: Write[] = [];
    spy.mock.calls.forEach((args, n) => {
      if (spy.mock.contexts[n] === tree) writes.push([args[0], args[1], id(args[2])]);
    });
    const final = [...tree].map((e): [number, number, number] => [e.first, e.last, id(e.value)]);
    return { writes, final };
  } finally {
    spy.mockRestore();
  }
}

/** Replays `writes` on a tree made with `options` and on the model, checking as it goes. */
function replay(writes: readonly Write[], options: { allocRange: boolean; rcu: boolean }, seed: number) {
  const tree = new MapleTree<number>(options);
  const model = new MapleModel<number>({ allocRange: options.allocRange });
  const r = new Random(seed);
  let top = 0;
  for (const [n, [first, last, vma]] of writes.entries()) {
    tree.storeRange(first, last, vma === 0 ? undefined : vma);
    model.storeRange(first, last, vma === 0 ? undefined : vma);
    if (last !== MAPLE_MAX) top = Math.max(top, last);
    if (model.size < 400 || n % 64 === 0) tree.validate();
    if (n % 16 === 0) {
      // the searches get_unmapped_area makes, bottom-up and top-down
      const size = 1 + r.below(r.below(2) === 0 ? 16 : 4096);
      const hi = Math.min(MAPLE_MAX, top + r.below(1 << 20));
      const lo = r.below(Math.max(1, hi - size));
      expect(tree.emptyArea(lo, hi, size)).toBe(model.emptyArea(lo, hi, size));
      expect(tree.emptyAreaRev(lo, hi, size)).toBe(model.emptyAreaRev(lo, hi, size));
      const probe = first + r.below(last - first + 1);
      expect(tree.find(probe)).toEqual(model.find(probe));
      expect(tree.prev(probe)).toEqual(model.prev(probe));
    }
    if (n % 256 === 0) expect([...tree]).toEqual([...model]);
  }
  tree.validate();
  expect([...tree]).toEqual([...model]);
  return tree;
}

const TRACES = [
  'real-python.jsonl.gz',
  'real-perl.jsonl.gz',
  'real-cc1.jsonl.gz',
  'synth-mixed-1.jsonl.gz',
  'synth-extra-51.jsonl.gz',
  'synth-i386-31.jsonl.gz',
  'synth-legacy-32.jsonl.gz',
];

/** Grows past 10 000 VMAs (29 540 writes): replayed on the VMA configuration only, to keep CI short. */
const LARGE = 'synth-many-3.jsonl.gz';

describe.each([...TRACES, LARGE])('VMA tree writes of %s', (trace) => {
  const recording = record(trace);

  it('records stores and NULL stores, and the log rebuilds the address space', () => {
    expect(recording.writes.length).toBeGreaterThan(100);
    expect(recording.writes.some((w) => w[2] === 0)).toBe(true);
    const tree = replay(recording.writes, { allocRange: true, rcu: false }, 1);
    expect([...tree].map((e) => [e.first, e.last, e.value])).toEqual(recording.final);
  });

  if (trace !== LARGE) {
    it.each([
      { allocRange: true, rcu: true },
      { allocRange: false, rcu: false },
    ])('replays on a tree with %o', (options) => {
      replay(recording.writes, options, 2);
    });
  }
});
