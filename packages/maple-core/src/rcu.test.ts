import { describe, expect, it } from 'vitest';
import { expectValid } from '../test/helpers.js';
import { RangeModel } from '../test/model.js';
import { GAP_STRIDE, LEAF_64, SLOT_STRIDE } from './constants.js';
import type { TreeCore } from './core.js';
import { MAPLE_MAX } from './errors.js';
import { EntryIterator } from './iterate.js';
import { pivotOf } from './pivots.js';
import { resetStoreStats, storeStats } from './stats.js';
import { MapleTree } from './tree.js';
import { descend, lookupFrom, nextSlot, slotMax, slotMin, slotValue, Walker } from './walk.js';

/** Every field (but parent links) of every node reachable from `root`, as text. */
function snapshotNodes<V>(core: TreeCore<V>, root: number): string {
  const a = core.arena;
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const h = stack.pop() as number;
    const end = a.end[h] as number;
    out.push(
      `${h}:${a.type[h]}:${end}:${[...a.slots.subarray(h * SLOT_STRIDE, h * SLOT_STRIDE + 16)]}:${Array.from({ length: 15 }, (_, i) => pivotOf(a, h, i))}:${[...a.gaps.subarray(a.gapBase[h] as number, (a.gapBase[h] as number) + GAP_STRIDE)]}`,
    );
    if (a.type[h] !== LEAF_64)
      for (let i = 0; i <= end; i++) stack.push(a.slots[h * SLOT_STRIDE + i] as number);
  }
  return out.join('\n');
}

function churn(t: MapleTree<number>, model: RangeModel<number>): void {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < 600; k++) {
    const a = rnd(6000);
    const op = rnd(4);
    const b = a + (op === 0 ? rnd(400) : rnd(4));
    const v = op === 3 ? undefined : 10_000 + k;
    t.storeRange(a, b, v);
    model.store(a, b, v);
  }
}

/** Every range of the version rooted at `root` (walked without parent links), as text. */
function versionContents<V>(core: TreeCore<V>, root: number, rootValue: number): string {
  if (root === 0) return rootValue === 0 ? '' : `0-0:${String(core.values.get(rootValue))}`;
  const w = new Walker();
  descend(core, w, root, 0);
  const out: string[] = [];
  do {
    const v = slotValue(core, w);
    if (v !== 0) out.push(`${slotMin(core, w)}-${slotMax(core, w)}:${String(core.values.get(v))}`);
  } while (nextSlot(core, w));
  return out.join(',');
}

