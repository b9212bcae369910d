import { describe, expect, it } from 'vitest';
import { expectValid } from '../test/helpers.js';
import { prng } from '../test/prng.js';
import { ARANGE_64, GAP_STRIDE, LEAF_64, PIVOT_STRIDE, SLOT_STRIDE } from './constants.js';
import { MAPLE_MAX } from './errors.js';
import { pivotOf } from './pivots.js';
import { resetStoreStats, storeStats } from './stats.js';
import { MapleTree } from './tree.js';

/**
 * Every word of every node of two trees, compared node for node from the
 * roots: type, end, all 16 slots (a leaf's by value), all pivots (the unused
 * ones too), and an arange node's gaps and largest-gap offset. Handles may
 * differ. Returns the first difference, or '' when there is none.
 */
function rawDiff(a: MapleTree<number>, b: MapleTree<number>): string {
  const ca = a.core;
  const cb = b.core;
  if (ca.height !== cb.height) return `height ${ca.height} vs ${cb.height}`;
  if (ca.count !== cb.count) return `count ${ca.count} vs ${cb.count}`;
  if ((ca.root === 0) !== (cb.root === 0)) return 'one tree has no root node';
  const stack: [number, number, string][] = ca.root === 0 ? [] : [[ca.root, cb.root, 'root']];
  const na = ca.arena;
  const nb = cb.arena;
  while (stack.length > 0) {
    const [ha, hb, at] = stack.pop() as [number, number, string];
    const type = na.type[ha] as number;
    if (type !== nb.type[hb]) return `${at}: type ${type} vs ${nb.type[hb]}`;
    if (na.end[ha] !== nb.end[hb]) return `${at}: end ${na.end[ha]} vs ${nb.end[hb]}`;
    for (let i = 0; i < PIVOT_STRIDE - 1; i++) {
      const pa = pivotOf(na, ha, i);
      const pb = pivotOf(nb, hb, i);
      if (pa !== pb) return `${at}: pivot ${i} ${pa} vs ${pb}`;
    }
    for (let i = 0; i < SLOT_STRIDE; i++) {
      const sa = na.slots[ha * SLOT_STRIDE + i] as number;
      const sb = nb.slots[hb * SLOT_STRIDE + i] as number;
      if ((sa === 0) !== (sb === 0)) return `${at}: slot ${i} ${sa} vs ${sb}`;
      if (sa === 0) continue;
      if (type === LEAF_64) {
        if (ca.values.get(sa) !== cb.values.get(sb)) return `${at}: value in slot ${i}`;
      } else stack.push([sa, sb, `${at}/${i}`]);
    }
    if (type === ARANGE_64) {
      if (na.gapOffset[ha] !== nb.gapOffset[hb]) return `${at}: gap offset`;
      for (let i = 0; i < GAP_STRIDE; i++) {
        const ga = na.gaps[(na.gapBase[ha] as number) + i];
        const gb = nb.gaps[(nb.gapBase[hb] as number) + i];
        if (ga !== gb) return `${at}: gap ${i} ${ga} vs ${gb}`;
      }
    }
  }
  return '';
}

/**
 * Runs the same stores on a plain tree (leaf splits and pushes in place) and
 * an RCU-mode one (every split through the big node), comparing them word
 * for word as they go. `next` gives each store; undefined values erase.
 */
function sameAsBigNodePath(
  allocRange: boolean,
  ops: number,
  next: (op: number) => [number, number, number | undefined],
): { plain: MapleTree<number>; rcu: MapleTree<number>; stats: typeof storeStats } {
  const plain = new MapleTree<number>({ allocRange });
  const rcu = new MapleTree<number>({ allocRange, rcu: true });
  const stats = { ...storeStats };
  for (let op = 0; op < ops; op++) {
    const [first, last, value] = next(op);
    resetStoreStats();
    plain.storeRange(first, last, value);
    for (const k of Object.keys(stats) as (keyof typeof storeStats)[]) stats[k] += storeStats[k];
    rcu.storeRange(first, last, value);
    if (op % 97 === 0 || op === ops - 1) {
      const diff = rawDiff(plain, rcu);
      if (diff !== '') expect.fail(`after op ${op} [${first}, ${last}]: ${diff}`);
    }
  }
  expectValid(plain);
  expectValid(rcu);
  return { plain, rcu, stats };
}

