import { describe, expect, it } from 'vitest';
import { leaves } from '../test/helpers.js';
import { MAPLE_MAX } from './errors.js';
import { MapleTree } from './tree.js';
import {
  descend,
  levelNext,
  lookup,
  nextSlot,
  prevSlot,
  slotMax,
  slotMin,
  slotValue,
  Walker,
} from './walk.js';

function bigTree(allocRange: boolean): MapleTree<number> {
  const t = new MapleTree<number>({ allocRange });
  for (let i = 0; i < 3000; i++) t.storeRange(i * 5, i * 5 + (i % 3), i);
  return t;
}

describe('walkers', () => {
  for (const allocRange of [false, true]) {
    it(`steps through every slot forwards and backwards (allocRange ${allocRange})`, () => {
      const t = bigTree(allocRange);
      const core = t.core;
      expect(t.height).toBeGreaterThanOrEqual(3);
      const w = new Walker();
      descend(core, w, core.root, 0);
      const forward: string[] = [];
      let prevMax = -1;
      do {
        const lo = slotMin(core, w);
        const hi = slotMax(core, w);
        expect(lo).toBe(prevMax + 1);
        prevMax = hi;
        forward.push(`${lo}-${hi}:${slotValue(core, w)}`);
      } while (nextSlot(core, w));
      expect(prevMax).toBe(MAPLE_MAX);
      expect(nextSlot(core, w)).toBe(false);
      const backward: string[] = [];
      do backward.push(`${slotMin(core, w)}-${slotMax(core, w)}:${slotValue(core, w)}`);
      while (prevSlot(core, w));
      expect(slotMin(core, w)).toBe(0);
      expect(backward.reverse()).toEqual(forward);
    });

    it(`levelNext visits each level's nodes in key order (allocRange ${allocRange})`, () => {
      const t = bigTree(allocRange);
      const core = t.core;
      const expected = leaves(t).map((l) => l.node);
      let h = expected[0] as number;
      const seen = [h];
      while ((h = levelNext(core, h)) !== 0) seen.push(h);
      expect(seen).toEqual(expected);
    });

    it(`lookup agrees with a descent at every slot edge (allocRange ${allocRange})`, () => {
      const t = bigTree(allocRange);
      const core = t.core;
      const w = new Walker();
      for (let i = 0; i < 15_100; i += 1) {
        descend(core, w, core.root, i);
        expect(lookup(core, i)).toBe(slotValue(core, w));
      }
      expect(lookup(core, MAPLE_MAX)).toBe(0);
    });
  }
});