describe('RCU mode', () => {
  it('many versions stay readable at once while their nodes are retired, not reclaimed', () => {
    for (const allocRange of [false, true]) {
      const t = new MapleTree<number>({ rcu: true, allocRange });
      const core = t.core;
      const retired: number[] = [];
      core.setReclaimer({ retireNode: (h) => retired.push(h), retireValue: () => {} });
      const model = new RangeModel<number>();
      const versions: { root: number; rootValue: number; generation: number; text: string }[] = [];
      let seed = 11;
      const rnd = (n: number) => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      for (let k = 0; k < 3000; k++) {
        const a = rnd(4000);
        const b = a + (rnd(8) === 0 ? rnd(300) : rnd(3));
        const v = rnd(4) === 0 ? undefined : k + 1;
        t.storeRange(a, b, v);
        model.store(a, b, v);
        if (k % 150 === 0) {
          versions.push({
            root: core.root,
            rootValue: core.rootValue,
            generation: core.arena.generation[core.root] as number,
            text: model.ranges.map((r) => `${r.first}-${r.last}:${r.value}`).join(','),
          });
        }
      }
      expectValid(t);
      for (const ver of versions) {
        expect(versionContents(core, ver.root, ver.rootValue)).toBe(ver.text);
        const pinned = new EntryIterator(core, 0, MAPLE_MAX, ver);
        expect([...pinned].map((e) => `${e.first}-${e.last}:${e.value}`).join(',')).toBe(ver.text);
      }
      for (const h of retired) core.arena.free(h);
      core.setReclaimer(null);
      expectValid(t);
      // Once reclaimed, an old version's root handle is stale and a pinned walk says so.
      const old = versions[1];
      expect(() => [...new EntryIterator(core, 0, MAPLE_MAX, old)]).toThrow(/reclaimed/);
    }
  });

  it('a reader holding an old root keeps seeing the old contents while retired nodes are not reclaimed', () => {
    const t = new MapleTree<number>({ rcu: true, allocRange: true });
    const model = new RangeModel<number>();
    for (let i = 0; i < 500; i++) {
      t.storeRange(i * 10, i * 10 + 4, i);
      model.store(i * 10, i * 10 + 4, i);
    }
    const core = t.core;
    const retiredNodes: number[] = [];
    const retiredValues: number[] = [];
    core.setReclaimer({ retireNode: (h) => retiredNodes.push(h), retireValue: (i) => retiredValues.push(i) });
    const oldRoot = core.root;
    const before = snapshotNodes(core, oldRoot);
    const oldModel = new RangeModel<number>();
    oldModel.ranges = [...model.ranges];

    churn(t, model);
    expectValid(t);

    // The old version is bit-for-bit what it was, and answers as it did.
    expect(snapshotNodes(core, oldRoot)).toBe(before);
    for (let i = 0; i < 6500; i += 3)
      expect(core.values.get(lookupFrom(core, oldRoot, i))).toBe(oldModel.load(i));
    // The new version answers from the new model.
    for (let i = 0; i < 6500; i += 3) expect(t.load(i)).toBe(model.load(i));
    // The replaced root is dead (parent points to itself), and so were all retired nodes.
    expect(core.arena.isDead(oldRoot)).toBe(true);
    expect(retiredNodes.every((h) => core.arena.isDead(h))).toBe(true);
    expect(core.arena.retiredCount).toBe(retiredNodes.length);

    // Reclaiming gives the nodes back; the tree stays valid and reuses them.
    for (const h of retiredNodes) core.arena.free(h);
    for (const i of retiredValues) core.values.free(i);
    core.setReclaimer(null);
    expect(core.arena.retiredCount).toBe(0);
    expectValid(t);
    const live = core.arena.live;
    t.storeRange(3, 3, 1);
    expect(core.arena.live).toBeLessThanOrEqual(live + 1);
    expectValid(t);
  });

  it('without a reclaimer, retired nodes are freed at the end of each write', () => {
    const t = new MapleTree<number>({ rcu: true });
    const model = new RangeModel<number>();
    churn(t, model);
    expectValid(t);
    expect(t.core.arena.retiredCount).toBe(0);
    expect(t.core.arena.live).toBe(t.nodeCount);
  });

  it('uses no append store, and a slot store only when exactly two ranges are touched', () => {
    const plain = new MapleTree<number>();
    const rcu = new MapleTree<number>({ rcu: true });
    for (const t of [plain, rcu]) for (let i = 0; i < 8; i++) t.storeRange(i * 10, i * 10 + 9, i);
    resetStoreStats();
    plain.storeRange(90, 95, 1);
    expect(storeStats.append).toBe(1);
    rcu.storeRange(90, 95, 1);
    expect(storeStats.append).toBe(1);
    expect(storeStats.nodeStore).toBe(1);
    // Two ranges touched: a slot store in both modes.
    plain.storeRange(0, 14, 2);
    rcu.storeRange(0, 14, 2);
    expect(storeStats.slotStore).toBe(2);
    // Three ranges touched, slot count unchanged: a slot store only outside RCU mode.
    plain.storeRange(25, 44, 3);
    rcu.storeRange(25, 44, 3);
    expect(storeStats.slotStore).toBe(3);
    expect(storeStats.nodeStore).toBe(2);
    expect([...plain].map((e) => `${e.first}-${e.last}`)).toEqual(
      [...rcu].map((e) => `${e.first}-${e.last}`),
    );
  });
});