describe('splits and pushes in place (leaf-split.ts, and push-in-place.ts above the leaves)', () => {
  for (const allocRange of [false, true]) {
    it(`random-order ranges with holes: the same nodes as the big-node path (allocRange ${allocRange})`, () => {
      // The benchmark's layout: each store into an empty range adds two slots.
      const n = 3000;
      const order = Array.from({ length: n }, (_, i) => i);
      const r = prng(allocRange ? 5 : 6);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      const start = (i: number) => i * 10 + Math.floor(i / 97) * 20;
      const { stats } = sameAsBigNodePath(allocRange, n, (op) => {
        const i = order[op] as number;
        return [start(i), start(i) + 5, i];
      });
      expect(stats.pushLeft).toBeGreaterThan(50);
      expect(stats.pushRight).toBeGreaterThan(20);
      expect(stats.splitStore - stats.pushLeft - stats.pushRight).toBeGreaterThan(20);
    });

    it(`overlapping stores and erases cutting heads and tails (allocRange ${allocRange})`, () => {
      const r = prng(allocRange ? 11 : 12);
      const { stats } = sameAsBigNodePath(allocRange, 6000, (op) => {
        const first = Math.floor(r() * 20000);
        const last = first + Math.floor(r() * (r() < 0.8 ? 4 : 60));
        return [first, last, r() < 0.15 ? undefined : op];
      });
      expect(stats.pushLeft).toBeGreaterThan(0);
      expect(stats.pushRight).toBeGreaterThan(0);
      expect(stats.splitStore).toBeGreaterThan(stats.pushLeft + stats.pushRight);
    });
  }

  for (const allocRange of [false, true]) {
    it(`near MAPLE_MAX (the last leaf keeps a slot more) and past 2^31 (64-bit pivots; allocRange ${allocRange})`, () => {
      const r = prng(allocRange ? 18 : 17);
      const { plain } = sameAsBigNodePath(allocRange, 3000, (op) => {
        // Half the stores near the top of the key space, half just past 2^31 once op passes 1500.
        const base = op % 2 === 0 ? MAPLE_MAX - 40000 : op > 1500 ? 2 ** 31 : 0;
        const first = base + Math.floor(r() * 39000);
        const last = Math.min(MAPLE_MAX, first + Math.floor(r() * 5));
        return [first, r() < 0.05 ? MAPLE_MAX : last, op];
      });
      expect(plain.core.arena.wide).toBe(true);
    });
  }

  it('a store that widens the pivots in the leaf it splits', () => {
    // Small keys fill one leaf to the brim; the next store, past 2^31, splits it.
    const plain = new MapleTree<number>();
    const rcu = new MapleTree<number>({ rcu: true });
    for (let i = 0; i < 7; i++) {
      plain.storeRange(i * 4 + 1, i * 4 + 2, i);
      rcu.storeRange(i * 4 + 1, i * 4 + 2, i);
    }
    expect(plain.height).toBe(1);
    expect(plain.core.arena.end[plain.core.root]).toBe(14);
    resetStoreStats();
    plain.storeRange(2 ** 31 + 5, 2 ** 31 + 9, 99);
    expect(storeStats.splitStore).toBe(1);
    expect(plain.height).toBe(2);
    rcu.storeRange(2 ** 31 + 5, 2 ** 31 + 9, 99);
    expect(plain.core.arena.wide).toBe(true);
    expect(rawDiff(plain, rcu)).toBe('');
    expect(plain.load(2 ** 31 + 7)).toBe(99);
    expectValid(plain);
  });
});
