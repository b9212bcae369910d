// What the core's trace hook reports during the replay of real calls, and
// what the visualiser makes of it: the gap search of a kernel-placed mmap
// finds the address the call returned, walks start at the root and end in a
// leaf, and a detached recorder records nothing.
import { inspectNodes } from '@maple-tree/core';
import { describe, expect, it } from 'vitest';
import { mapleTreeOf } from '../src/model/layout.js';
import { countActivity, eventLine, highlightOf, OpRecorder } from '../src/model/op-trace.js';
import { TraceStepper } from '../src/model/trace-stepper.js';
import { loadTrace } from './helpers.js';

const isKernelPlacedMmap = (r: { kind: string; op?: string; addr?: unknown; flags?: unknown }) =>
  r.kind === 'op' && r.op === 'mmap' && r.addr === '0x0' && !(r.flags as string[]).includes('FIXED');

describe('OpRecorder and highlightOf', () => {
  it('a kernel-placed mmap: the top-down gap search finds the returned address, then the store', () => {
    const records = loadTrace('real-python');
    const op = records.find(isKernelPlacedMmap) as { i: number };
    const s = new TraceStepper(records);
    s.seek(op.i - 1);
    const rec = new OpRecorder();
    rec.attach(s.mm);
    const tree = mapleTreeOf(s.mm)!;
    const before = [...inspectNodes(tree)];
    const root = before[0]!.handle;
    const r = rec.record(() => s.step())!;
    expect(r.i).toBe(op.i);
    expect(r.answer).toBeGreaterThan(0);
    const ps = s.mm.pageSize;
    const search = rec.events.find((e) => e.fn === 'mas_empty_area_rev')!;
    expect(search.found).toBe(true);
    expect(search.index * ps).toBe(r.answer);
    expect(search.path[0]).toBe(root);
    for (const h of search.path) expect(before.some((n) => n.handle === h)).toBe(true);
    const store = rec.events.filter((e) => e.kind === 'write').at(-1)!;
    expect(store.value?.start).toBe(r.answer);
    const hl = highlightOf(rec.events, ps);
    expect(hl.search).toEqual(search.path);
    expect(hl.walk).toEqual(store.path);
    expect(hl.walk[0]).toBe(root);
    expect(before.find((n) => n.handle === hl.walk.at(-1))?.type).toBe('leaf_64');
    expect(hl.lines).toHaveLength(rec.events.length);
    expect(hl.lines).toContain(eventLine(search, ps));
    expect(eventLine(search, ps)).toBe(
      `ma_op mas_empty_area_rev ${search.size} pages: found [0x${r.answer!.toString(16)}, ` +
        `0x${(r.answer! + search.size * ps).toString(16)}); entered ${search.path.map((h) => `#${h}`).join(' > ')}`,
    );
    expect(hl.label).toMatch(
      /^mas_empty_area_rev entered \d+ nodes? \(numbered\); \d+ stores?, the last one's walk outlined$/,
    );
  });

  it('records nothing once detached, and nothing on the legacy backend', () => {
    const records = loadTrace('real-python');
    const s = new TraceStepper(records);
    const rec = new OpRecorder();
    rec.attach(s.mm);
    rec.record(() => s.seek(5)); // brk(0) first, then mmaps
    expect(rec.events.length).toBeGreaterThan(0);
    // outside record(): reads of the tree (procMaps) are not kept
    rec.clear();
    s.mm.procMaps();
    s.step();
    expect(rec.events).toEqual([]);
    rec.detach();
    rec.record(() => s.seek(50));
    expect(rec.events).toEqual([]);
    expect(mapleTreeOf(s.mm)!.trace).toBeNull();
    const legacy = new TraceStepper(records, 'legacy');
    rec.attach(legacy.mm);
    rec.record(() => legacy.seek(50));
    expect(rec.events).toEqual([]);
    expect(highlightOf([], 4096)).toEqual({
      walk: [],
      search: [],
      lines: [],
      label: 'the tree was not touched',
    });
  });

  it('countActivity counts what a recorder sees, call by call, and restores the previous hook', () => {
    const records = loadTrace('real-python');
    const a = new TraceStepper(records);
    const rec = new OpRecorder();
    rec.attach(a.mm);
    const stores: Record<string, number> = {};
    let searches = 0;
    let entered = 0;
    while (!a.done) {
      rec.record(() => a.step());
      for (const e of rec.events) {
        if (e.kind === 'write') stores[e.storeType] = (stores[e.storeType] ?? 0) + 1;
        if (e.fn.startsWith('mas_empty_area')) {
          searches++;
          entered += e.path.length;
        }
      }
    }
    const b = new TraceStepper(records);
    const mine = () => {};
    mapleTreeOf(b.mm)!.trace = mine;
    const activity = countActivity(b.mm, () => b.run())!;
    expect(mapleTreeOf(b.mm)!.trace).toBe(mine);
    expect(activity.stores).toEqual(stores);
    expect(activity.gapSearches).toBe(searches);
    expect(activity.nodesEntered).toBe(entered);
    const placed = records.filter(isKernelPlacedMmap).length;
    expect(searches).toBeGreaterThanOrEqual(placed);
    expect(countActivity(new TraceStepper(records, 'legacy').mm, () => {})).toBeUndefined();
  });
});
